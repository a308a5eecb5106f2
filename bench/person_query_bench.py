"""Person query latency with N persons (default 5,000,000) in SQLite and in PostgreSQL, side by side.

For each backend a temporary database is made (a SQLite file in a temp folder; a PostgreSQL
database on the shared server), migrated, filled with N persons across three regions by the
fastest path each offers (executemany in one transaction / COPY), analysed, then queried through
the ORM as the application does: by ID number (the unique index) and by name within a region
(the (region, name) index). Prints insert time, p50/p95/max latency, and whether the plan uses
the index. The temporary databases are removed afterwards.

Run: .venv/bin/python bench/person_query_bench.py [N] [--queries 1000] [--only sqlite|postgres]
     PostgreSQL at $BENCH_PG_URL (default postgres://postgres@127.0.0.1:54329; scripts/pg.sh start).
Prints figures only; nothing here asserts speed.
"""
import argparse
import datetime
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

    call_command("migrate", verbosity=0)
    regions = [Region.objects.create(code=c, name=nm).pk for c, nm in
               (("dazhou", "达州市"), ("songpan", "松潘县"), ("panzhihua", "攀枝花市"))]
    t0 = time.perf_counter()
    if connection.vendor == "sqlite":
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
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY enrollment_person ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in people(n, regions):
                    copy.write_row(row)
            cursor.execute("ANALYZE enrollment_person")
        raw.commit()
    insert_s = time.perf_counter() - t0

    # Sample the persons to look up (spread over the table), then time the application's queries.
    rnd = random.Random(7)
    ids = sorted(rnd.sample(range(1, n + 1), min(queries, n)))
    sample = list(Person.objects.filter(pk__in=ids).values_list("id_number", "region_id", "name"))
    by_id, by_name, found = [], [], 0
    for number, region_id, name in sample:
        t = time.perf_counter()
        person = Person.objects.filter(id_number=number).first()
        by_id.append(time.perf_counter() - t)
        t = time.perf_counter()
        hits = list(Person.objects.filter(region_id=region_id, name=name).order_by("id")[:20])
        by_name.append(time.perf_counter() - t)
        found += person is not None and person.id_number == number and bool(hits)
    number, region_id, name = sample[0]
    plans = {
        "by_id": Person.objects.filter(id_number=number).explain(),
        "by_name": Person.objects.filter(region_id=region_id, name=name).order_by("id")[:20].explain(),
    }
    same_name = Person.objects.filter(region_id=region_id, name=name).count()

    def ms(values):
        return {"p50": percentile(values, 50) * 1000, "p95": percentile(values, 95) * 1000,
                "max": max(values) * 1000}

    return {"vendor": connection.vendor, "rows": Person.objects.count(), "insert_s": insert_s,
            "by_id": ms(by_id), "by_name": ms(by_name), "found": found, "queries": len(sample),
            "same_name_example": same_name,
            "index": {k: "index" in plan.lower() for k, plan in plans.items()},  # SEARCH … USING INDEX / Index Scan
            "plans": plans}


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
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.n, args.queries), ensure_ascii=False))
        return

    results = {}
    if args.only in (None, "sqlite"):
        folder = tempfile.mkdtemp(prefix="person_bench_")
        try:
            results["SQLite"] = run_backend("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.n, args.queries)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if args.only in (None, "postgres"):
        import psycopg

        db = f"person_bench_{os.getpid()}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{db}"')
        try:
            results["PostgreSQL"] = run_backend("PostgreSQL", f"{PG_SERVER}/{db}", args.n, args.queries)
        finally:
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
    line("bulk insert (s)", lambda r: f"{r['insert_s']:.1f}")
    line("insert rows/s", lambda r: f"{r['rows'] / r['insert_s']:,.0f}")
    for key, label in (("by_id", "by ID number"), ("by_name", "by name + region")):
        for stat in ("p50", "p95", "max"):
            line(f"{label} {stat}", lambda r, k=key, s=stat: f"{r[k][s]:.3f}")
        line(f"{label} uses index", lambda r, k=key: "yes" if r["index"][k] else "NO")
    line("lookups that found the person", lambda r: f"{r['found']}/{r['queries']}")
    line("persons sharing 1st name", lambda r: r["same_name_example"])
    if len(names) == 2:
        a, b = (done[n] for n in names)
        for key, label in (("by_id", "by ID"), ("by_name", "by name")):
            print(f"p50 ratio {label} {names[1]}/{names[0]}: {b[key]['p50'] / a[key]['p50']:.2f}")
    for n in names:
        print(f"\n{n} plans:")
        for key, plan in done[n]["plans"].items():
            print(f"  {key}: {' | '.join(plan.splitlines())}")


if __name__ == "__main__":
    main()
