"""Score the secret scanners from their native JSON in WORK (see run.sh).

score.py TARGET WORK          labelled set: recall / FP rate / time per tool
score.py --real TARGET WORK   real code: findings / files flagged / time per tool, and WORK/sample.txt:
                              every aiguard finding and 20 random findings of each other tool, with
                              the flagged line, for a person to classify.
A file counts as flagged when the tool reports anything in it."""

import json
import os
import random
import sys

TOOLS = ["aiguard", "detect-secrets", "trufflehog3", "secretlint"]
SAMPLE = 20


def rel(target, path):
    path = os.path.relpath(path, target) if os.path.isabs(path) else path
    return path[2:] if path.startswith("./") else path


def findings(tool, target, work):
    """(relative path, line, rule) for every finding of `tool`; None when it left no report."""
    path = os.path.join(work, f"{tool}.json")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    data = json.load(open(path))
    if tool == "aiguard":
        # aiguard reports paths as given on its command line, i.e. under TARGET.
        return [(rel(target, os.path.abspath(f["location"]["path"])), f["location"]["line"], f["rule_id"])
                for f in data["findings"]]
    if tool == "detect-secrets":
        return [(rel(target, p), s["line_number"], s["type"])
                for p, secrets in data.get("results", {}).items() for s in secrets]
    if tool == "trufflehog3":
        return [(rel(target, f["path"]), int(f["line"] or 0), f["rule"]["id"]) for f in data]
    return [(rel(target, f["filePath"]), m["loc"]["start"]["line"], m["ruleId"].split("/")[-1])
            for f in data for m in f["messages"]]


def line_of(target, path, n):
    try:
        with open(os.path.join(target, path), errors="replace") as f:
            for i, text in enumerate(f, 1):
                if i == n:
                    return text.strip()[:240]
    except OSError:
        pass
    return ""


def main():
    real = sys.argv[1] == "--real"
    target, work = sys.argv[2:4] if real else sys.argv[1:3]
    times = dict(line.split() for line in open(os.path.join(work, "times")))
    found = {t: findings(t, target, work) for t in TOOLS}
    for t in [t for t in TOOLS if found[t] is None]:
        print(f"{t}: no report (did not finish?)")
        del found[t]
    if real:
        print(f"{'tool':16} {'findings':>9} {'files':>7} {'time s':>8}")
        for t in found:
            print(f"{t:16} {len(found[t]):9d} {len({p for p, _, _ in found[t]}):7d} {float(times[t]):8.2f}")
        rng = random.Random(7)
        with open(os.path.join(work, "sample.txt"), "w") as out:
            for t in found:
                picks = sorted(found[t]) if t == "aiguard" else sorted(rng.sample(found[t], min(SAMPLE, len(found[t]))))
                out.write(f"== {t}: {len(picks)} of {len(found[t])}\n")
                for p, n, rule in picks:
                    out.write(f"{rule}\t{p}:{n}\n\t{line_of(target, p, n)}\n")
        print(f"(sample to classify: {os.path.join(work, 'sample.txt')})")
        return
    labels = [line.strip().split(",") for line in open(os.path.join(target, "labels.csv"))]
    pos = [p for p, lab, _ in labels if lab == "1"]
    neg = [p for p, lab, _ in labels if lab == "0"]
    print(f"{'tool':16} {'recall':>8} {'FP rate':>8} {'time s':>8}")
    for t in found:
        flagged = {p for p, _, _ in found[t]}
        recall = sum(p in flagged for p in pos) / len(pos)
        fpr = sum(p in flagged for p in neg) / len(neg)
        print(f"{t:16} {recall:8.1%} {fpr:8.1%} {float(times[t]):8.2f}")
    providers = {w for _, lab, w in labels if lab == "1"}
    print(f"({len(pos)} positives of {len(providers)} providers, {len(neg)} negatives, 8 file kinds)")


main()
