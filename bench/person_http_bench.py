"""A person's record over real HTTP (GET /api/persons/{ID} by a clerk of the region, personal
token), beside GET /api/health in the same run, against gunicorn on 127.0.0.1.

The database holds the shipped guides, one clerk and PERSONS insured persons of 达州 (each with
an enrolment and a personal-account balance); the clients ask for random ones of them. Every
request authenticates (the token lookup) and is logged (api.calllog, batched for reads).

Run: nice -n 10 .venv/bin/python bench/person_http_bench.py [--threads 4] [--workers 2] [--seconds 15]
     [--persons 200] [--database postgres://postgres@127.0.0.1:PORT/yibao_person_http]
     (PostgreSQL: that database is dropped and made afresh; SQLite: a temporary file)
Prints p50/p95/p99 and throughput of each, and the ratios; asserts nothing. Starts and stops its
own server.
"""
import argparse
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import (  # noqa: E402
    ROOT, fresh_postgres, free_port, load, percentiles, request, start_server, stop_server)


def prepare(env, persons):
    """Migrate, load the guides and parameters, make the clerk, the persons and the token."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from tests.cases import factories as cf
    from tests.domain_support import insured
    from yibao.api.actions import personal_token
    from yibao.catalog.guides.importer import load_defaults
    from yibao.catalog.models import Region
    from yibao.contributions.actions import load_sample_parameters
    from yibao.core.models import Channel

    call_command("migrate", interactive=False, verbosity=0)
    load_defaults()
    load_sample_parameters(actor=None, channel=Channel.SYSTEM)
    dazhou = Region.objects.get(code="dazhou")
    clerk = cf.staff(dazhou, "clerk", username="bench-clerk")
    numbers = [insured(dazhou, name=f"压测{i}", balance="100.00")[1].id_number for i in range(persons)]
    return personal_token(clerk)[0], numbers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--persons", type=int, default=200)
    parser.add_argument("--database", default="")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="person_http_")
    url = args.database or f"sqlite:///{folder}/bench.sqlite3"
    if args.database:
        fresh_postgres(args.database)
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "yibao.settings", "YIBAO_DB_CONN_MAX_AGE": "60"}
    process = None
    try:
        token, numbers = prepare(env, args.persons)
        port = free_port()
        process = start_server(port, env, args.workers)
        auth = {"Authorization": f"Bearer {token}"}
        rnd = random.Random(16)
        for number in numbers[:20]:  # each process's caches and connection warmed
            request(port, "GET", f"/api/persons/{number}", headers=auth)
        results = {}
        for name, make, expect in (
                ("GET /api/health", lambda: request(port, "GET", "/api/health"), 200),
                ("GET /api/persons/{ID}", lambda: request(port, "GET", f"/api/persons/{rnd.choice(numbers)}",
                                                          headers=auth), 200)):
            done, wrong, elapsed, latencies = load(port, make, threads=args.threads, count=10**9,
                                                   seconds=args.seconds, expect=expect)
            results[name] = (done / elapsed, *percentiles(latencies), len(wrong))
        load_avg = os.getloadavg()[0]
        print(f"person record over HTTP: {args.workers} gunicorn processes, {args.threads} client threads, "
              f"{'PostgreSQL' if args.database else 'SQLite'}, {args.persons} persons (load average {load_avg:.1f})")
        for name, (rate, p50, p95, p99, wrong) in results.items():
            print(f"  {name:<24} {rate:7.1f}/s   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   p99 {p99:6.1f} ms"
                  f"   unexpected {wrong}")
        (h_rate, _, h_p95, _, _), (p_rate, _, p95, _, _) = results.values()
        print(f"  person / health: throughput {p_rate / h_rate:.0%}, p95 {p95 / h_p95:.1f}x (goal: person p95 < 20 ms)")
    finally:
        if process is not None:
            stop_server(process)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
