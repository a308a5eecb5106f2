"""Person query latency with N persons (default 5,000,000) in SQLite and in PostgreSQL, side by side.

For each backend a database is made (a SQLite file under /tmp/yibao-bench-cache; a PostgreSQL
database on the server), migrated, filled with N persons across three regions by the fastest
path each offers (executemany in one transaction / COPY) and analysed. Both are kept as a cache
keyed by N and the enrolment app's migrations (generating 5,000,000 persons takes minutes):
the next run with the same N reuses them; --fresh rebuilds, --drop removes them at the end.

Then, interleaved so the machine's load falls on all alike (a first pass over the sample reads the
pages in, the second is timed, each way first in turn), per backend:
- baseline: `SELECT 1` through the same Django connection (a trivial round trip);
- the register's lookups (enrollment.lookup): by ID number (the unique index) and by name
  within a region (the (region, name) index), the fields shown, SQL compiled once;
- the same through the ORM as whole models (`Person.objects.filter(...).first()` and a list of
  20), as the code read before issue 16.
Prints p50/p95/max, the ratio of each p95 to the baseline's, the load average, and the plans.

Run: .venv/bin/python bench/person_query_bench.py [N] [--queries 1000] [--only sqlite|postgres]
     PostgreSQL at $BENCH_PG_URL (default postgres://postgres@127.0.0.1:54329; scripts/pg.sh start).
Prints figures only; nothing here asserts speed.
"""
import argparse
import datetime
import glob
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(__file__), "..")
CACHE = os.environ.get("BENCH_CACHE", "/tmp/yibao-bench-cache")
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:54329")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁欣怡梓涵子轩浩然雨桐一诺思远建国建华志强志明海燕春梅晓东晓红文博国庆永红德华淑珍秀珍"
COLUMNS = ["region_id", "id_type", "id_number", "name", "sex", "birth_date", "phone", "status", "created_at",
           "updated_at"]
AREAS = ("511702", "511703", "513224", "510402", "510403", "510411", "510421")  # 达州, 松潘, 攀枝花 counties


def people(n, regions, seed=2026):
    """n rows: distinct valid 身份证号 (a birth date per 1000, a sequence within it), names
    drawn from common surnames and given names, spread over the regions."""
    from stdnum.cn import ric

    rnd = random.Random(seed)
    start = datetime.date(1950, 1, 1)
    now = datetime.datetime.now(datetime.timezone.utc)
    for i in range(n):
        born = start + datetime.timedelta(days=i // 1000)
        body = f"{AREAS[i % len(AREAS)]}{born:%Y%m%d}{i % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        given = rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.7 else "")
        sex = "M" if int(number[16]) % 2 else "F"
        yield (regions[i % len(regions)], "resident_id", number, rnd.choice(SURNAMES) + given, sex, born,
               f"1{rnd.randrange(30, 99)}{rnd.randrange(10**8):08d}", "living", now, now)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# ---------------------------------------------------------------- worker (one backend, one process)


def worker(n, queries):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
    sys.path.insert(0, ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from yibao.catalog.models import Region
    from yibao.enrollment.models import Person

    from yibao.enrollment.lookup import PersonRow, person_by_id, persons_named

    call_command("migrate", verbosity=0)
    regions = [Region.objects.get_or_create(code=c, defaults={"name": nm})[0].pk for c, nm in
               (("dazhou", "达州市"), ("songpan", "松潘县"), ("panzhihua", "攀枝花市"))]
    t0 = time.perf_counter()
    cached = Person.objects.count() == n
    if cached:
        pass
    elif connection.vendor == "sqlite":
        Person.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
        sql = (f"INSERT INTO enrollment_person ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})")
        rows = people(n, regions)
        with transaction.atomic(), connection.cursor() as cursor:
            while batch := [next(rows, None) for _ in range(50_000)]:
                batch = [r for r in batch if r is not None]
                if not batch:
                    break
                cursor.executemany(sql, batch)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        Person.objects.all().delete()
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY enrollment_person ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in people(n, regions):
                    copy.write_row(row)
            cursor.execute("ANALYZE enrollment_person")
        raw.commit()
    insert_s = time.perf_counter() - t0

    # Sample the persons to look up (spread over the table), then time each way in turn.
    rnd = random.Random(7)
    first = Person.objects.order_by("pk").values_list("pk", flat=True).first()
    ids = sorted(first + i for i in rnd.sample(range(n), min(queries, n)))
    sample = list(Person.objects.filter(pk__in=ids).values_list("id_number", "region_id", "name"))

    def trivial(number, region_id, name):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1

    ways = {
        "baseline": trivial,
        "by_id": lambda number, region_id, name: person_by_id(number).id_number == number,
        "by_name": lambda number, region_id, name: number in {p.id_number for p in persons_named(region_id, name)},
        "orm_by_id": lambda number, region_id, name: Person.objects.filter(id_number=number).first().id_number == number,
        "orm_by_name": lambda number, region_id, name: bool(
            list(Person.objects.filter(region_id=region_id, name=name).order_by("id")[:20])),
    }
    times = {k: [] for k in ways}
    found = {k: 0 for k in ways}
    order = list(ways)
    for counted in (False, True):  # a first pass, not counted, reads every page the lookups need
        for i, (number, region_id, name) in enumerate(sample):
            for key in order[i % len(order):] + order[:i % len(order)]:  # no way always goes first
                t = time.perf_counter()
                ok = ways[key](number, region_id, name)
                if counted:
                    times[key].append(time.perf_counter() - t)
                    found[key] += bool(ok)
    number, region_id, name = sample[0]
    shown = Person.objects.values_list(*PersonRow._fields)  # what the lookups select
    plans = {
        "by_id": shown.filter(id_number=number).order_by()[:1].explain(),
        "by_name": shown.filter(region_id=region_id, name=name).order_by("pk")[:20].explain(),
    }
    same_name = Person.objects.filter(region_id=region_id, name=name).count()

    def ms(values):
        return {"p50": percentile(values, 50) * 1000, "p95": percentile(values, 95) * 1000,
                "p99": percentile(values, 99) * 1000, "max": max(values) * 1000}

    return {"vendor": connection.vendor, "rows": Person.objects.count(), "insert_s": insert_s, "cached": cached,
            **{k: ms(v) for k, v in times.items()}, "found": found, "queries": len(sample),
            "same_name_example": same_name, "load": os.getloadavg()[0],
            "index": {k: "index" in plan.lower() for k, plan in plans.items()},  # SEARCH … USING INDEX / Index Scan
            "plans": plans}


def schema_key():
    """Changes when the enrolment app's migrations change (a cached data set is then rebuilt)."""
    names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "src/yibao/*/migrations/0*.py")))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:10]


