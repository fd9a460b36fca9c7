#!/usr/bin/env bash
# Builds the notebook kernel (notebooks/kernel) and writes its kernelspec 'spark-java' under
# notebooks/build/jupyter/kernels/ (project-local: point JUPYTER_PATH at notebooks/build/jupyter).
# JAVA_BIN picks the kernel JVM (default: java on PATH; use 17 or 21, Hadoop fails on 24+),
# KERNEL_XMX its heap (default 3g).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/.."
spec="$PWD/build/jupyter/kernels/spark-java"
java_bin="${JAVA_BIN:-$(command -v java)}"

# With its unit tests (a few seconds): a broken kernel fails here, not in the first notebook.
mvn -B -q -f kernel/pom.xml package
rm -rf "$spec"
mkdir -p "$spec/lib"
cp kernel/target/nb-kernel.jar kernel/target/kernel-lib/*.jar "$spec/lib/"

# Spark's module flags, from the parent pom so tests and notebooks run Spark the same way.
flags=$(sed -n 's:.*<jvm.module.flags>\(.*\)</jvm.module.flags>.*:\1:p' "$root/pom.xml")
[ -n "$flags" ] || { echo "install-kernel: jvm.module.flags not found in pom.xml" >&2; exit 1; }
argv=("$java_bin" $flags -Djava.awt.headless=true "-Xmx${KERNEL_XMX:-3g}"
  -cp "$spec/lib/*" io.convspark.notebook.kernel.NbKernel "{connection_file}")
python3 - "$spec/kernel.json" "${argv[@]}" <<'PY'
import json, sys
json.dump({"argv": sys.argv[2:], "display_name": "Java (Spark)", "language": "java",
           "interrupt_mode": "message", "env": {"NB_CLASSPATH": "", "NB_COMPILER_OPTS": ""}},
          open(sys.argv[1], "w"), indent=1)
PY
echo "kernelspec spark-java: $spec (export JUPYTER_PATH=$PWD/build/jupyter)"
