#!/usr/bin/env bash
# Set up, then run the offline demo: serve the bundled sample site on loopback, crawl it, flag,
# and export the sample week's bulletin into demo-output/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/hitmon demo --out "${1:-demo-output}"
