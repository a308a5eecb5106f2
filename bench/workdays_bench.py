"""Time per due_date call for a 60-working-day limit: the index against a day-by-day loop.

Run: .venv/bin/python bench/workdays_bench.py   (uses a throwaway test database)
Both run side by side in this one process over the same random starts (2025–2027, so some
deadlines reach the uncovered 2027) with the same administrator overrides.
"""
import os
import random
import sys
import time
from datetime import date, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

LIMIT, CALLS = 60, 2000


def naive_due(overrides, start, n):
    """The obvious implementation: step a day at a time, asking the package for each day."""
    import chinese_calendar

    day = start
    while n:
        day += timedelta(days=1)
        if day in overrides:
            working = overrides[day]
        elif 2004 <= day.year <= 2026:
            working = chinese_calendar.is_workday(day)
        else:
            working = day.weekday() < 5
        n -= working
    return day


def per_call(fn, starts):
    t0 = time.perf_counter()
    for s in starts:
        fn(s)
    return (time.perf_counter() - t0) / len(starts)


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from yibao.workdays import calendar
        from yibao.workdays.models import CalendarDay, DayKind

        CalendarDay.objects.create(date=date(2026, 3, 5), kind=DayKind.HOLIDAY, name="地方假日")
        CalendarDay.objects.create(date=date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
        overrides = {d: k == DayKind.WORKDAY for d, k in CalendarDay.objects.values_list("date", "kind")}
        rng = random.Random(7)
        starts = [date(2025, 1, 1) + timedelta(days=rng.randrange(3 * 365)) for _ in range(CALLS)]

        snapshot = calendar.current()
        # Same answers first, or the timing means nothing.
        assert all(snapshot.due_date(s, LIMIT).date == naive_due(overrides, s, LIMIT) for s in starts)

        t0 = time.perf_counter()
        calendar.Calendar(overrides)
        build = time.perf_counter() - t0
        cold = per_call(lambda s: snapshot._compute_due(s, LIMIT), starts)
        naive = per_call(lambda s: naive_due(overrides, s, LIMIT), starts)
        naive_on_index = per_call(lambda s: _naive_on(snapshot, s, LIMIT), starts)

        # The call the engine uses (cases.deadlines -> workdays.calendar.due_date), as the engine
        # uses it: the statutory limits of the catalogue from the days cases arrive on, over and
        # over. Baseline: the trivial deadline, calendar days (start + timedelta), same calls.
        limits = [0, 1, 3, 5, 7, 10, 15, 20, 30, 60]
        days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
        calls = [(d, n) for d in days for n in limits] * 30
        calendar.due_date(date(2026, 1, 5), 1)  # the process's calendar, built once
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            for d, n in calls:
                calendar.due_date(d, n)
            public = (time.perf_counter() - t0) / len(calls)
        t0 = time.perf_counter()
        for d, n in calls:
            d + timedelta(days=n)
        trivial = (time.perf_counter() - t0) / len(calls)

        print(f"due_date, {LIMIT} working days, {CALLS} random starts 2025–2027 ({connection.vendor})")
        print(f"  index, first computation (no memo, no database): {cold * 1e6:8.2f} µs/call")
        print(f"  naive day-by-day, chinese_calendar per day:      {naive * 1e6:8.2f} µs/call")
        print(f"  naive day-by-day over the same index:            {naive_on_index * 1e6:8.2f} µs/call")
        print(f"  ratio naive / index:                             {naive / cold:8.1f}x")
        print(f"  index build (after an admin change):             {build * 1e3:8.1f} ms")
        print(f"calendar.due_date as the engine calls it: {len(calls)} calls, {len(limits)} limits x 365 start days")
        print(f"  calendar.due_date:                               {public * 1e6:8.3f} µs/call = "
              f"{1 / public:,.0f}/s ({len(queries)} queries: the one-time 2027 warning and the rebuild after it)")
        print(f"  baseline start + timedelta(days=n):              {trivial * 1e6:8.3f} µs/call = {1 / trivial:,.0f}/s")
        print(f"  ratio due_date / baseline:                       {public / trivial:8.1f}x")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _naive_on(snapshot, start, n):
    day = start
    while n:
        day += timedelta(days=1)
        n -= snapshot.is_working_day(day)
    return day


if __name__ == "__main__":
    sys.exit(main())
