#!/usr/bin/env bash
# Set up, then lint, check the import layers, and run the whole test suite.
# PostgreSQL and Redis tests skip with a reason where those servers are absent, except with CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports
exec .venv/bin/python -m pytest "$@"
