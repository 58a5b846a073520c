#!/usr/bin/env bash
# Secrets benchmark: aiguard against detect-secrets, trufflehog3 (PyPI) and secretlint (npm).
#   bench/secrets/run.sh              generated, labelled set: recall / FP rate / time
#   bench/secrets/run.sh --real DIR   real code: findings / files flagged / time, plus a sample to read
# Needs python3, node/npm, bc, and registry access the first time: the tools are installed once into
# bench/secrets/.venv (pip) and bench/secrets/.venv/npm (npm), both gitignored.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
sl="$venv/npm/node_modules/.bin/secretlint"

real=""
if [ "${1:-}" = "--real" ]; then
  [ -d "${2:-}" ] || { echo "usage: $0 [--real DIR]" >&2; exit 2; }
  real="$(cd -P "$2" && pwd)"
fi

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
[ -x "$venv/bin/detect-secrets" ] || "$venv/bin/pip" install -q detect-secrets==1.5.0
[ -x "$venv/bin/trufflehog3" ] || "$venv/bin/pip" install -q trufflehog3==3.0.10
[ -x "$sl" ] || npm install --silent --no-audit --no-fund --prefix "$venv/npm" \
  secretlint@12.0.0 @secretlint/secretlint-rule-preset-recommend@12.0.0
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
ag="$root/target/release/aiguard"

if [ -n "$real" ]; then
  work="$here/.work/real"
  target="$real"
else
  work="$here/.work/labelled"
  target="$work/corpus"
fi
rm -rf "$work" && mkdir -p "$work"
[ -n "$real" ] || python3 "$here/gen.py" "$target"
echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' > "$work/secretlintrc.json"

# Each tool writes its native JSON to $work/<tool>.json; its wall time goes to $work/times.
: > "$work/times"
timed() {
  local name=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  echo "$name $(echo "$t1 - $t0" | bc)" >> "$work/times"
}
timed aiguard "$ag" scan "$target" --select AIG101,AIG102,AIG103 --format json --exit-zero -o "$work/aiguard.json"
timed detect-secrets sh -c 'cd "$1" && "$2" scan --all-files . > "$3"' _ "$target" "$venv/bin/detect-secrets" "$work/detect-secrets.json"
timed trufflehog3 "$venv/bin/trufflehog3" -z --no-history -f JSON -o "$work/trufflehog3.json" "$target"
# secretlint exits 1 when it finds anything; --no-maskSecrets keeps the values for the review. On
# the real corpus it ran >19 min at 2.7 GB without finishing, so it is cut off after
# SECRETLINT_TIMEOUT seconds (default 900) and then reported as "no report".
timed secretlint sh -c 'cd "$1" && timeout "$5" "$2" --secretlintrc "$3" --format json --no-maskSecrets "**/*" > "$4" || true' \
  _ "$target" "$sl" "$work/secretlintrc.json" "$work/secretlint.json" "${SECRETLINT_TIMEOUT:-900}"

python3 "$here/score.py" ${real:+--real} "$target" "$work"
