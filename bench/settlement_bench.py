"""Settlement audit of one provider's month from a claim file: N claim lines (default 5,000,000;
the issue's target is under 60 s on this machine), read from CSV and audited by the domain's rules
(providers.claims_file + providers.audit: not insured on the date, provider suspended on the date,
duplicate, remote visit without a filing, item outside the catalogue, amounts over the policy,
outside the period; remote visits through the filing register; duplicates within the file and
against September's settlement), the flagged lines and the month's line fingerprints stored; beside it, in the same run, a hand-written SQL of
the same rules over the same lines loaded into a table. Both must find the same lines per rule.

Run: .venv/bin/python bench/settlement_bench.py [--lines N] [--persons P]
(throwaway test database; DATABASE_URL picks SQLite or PostgreSQL). Prints figures only.
"""
import argparse
import datetime
import os
import random
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from stdnum.cn import ric  # noqa: E402

PERIOD = "2026-10"
FIRST, LAST = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
SUSPENDED = (datetime.date(2026, 10, 20), datetime.date(2026, 10, 20))  # suspended on the 20th, resumed the 21st


def numbers(n):
    start = datetime.date(1950, 1, 1)
    for i in range(n):
        born = start + datetime.timedelta(days=i // 1000)
        body = f"511702{born:%Y%m%d}{i % 1000:03d}"
        yield body + ric.calc_check_digit(body + "0")


def write_file(path, n, persons, filed, seed=7):
    """The claim CSV: 6 lines in 500 break a rule of the line itself (each in turn); the suspended
    day and the persons not insured add about 4 in 100. Remote lines: 1 in 500 of anyone (nearly
    all without a filing), 1 in 500 of the persons with a filing. Returns the lines of 30 September
    (outside the period), half of which September's settlement already holds."""
    from yibao.providers.claims_file import HEADER

    rnd = random.Random(seed)
    september = []
    days = [FIRST + datetime.timedelta(days=d) for d in range(31)]
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(",".join(HEADER) + "\n")
        last = None
        for i in range(n):
            pid = persons[rnd.randrange(len(persons))]
            day = days[rnd.randrange(31)]
            cls, amount, fund, remote, filing = "甲", "120.50", "96.40", "否", ""
            kind = i % 500
            if kind == 1:
                cls = "丙"
            elif kind == 2:
                amount, fund = "80000.00", "64000.00"
            elif kind == 3:
                remote = "是"
            elif kind == 4:
                pid, remote, filing = filed[rnd.randrange(len(filed))], "是", "BA2026" + str(i)
            elif kind == 5:
                day = datetime.date(2026, 9, 30)
            if kind == 6 and last is not None:
                out.write(last)
                continue
            line = f"{pid},患者{i % 1000},V{i},门诊,{day.isoformat()},X{i % 997},项目{i % 997},{cls},1,{amount},{fund},{remote},{filing}\n"
            out.write(line)
            last = line
            if kind == 5:
                september.append((pid, f"V{i}", f"X{i % 997}", day, 12050))
    return september


SQL = """
WITH lines AS (
  SELECT l.*, ROW_NUMBER() OVER (PARTITION BY patient_id, visit_no, item_code, visit_on, amount ORDER BY line_no) AS copy
  FROM bench_lines l
), faults AS (
  SELECT line_no, fund_share,
    CASE WHEN visit_on < %(first)s OR visit_on > %(last)s THEN 1 ELSE 0 END AS outside_period,
    CASE WHEN NOT EXISTS (SELECT 1 FROM enrollment_person p JOIN enrollment_enrollment e ON e.person_id = p.id
                          WHERE p.id_number = lines.patient_id AND e.status IN ('active', 'retired', 'ended')
                            AND e.start_on <= lines.visit_on AND (e.end_on IS NULL OR e.end_on >= lines.visit_on))
         THEN 1 ELSE 0 END AS not_insured,
    CASE WHEN visit_on IN (SELECT day FROM bench_suspended) THEN 1 ELSE 0 END AS provider_suspended,
    CASE WHEN copy > 1 OR EXISTS (SELECT 1 FROM bench_earlier b WHERE b.patient_id = lines.patient_id
                                    AND b.visit_no = lines.visit_no AND b.item_code = lines.item_code
                                    AND b.visit_on = lines.visit_on AND b.amount = lines.amount)
         THEN 1 ELSE 0 END AS duplicate,
    CASE WHEN remote = 1 AND NOT EXISTS (
           SELECT 1 FROM remote_care_filing f JOIN enrollment_person p ON f.person_id = p.id
           WHERE p.id_number = lines.patient_id AND f.province = %(province)s
             AND (f.city = %(city)s OR f.city = '' OR %(city)s = '')
             AND f.start_on <= lines.visit_on AND (f.end_on IS NULL OR f.end_on >= lines.visit_on)
             AND (f.ended_on IS NULL OR f.ended_on > lines.visit_on))
         THEN 1 ELSE 0 END AS remote_unfiled,
    CASE WHEN catalogue_class NOT IN ('甲', '乙', '甲类', '乙类') THEN 1 ELSE 0 END AS outside_catalogue,
    CASE WHEN amount < 0 OR fund_share < 0 OR fund_share > amount OR amount > %(ceiling)s THEN 1 ELSE 0 END AS over_policy
  FROM lines
)
SELECT COUNT(*), SUM(fund_share),
  SUM(outside_period), SUM(not_insured), SUM(provider_suspended), SUM(duplicate), SUM(remote_unfiled),
  SUM(outside_catalogue), SUM(over_policy),
  SUM(CASE WHEN outside_period + not_insured + provider_suspended + duplicate + remote_unfiled + outside_catalogue
           + over_policy > 0 THEN 1 ELSE 0 END),
  SUM(CASE WHEN outside_period + not_insured + provider_suspended + duplicate + remote_unfiled + outside_catalogue
           + over_policy > 0 THEN fund_share ELSE 0 END)
FROM faults
"""
RULE_ORDER = ["outside_period", "not_insured", "provider_suspended", "duplicate", "remote_unfiled",
              "outside_catalogue", "over_policy"]


def sql_audit(path, ceiling, place, held):
    """Load the file into a table (executemany) and run the rules as one SQL statement; September's
    lines that its settlement holds are a table too (the hand-written side keeps whole lines)."""
    from yibao.providers.claims_file import read_lines

    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_lines")
        c.execute("CREATE TABLE bench_lines (line_no integer, patient_id varchar(32), visit_no varchar(40), "
                  "visit_on date, item_code varchar(50), catalogue_class varchar(8), amount bigint, fund_share bigint, "
                  "remote integer, filing_no varchar(40))")
        c.execute("DROP TABLE IF EXISTS bench_suspended")
        c.execute("CREATE TABLE bench_suspended (day date)")
        c.execute("DROP TABLE IF EXISTS bench_earlier")
        c.execute("CREATE TABLE bench_earlier (patient_id varchar(32), visit_no varchar(40), item_code varchar(50), "
                  "visit_on date, amount bigint)")
        c.executemany("INSERT INTO bench_earlier VALUES (%s, %s, %s, %s, %s)", held)
        c.execute("CREATE INDEX bench_earlier_key ON bench_earlier (patient_id, visit_no)")
        day = SUSPENDED[0]
        while day <= SUSPENDED[1]:
            c.execute("INSERT INTO bench_suspended VALUES (%s)", [day])
            day += datetime.timedelta(days=1)
    t0, c0 = time.perf_counter(), time.process_time()
    batch = []
    with open(path, "rb") as f, connection.cursor() as c:
        for line in read_lines(f, "claims.csv"):
            batch.append((line.line_no, line.patient_id, line.visit_no, line.visit_on, line.item_code,
                          line.catalogue_class, line.amount, line.fund_share, int(line.remote), line.filing_no))
            if len(batch) == 50000:
                c.executemany("INSERT INTO bench_lines VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", batch)
                batch = []
        if batch:
            c.executemany("INSERT INTO bench_lines VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", batch)
    t1 = time.perf_counter()
    with connection.cursor() as c:
        c.execute(SQL, {"first": FIRST, "last": LAST, "ceiling": ceiling, "province": place[0], "city": place[1]})
        row = c.fetchone()
    t2, c2 = time.perf_counter(), time.process_time()
    found = dict(zip(RULE_ORDER, (int(v or 0) for v in row[2:9])))
    return t1 - t0, t2 - t1, c2 - c0, {"lines": row[0], "flagged": int(row[9] or 0), "rejected": int(row[10] or 0), **found}


def setup(persons_n):
    """A region, an insured population (1 in 100 not insured in the period; 1 in 200 filed for
    remote care where the provider is, half of them from 15 October), a provider in force since
    2026-01-01 whose agreement was suspended on 20 October."""
    from tests.cases import factories as cf
    from yibao.enrollment.models import Enrollment, Person
    from yibao.providers.audit import place_of
    from yibao.providers.models import Agreement, AgreementEvent, Provider
    from yibao.remote_care.models import Filing

    region = cf.region()
    ids = list(numbers(persons_n))
    Person.objects.bulk_create([Person(region=region, id_number=x, name="参保人", sex="1",
                                       birth_date=datetime.date(1970, 1, 1)) for x in ids], batch_size=5000)
    by_id = dict(Person.objects.values_list("id_number", "pk"))
    Enrollment.objects.bulk_create([
        Enrollment(person_id=by_id[x], scheme="employee", region=region,
                   status="ended" if i % 100 == 0 else "active", start_on=datetime.date(2020, 1, 1),
                   end_on=datetime.date(2026, 6, 30) if i % 100 == 0 else None)
        for i, x in enumerate(ids)], batch_size=5000)
    provider = Provider.objects.create(code="H51170200009", name="基准医院", kind="hospital", level="3",
                                       ownership="private", licence_kind="practice", licence_no="PDY0001",
                                       legal_representative="院长", address="达州市", bank_name="银行",
                                       bank_account="1234567890123", region=region)
    agreement = Agreement.objects.create(provider=provider, region=region, state="in_force",
                                         starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31))
    for on, to in ((datetime.date(2026, 1, 1), "in_force"), (SUSPENDED[0], "suspended"),
                   (SUSPENDED[1] + datetime.timedelta(days=1), "in_force")):
        AgreementEvent.objects.create(agreement=agreement, action="activate", to_state=to, on=on, channel="system")
    province, city = place_of(region)
    filed = ids[1::200]
    Filing.objects.bulk_create([
        Filing(number=f"BA-BENCH-{i}", person_id=by_id[x], region=region, kind="resident", filing_class="long_term",
               province=province, city=city, cross_province=False, basis="proof",
               start_on=datetime.date(2026, 1, 1) if i % 2 else datetime.date(2026, 10, 15))
        for i, x in enumerate(filed)], batch_size=5000)
    return region, provider, ids, filed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--persons", type=int, default=0, help="insured persons (default lines/25, at most 200,000)")
    args = parser.parse_args()
    n = args.lines
    persons_n = args.persons or min(max(n // 25, 1000), 200_000)
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from yibao.providers import actions, audit, queries
        from yibao.providers.claims_file import read_lines
        from yibao.providers.models import ClaimSubmission

        region, provider, ids, filed = setup(persons_n)
        place = audit.place_of(region)
        folder = tempfile.mkdtemp()
        path = os.path.join(folder, "claims.csv")
        t = time.perf_counter()
        september = write_file(path, n, ids, filed)
        # September's settlement: its lines' fingerprints (as many as a month holds), half of the
        # lines of 30 September in the October file among them
        held = september[::2]
        rnd = random.Random(3)
        earlier = ClaimSubmission.objects.create(provider=provider, region=region, period="2026-09", state="settled",
                                                 filename="september.csv", digest="-", lines=n)
        actions.store_keys(earlier, datetime.date(2026, 9, 1), datetime.date(2026, 9, 30),
                           [audit.line_key(p, v, c, d.isoformat(), a) for p, v, c, d, a in held]
                           + [rnd.getrandbits(64) for _ in range(n - len(held))])
        size = os.path.getsize(path)
        print(f"database: {connection.vendor}; {n:,} claim lines ({size / 1e6:.0f} MB CSV), {persons_n:,} persons; "
              f"file written in {time.perf_counter() - t:.1f} s")
        ceiling = 50000 * 100

        t0, c0 = time.perf_counter(), time.process_time()
        with open(path, "rb") as f:
            result = audit.audit(read_lines(f, "claims.csv"), first=FIRST, last=LAST,
                                 suspended_days=queries.suspended_days(provider.pk, FIRST, LAST),
                                 line_ceiling=ceiling, filed=audit.filings(*place),
                                 earlier=actions.earlier_claims(provider.pk))
        t1 = time.perf_counter()
        submission = ClaimSubmission.objects.create(provider=provider, region=region, period=PERIOD,
                                                    filename="claims.csv", digest="-", lines=result.lines)
        actions.store_flagged(submission, result.flagged, result.notes)
        actions.store_keys(submission, FIRST, LAST, result.keys)
        t2, c2 = time.perf_counter(), time.process_time()
        ours = {code: v["lines"] for code, v in result.by_rule.items()}
        load, query, sql_cpu, sql = sql_audit(path, ceiling, place, held)
        ours_total = t2 - t0
        sql_total = load + query
        print(f"  domain audit: read + rules   {t1 - t0:7.1f} s  = {n / (t1 - t0):,.0f} lines/s")
        print(f"  domain audit: store {len(result.flagged):,} flagged + keys {t2 - t1:7.1f} s")
        print(f"  domain audit total           {ours_total:7.1f} s  (target for 5,000,000 lines: under 60 s;"
              f" linear estimate {ours_total * 5_000_000 / n:.0f} s)")
        print(f"  domain audit CPU time        {c2 - c0:7.1f} s  (this process; the machine is shared: load "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print(f"  hand-written SQL: load       {load:7.1f} s")
        print(f"  hand-written SQL: one query  {query:7.1f} s")
        print(f"  hand-written SQL total       {sql_total:7.1f} s  (CPU time of this process {sql_cpu:.1f} s"
              f"{'; the PostgreSQL server works in its own processes' if connection.vendor == 'postgresql' else ''})")
        print(f"  ratio domain / SQL (total)   {ours_total / sql_total:7.2f}   (query alone: {ours_total / query:.2f};"
              f" CPU time: {(c2 - c0) / sql_cpu:.2f})")
        print("  rule                 domain      SQL")
        for code in RULE_ORDER:
            print(f"  {code:18s} {ours[code]:9,d} {sql[code]:9,d}{'' if ours[code] == sql[code] else '  DIFFER'}")
        print(f"  flagged lines      {len(result.flagged):9,d} {sql['flagged']:9,d}")
        print(f"  rejected fund (fen) {result.rejected:,d} vs {sql['rejected']:,d}")
        same = all(ours[c] == sql[c] for c in RULE_ORDER) and len(result.flagged) == sql["flagged"]
        print("  the two agree" if same else "  THE TWO DISAGREE")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
