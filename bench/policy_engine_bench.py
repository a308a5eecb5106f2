"""The payment-policy engine (yibao.claims.policy) over N claim lines (default 1,000,000), beside a
hand-written SQL aggregate of the same rules (乙类 self-paid share, 丙类 excluded, deductible per year
or per admission, ratio by hospital level less the unfiled reduction, yearly cap) in the same run.

Both read the same lines from one table of the database DATABASE_URL names (a throwaway test
database): the engine fetches them in order and calculates each person's claim in Python; the SQL
computes every line's payable amount with window functions (cumulative eligible amounts against
the deductible, cumulative payments against the cap) and sums them. Both totals are printed and
must agree to the fen.

Run: .venv/bin/python bench/policy_engine_bench.py [N] [--lines-per-person K]
Prints figures only; nothing here asserts speed.
"""
import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from yibao.claims import policy  # noqa: E402

LEVELS = ("一级", "二级", "三级")
# benefit -> (deductible fen, per, ratios in basis points by level, 乙类 share bp, unfiled bp, cap fen)
TARIFFS = {
    policy.OUTPATIENT: (20000, policy.PER_YEAR, (7000, 6000, 5000), 1000, 1000, 300000),
    policy.INPATIENT: (60000, policy.PER_ADMISSION, (9000, 8500, 8000), 1000, 1000, 20000000),
    policy.chronic("MT001"): (0, policy.PER_YEAR, (8500, 8000, 7500), 1000, 1000, 800000),
}
BENEFIT_ID = {b: n for n, b in enumerate(TARIFFS)}


def tariffs():
    out = []
    for benefit, (ded, per, ratios, share, unfiled, cap) in TARIFFS.items():
        out.append(policy.Tariff(
            benefit=benefit, effective_from=datetime.date(2020, 1, 1), deductible=Decimal(ded) / 100,
            deductible_per=per, ratios={lv: Decimal(r) / 10000 for lv, r in zip(LEVELS, ratios)},
            class_b_share=Decimal(share) / 10000, unfiled_reduction=Decimal(unfiled) / 10000,
            yearly_cap=Decimal(cap) / 100))
    return out


def generate(n, per_person, seed=12):
    """Rows (person, seq, visit, benefit, year, level, unfiled, category, amount_fen)."""
    rng = random.Random(seed)
    rows, seq, visit = [], 0, 0
    person = 0
    while len(rows) < n:
        person += 1
        left = min(per_person, n - len(rows))
        while left > 0:
            visit += 1
            benefit = rng.choice(list(TARIFFS))
            year = rng.choice((2025, 2026))
            level = rng.randrange(3)
            unfiled = 1 if rng.random() < 0.1 else 0
            for _ in range(min(left, rng.randint(1, 8))):
                seq += 1
                category = rng.choices("甲乙丙", weights=(6, 3, 1))[0]
                amount = rng.randint(100, 500000) if benefit == policy.INPATIENT else rng.randint(100, 60000)
                rows.append((person, seq, visit, BENEFIT_ID[benefit], year, level, unfiled, category, amount))
                left -= 1
    return rows


