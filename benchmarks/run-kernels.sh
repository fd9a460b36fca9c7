#!/usr/bin/env bash
# Kernel benchmark: JMH, median GFLOP/s and % of peak for the issue's five convs on 1 and 2
# threads. Usage: benchmarks/run-kernels.sh [--quick] [--kernel=A,B] [--pixels]   (JAVA_HOME
# picks the JDK to measure; --pixels times the image-to-float conversion instead)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -pl benchmarks -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt >/dev/null
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
exec "$JAVA" --add-modules=jdk.incubator.vector -cp "$CP" io.convspark.benchmarks.KernelBench "$@"
