#!/usr/bin/env bash
# Every figure of docs/performance.md in one run, one bench after the other (never two at once:
# they would measure each other), each preceded by the machine's load.
#
#   bench/report.sh [PG_URL_BASE] [CASES_1M_CACHE] > report.log 2>&1
#
# PG_URL_BASE: a PostgreSQL server the benches may create and drop databases on (default: the
# cluster of scripts/pg.sh, postgres://postgres@127.0.0.1:${YIBAO_PG_PORT:-54329}).
# CASES_1M_CACHE: the 1,000,000-case SQLite file of bench/cases_volume_bench.py (made on first
# use, ~15 minutes and 3.5-4.5 GB; kept for the next run).
set -uo pipefail
cd "$(dirname "$0")/.."
PG=${1:-postgres://postgres@127.0.0.1:${YIBAO_PG_PORT:-54329}}
CACHE=${2:-/tmp/yibao-volume-1m.sqlite3}
PY=.venv/bin/python

run() {
    echo
    echo "=== $* ($(date -u +%H:%M:%S), load$(uptime | sed 's/.*load average//'))"
    "$@" || echo "=== exit status $?"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB, $(uname -sr), $($PY --version)"
run $PY bench/cases_bench.py
run $PY bench/workdays_bench.py
run $PY bench/startup_bench.py 3
run $PY bench/enrollment_bench.py 100000
run env DATABASE_URL="$PG/yibao_enrollment_bench" $PY bench/enrollment_bench.py 100000
run env BENCH_PG_URL="$PG" $PY bench/person_query_bench.py 5000000
run $PY bench/person_http_bench.py
run $PY bench/person_http_bench.py --database "$PG/yibao_person_http"
run $PY bench/api_bench.py --workers 2 --count 20000 --seconds 8
run $PY bench/api_bench.py --workers 1,2,4 --count 20000 --seconds 8 --database "$PG/yibao_bench"
run $PY bench/volume_http_bench.py 1000000 --cache "$CACHE"
run $PY bench/batch_beside_web_bench.py --database "$PG/yibao_batch" --cases 5000
