"""A batch on a django-tasks worker beside web traffic, on PostgreSQL: the web's p50/p95/p99
before and while the worker runs the overdue sweep (cases.tasks.mark_overdue_cases: every running
case past its due date flagged, with its event and audit entry) over N cases.

The web processes (gunicorn) and the worker (`manage.py db_worker`, the django-tasks database
backend) are separate processes on one database, as the README's deployment runs them. Each
load window sends POST /api/cases (a submission: a write transaction like the batch's) and
GET /api/health (the trivial baseline) from 4 client threads.

Run: nice -n 10 .venv/bin/python bench/batch_beside_web_bench.py --database postgres://postgres@127.0.0.1:PORT/yibao_batch
         [--cases 20000] [--workers 2] [--seconds 8]
(that database is dropped and made afresh). Prints figures; asserts nothing.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import api_bench  # noqa: E402


def seed_overdue(count, template_receipt):
    """`count` running cases past their due date, cloned from one real submission (bulk insert)."""
    from django.utils import timezone

    from yibao.cases.models import Case

    case = Case.objects.get(receipt_no=template_receipt)
    today = timezone.localdate()
    clones = []
    for n in range(count):
        case.pk, case.receipt_no = None, f"BATCH-{n:07d}"
        case.state, case.accepted_on, case.limit_days = "accepted", today - timedelta(days=30), 10
        case.due_date, case.overdue = today - timedelta(days=5), False
        case.request_scope = case.request_key = case.request_hash = None  # the key is the template's alone
        clones.append(Case(**{f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields}))
    Case.objects.bulk_create(clones, batch_size=2000)


def window(name, port, call, seconds, expect):
    done, wrong, elapsed, latencies = api_bench.load(port, call, threads=4, count=10**9, seconds=seconds,
                                                     expect=expect)
    p50, p95, p99 = api_bench.percentiles(latencies)
    print(f"    {name:<26} {done / elapsed:7.1f}/s  p50 {p50:6.1f}  p95 {p95:6.1f}  p99 {p99:6.1f} ms  "
          f"unexpected {len(wrong)}")
    return p95


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a PostgreSQL URL (dropped and created)")
    parser.add_argument("--cases", type=int, default=20000, help="overdue cases for the sweep")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="yibao-batch-web-"))
    api_bench.fresh_postgres(args.database)
    env = {"DJANGO_SETTINGS_MODULE": "yibao.settings", "DATABASE_URL": args.database, "YIBAO_VAR_DIR": str(tmp),
           "YIBAO_DB_CONN_MAX_AGE": "60", "YIBAO_ALLOWED_HOSTS": "127.0.0.1,localhost",
           "YIBAO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    server = worker = None
    try:
        token = api_bench.prepare(env)
        items = api_bench.candidate_items()
        port = api_bench.free_port()
        server = api_bench.start_server(port, env, args.workers)
        auth = {"Authorization": f"Bearer {token}"}

        def submit(item_id):
            return api_bench.request(port, "POST", "/api/cases", {"item_id": item_id, "materials": ["1"]},
                                     {**auth, "Idempotency-Key": uuid.uuid4().hex})

        item_id, receipt = None, None
        for candidate, _ in items:
            status, body = submit(candidate)
            if status == 201:
                import json

                item_id, receipt = candidate, json.loads(body)["receipt_no"]
                break
        t0 = time.perf_counter()
        seed_overdue(args.cases, receipt)
        print(f"PostgreSQL; gunicorn {args.workers} processes; {args.cases:,} overdue running cases seeded in "
              f"{time.perf_counter() - t0:.1f} s; 4 client threads")
        for _ in range(20):
            submit(item_id), api_bench.request(port, "GET", "/api/health")

        def load_windows(label):
            print(f"  {label}:")
            health = window("GET /api/health", port, lambda: api_bench.request(port, "GET", "/api/health"),
                            args.seconds / 2, 200)
            cases = window("POST /api/cases (submit)", port, lambda: submit(item_id), args.seconds, 201)
            return health, cases

        before = load_windows("before (no batch)")
        worker = subprocess.Popen(
            [sys.executable, "-m", "django", "db_worker", "--no-startup-delay", "--interval", "0.2"],
            env={**os.environ, **env, "PYTHONPATH": str(ROOT / "src")}, cwd=str(ROOT / "src"),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        from yibao.cases.tasks import mark_overdue_cases

        result = mark_overdue_cases.enqueue()
        queued = time.perf_counter()
        while result.status == "READY" and time.perf_counter() - queued < 60:
            time.sleep(0.1)
            result.refresh()
        started = time.perf_counter()
        during = load_windows(f"during the sweep (worker picked the task up after {started - queued:.1f} s)")
        measured_until = time.perf_counter()
        while result.status in ("READY", "RUNNING") and time.perf_counter() - queued < 1800:
            time.sleep(0.5)
            result.refresh()
        finished = time.perf_counter()
        marked = result.return_value if result.status == "SUCCESSFUL" else result.status
        print(f"  the sweep: {result.status}, {marked} cases marked in {finished - started:.1f} s "
              f"({'the whole window inside it' if finished >= measured_until else 'ended before the window did'})")
        print(f"  web p95 during / before: health {during[0] / before[0]:.1f}x, submissions {during[1] / before[1]:.1f}x")
    finally:
        for process in (worker, server):
            if process is not None:
                api_bench.stop_server(process)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
