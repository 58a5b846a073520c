#!/usr/bin/env bash
# Fail the job with the scan's exit code, after the SARIF upload has run.
set -euo pipefail
code="${CODE:-}"
if [ -z "$code" ]; then
  echo "::error title=aiguard::the scan step did not run"
  exit 2
fi
exit "$code"
