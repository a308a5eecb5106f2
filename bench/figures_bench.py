"""好差评 公开 at volume: SIZE cases (default 1,000,000, two years) with ratings on a third of the
finished ones and follow-ups on the 差评, in a temporary SQLite database; then the public figures
of a region's month (cases.figures.month_figures: five grouped queries) beside a baseline measured
in the same run: one indexed COUNT of that month's applications. Prints p50/p95 of each, the
ratio, the number of queries and the plans; asserts nothing.

Run: nice -n 10 .venv/bin/python bench/figures_bench.py [SIZE] [--samples 40]
     (a quick run: SIZE=100000)

The cases come from bench/cases_volume_bench.py's generator (rows straight into the tables,
for timing reads only); ratings and follow-ups are inserted the same way."""
import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cases_volume_bench as volume  # noqa: E402

LEVELS = ["very_satisfied"] * 50 + ["satisfied"] * 25 + ["basically_satisfied"] * 12 + ["dissatisfied"] * 8 + [
    "very_dissatisfied"] * 5


def rate(rng, share=0.33):
    """Ratings for a third of the finished cases, a follow-up for each 差评 (two thirds closed)."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, item_code, office, office_ref_id, closed_at, region_id FROM cases_case "
                       "WHERE state IN ('completed', 'denied', 'refused')")
        finished = cursor.fetchall()
    evaluations, follow_ups = [], []
    for case_id, code, office, office_ref, closed, region in finished:
        if rng.random() > share:
            continue
        level = rng.choice(LEVELS)
        at = closed + timedelta(hours=rng.randrange(1, 72))
        evaluations.append((case_id, level, "", "portal", None, region, code, office, office_ref, None, at))
        if level in ("dissatisfied", "very_dissatisfied"):
            opened = at.date()
            done = at + timedelta(days=rng.randrange(2, 30)) if rng.random() < 0.67 else None
            follow_ups.append((case_id, opened, opened + timedelta(days=21), False,
                               "rectified" if done else "", "", done.date() if done else None, done, None))
    with connection.cursor() as cursor, transaction.atomic():
        volume.insert(cursor, "cases_evaluation", ["case_id", "level", "text", "channel", "rater_id", "region_id", "item_code",
                                                   "office", "office_ref_id", "staff_id", "created_at"], evaluations)
        cursor.execute("SELECT id, case_id FROM cases_evaluation")
        by_case = {case: pk for pk, case in cursor.fetchall()}
        cursor.execute("SELECT id, region_id FROM cases_case")
        region_of = dict(cursor.fetchall())
        volume.insert(cursor, "cases_followup", ["evaluation_id", "case_id", "region_id", "opened_on", "due_date",
                                                 "due_provisional", "outcome", "note", "called_back_on", "closed_at",
                                                 "closed_by_id"],
                      [(by_case[c], c, region_of[c], *rest) for c, *rest in follow_ups])
        cursor.execute("ANALYZE")
    print(f"  {len(evaluations):,} ratings, {len(follow_ups):,} follow-ups")


def measure(regions, samples, rng):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from yibao.cases.figures import month_bounds, month_figures
    from yibao.cases.models import Case

    today = timezone.localdate()
    months = [(today.replace(day=1) - timedelta(days=31 * k)).replace(day=1) for k in range(24)]
    runs = [(rng.choice(regions), rng.choice(months)) for _ in range(samples)]

    def baseline(region, month):
        _, start, end = month_bounds(month)
        return Case.objects.filter(region=region, submitted_at__gte=start, submitted_at__lt=end).count()

    base = volume.timed(baseline, runs)
    figures = volume.timed(month_figures, runs)
    volume.show("baseline: COUNT of the month's applications", base)
    volume.show("month_figures(region, month)", figures)
    ratio = statistics.median(figures) / statistics.median(base)
    print(f"  ratio figures / baseline (p50): {ratio:.1f}")
    with CaptureQueriesContext(connection) as queries:
        result = month_figures(*runs[0])
    print(f"  queries per month's figures: {len(queries)}; e.g. {runs[0][0].code} {runs[0][1]:%Y-%m}: "
          f"{result.total.submitted:,} applications, {result.total.rated:,} ratings, {result.negative:,} 差评")
    print("query plans (SQLite), each query's time alone (p50 of 5 runs, the SQL as logged):")
    for q in queries.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {q['sql']}")
            plan = "; ".join(row[-1] for row in cursor.fetchall())[:200]
            alone = []
            for _ in range(5):
                t0 = time.perf_counter()
                cursor.execute(q["sql"])
                cursor.fetchall()
                alone.append(time.perf_counter() - t0)
        print(f"  {statistics.median(alone) * 1000:7.2f} ms  {plan}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", nargs="?", type=int, default=1_000_000, help="cases to generate")
    parser.add_argument("--samples", type=int, default=40, help="timed calls of each")
    args = parser.parse_args()
    rng = random.Random(20261207)
    tmp = Path(tempfile.mkdtemp(prefix="yibao-figures-bench-"))
    try:
        volume.setup_django(tmp)
        from django.core.management import call_command

        from yibao.catalog.guides.importer import load_defaults

        call_command("migrate", interactive=False, verbosity=0)
        load_defaults()
        t0 = time.perf_counter()
        _, regions = volume.generate(args.size, rng, any_item=True)  # figures read rows, not case data
        rate(rng)
        print(f"database: SQLite (WAL), {args.size:,} cases in {time.perf_counter() - t0:.1f} s")
        measure(regions, args.samples, rng)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
