#!/usr/bin/env bash
# Sets up and runs yibao on its embedded default: SQLite in var/, the shipped guides loaded,
# demo accounts printed. Serves on http://127.0.0.1:${PORT:-8000}/
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/yibao serve --port "${PORT:-8000}" ${HOST:+--host "$HOST"}
