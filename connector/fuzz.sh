#!/usr/bin/env bash
# Fuzzes the model loader and the image decoder for longer than `mvn verify` does.
#   connector/fuzz.sh [DURATION]      DURATION per target, libFuzzer style: 10m (default), 1h, 300s
# Crashing inputs are written to src/test/resources/io/convspark/fuzz/*Inputs/<method>/, where
# every later `mvn verify` replays them: commit them with the fix. The growing corpus lives in
# connector/.cifuzz-corpus (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10m}"
mvn -B -q install -DskipTests -pl kernels,connector -am
mvn -B -pl connector surefire:test@fuzz-model-loader surefire:test@fuzz-image-decoder \
  -Dfuzz.duration="$duration" 2>&1 | grep -E "INITED|DONE|Done [0-9]+ runs|Tests run|FAIL|Crash|==[0-9]+==" 
