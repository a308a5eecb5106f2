"""Case reads at volume: generate SIZE cases (default 1,000,000) in a temporary SQLite database
seeded with the shipped guides, then time the reads that must stay fast however many cases there
are: the public progress query (receipt + ID number), the staff queue of a region (the
workbench's queue: open cases, earliest due first, first page and count) and "my cases".

Run: .venv/bin/python bench/cases_volume_bench.py [SIZE] [--samples 200] [--keep]
     (a quick run: SIZE=100000)

The generator bypasses the actions for volume: rows go straight into the tables in batches
(cases with a real frozen item, their submit/accept events, applicants and their accounts). No
audit entries, notices or receipts sequence are written, and no rule is checked: the data is for
timing reads, not a history anyone could trust. Every item of the guides in force whose handler
takes empty case data is used (the generator cannot invent a domain's case data). Prints figures and query plans; asserts nothing.

     .venv/bin/python bench/cases_volume_bench.py 1000000 --cache /tmp/yibao-volume-1m.sqlite3
     generates once into that file (and its sample beside it) and reuses it on later runs; other
     benches (bench/queue_page_bench.py, bench/api_bench.py --track-db) read the same file.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# How the generated cases are spread over the states (weights).
STATES = {
    "completed": 58, "withdrawn": 5, "refused": 3, "denied": 2, "submitted": 6, "correction_requested": 2,
    "accepted": 12, "under_review": 8, "approved": 3, "paid": 1,
}
RUNNING = {"accepted", "under_review", "approved", "paid"}
OPEN = RUNNING | {"submitted", "correction_requested"}
CASES_PER_APPLICANT = 10
BATCH = 20_000


def setup_django(tmp, database=None):
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "yibao.settings",
        "DATABASE_URL": f"sqlite:///{database or tmp / 'volume.sqlite3'}",
        "YIBAO_VAR_DIR": str(tmp),
    })
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def insert(cursor, table, columns, rows):
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})', rows)


def runs_without_data(item):
    """Does the item's handler take a case with empty case data (its pages and checklist read it)?"""
    from yibao.cases.checklist import Conditions
    from yibao.cases.handlers import handler_for

    try:
        handler_for(item.code).validate_data({}, Conditions.parse(None, agent=False))
    except Exception:  # noqa: BLE001 - any refusal means the item needs data of its own
        return False
    return True


