#!/usr/bin/env bash
# Makes the notebooks runnable on this machine: Jupyter from Debian packages when missing
# (WITH_UI=1 adds the classic notebook UI), the connector jar when missing, and the project-local
# kernelspec 'spark-java' (notebooks/build/jupyter).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v jupyter >/dev/null 2>&1 || need_apt+=(jupyter-core jupyter-client)
jupyter nbconvert --version >/dev/null 2>&1 || need_apt+=(jupyter-nbconvert)
if [ "${WITH_UI:-0}" = 1 ] && ! jupyter notebook --version >/dev/null 2>&1; then
  need_apt+=(jupyter-notebook)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

if ! ls ../connector/target/convspark-connector-*.jar >/dev/null 2>&1; then
  (cd .. && mvn -B -q package -DskipTests -pl connector -am)
fi
scripts/install-kernel.sh
