#!/usr/bin/env bash
# Builds the seed corpus of both targets from fixtures/ (and the regression inputs):
# each fixture becomes `[name byte][flags byte][file]`, the name byte chosen as
# aiguard::fuzzing::name_byte does (the table is read from src/fuzzing.rs), flags 0; each code
# fixture is added once more with flags that plant both keys. Usage: fuzz/seed.sh [OUT_DIR]
# (default fuzz/corpus; both targets read the same seeds: corpus/front_ends, corpus/scan).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-fuzz/corpus}
mkdir -p "$out/front_ends" "$out/scan"
python3 - "$out" <<'PY'
import hashlib, os, re, sys
out = sys.argv[1]
src = open("src/fuzzing.rs").read()
block = re.search(r"pub const NAMES: &\[&str\] = &\[(.*?)\];", src, re.S).group(1)
names = re.findall(r'"([^"]*)"', block)

def ext(p):
    return p.rsplit(".", 1)[1].lower() if "." in p else None

def name_byte(path):
    f = path.rsplit("/", 1)[-1]
    for i, n in enumerate(names):
        if n.rsplit("/", 1)[-1] == f:
            return i
    want = ext(f)
    for i, n in enumerate(names):
        if want is not None and ext(n) == want and "test" not in n:
            return i
    return next(i for i, n in enumerate(names) if n.endswith(".txt"))

def put(data):
    h = hashlib.sha1(data).hexdigest()
    for t in ("front_ends", "scan"):
        with open(os.path.join(out, t, h), "wb") as fh:
            fh.write(data)

n = 0
for root in ("fixtures",):
    for d, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith(".expect"):
                continue
            p = os.path.join(d, f)
            data = open(p, "rb").read()
            b = name_byte(p)
            put(bytes([b, 0]) + data)
            n += 1
            if ext(f) in ("py", "ts", "js", "rs", "ipynb", "tsx", "jsx", "env", "yaml", "json"):
                # Both keys planted, in an assignment, half-way through.
                put(bytes([b, 0x0C | 0x10 | 0x80]) + data)
                n += 1
reg = "tests/data/fuzz-regressions"
if os.path.isdir(reg):
    for f in sorted(os.listdir(reg)):
        put(open(os.path.join(reg, f), "rb").read())
        n += 1
print(f"{n} seeds in {out}/front_ends and {out}/scan")
PY
