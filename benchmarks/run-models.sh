#!/usr/bin/env bash
# Whole-model benchmark (issue 6): ConvSpark vs ONNX Runtime on ResNet-50, MobileNetV2 and
# RegNetX-400MF (seeded full-size torchvision architectures, generated into the gitignored
# benchmarks/models/), 1 and 2 threads, interleaved in one JVM; then the Spark part. Writes
# benchmarks/results/models-jdkNN.md and .png (models-jdkNN-quick.* with --quick; --spark-only
# runs the Spark part alone into spark-jdkNN.md).
# Usage: benchmarks/run-models.sh [--quick] [--profile] [--jdk 17|25|both] [--no-spark] [--only ARCH] [--spark-only]
# On a shared machine run it under the build lock so no build competes for the cores:
#   flock /tmp/convspark-build.lock benchmarks/run-models.sh
set -euo pipefail
cd "$(dirname "$0")/.."
JDKS=both
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jdk) JDKS="$2"; shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
case "$JDKS" in
  both) JDKS="17 25" ;;
  17|25) ;;
  *) echo "--jdk must be 17, 25 or both" >&2; exit 2 ;;
esac

mvn -B -q -pl benchmarks -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt >/dev/null
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
# The JVM flags Spark's launcher adds, from the parent pom (one source of truth).
FLAGS=$(sed -n 's:.*<jvm.module.flags>\(.*\)</jvm.module.flags>.*:\1:p' pom.xml)

for JDK in $JDKS; do
  case "$JDK" in
    17) JAVA="${JAVA17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}/bin/java"; EXTRA="" ;;
    # JDK 24+ warns on Spark's sun.misc.Unsafe use unless it is allowed explicitly.
    25) JAVA="${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
        EXTRA="--sun-misc-unsafe-memory-access=allow" ;;
  esac
  echo "== JDK $JDK: $JAVA"
  # shellcheck disable=SC2086 # FLAGS and EXTRA are lists of JVM options
  "$JAVA" $FLAGS $EXTRA --enable-native-access=ALL-UNNAMED \
    "-Dbench.command=benchmarks/run-models.sh ${ARGS[*]:-} --jdk $JDK" \
    -cp "$CP" io.convspark.benchmarks.model.ModelBench --label "jdk$JDK" "${ARGS[@]}"
done