# ---------------------------------------------------------------- driver


def run_backend(name, url, n, queries):
    env = {**os.environ, "DATABASE_URL": url}
    t = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, str(n), "--queries", str(queries), "--worker"], env=env,
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        print(f"{name} 失败：\n{out.stderr[-3000:]}", file=sys.stderr)
        return None
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["total_s"] = time.perf_counter() - t
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=5_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached data sets")
    parser.add_argument("--drop", action="store_true", help="remove the cached data sets at the end")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.n, args.queries), ensure_ascii=False))
        return

    results = {}
    key = f"{args.n}_{schema_key()}"
    if args.only in (None, "sqlite"):
        os.makedirs(CACHE, exist_ok=True)
        path = os.path.join(CACHE, f"persons_{key}.sqlite3")
        if args.fresh and os.path.exists(path):
            os.remove(path)
        try:
            results["SQLite"] = run_backend("SQLite", f"sqlite:///{path}", args.n, args.queries)
        finally:
            if args.drop:
                for leftover in glob.glob(path + "*"):
                    os.remove(leftover)
    if args.only in (None, "postgres"):
        import psycopg

        db = f"person_bench_{key}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone()
            if exists and args.fresh:
                admin.execute(f'DROP DATABASE "{db}"')
            if not exists or args.fresh:
                admin.execute(f'CREATE DATABASE "{db}"')
        try:
            results["PostgreSQL"] = run_backend("PostgreSQL", f"{PG_SERVER}/{db}", args.n, args.queries)
        finally:
            if args.drop:
                with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{db}"')

    done = {k: v for k, v in results.items() if v}
    if not done:
        sys.exit(1)
    names = list(done)
    print(f"参保人员查询：{args.n:,} 人，每种查询 {args.queries} 次（毫秒）")
    print(f"{'':28}" + "".join(f"{n:>14}" for n in names))

    def line(label, get):
        print(f"{label:28}" + "".join(f"{get(done[n]):>14}" for n in names))

    line("rows", lambda r: f"{r['rows']:,}")
    line("bulk insert (s)", lambda r: "cached" if r["cached"] else f"{r['insert_s']:.1f}")
    line("load average (end)", lambda r: f"{r['load']:.1f}")
    labels = (("baseline", "baseline SELECT 1"), ("by_id", "by ID number"), ("by_name", "by name + region"),
              ("orm_by_id", "ORM whole model, by ID"), ("orm_by_name", "ORM whole model, by name"))
    for key, label in labels:
        for stat in ("p50", "p95", "p99"):
            line(f"{label} {stat}", lambda r, k=key, s=stat: f"{r[k][s]:.3f}")
        if key != "baseline":
            line(f"{label} p95/baseline", lambda r, k=key: f"{r[k]['p95'] / r['baseline']['p95']:.1f}x")
    for key in ("by_id", "by_name"):
        line(f"{key} uses index", lambda r, k=key: "yes" if r["index"][k] else "NO")
    line("lookups that found the person", lambda r: f"{r['found']['by_id']}/{r['queries']}")
    line("persons sharing 1st name", lambda r: r["same_name_example"])
    for n in names:
        print(f"\n{n} plans:")
        for key, plan in done[n]["plans"].items():
            print(f"  {key}: {' | '.join(plan.splitlines())}")


if __name__ == "__main__":
    main()
