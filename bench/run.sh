#!/usr/bin/env bash
# Speed bench: aiguard scan vs a parse-only floor on real LLM libraries. See bench/README.md.
# Usage: bench/run.sh [THREADS...]   (default: 1 2)
set -euo pipefail

cd "$(dirname "$0")/.."
CORPUS=bench/corpus
THREADS=("$@")
[ ${#THREADS[@]} -gt 0 ] || THREADS=(1 2)

# Pinned so numbers are comparable between runs.
PY_PACKAGES=(
  transformers==5.23.0
  langchain==1.5.0
  langchain-core==1.8.2
  langchain-community==0.4.2
  openai==3.54.0
  anthropic==2.12.0
  llama-index-core==0.14.25
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

printf '%-10s %7s %7s %8s %8s %9s %7s %9s %11s\n' \
  tool threads files MB wall_s files/s MB/s RSS_MB scan/parse
for n in "${THREADS[@]}"; do
  out=$(mktemp)
  read -r pwall prss < <(measure "$out" target/release/examples/parse_only "$CORPUS" --threads "$n")
  # "files N bytes N parsed N seconds S": the files and bytes both tools load.
  read -r files bytes < <(awk '{print $2, $4}' "$out")
  read -r swall srss < <(measure /dev/null target/release/aiguard scan "$CORPUS" --threads "$n" \
    --format json -o /dev/null --exit-zero)
  rm -f "$out"
  awk -v n="$n" -v f="$files" -v b="$bytes" -v pw="$pwall" -v pr="$prss" -v sw="$swall" -v sr="$srss" '
    function row(tool, w, r, ratio) {
      if (w <= 0) w = 0.001
      printf "%-10s %7d %7d %8.1f %8.2f %9.0f %7.1f %9.1f %11s\n", tool, n, f, b / 1048576, w, f / w, b / 1048576 / w, r, ratio
    }
    BEGIN {
      row("parse-only", pw, pr, "")
      row("scan", sw, sr, sprintf("%.2f", (sw > 0 ? pw / sw : 0)))
    }'
done
