#!/usr/bin/env bash
# CVE recall bench: scan vulnerable and fixed releases of AI libraries. See bench/cves/README.md.
# Usage: bench/cves/run.sh [CASE_ID...]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q --bin aiguard
exec python3 bench/cves/cves.py "$PWD/target/release/aiguard" "$@"
