"""Cases API throughput over real HTTP: submissions per second (POST /api/cases, a fresh
Idempotency-Key each) side by side with a trivial endpoint (GET /api/health), in the same run,
against gunicorn on 127.0.0.1 with a temporary SQLite database seeded with the shipped guides.

Run: .venv/bin/python bench/api_bench.py [--threads 4] [--workers 2] [--count 300] [--seconds 20]
     .venv/bin/python bench/api_bench.py --workers 1,2,4 --database postgres://postgres@127.0.0.1:PORT/yibao_bench
     (PostgreSQL: that database is dropped and made afresh; one run per number of processes)
Prints figures and their ratio; asserts nothing. Starts and stops its own server.
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env):
    """Migrate the temporary database, load the guides, make one applicant and a personal token.
    Runs in this process (the server processes only read the same file)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from yibao.api.actions import personal_token
    from yibao.catalog.guides.importer import load_defaults
    from yibao.people.models import Applicant, ApplicantKind, IdType

    call_command("migrate", interactive=False, verbosity=0)
    load_defaults()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("bench-applicant")  # no password: the token is enough
    Applicant.objects.create(user=user, kind=ApplicantKind.PERSON, id_type=IdType.RESIDENT_ID,
                             id_number="511702199003071238", name="压测", phone="13800001111")
    # Every shipped item now runs on a domain handler; the personal ones look the applicant up in
    # the register (参保人员), so the applicant is registered there too.
    from datetime import date

    from yibao.catalog.models import Region
    from yibao.enrollment.models import Person

    Person.objects.create(region=Region.objects.get(code="dazhou"), id_number="511702199003071238", name="压测",
                          sex="M", birth_date=date(1990, 3, 7), phone="13800001111")
    return personal_token(user)[0]


def candidate_items():
    """Items of a guide in force that the guide offers online (issue 10: an item offered at the
    window only is refused over the API): 达州's first, then the other regions'; those on the
    generic handler (no domain data needed) first, then the others (the first that takes a
    submission without case data is used)."""
    from yibao.cases.handlers import GenericHandler, handler_for
    from yibao.catalog.models import Guide, ServiceItem

    out = []
    for guide in sorted(Guide.objects.in_force().select_related("region"), key=lambda g: g.region.code != "dazhou"):
        out += [i for i in ServiceItem.objects.filter(guide=guide).prefetch_related("channels").order_by("ordinal")
                if any(c.online for c in i.channels.all())]
    out.sort(key=lambda i: not isinstance(handler_for(i.code), GenericHandler))  # stable: regions keep their order
    return [(i.pk, i.code) for i in out]


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_server(port, env, workers):
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "yibao.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", "--chdir", str(ROOT / "src")],
        env={**os.environ, **env}, start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if request(port, "GET", "/api/health")[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise SystemExit("gunicorn 未能在60秒内启动")


def stop_server(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def load(port, make_request, *, threads, count, seconds, expect):
    """Send up to `count` requests from `threads` threads for at most `seconds`; returns
    (done, wrong, elapsed, latencies)."""
    latencies, wrong = [], []
    lock = threading.Lock()
    issued = iter(range(count))
    stop_at = time.perf_counter() + seconds

    def worker():
        while time.perf_counter() < stop_at:
            with lock:
                if next(issued, None) is None:
                    return
            t0 = time.perf_counter()
            status, body = make_request()
            took = time.perf_counter() - t0
            with lock:
                latencies.append(took)
                if status != expect:
                    wrong.append((status, body[:200]))

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return len(latencies), wrong, time.perf_counter() - t0, latencies


def percentiles(latencies):
    """(p50, p95, p99) in milliseconds of latencies in seconds."""
    if len(latencies) < 2:
        only = max(latencies or [0]) * 1000
        return only, only, only
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return statistics.median(latencies) * 1000, q[94] * 1000, q[98] * 1000


def report(name, done, wrong, elapsed, latencies):
    rate = done / elapsed if elapsed else 0.0
    p50, p95, p99 = percentiles(latencies)
    print(f"  {name:<28} {done:>5} requests in {elapsed:5.1f} s = {rate:7.1f}/s   "
          f"p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   p99 {p99:6.1f} ms   "
          f"unexpected {len(wrong)}")
    for status, body in wrong[:3]:
        print(f"      {status}: {body!r}")
    return rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--workers", default="2", help="gunicorn worker processes; a list (1,2,4) runs each")
    parser.add_argument("--database", default="", help="a PostgreSQL URL to use (dropped and created) instead of SQLite")
    parser.add_argument("--count", type=int, default=300, help="submissions to send (health: 5x as many)")
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit per endpoint")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="yibao-api-bench-"))
    url = args.database or f"sqlite:///{tmp / 'bench.sqlite3'}"
    if args.database:
        fresh_postgres(args.database)
    env = {
        "DJANGO_SETTINGS_MODULE": "yibao.settings",
        "DATABASE_URL": url,
        "YIBAO_VAR_DIR": str(tmp),
        "YIBAO_DB_CONN_MAX_AGE": "60",
        "YIBAO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    try:
        t0 = time.perf_counter()
        token = prepare(env)
        items = candidate_items()
        print(f"database: {'PostgreSQL' if args.database else 'SQLite (WAL)'}, guides loaded in {time.perf_counter() - t0:.1f} s")
        for workers in [int(w) for w in str(args.workers).split(",")]:
            run(args, env, token, items, workers)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fresh_postgres(url):
    import psycopg
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(args, env, token, items, workers):
    process = None
    try:
        port = free_port()
        process = start_server(port, env, workers)
        auth = {"Authorization": f"Bearer {token}"}

        def post_case(item_id):
            return request(port, "POST", "/api/cases", {"item_id": item_id, "materials": ["1"]},
                           {**auth, "Idempotency-Key": uuid.uuid4().hex})

        # the first item that takes a submission without case data or conditions
        refusals, item_id = [], None
        for candidate, code in items:
            status, body = post_case(candidate)
            if status == 201:
                item_id = candidate
                item_code = code
                break
            refusals.append((candidate, status, body[:300].decode(errors="replace")))
        if item_id is None:
            for refusal in refusals[:5]:
                print("  refused:", *refusal)
            raise SystemExit("现行指南中没有可直接在线提交的事项")
        print(f"gunicorn: {workers} sync workers on 127.0.0.1:{port}; {args.threads} client threads; "
              f"item #{item_id} ({item_code}); a new connection per request")
        for _ in range(20):  # warm both endpoints in every worker
            request(port, "GET", "/api/health")
            post_case(item_id)

        health = report("GET /api/health", *load(
            port, lambda: request(port, "GET", "/api/health"), threads=args.threads, count=args.count * 5,
            seconds=args.seconds, expect=200))
        submit = report("POST /api/cases (submit)", *load(
            port, lambda: post_case(item_id), threads=args.threads, count=args.count, seconds=args.seconds,
            expect=201))
        print(f"  ratio: submissions/s are {submit / health:.1%} of health checks/s (goal >= 30%)" if health else
              "  no health check succeeded")
        from yibao.cases.models import Case

        print(f"  cases in the database: {Case.objects.count()} (each submission: the token and the idempotency key "
              f"read, then one transaction: receipt number, the case with its key, event, audit entry, the call log)")
    finally:
        if process is not None:
            stop_server(process)


if __name__ == "__main__":
    main()
