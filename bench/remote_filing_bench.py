"""The "was person P filed for care in place X on date D, and by which filing?" lookup at volume:
N persons (default 5,000,000) and M filings (default 1,000,000) in a temporary SQLite database,
looked up in process (remote_care.queries.filing_on, as reimbursement and settlement call it) and
over real HTTP (GET /api/remote-care/lookup through gunicorn, with a partner system's token),
beside GET /api/health (no token) and GET /api/auth/me (the same token: what authenticating and logging
a call costs) in the same run.

Half the lookups hit a filing (a date inside it, its place), half miss (another province, or a
date after a temporary filing ended). Each answer is checked against what the filler wrote.

Run: .venv/bin/python bench/remote_filing_bench.py [--persons 5000000] [--filings 1000000]
     [--queries 1000] [--http 300] [--workers 2]
Prints figures and ratios; asserts nothing. Starts and stops its own server.
"""
import argparse
import datetime
import itertools
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api_bench  # noqa: E402 (the bench folder's own helpers: gunicorn, HTTP, load)

ROOT = Path(__file__).resolve().parents[1]
PERSON_COLUMNS = ["region_id", "id_type", "id_number", "name", "sex", "birth_date", "phone", "status", "created_at",
                  "updated_at"]
FILING_COLUMNS = ["number", "person_id", "region_id", "kind", "filing_class", "province", "city", "cross_province",
                  "start_on", "end_on", "ended_on", "basis", "basis_note", "locked_until", "trauma", "admitted_on",
                  "referring_provider", "submitted_by_provider", "status", "verify_code", "created_at"]
PLACES = [("海南省", "三亚市"), ("海南省", "海口市"), ("广东省", "深圳市"), ("广东省", "广州市"), ("重庆市", "渝中区"),
          ("四川省", "成都市"), ("云南省", "昆明市"), ("北京市", "海淀区"), ("上海市", "浦东新区")]
KINDS = [("retiree", "long_term"), ("resident", "long_term"), ("worker", "long_term"), ("referral", "temporary"),
         ("emergency", "temporary"), ("temporary", "temporary")]
BASE_DAY = datetime.date(2024, 1, 1)


def id_number(i):
    from stdnum.cn import ric

    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=i // 1000)
    body = f"511702{born:%Y%m%d}{i % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def persons(n, region_id):
    now = datetime.datetime.now(datetime.timezone.utc)
    for i in range(n):
        yield (region_id, "resident_id", id_number(i), f"参保人{i}", "M", datetime.date(1960, 1, 1), "13800000000",
               "living", now, now)


def filing_for(i, m):
    """The filing of person i (one for each of the first m persons): place, kind and dates from i."""
    province, city = PLACES[i % len(PLACES)]
    kind, cls = KINDS[i % len(KINDS)]
    start = BASE_DAY + datetime.timedelta(days=i % 900)
    end = start + datetime.timedelta(days=182) if cls == "temporary" else None
    return province, city, kind, cls, start, end


