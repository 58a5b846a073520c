#!/usr/bin/env python3
"""CVE recall bench: fetch pinned vulnerable/fixed releases, scan both with aiguard, score.

Usage: cves.py AIGUARD_BIN [CASE_ID...]   (run via bench/cves/run.sh)
"""
import ast
import json
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
RESULTS = HERE / "results"
SLACK = 2  # a hit within this many lines of the sink counts


def fetch(package, version, dest):
    """Unpack the release's wheel (or sdist) into dest once; a finished tree has a .done marker."""
    if (dest / ".done").exists():
        return
    shutil.rmtree(dest, ignore_errors=True)
    with tempfile.TemporaryDirectory() as dl:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", f"{package}=={version}", "-d", dl],
            check=True,
        )
        archives = list(Path(dl).iterdir())
        if len(archives) != 1:
            raise SystemExit(f"expected one archive for {package}=={version}, got {archives}")
        archive = archives[0]
        dest.mkdir(parents=True)
        if archive.suffix == ".whl":
            zipfile.ZipFile(archive).extractall(dest)
        else:
            shutil.unpack_archive(str(archive), dest)
    (dest / ".done").touch()


def scan(binary, tree, out):
    """Scan tree (paths in the report relative to it); return the findings."""
    subprocess.run(
        [binary, "scan", "--format", "json", "--exit-zero", "--no-ignore", "--quiet", "-o", str(out), "."],
        cwd=tree,
        check=True,
    )
    report = json.loads(out.read_text())
    for f in report["findings"]:
        f["location"]["path"] = f["location"]["path"].removeprefix("./")
    return report["findings"]


def func_span(path, qualname):
    """Line span of the function Class.method (nested with dots) in a Python file, or None."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError):
        return None
    stack = [(tree, [])]
    while stack:
        node, prefix = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                q = prefix + [child.name]
                if ".".join(q) == qualname and not isinstance(child, ast.ClassDef):
                    return child.lineno, child.end_lineno
                stack.append((child, q))
            else:
                stack.append((child, prefix))
    return None


def is_aig3(f):
    return f["rule_id"].startswith("AIG3")


def fmt(f):
    return f"{f['rule_id']}@{f['location']['line']}"


def main():
    binary = sys.argv[1]
    only = set(sys.argv[2:])
    cases = tomllib.loads((HERE / "cases.toml").read_text())["case"]
    cases = [c for c in cases if not only or c["id"] in only]
    RESULTS.mkdir(exist_ok=True)
    t0 = time.monotonic()
    rows = []
    for c in cases:
        base = CORPUS / c["id"]
        fetch(c["package"], c["vulnerable"], base / "vuln")
        if c["fixed"]:
            fetch(c["package"], c["fixed"], base / "fixed")
        vuln = scan(binary, base / "vuln", RESULTS / f"{c['id']}.vuln.json")
        targets = [(c["file"], c["line"])] + [
            (a.rsplit(":", 1)[0], int(a.rsplit(":", 1)[1])) for a in c.get("also", [])
        ]
        src = (base / "vuln" / c["file"]).read_text(encoding="utf-8", errors="replace").splitlines()
        sink_ok = 0 < c["line"] <= len(src)
        span = func_span(base / "vuln" / c["file"], c["function"])
        if not sink_ok or span is None or not span[0] <= c["line"] <= span[1]:
            print(f"!! {c['id']}: {c['file']}:{c['line']} is not inside {c['function']} - cases.toml is stale")

        def near(f, path, line):
            return f["location"]["path"] == path and abs(f["location"]["line"] - line) <= SLACK

        exact = [f for f in vuln if f["rule_id"] == c["rule"] and any(near(f, p, l) for p, l in targets)]
        loose = [f for f in vuln if is_aig3(f) and any(near(f, p, l) for p, l in targets)]
        others = [f for f in vuln if is_aig3(f) and f["location"]["path"] == c["file"] and f not in loose]

        fixed_hits = None  # None: nothing to compare; "gone": the function no longer exists
        if c["fixed"]:
            fixed = scan(binary, base / "fixed", RESULTS / f"{c['id']}.fixed.json")
            fpath = base / "fixed" / c["file"]
            fspan = func_span(fpath, c["function"]) if fpath.exists() else None
            fixed_hits = "gone" if fspan is None else [
                f
                for f in fixed
                if is_aig3(f)
                and f["location"]["path"] == c["file"]
                and fspan[0] <= f["location"]["line"] <= fspan[1]
            ]
        rows.append((c, exact, loose, others, fixed_hits))

    print(f"{'case':16} {'rule':6} {'sink':58} {'hit':6} {'other AIG3 in file':20} fixed(fn)")
    for c, exact, loose, others, fixed_hits in rows:
        hit = "RULE" if exact else ("AIG3" if loose else "-")
        if fixed_hits is None:
            fx = "n/a (no fixed release)"
        elif fixed_hits == "gone":
            fx = f"function gone [{c['fix']}]"
        elif fixed_hits:
            fx = f"{','.join(map(fmt, fixed_hits))} [{c['fix']}]"
        else:
            fx = f"clean [{c['fix']}]"
        oth = ",".join(map(fmt, others)) or "-"
        print(f"{c['id']:16} {c['rule']:6} {c['file'] + ':' + str(c['line']):58} {hit:6} {oth:20} {fx}")

    n = len(rows)
    rule_hits = sum(1 for r in rows if r[1])
    any_hits = sum(1 for r in rows if r[2])
    strict = [r for r in rows if r[0]["fix"] in ("removed", "replaced")]
    fp = sum(1 for r in strict if r[4] and r[4] != "gone")
    guarded = [r for r in rows if r[0]["fix"] == "guarded"]
    still = sum(1 for r in guarded if r[4] and r[4] != "gone")
    print()
    print(f"recall (expected rule at sink ±{SLACK}): {rule_hits}/{n}")
    print(f"recall (any AIG3xx at sink ±{SLACK}):    {any_hits}/{n}")
    print(f"false positives in fixed function (fix removed/replaced): {fp}/{len(strict)}")
    print(f"still flagged in fixed function (fix is a guard; informational): {still}/{len(guarded)}")
    print(f"time: {time.monotonic() - t0:.1f}s (downloads included on a first run)")


if __name__ == "__main__":
    main()
