#!/usr/bin/env bash
# A markdown table of the findings in a SARIF report, for $GITHUB_STEP_SUMMARY.
# Usage: summary.sh SARIF EXIT_CODE
set -euo pipefail
sarif="$1"
code="${2:-0}"
if [ ! -f "$sarif" ]; then
  echo "### aiguard"
  echo
  echo "No SARIF report was written (exit code $code)."
  exit 0
fi
python3 - "$sarif" "$code" <<'PY'
import json, sys

sarif, code = sys.argv[1], sys.argv[2]
runs = json.load(open(sarif)).get("runs", [])
rows = []
for run in runs:
    rules = {r["id"]: r for r in run.get("tool", {}).get("driver", {}).get("rules", [])}
    for res in run.get("results", []):
        if res.get("suppressions"):
            continue
        rule = rules.get(res.get("ruleId"), {})
        loc = (res.get("locations") or [{}])[0].get("physicalLocation", {})
        path = loc.get("artifactLocation", {}).get("uri", "")
        line = loc.get("region", {}).get("startLine", "")
        score = float(rule.get("properties", {}).get("security-severity", "0") or 0)
        sev = next(n for t, n in ((9.0, "critical"), (7.0, "high"), (4.0, "medium"), (2.0, "low"), (0, "info")) if score >= t)
        msg = res.get("message", {}).get("text", "").replace("|", "\\|").replace("\n", " ")
        rows.append((res.get("ruleId", ""), rule.get("name", ""), sev, f"{path}:{line}", msg))

print("### aiguard")
print()
if not rows:
    print(f"No findings (exit code {code}).")
    sys.exit(0)
print(f"{len(rows)} finding{'s' if len(rows) != 1 else ''} (exit code {code}).")
print()
print("| Rule | Name | Severity | Location | Message |")
print("|---|---|---|---|---|")
for rule_id, name, sev, where, msg in rows[:200]:
    print(f"| {rule_id} | {name} | {sev} | `{where}` | {msg} |")
if len(rows) > 200:
    print()
    print(f"… and {len(rows) - 200} more: see the SARIF report or the code scanning alerts.")
PY
