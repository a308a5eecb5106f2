"""The hot reads at volume over real HTTP: the public progress query (POST /api/track) and the
workbench queue page (GET /workbench/, a staff member's whole page) against the cases database
of bench/cases_volume_bench.py (1,000,000 cases by default, generated once and cached under /tmp),
each beside GET /api/health measured in the same run, through gunicorn on 127.0.0.1.

Run: .venv/bin/python bench/volume_http_bench.py [SIZE] [--cache /tmp/yibao-volume-1m.sqlite3]
         [--workers 2] [--seconds 10] [--threads 1,4]
Prints p50/p95/p99 and throughput per endpoint and the ratio to health; asserts nothing.
"""
import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import api_bench  # noqa: E402  (same folder: the server and load helpers)
import cases_volume_bench  # noqa: E402


def run_load(name, port, call, threads, seconds, expect):
    done, wrong, elapsed, latencies = api_bench.load(port, call, threads=threads, count=10**9, seconds=seconds,
                                                     expect=expect)
    rate = done / elapsed
    p50, p95, p99 = api_bench.percentiles(latencies)
    print(f"  {name:<34} {threads} client(s): {rate:7.1f}/s  p50 {p50:6.1f}  p95 {p95:6.1f}  p99 {p99:6.1f} ms"
          f"  unexpected {len(wrong)}")
    for status, body in wrong[:2]:
        print(f"      {status}: {body!r}")
    return rate, p95


def staff_session(region):
    """A session cookie of a 窗口受理/审核 staff member of `region` (made in this process)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from yibao.people.models import StaffProfile

    user, _ = get_user_model().objects.get_or_create(username=f"bench-staff-{region.code}")
    StaffProfile.objects.update_or_create(user=user, defaults={"region": region, "office": "",
                                                                "roles": ["clerk", "reviewer"]})
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--cache", default="/tmp/yibao-volume-1m.sqlite3")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", default="1,4")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    rng = random.Random(7)
    tmp = Path(tempfile.mkdtemp(prefix="yibao-volume-http-"))
    process = None
    try:
        cache = Path(args.cache)
        sample, regions = cases_volume_bench.load_or_generate(args.size, random.Random(20260101), tmp, cache)
        region = max(regions, key=lambda r: r.code == "dazhou")
        cookie = staff_session(region)
        env = {"DJANGO_SETTINGS_MODULE": "yibao.settings", "DATABASE_URL": f"sqlite:///{cache}",
               "YIBAO_VAR_DIR": str(tmp), "YIBAO_DB_CONN_MAX_AGE": "60", "YIBAO_ALLOWED_HOSTS": "127.0.0.1,localhost",
               "YIBAO_TRACK_LIMIT": str(10**9)}  # the limit's own statements still run on every query
        port = api_bench.free_port()
        process = api_bench.start_server(port, env, args.workers)
        print(f"gunicorn: {args.workers} sync workers; {args.size:,} cases; a new connection per request")

        def track():
            receipt, id_number, _ = rng.choice(sample)
            return api_bench.request(port, "POST", "/api/track", {"receipt_no": receipt, "id_number": id_number})

        def page():
            return api_bench.request(port, "GET", "/workbench/", headers={"Cookie": f"sessionid={cookie}"})

        def health():
            return api_bench.request(port, "GET", "/api/health")

        for _ in range(10):  # warm every worker
            track(), page(), health()
        for threads in [int(t) for t in args.threads.split(",")]:
            base, _ = run_load("GET /api/health (baseline)", port, health, threads, args.seconds / 2, 200)
            rate, _ = run_load("POST /api/track", port, track, threads, args.seconds, 200)
            # On a shared machine the baseline moves with the load: measured again right after.
            after, _ = run_load("GET /api/health (baseline, after)", port, health, threads, args.seconds / 2, 200)
            print(f"    track: {rate / base:.1%} of health's throughput before, {rate / after:.1%} after, "
                  f"{2 * rate / (base + after):.1%} of their mean (goal >= 50%; p95 < 20 ms at 4 clients)")
            rate, _ = run_load("GET /workbench/ (queue page)", port, page, threads, args.seconds, 200)
            print(f"    queue page: {rate / base:.1%} of health's throughput (goal: page < 50 ms)")
    finally:
        if process is not None:
            api_bench.stop_server(process)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
