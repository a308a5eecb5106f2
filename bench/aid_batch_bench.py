"""免申即享 batch: R enrolled residents (default 1,000,000; the year's contribution paid in full by
90 %, partly by 5 %, not at all by 5 %) and a recipient list of L names (default 100,000: most
residents, some not insured here, some listed twice, some with a category word nobody knows).

Measured in one run, on one throwaway test database (DATABASE_URL picks SQLite or PostgreSQL):
- the list read and stored (CSV parse + bulk insert, medical_aid.lists.store_list);
- the batch's match: the batch's own code (medical_aid.batch.classify over the list in its chunks,
  as run_batch does), every row's outcome and the subsidy of each match;
- beside it, one hand-written SQL doing the same match (duplicates by a window function, the
  registers by joins, the subsidy by a CASE), and the ratio; both must agree row count by outcome
  and in the total subsidy;
- the grant step (a case opened, accepted and approved by the system, the Grant, the line) for the
  first G matches (default 1,000), and its rate; the whole batch's time is estimated from it
  (linear), since each grant is a full case with its events and audit entries.

Run: nice -n 10 .venv/bin/python bench/aid_batch_bench.py [--residents R] [--list L] [--grant G]
Prints figures only.
"""
import argparse
import csv
import datetime
import io
import os
import random
import sys
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from stdnum import luhn  # noqa: E402
from stdnum.cn import ric  # noqa: E402

YEAR = 2026
DUE = Decimal("380.00")
CARD = "6217996500001234565"


