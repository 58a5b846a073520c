#!/usr/bin/env bash
# Do two aiguard binaries report the same thing? For refactors that must not change behaviour.
#
#   bench/same-output.sh OLD_BIN NEW_BIN PATH...
#
# Runs both binaries, from the current directory, over PATH... in three ways (every rule as JSON,
# every rule as SARIF, the inventory as JSON) and compares the outputs byte for byte; prints a
# diff of the first lines that differ. Exit 0 when every output is identical.
set -uo pipefail
[ $# -ge 3 ] || { sed -n '4p' "$0"; exit 2; }
old=$(realpath "$1"); new=$(realpath "$2"); shift 2
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
paths=("$@")
status=0
for bin in old new; do
  b=$old; [ $bin = new ] && b=$new
  "$b" scan "${paths[@]}" --format json --select ALL --isolated --exit-zero -o "$out/$bin.json" 2>/dev/null
  "$b" scan "${paths[@]}" --format sarif --select ALL --isolated --exit-zero -o "$out/$bin.sarif" 2>/dev/null
  "$b" inventory "${paths[@]}" --format json >"$out/$bin.inventory.json" 2>/dev/null
done
for kind in json sarif inventory.json; do
  if cmp -s "$out/old.$kind" "$out/new.$kind"; then
    echo "identical: $kind ($(wc -c <"$out/new.$kind") bytes)"
  else
    echo "DIFFERENT: $kind"
    diff "$out/old.$kind" "$out/new.$kind" | head -20
    status=1
  fi
done
exit $status
