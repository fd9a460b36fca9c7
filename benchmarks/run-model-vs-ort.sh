#!/usr/bin/env bash
# Whole-model images/s, ConvSpark vs ONNX Runtime (same JVM, interleaved, batch 16, median of 10).
# Usage: benchmarks/run-model-vs-ort.sh MODEL.onnx THREADS [H W]   (JAVA_HOME picks the JDK)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -pl connector -am install -DskipTests >/dev/null
mvn -B -q -pl connector dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
CP="connector/target/classes:connector/target/test-classes:$(cat connector/target/classpath.txt)"
exec "$JAVA" --add-modules=jdk.incubator.vector -XX:+IgnoreUnrecognizedVMOptions \
  --enable-native-access=ALL-UNNAMED -cp "$CP" io.convspark.bench.ModelVsOrtBench "$@"
