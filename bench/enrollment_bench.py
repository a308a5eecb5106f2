"""Bulk enrolment from one Excel sheet: generate a sheet of N employees (default 100,000), import
it, print the time of each phase and rows per second. A second run reduces half of them.
Baseline, measured in the same run: the database's floor for N rows, one executemany of N
two-column rows into a scratch table in one transaction; the ratio is the import over it.
The sheet is one 职工参保登记 case in the system (sheets.import_sheet files it; its 办结 applies the
rows): this bench times the reading, the check and the apply that case's steps run, without the
case around them (the engine's few queries per step are cases_bench's business).

Run: .venv/bin/python bench/enrollment_bench.py [N]   (throwaway test database; DATABASE_URL picks it)
Prints figures only; nothing here asserts speed.
"""
import datetime
import os
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from stdnum.cn import ric  # noqa: E402


def numbers(n):
    """n distinct valid 身份证号: a birth date per 1000, a sequence number within it."""
    start = datetime.date(1960, 1, 1)
    for i in range(n):
        born = start + datetime.timedelta(days=i // 1000)
        body = f"511702{born:%Y%m%d}{i % 1000:03d}"
        yield body + ric.calc_check_digit(body + "0")


def write_sheet(path, rows):
    from yibao.enrollment.sheets import COLUMNS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("增减表")
    sheet.append(COLUMNS)
    for number, kind in rows:
        sheet.append(["居民身份证", number, "职工" + number[-4:], None, None, None, kind, "2026-01-01"])
    book.save(path)


def apply(sheets, employer, path):
    """Read, check and apply a sheet as the sheet case's 办结 does (sheets.apply_case_sheet).
    Returns the seconds of each phase."""
    from django.db import transaction

    t0 = time.perf_counter()
    rows = sheets.read_rows(path)
    t1 = time.perf_counter()
    parsed, persons, open_ = sheets.check_sheet(employer, rows)
    t2 = time.perf_counter()
    with transaction.atomic():
        sheets._apply(employer, parsed, persons, open_, "0" * 64, os.path.basename(path), None, "system", None)
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2


def baseline(n):
    """Seconds to write n rows of (text, text) by one executemany in one transaction."""
    from django.db import transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_floor (a varchar(32), b varchar(100))")
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany("INSERT INTO bench_floor (a, b) VALUES (%s, %s)",
                           [(f"{i:018d}", f"职工{i}") for i in range(n)])
    return time.perf_counter() - t0


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from tests.cases import factories as cf
        from tests.enrollment import factories as f
        from yibao.enrollment import sheets
        from yibao.enrollment.models import Enrollment, EnrollmentChange

        employer = f.employer(cf.region())
        ids = list(numbers(n))
        folder = tempfile.mkdtemp()
        t0 = time.perf_counter()
        write_sheet(os.path.join(folder, "add.xlsx"), ((x, "增加") for x in ids))
        t1 = time.perf_counter()
        floor = baseline(n)
        read, check, applied = apply(sheets, employer, os.path.join(folder, "add.xlsx"))
        total = read + check + applied
        assert Enrollment.objects.filter(employer=employer, status="active").count() == n
        load = os.getloadavg()[0]
        print(f"database: {connection.vendor}; {n:,} rows of 增加 in one sheet (load average {load:.1f})")
        print(f"  generate sheet     {t1 - t0:7.1f} s")
        print(f"  read               {read:7.1f} s")
        print(f"  check every row    {check:7.1f} s")
        print(f"  apply              {applied:7.1f} s")
        print(f"  import (read+check+apply) {total:7.1f} s  = {n / total:,.0f} rows/s")
        print(f"  baseline: executemany of {n:,} two-column rows {floor:7.2f} s;  ratio {total / floor:.1f}x")

        half = ids[: n // 2]
        write_sheet(os.path.join(folder, "reduce.xlsx"), ((x, "减少") for x in half))
        read, check, applied = apply(sheets, employer, os.path.join(folder, "reduce.xlsx"))
        total = read + check + applied
        print(f"  reduce {len(half):,} rows  {total:7.1f} s  (read {read:.1f}, check {check:.1f}, apply {applied:.1f})"
              f" = {len(half) / total:,.0f} rows/s")
        print(f"  history rows: {EnrollmentChange.objects.count():,}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