def generate(size, rng, any_item=False):
    """Bulk-insert `size` cases; returns [(receipt_no, id_number)] of a sample and the region ids."""
    from django.db import connection, transaction

    from yibao.cases.snapshot import freeze
    from yibao.catalog.models import Guide, Region, ServiceItem

    regions = list(Region.objects.filter(is_template=False).order_by("code"))
    items = {}  # region id -> [(item id, code, snapshot json, title)]
    for region in regions:
        guide = Guide.objects.filter(region=region).in_force().first()
        for item in ServiceItem.objects.filter(guide=guide).order_by("ordinal"):
            if not any_item and not runs_without_data(item):
                continue  # the item's handler needs case data of its own, which this generator cannot invent
            snapshot = freeze(item)
            items.setdefault(region.pk, []).append((item.pk, item.code, json.dumps(snapshot, ensure_ascii=False)))
    regions = [r for r in regions if r.pk in items]  # (every shipped item may have a domain's handler now)
    now = datetime.now(dt_timezone.utc).replace(tzinfo=None)  # stored as Django stores it on SQLite: naive UTC
    today = now.date()
    applicants = max(1, size // CASES_PER_APPLICANT)

    with connection.cursor() as cursor:
        # A throwaway database: no journal while loading (WAL again before measuring).
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1000000")  # 1 GB: index pages stay in memory while loading
        # Secondary indexes are built once after loading (sorted, much faster than row by row).
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                       "AND tbl_name IN ('cases_case', 'cases_caseevent')")
        deferred = cursor.fetchall()
        for name, _ in deferred:
            cursor.execute(f'DROP INDEX "{name}"')
    t0 = time.perf_counter()
    with connection.cursor() as cursor, transaction.atomic():
        first_user = 1_000_000
        insert(cursor, "auth_user",
               ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                "is_active", "date_joined"],
               [(first_user + n, "!", False, f"bench-{n}", "", "", "", False, True, now) for n in range(applicants)])
        insert(cursor, "people_applicant",
               ["id", "user_id", "kind", "id_type", "id_number", "name", "phone", "region_id", "created_at"],
               [(n + 1, first_user + n, "person", "resident_id", f"51170219{n:010d}", f"测试{n}", "13800000000",
                 regions[n % len(regions)].pk, now) for n in range(applicants)])
    print(f"  {applicants:,} applicants in {time.perf_counter() - t0:.1f} s")

    case_columns = [
        "id", "receipt_no", "item_id", "item_code", "snapshot", "region_id", "office", "channel", "applicant_id",
        "agent_id", "submitted_by_id", "conditions", "data", "materials", "owed", "state", "resume_state", "round",
        "submitted_at", "accepted_on", "limit_days", "limit_rule", "due_date", "due_provisional", "sub_deadlines",
        "paused_on", "paused_days", "overdue", "overdue_on", "amount", "closed_at", "version", "created_at",
        "updated_at",
    ]
    event_columns = ["case_id", "at", "actor_id", "actor_label", "actor_role", "office", "channel", "from_state",
                     "to_state", "action", "comment", "payload"]
    state_names, weights = list(STATES), list(STATES.values())
    empty_conditions = json.dumps({"applicant_kind": "", "sub_type": "", "agent": False, "special_groups": [],
                                   "commitments": []})
    supplied = json.dumps({"1": {"by": "document", "round": 1}})
    sample, events = [], 0
    t0 = time.perf_counter()
    for start in range(0, size, BATCH):
        cases, case_events = [], []
        for n in range(start, min(start + BATCH, size)):
            region = regions[n % len(regions)]
            item_id, code, snapshot = rng.choice(items[region.pk])
            applicant = rng.randrange(applicants)
            submitted = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            state = rng.choices(state_names, weights)[0]
            accepted_on = due = closed = None
            if state not in ("submitted", "correction_requested", "refused", "withdrawn"):
                accepted_on = submitted.date() + timedelta(days=1)
                due = today + timedelta(days=rng.randrange(-20, 40)) if state in RUNNING else accepted_on + timedelta(days=20)
            if state not in OPEN:
                closed = submitted + timedelta(days=rng.randrange(1, 30))
            receipt = f"{region.admin_code or region.code.upper()}-{submitted:%Y%m%d}-{n + 1:07d}-BEN"
            cases.append((
                n + 1, receipt, item_id, code, snapshot, region.pk, "市本级", "portal", applicant + 1, None, None,
                empty_conditions, "{}", supplied, "[]", state, "", 1,
                submitted, accepted_on, 20 if accepted_on else None, "", due, False, "[]", None, 0,
                bool(due and state in RUNNING and due < today), None, None, closed, 1, submitted, submitted,
            ))
            case_events.append((n + 1, submitted, None, "系统", "申请人", "市本级", "portal", "", "submitted",
                                "submit", "", "{}"))
            if accepted_on:
                case_events.append((n + 1, submitted + timedelta(days=1), None, "系统", "窗口受理", "市本级", "window",
                                    "submitted", "accepted", "accept", "", "{}"))
            if len(sample) < 5000 and rng.random() < 0.01:
                sample.append((receipt, f"51170219{applicant:010d}", applicant + 1))
        with connection.cursor() as cursor, transaction.atomic():
            insert(cursor, "cases_case", case_columns, cases)
            insert(cursor, "cases_caseevent", event_columns, case_events)
        events += len(case_events)
        done = min(start + BATCH, size)
        if done % (BATCH * 10) == 0 or done == size:
            rate = done / (time.perf_counter() - t0)
            print(f"  {done:>9,} cases, {events:,} events ({rate:,.0f} cases/s)", flush=True)
    with connection.cursor() as cursor:
        t1 = time.perf_counter()
        for _, sql in deferred:
            cursor.execute(sql)
        print(f"  {len(deferred)} indexes built in {time.perf_counter() - t1:.1f} s")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA cache_size=-2000")  # SQLite's default again, as the site runs
    return sample, regions


def timed(call, runs, budget=30.0):
    """Time `call` over `runs`, stopping early once `budget` seconds are spent (at least 5 runs)."""
    times = []
    for args in runs:
        t0 = time.perf_counter()
        call(*args)
        times.append(time.perf_counter() - t0)
        if sum(times) > budget and len(times) >= 5:
            break
    return times


def show(name, times):
    q = statistics.quantiles(times, n=20, method="inclusive") if len(times) > 1 else times * 19
    print(f"  {name:<46} n={len(times):>4}  p50 {statistics.median(times) * 1000:7.2f} ms  "
          f"p95 {q[18] * 1000:7.2f} ms  max {max(times) * 1000:7.2f} ms")


def plan(queryset):
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "; ".join(row[-1] for row in cursor.fetchall())