def filings(m, region_id):
    now = datetime.datetime.now(datetime.timezone.utc)
    for i in range(m):
        province, city, kind, cls, start, end = filing_for(i, m)
        yield (f"BENCH-BA-{i:08d}", i + 1, region_id, kind, cls, province, city, province != "四川省", start, end,
               None, "proof", "", None, False, None, "", "", "valid", f"bench{i:019d}", now)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def fill(n, m):
    from django.db import connection, transaction

    from yibao.catalog.models import Region

    region = Region.objects.get_or_create(code="dazhou", defaults={"name": "达州市"})[0]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
    t0 = time.perf_counter()
    for table, columns, rows in (("enrollment_person", PERSON_COLUMNS, persons(n, region.pk)),
                                 ("remote_care_filing", FILING_COLUMNS, filings(m, region.pk))):
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        with transaction.atomic(), connection.cursor() as cursor:
            while batch := [r for r in (next(rows, None) for _ in range(50_000)) if r is not None]:
                cursor.executemany(sql, batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return region, time.perf_counter() - t0


def questions(n, m, count, seed=11):
    """(person index, province, city, date, expected filing number or None)."""
    rnd = random.Random(seed)
    asked = []
    for k in range(count):
        i = rnd.randrange(min(m, n)) if k % 2 == 0 else rnd.randrange(n)
        if i < m:
            province, city, _, cls, start, end = filing_for(i, m)
            if k % 4 == 0:
                asked.append((i, province, city, start + datetime.timedelta(days=30), f"BENCH-BA-{i:08d}"))
            elif cls == "temporary":
                asked.append((i, province, city, end + datetime.timedelta(days=1), None))  # ended
            else:
                asked.append((i, "西藏自治区", "拉萨市", start, None))  # another province
        else:
            asked.append((i, "海南省", "三亚市", BASE_DAY, None))  # never filed
    return asked


def in_process(asked):
    from yibao.enrollment.models import Person
    from yibao.remote_care.queries import filing_on

    took, right = [], 0
    numbers = [id_number(i) for i, *_ in asked]  # computed before the clock starts
    for number, (i, province, city, on, expected) in zip(numbers, asked):
        t = time.perf_counter()
        person = Person.objects.filter(id_number=number).first()
        filing = filing_on(person, on, province=province, city=city)
        took.append(time.perf_counter() - t)
        right += (filing.number if filing else None) == expected
    return took, right


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=5_000_000)
    parser.add_argument("--filings", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000, help="in-process lookups")
    parser.add_argument("--http", type=int, default=300, help="lookups over HTTP (health: as many)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="remote_filing_bench_")
    env = {"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "YIBAO_VAR_DIR": folder,
           "DJANGO_SETTINGS_MODULE": "yibao.settings"}
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from yibao.api.actions import create_client
    from yibao.api.models import ClientKind
    from yibao.remote_care.models import Filing

    server = None
    try:
        call_command("migrate", interactive=False, verbosity=0)
        region, fill_s = fill(args.persons, args.filings)
        plan = Filing.objects.filter(person_id=1, province="海南省", start_on__lte=BASE_DAY).explain()
        _, token = create_client("bench-partner", ClientKind.PARTNER, region)
        asked = questions(args.persons, args.filings, args.queries)
        took, right = in_process(asked)
        print(f"异地就医备案查询：{args.persons:,} 人，{args.filings:,} 件备案（SQLite，填充 {fill_s:.1f} s）")
        print(f"  plan uses the (person, province, start) index: {'yes' if 'filing_person_place_start' in plan else 'NO'}")
        print(f"  in process  {len(took)} lookups   p50 {percentile(took, 50) * 1000:6.3f} ms   "
              f"p95 {percentile(took, 95) * 1000:6.3f} ms   right {right}/{len(took)}")

        port = api_bench.free_port()
        server = api_bench.start_server(port, env, args.workers)
        headers = {"Authorization": f"Bearer {token}"}
        http_asked = questions(args.persons, args.filings, args.http, seed=13)
        turn = itertools.count()  # next() on a count is atomic under the GIL

        def lookup():
            i, province, city, on, expected = http_asked[next(turn) % len(http_asked)]
            query = urlencode({"id_number": id_number(i), "province": province, "city": city, "on": on.isoformat()})
            status, body = api_bench.request(port, "GET", f"/api/remote-care/lookup?{query}", headers=headers)
            if status == 200 and (json.loads(body).get("filing") or {}).get("number") != expected:
                status = -1  # a wrong answer counts as unexpected
            return status, body

        health = api_bench.load(port, lambda: api_bench.request(port, "GET", "/api/health"), threads=args.threads,
                                count=args.http, seconds=120, expect=200)
        found = api_bench.load(port, lookup, threads=args.threads, count=args.http, seconds=120, expect=200)
        me = api_bench.load(port, lambda: api_bench.request(port, "GET", "/api/auth/me", headers=headers),
                            threads=args.threads, count=args.http, seconds=120, expect=200)
        health_rate = api_bench.report("GET /api/health", *health)
        me_rate = api_bench.report("GET /api/auth/me (same token)", *me)
        lookup_rate = api_bench.report("GET /api/remote-care/lookup", *found)
        http_p50, health_p50, me_p50 = (statistics.median(x[3]) for x in (found, health, me))
        print(f"  ratio: lookup / health over HTTP, p50 {http_p50 / health_p50:.2f}x, "
              f"throughput {health_rate / lookup_rate:.2f}x" if lookup_rate else "  (no lookups answered)")
        print(f"  ratio: lookup / me (both authenticated and logged), p50 {http_p50 / me_p50:.2f}x, "
              f"throughput {me_rate / lookup_rate:.2f}x" if lookup_rate else "")
        print(f"  ratio: lookup over HTTP / in process, p50 {http_p50 / statistics.median(took):.1f}x")
    finally:
        if server is not None:
            api_bench.stop_server(server)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
