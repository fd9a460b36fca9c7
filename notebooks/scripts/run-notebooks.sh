#!/usr/bin/env bash
# Executes notebooks headless (default: every notebooks/*.ipynb) with the 'spark-java' kernel.
# The executed copies, their HTML and logs go to notebooks/build/notebooks/. A notebook fails
# if a cell fails or if any cell wrote to stderr (log spam, stack traces). Exits 1 if any failed.
# Usage: scripts/run-notebooks.sh [NAME.ipynb ...]   (run scripts/setup-notebooks.sh first)
set -uo pipefail
cd "$(dirname "$0")/.."
export JUPYTER_PATH="$PWD/build/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
# Debian's jupyter, not a pyenv shim that may shadow it on PATH.
jupyter=/usr/bin/jupyter
[ -x "$jupyter" ] || jupyter=$(command -v jupyter)
out=build/notebooks
mkdir -p "$out"

passed=0
failed=0
notebooks=("$@")
[ ${#notebooks[@]} -gt 0 ] || notebooks=(*.ipynb)
for nb in "${notebooks[@]}"; do
  name=$(basename "$nb" .ipynb)
  log="$out/$name.log"
  rm -f "$out/$name.ipynb" "$out/$name.html"
  start=$SECONDS
  # allow_errors: the executed copy (and its HTML) is written even when a cell fails; the
  # check below fails the notebook on any error output.
  if "$jupyter" nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=spark-java \
      --ExecutePreprocessor.timeout="${NB_CELL_TIMEOUT:-600}" \
      --ExecutePreprocessor.allow_errors=True --output-dir "$out" --output "$name" "$nb" \
      >"$log" 2>&1 \
    && python3 - "$out/$name.ipynb" <<'PY'
import json, sys
problems = []
for i, cell in enumerate(json.load(open(sys.argv[1]))["cells"]):
    for o in cell.get("outputs", []):
        if o["output_type"] == "error":
            problems.append("cell %d failed:\n  %s" % (i, "\n  ".join(o["traceback"])))
        elif o.get("name") == "stderr":
            problems.append("cell %d wrote to stderr:\n  %s" % (i, "".join(o["text"])[:2000]))
if problems:
    sys.exit("\n".join(problems))
PY
  then
    passed=$((passed + 1))
    echo "notebook $name: passed in $((SECONDS - start)) s"
  else
    failed=$((failed + 1))
    echo "notebook $name: FAILED after $((SECONDS - start)) s (log: $log)"
    [ -f "$out/$name.ipynb" ] || tail -n 40 "$log"
  fi
  if [ -f "$out/$name.ipynb" ]; then
    "$jupyter" nbconvert --to html --output-dir "$out" "$out/$name.ipynb" >>"$log" 2>&1 \
      || echo "notebook $name: HTML export failed, see $log"
  fi
done
echo "notebooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