def numbers(n, area="510402"):
    start = datetime.date(1940, 1, 1)
    for i in range(n):
        born = start + datetime.timedelta(days=i // 1000)
        body = f"{area}{born:%Y%m%d}{i % 1000:03d}"
        yield body + ric.calc_check_digit(body + "0")


def setup(region, n):
    from yibao.contributions.models import ResidentContribution
    from yibao.enrollment.models import Enrollment, Person

    ids = list(numbers(n))
    step = 20000
    for s in range(0, n, step):
        Person.objects.bulk_create([Person(region=region, id_number=x, name=f"居民{i % 997}", sex="1",
                                           birth_date=datetime.date(1970, 1, 1))
                                    for i, x in enumerate(ids[s:s + step], start=s)], batch_size=step)
    pks = list(Person.objects.filter(region=region).order_by("id").values_list("id", flat=True))
    for s in range(0, n, step):
        chunk = pks[s:s + step]
        Enrollment.objects.bulk_create([Enrollment(person_id=p, scheme="resident", region=region, status="active",
                                                   start_on=datetime.date(2020, 1, 1)) for p in chunk],
                                       batch_size=step)
        ResidentContribution.objects.bulk_create([
            ResidentContribution(person_id=p, region=region, year=YEAR, due=DUE,
                                 paid=DUE if i % 20 < 18 else DUE / 2)
            for i, p in enumerate(chunk, start=s) if i % 20 != 19], batch_size=step)
    return ids


def the_list(ids, size, seed=13):
    rnd = random.Random(seed)
    words = ["特困人员", "低保对象", "低保", "防止返贫监测对象", "重度残疾人", "低保边缘家庭成员"]
    picked = rnd.sample(range(len(ids)), min(size, len(ids)))
    strangers = iter(numbers(size, area="510411"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["序号", "姓名", "身份证号码", "救助类别", "社会保障卡金融账号", "开户银行"])
    rows = []
    for n, i in enumerate(picked[:size]):
        kind = n % 100
        if kind < 3:  # not insured in this region
            rows.append(["外地人", next(strangers), words[n % len(words)]])
        elif kind < 5 and rows:  # a name listed again
            rows.append(list(rows[rnd.randrange(len(rows))]))
        elif kind == 5:
            rows.append([f"居民{i % 997}", ids[i], "五保户"])  # a word no category has
        else:
            rows.append([f"居民{i % 997}", ids[i], words[n % len(words)]])
    for n, r in enumerate(rows, start=1):
        writer.writerow([n, *r, CARD, "攀枝花市农村商业银行"])
    return out.getvalue().encode("utf-8")


SQL = """
WITH listed AS (
  SELECT r.id, r.id_number, r.name, r.category,
         CASE WHEN r.category = '' THEN 1
              ELSE ROW_NUMBER() OVER (PARTITION BY r.id_number, r.category = '' ORDER BY r.recipients_id, r.row) END AS copy
  FROM medical_aid_listrow r WHERE r.recipients_id = %(list)s
), judged AS (
  SELECT CASE
    WHEN l.category = '' THEN 'unknown_category'
    WHEN l.copy > 1 THEN 'duplicate'
    WHEN p.id IS NULL OR e.id IS NULL THEN 'not_enrolled'
    WHEN p.name <> l.name THEN 'name_differs'
    WHEN rc.id IS NULL OR rc.paid < rc.due THEN 'not_paid'
    WHEN g.id IS NOT NULL THEN 'already'
    WHEN sp.id IS NULL THEN 'no_parameters'
    ELSE 'granted' END AS outcome,
    CASE WHEN sp.mode = 'full' THEN rc.due WHEN sp.amount < rc.due THEN sp.amount ELSE rc.due END AS subsidy
  FROM listed l
  LEFT JOIN enrollment_person p ON p.id_number = l.id_number
  LEFT JOIN enrollment_enrollment e ON e.person_id = p.id AND e.scheme = 'resident' AND e.region_id = %(region)s
       AND e.status IN ('active', 'suspended', 'interrupted', 'retired')
  LEFT JOIN contributions_residentcontribution rc ON rc.person_id = p.id AND rc.year = %(year)s
  LEFT JOIN medical_aid_grant g ON g.person_id = p.id AND g.year = %(year)s
  LEFT JOIN medical_aid_subsidyparameters sp ON sp.category = l.category AND sp.region_id IS NULL
)
SELECT outcome, COUNT(*), SUM(CASE WHEN outcome = 'granted' THEN subsidy ELSE 0 END) FROM judged GROUP BY outcome
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--list", type=int, default=100_000)
    parser.add_argument("--grant", type=int, default=1000, help="matches granted in full (cases opened) to time that step")
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from yibao.catalog.models import Region
        from yibao.medical_aid import batch, lists
        from yibao.medical_aid.models import Outcome

        call_command("guides", "load-defaults", verbosity=0)
        region = Region.objects.get(code="panzhihua")
        t = time.perf_counter()
        ids = setup(region, args.residents)
        print(f"database: {connection.vendor}; {args.residents:,} residents enrolled (with enrolments and "
              f"contributions) in {time.perf_counter() - t:.0f} s")
        content = the_list(ids, args.list)
        t0 = time.perf_counter()
        recipients, _ = lists.store_list(region, source="民政", period="2026", year=YEAR, content=content,
                                         filename="bench.csv", actor=None)
        t1 = time.perf_counter()
        print(f"  list of {recipients.row_count:,} names ({len(content) / 1e6:.1f} MB CSV) read and stored   {t1 - t0:7.2f} s")
        found = batch.create_batch(region, YEAR, [recipients], actor=None)

        # the batch's match, as run_batch does it (chunks of batch.CHUNK)
        t2 = time.perf_counter()
        rows = list(batch._rows(found))
        context = {"parameters": batch.parameters_for(region, YEAR), "lists": [recipients]}
        seen, counts, total, matches = {}, {}, Decimal("0"), []
        for s in range(0, len(rows), batch.CHUNK):
            for r, outcome, _, match in batch.classify(found, rows[s:s + batch.CHUNK], seen, context):
                counts[outcome] = counts.get(outcome, 0) + 1
                if match is not None:
                    total += batch.subsidy(match[2], match[1])[0]
                    matches.append((r, match))
        t3 = time.perf_counter()
        with connection.cursor() as c:
            c.execute(SQL, {"list": recipients.pk, "region": region.pk, "year": YEAR})
            sql = {o: (n, Decimal(str(s or 0)).quantize(Decimal("0.01"))) for o, n, s in c.fetchall()}
        t4 = time.perf_counter()
        ours, theirs = t3 - t2, t4 - t3
        print(f"  batch match (domain code)        {ours:7.2f} s  = {len(rows) / ours:,.0f} rows/s")
        print(f"  hand-written SQL, one query      {theirs:7.2f} s")
        print(f"  ratio batch match / SQL          {ours / theirs:7.2f}")
        print("  outcome            batch       SQL")
        agree = True
        for o in sorted(set(counts) | set(sql)):
            a, b = counts.get(o, 0), sql.get(o, (0, 0))[0]
            agree &= a == b
            print(f"  {o:16s} {a:9,d} {b:9,d}{'' if a == b else '  DIFFER'}")
        sql_total = sql.get("granted", (0, Decimal("0")))[1]
        agree &= sql_total == total
        print(f"  subsidy total    {total:>12} {sql_total:>12}")
        print("  the two agree" if agree else "  THE TWO DISAGREE")

        # the grant step for the first G matches: a full case each
        item = batch.item_in_force(region, batch.ITEM)
        g = matches[:args.grant]
        t5 = time.perf_counter()
        for r, match in g:
            batch._grant(found, item, r, match)
        t6 = time.perf_counter()
        if g:
            rate = len(g) / (t6 - t5)
            granted = counts.get(Outcome.GRANTED, 0)
            print(f"  grant step: {len(g):,} cases opened, approved, granted in {t6 - t5:7.2f} s = {rate:,.0f} cases/s")
            print(f"  whole batch estimate: match {ours:.0f} s + {granted:,} grants / {rate:,.0f} per s = "
                  f"{ours + granted / rate:,.0f} s (linear; the grants dominate)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
