#!/usr/bin/env bash
# Run one scan for the GitHub Action: workflow annotations on stdout, a SARIF file, a findings
# table in the job summary, and the exit code as a step output. It never fails the step for
# findings (exit 0), so the SARIF upload still runs; finish.sh fails the job afterwards. A usage
# or fatal error (exit 2) fails at once. Inputs come from the environment (INPUT_*): they are
# word-split on whitespace, never evaluated.
set -uo pipefail

sarif="${INPUT_SARIF_FILE:-aiguard.sarif}"
fail_on="${INPUT_FAIL_ON:-info}"
read -r -a paths <<< "${INPUT_PATHS:-.}"
read -r -a extra <<< "${INPUT_ARGS:-}"
[ ${#paths[@]} -gt 0 ] || paths=(.)
since=()
[ -n "${INPUT_SINCE:-}" ] && since=(--since "$INPUT_SINCE")

# install.sh puts aiguard on PATH for later steps through $GITHUB_PATH; a runner (or a local
# simulation) that does not honour it still finds the installed binary.
bin="$(command -v aiguard || true)"
if [ -z "$bin" ]; then
  for dir in "${AIGUARD_BIN_DIR:-}" "${RUNNER_TEMP:-/tmp}/aiguard-bin"; do
    if [ -n "$dir" ] && [ -x "$dir/aiguard" ]; then
      bin="$dir/aiguard"
      break
    fi
  done
fi
if [ -z "$bin" ]; then
  echo "::error title=aiguard::aiguard is not installed (run install.sh first)"
  echo "exit-code=2" >> "${GITHUB_OUTPUT:-/dev/null}"
  exit 2
fi

"$bin" scan "${paths[@]}" --format github --sarif-output "$sarif" --fail-on "$fail_on" \
  "${since[@]}" "${extra[@]}"
code=$?

findings=0
if [ -f "$sarif" ]; then
  findings="$(python3 - "$sarif" <<'PY' 2>/dev/null || echo 0
import json, sys
runs = json.load(open(sys.argv[1])).get("runs", [])
print(sum(1 for r in runs for res in r.get("results", []) if not res.get("suppressions")))
PY
)"
fi
{
  echo "exit-code=$code"
  echo "findings=$findings"
} >> "${GITHUB_OUTPUT:-/dev/null}"

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  "$(dirname "$0")/summary.sh" "$sarif" "$code" >> "$GITHUB_STEP_SUMMARY" || true
fi

if [ "$code" -ge 2 ]; then
  echo "::error title=aiguard::aiguard exited with $code (usage or fatal error)"
  exit "$code"
fi
exit 0