def load(rows):
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_claim_line")
        cur.execute("DROP TABLE IF EXISTS bench_tariff")
        cur.execute("CREATE TABLE bench_claim_line (person integer, seq integer, visit integer, benefit integer, "
                    "yr integer, level integer, unfiled integer, category varchar(1), amount bigint)")
        cur.execute("CREATE TABLE bench_tariff (benefit integer, ded bigint, per_admission integer, r0 integer, "
                    "r1 integer, r2 integer, share integer, unfiled integer, cap bigint)")
        for benefit, (ded, per, ratios, share, unfiled, cap) in TARIFFS.items():
            cur.execute("INSERT INTO bench_tariff VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        [BENEFIT_ID[benefit], ded, int(per == policy.PER_ADMISSION), *ratios, share, unfiled, cap])
        for start in range(0, len(rows), 20000):
            cur.executemany("INSERT INTO bench_claim_line VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                            rows[start:start + 20000])
        cur.execute("CREATE INDEX bench_claim_line_order ON bench_claim_line (person, seq)")


def run_engine():
    """Fetch the lines in order and calculate each person's claim with the engine; the total."""
    names = {v: k for k, v in BENEFIT_ID.items()}
    ts = tariffs()
    total = Decimal("0.00")
    with connection.cursor() as cur:
        cur.execute("SELECT person, visit, benefit, yr, level, unfiled, category, amount FROM bench_claim_line "
                    "ORDER BY person, seq")
        person, visits, lines, head = None, [], [], None

        def close_visit():
            if head is not None:
                visits.append(policy.Visit(key=str(head[1]), benefit=names[head[2]], on=datetime.date(head[3], 6, 1),
                                           level=LEVELS[head[4]], remote=bool(head[5]), filed=not head[5],
                                           lines=tuple(lines)))

        while True:
            batch = cur.fetchmany(10000)
            for row in batch:
                if row[0] != person:
                    close_visit()
                    if visits:
                        total += policy.calculate(visits, ts).payable
                    person, visits, lines, head = row[0], [], [], row
                elif row[1] != head[1]:
                    close_visit()
                    lines, head = [], row
                lines.append(policy.Line(item="", category=row[6], amount=Decimal(row[7]) / 100))
            if not batch:
                break
        close_visit()
        if visits:
            total += policy.calculate(visits, ts).payable
    return total


def sql():
    least = "MIN" if connection.vendor == "sqlite" else "LEAST"
    greatest = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    return f"""
-- integer fen and basis points throughout; integer division rounds half up after adding 5000
-- (PostgreSQL's SUM of bigint is numeric: cast back so the divisions stay integer divisions)
WITH l AS (
  SELECT c.person, c.seq, c.benefit, c.yr,
         CASE WHEN t.per_admission = 1 THEN c.visit ELSE -c.yr END AS period,
         CASE c.category WHEN '丙' THEN 0
                         WHEN '乙' THEN c.amount - (c.amount * t.share + 5000) / 10000
                         ELSE c.amount END AS eligible,
         {greatest}(CASE c.level WHEN 0 THEN t.r0 WHEN 1 THEN t.r1 ELSE t.r2 END - c.unfiled * t.unfiled, 0) AS ratio,
         t.ded, t.cap
  FROM bench_claim_line c JOIN bench_tariff t ON t.benefit = c.benefit
), d AS (
  SELECT l.*, CAST(SUM(eligible) OVER (PARTITION BY person, benefit, period ORDER BY seq ROWS UNBOUNDED PRECEDING)
              AS bigint) AS cum_e
  FROM l
), r AS (
  SELECT d.*, ((eligible - ({least}(cum_e, ded) - {least}(cum_e - eligible, ded))) * ratio + 5000) / 10000 AS raw
  FROM d
), p AS (
  SELECT r.*, CAST(SUM(raw) OVER (PARTITION BY person, benefit, yr ORDER BY seq ROWS UNBOUNDED PRECEDING) AS bigint)
         AS cum_raw FROM r
)
SELECT SUM({least}(cum_raw, cap) - {least}(cum_raw - raw, cap)) FROM p
"""


def run_sql():
    with connection.cursor() as cur:
        cur.execute(sql())
        return (Decimal(cur.fetchone()[0] or 0) / 100).quantize(Decimal("0.01"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=1_000_000, help="claim lines (default 1,000,000)")
    parser.add_argument("--lines-per-person", type=int, default=40)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        t0 = time.perf_counter()
        rows = generate(args.n, args.lines_per_person)
        load(rows)
        t1 = time.perf_counter()
        engine_total = run_engine()
        t2 = time.perf_counter()
        sql_total = run_sql()
        t3 = time.perf_counter()
        persons = rows[-1][0]
        print(f"database: {connection.vendor}; {args.n:,} claim lines, {persons:,} persons "
              f"({args.lines_per_person} lines each), 3 benefits")
        print(f"  generate + load           {t1 - t0:8.2f} s")
        print(f"  policy engine (Python)    {t2 - t1:8.2f} s  = {args.n / (t2 - t1):,.0f} lines/s  total {engine_total}")
        print(f"  SQL aggregate (windows)   {t3 - t2:8.2f} s  = {args.n / (t3 - t2):,.0f} lines/s  total {sql_total}")
        print(f"  ratio engine / SQL        {(t2 - t1) / (t3 - t2):8.2f} x")
        print(f"  totals agree to the fen:  {'yes' if engine_total == sql_total else 'NO'}")
        if engine_total != sql_total:
            sys.exit(1)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
