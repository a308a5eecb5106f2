#!/usr/bin/env bash
# Sets up and runs the whole suite: the layering contracts, then pytest on SQLite and on
# PostgreSQL (a private server started here), each spread over the machine's cores (pytest-xdist).
# Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test || exit 1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

status=0
echo "== 分层约束 (import-linter)"
.venv/bin/lint-imports --no-cache || status=1

echo "== pytest: SQLite"
env -u DATABASE_URL .venv/bin/python -m pytest -q -p no:cacheprovider -n auto "$@"
rc=$?; [ $rc -eq 0 ] || status=1

echo "== pytest: PostgreSQL"
if url=$(scripts/pg.sh start); then
  DATABASE_URL="$url" .venv/bin/python -m pytest -q -p no:cacheprovider -n auto "$@"
  rc=$?; [ $rc -eq 0 ] || status=1
  scripts/pg.sh stop
else
  echo "PostgreSQL 无法启动" >&2; status=1
fi
exit $status
