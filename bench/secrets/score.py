"""Score tools on the labelled set: score.py CORPUS aiguard.json detect-secrets.json TIMES."""

import json
import sys

corpus, ag_path, ds_path = sys.argv[1:4]
times = dict(line.split() for line in open(sys.argv[4]))
labels = [line.strip().split(",") for line in open(f"{corpus}/labels.csv")]


def aiguard_files():
    text = open(ag_path).read()
    if not text.lstrip().startswith(("{", "[")):
        # Fallback list (one flagged file name a line), see run.sh.
        return set(text.split())
    data = json.loads(text)
    found = data.get("findings", data) if isinstance(data, dict) else data
    return {f["location"]["path"].split("/")[-1] for f in found}


def ds_files():
    data = json.load(open(ds_path))
    return {p.split("/")[-1] for p, r in data.get("results", {}).items() if r}


print(f"{'tool':16} {'recall':>8} {'FP rate':>8} {'time s':>8}")
for tool, flagged in (("aiguard", aiguard_files()), ("detect-secrets", ds_files())):
    pos = [p for p, lab, _ in labels if lab == "1"]
    neg = [p for p, lab, _ in labels if lab == "0"]
    recall = sum(p in flagged for p in pos) / len(pos)
    fpr = sum(p in flagged for p in neg) / len(neg)
    print(f"{tool:16} {recall:8.1%} {fpr:8.1%} {float(times[tool]):8.2f}")
providers = {w for _, lab, w in labels if lab == "1"}
print(f"({len(pos)} positives of {len(providers)} providers, {len(neg)} negatives, 8 file kinds)")
