#!/usr/bin/env bash
# Secrets benchmark: aiguard against detect-secrets on a generated, labelled set of fake keys and
# hard negatives. Usage: bench/secrets/run.sh (from anywhere). Needs python3 and network for pip
# the first time (detect-secrets goes into bench/secrets/.venv, which git ignores).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$here/.work"
rm -rf "$work" && mkdir -p "$work"
python3 "$here/gen.py" "$work/corpus"
[ -x "$here/.venv/bin/detect-secrets" ] || { python3 -m venv "$here/.venv" && "$here/.venv/bin/pip" install -q detect-secrets; }
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
ag="$root/target/release/aiguard"
t0=$(date +%s.%N)
"$ag" scan "$work/corpus" --select AIG101,AIG102,AIG103 --format json --exit-zero > "$work/aiguard.json"
t1=$(date +%s.%N)
(cd "$work/corpus" && "$here/.venv/bin/detect-secrets" scan --all-files . > "$work/ds.json")
t2=$(date +%s.%N)
printf 'aiguard %s\ndetect-secrets %s\n' "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" > "$work/times"
python3 "$here/score.py" "$work/corpus" "$work/aiguard.json" "$work/ds.json" "$work/times"
