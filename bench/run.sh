#!/usr/bin/env bash
# Speed bench: aiguard scan vs a parse-only floor on real LLM libraries. See bench/README.md.
# Usage: bench/run.sh [THREADS...]   (default: 1 2)
set -euo pipefail

cd "$(dirname "$0")/.."
CORPUS=bench/corpus
THREADS=("$@")
[ ${#THREADS[@]} -gt 0 ] || THREADS=(1 2)

# Pinned so numbers are comparable between runs: the speed issue's corpus of LLM libraries.
PY_PACKAGES=(
  transformers==5.25.0
  langchain==1.5.2
  langchain-core==1.8.4
  langchain-community==0.4.2
  langchain-openai==1.8.1
  openai==3.63.0
  anthropic==2.17.0
  llama-index-core==0.14.25
  litellm==1.110.2
  dspy==3.4.1
)
NPM_PACKAGES=(
  ai@7.0.173
  openai@7.57.0
  @langchain/core@1.4.0
)

mkdir -p "$CORPUS/py" "$CORPUS/npm"
DL=$(mktemp -d)
trap 'rm -rf "$DL"' EXIT

for spec in "${PY_PACKAGES[@]}"; do
  dest="$CORPUS/py/${spec/==/-}"
  [ -d "$dest" ] && continue
  echo "bench: downloading $spec" >&2
  rm -rf "$DL/py" && mkdir -p "$DL/py"
  pip download --quiet --no-deps --no-binary :none: -d "$DL/py" "$spec"
  for f in "$DL"/py/*; do
    case "$f" in
      *.whl) python3 -m zipfile -e "$f" "$dest.tmp" ;;
      *.tar.gz) mkdir -p "$dest.tmp" && tar -xzf "$f" -C "$dest.tmp" ;;
      *) echo "bench: unexpected download $f" >&2; exit 1 ;;
    esac
  done
  mv "$dest.tmp" "$dest"
done

for spec in "${NPM_PACKAGES[@]}"; do
  name=${spec//\//_}
  dest="$CORPUS/npm/${name#@}"
  [ -d "$dest" ] && continue
  echo "bench: downloading $spec" >&2
  rm -rf "$DL/npm" && mkdir -p "$DL/npm"
  (cd "$DL/npm" && npm pack --silent "$spec" >/dev/null 2>&1)
  mkdir -p "$dest.tmp"
  tar -xzf "$DL"/npm/*.tgz -C "$dest.tmp"
  # npm packages ship their code in dist/, which aiguard excludes by default (build output in a
  # project); renamed so the bench measures JavaScript/TypeScript parsing too.
  if [ -d "$dest.tmp/package/dist" ]; then mv "$dest.tmp/package/dist" "$dest.tmp/package/lib"; fi
  mv "$dest.tmp" "$dest"
done

cargo build --quiet --release --bin aiguard --examples

# bench/corpus is gitignored, but a root named on the command line is walked anyway (as ripgrep
# does); only ignore files inside it apply.

# Run a command under /usr/bin/time -v; prints "<wall seconds> <peak RSS MB>" and saves stdout.
measure() {
  local out=$1; shift
  local t
  t=$(mktemp)
  /usr/bin/time -v "$@" >"$out" 2>"$t"
  awk -F': ' '
    /Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]
      wall = s
    }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "%.3f %.1f\n", wall, rss }' "$t"
  rm -f "$t"
}

# One file edited between the warm and the third scan: a line appended, taken out after.
EDITED=$(find "$CORPUS/py" -path '*litellm/utils.py' | head -1)
[ -n "$EDITED" ] || EDITED=$(find "$CORPUS" -name '*.py' | head -1)
CACHE=$(mktemp -d)
trap 'rm -rf "$DL" "$CACHE"' EXIT

scan() {
  measure "$1" target/release/aiguard scan "$CORPUS" --threads "$2" --format json -o "$1.json" \
    --exit-zero --cache-dir "$CACHE/$2"
}

printf '%-10s %7s %7s %8s %8s %9s %9s %8s\n' \
  run threads files MB wall_s files/s RSS_MB x_floor
for n in "${THREADS[@]}"; do
  out=$(mktemp)
  read -r pwall prss < <(measure "$out" target/release/examples/parse_only "$CORPUS" --threads "$n")
  # "files N bytes N parsed N seconds S": the files and bytes both tools load.
  read -r files bytes < <(awk '{print $2, $4}' "$out")
  rm -rf "${CACHE:?}/$n"
  read -r cwall crss < <(scan "$out.cold" "$n")
  read -r wwall wrss < <(scan "$out.warm" "$n")
  cp "$EDITED" "$out.orig"
  printf '\n# bench: an edit\n' >>"$EDITED"
  read -r ewall erss < <(scan "$out.edit" "$n")
  cp "$out.orig" "$EDITED"
  # The warm scan must say what the cold one said.
  cmp -s "$out.cold.json" "$out.warm.json" || echo "bench: the warm scan's output differs from the cold one's" >&2
  rm -f "$out" "$out".*
  awk -v n="$n" -v f="$files" -v b="$bytes" -v pw="$pwall" -v pr="$prss" \
    -v cw="$cwall" -v cr="$crss" -v ww="$wwall" -v wr="$wrss" -v ew="$ewall" -v er="$erss" '
    function row(run, w, r) {
      if (w <= 0) w = 0.001
      printf "%-10s %7d %7d %8.1f %8.2f %9.0f %9.1f %8.2f\n", run, n, f, b / 1048576, w, f / w, r, w / pw
    }
    BEGIN {
      row("parse-only", pw, pr)
      row("cold", cw, cr)
      row("warm", ww, wr)
      row("one-edit", ew, er)
    }'
done
