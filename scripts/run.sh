#!/usr/bin/env bash
# Sets up and runs yibao on its embedded default: SQLite in var/, the shipped guides loaded,
# demo accounts printed, the demo data loaded once on an empty database (yibao demo load;
# yibao demo clear removes it). Serves on http://127.0.0.1:${PORT:-8000}/
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/yibao serve --demo --port "${PORT:-8000}" ${HOST:+--host "$HOST"}