def measure(sample, regions, samples, rng):
    from django.utils import timezone

    from yibao.cases.queries import cases_of, progress
    from yibao.people.models import Applicant
    from yibao.workbench.queries import QueueFilters, queue
    from yibao.workdays.calendar import current

    picks = [rng.choice(sample) for _ in range(samples)]
    today, calendar = timezone.localdate(), current()
    page = 50

    show("progress(receipt, ID number)", timed(lambda r, i: progress(r, i), [(r, i) for r, i, _ in picks]))
    show("progress, wrong ID number (404)", timed(
        lambda r, i: _not_found(progress, r, i), [(r, "110101199001010000") for r, _, _ in picks[:samples // 2]]))

    def first_page(region, filters):
        cases = queue(region, filters, today=today, calendar=calendar)
        return list(cases[:page]), cases.count()

    runs = [(rng.choice(regions), QueueFilters()) for _ in range(samples // 4)]
    show(f"queue: open cases of a region, page of {page} + count", timed(first_page, runs))
    runs = [(rng.choice(regions), QueueFilters(due="overdue")) for _ in range(samples // 4)]
    show("queue: overdue only, page + count", timed(first_page, runs))

    applicants = {a.pk: a for a in Applicant.objects.filter(pk__in={a for _, _, a in picks})}

    def mine(applicant):
        cases = cases_of(applicant)
        return list(cases[:20]), cases.count()

    show("my cases (cases_of, 20 newest + count)", timed(mine, [(applicants[a],) for _, _, a in picks]))

    region = regions[0]
    print("query plans (SQLite):")
    open_queue = queue(region, QueueFilters(), today=today, calendar=calendar)
    print(f"  queue, cases with a due date: {plan(open_queue.dated[:page])}")
    print(f"  queue, cases without: {plan(open_queue.undated[:page])}")
    print(f"  my cases: {plan(cases_of(applicants[picks[0][2]])[:20])}")


def _not_found(call, *args):
    from yibao.cases.exceptions import CaseNotFound

    try:
        call(*args)
    except CaseNotFound:
        return None


def load_or_generate(size, rng, tmp, cache=None):
    """(sample, regions) of a database of `size` cases: the cached one when `cache` exists (made
    by an earlier run with the same size), else a fresh one (kept at `cache` when given)."""
    sample_file = cache.with_suffix(".sample.json") if cache else None
    if cache and cache.exists() and sample_file.exists() and json.loads(sample_file.read_text())["size"] == size:
        setup_django(tmp, cache)
        from django.core.management import call_command

        from yibao.catalog.models import Region

        call_command("migrate", interactive=False, verbosity=0)  # a migration added since is applied, not regenerated
        print(f"database: SQLite (WAL) {cache}, {size:,} cases generated by an earlier run")
        return [tuple(s) for s in json.loads(sample_file.read_text())["sample"]], list(
            Region.objects.filter(is_template=False).order_by("code"))
    if cache:
        for path in (cache, sample_file, Path(f"{cache}-wal"), Path(f"{cache}-shm")):
            path.unlink(missing_ok=True)
    setup_django(tmp, cache)
    from django.core.management import call_command

    from yibao.catalog.guides.importer import load_defaults

    database = cache or tmp / "volume.sqlite3"
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    load_defaults()
    print(f"database: SQLite (WAL) {database}; schema and guides in {time.perf_counter() - t0:.1f} s")
    print(f"generating {size:,} cases by bulk INSERT (bypassing the actions; no audit, notices or rules)")
    sample, regions = generate(size, rng)
    print(f"  database file {database.stat().st_size / 2**20:,.0f} MB")
    if cache:
        sample_file.write_text(json.dumps({"size": size, "sample": sample}))
    return sample, regions


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", nargs="?", type=int, default=1_000_000, help="cases to generate")
    parser.add_argument("--samples", type=int, default=200, help="timed calls per query")
    parser.add_argument("--keep", action="store_true", help="keep the database (its path is printed)")
    parser.add_argument("--cache", default="", help="a database file to generate once and reuse (under /tmp)")
    args = parser.parse_args()
    rng = random.Random(20260101)
    tmp = Path(tempfile.mkdtemp(prefix="yibao-volume-bench-"))
    try:
        sample, regions = load_or_generate(args.size, rng, tmp, Path(args.cache) if args.cache else None)
        print(f"latencies over {args.size:,} cases, without planner statistics (as Django leaves SQLite):")
        measure(sample, regions, args.samples, rng)
        from django.db import connection

        with connection.cursor() as cursor:
            t0 = time.perf_counter()
            cursor.execute("ANALYZE")
        print(f"the same after ANALYZE ({time.perf_counter() - t0:.1f} s; what PRAGMA optimize or a DBA would do):")
        measure(sample, regions, args.samples, rng)
    finally:
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
