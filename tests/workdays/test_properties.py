"""Properties of the indexed calendar, checked against counting day by day."""
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yibao.workdays.calendar import Calendar, due_date, is_working_day, working_days_between

starts = st.dates(min_value=date(2003, 6, 1), max_value=date(2030, 12, 31))
db_settings = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@db_settings
@given(start=starts, n=st.integers(min_value=1, max_value=400))
def test_the_due_date_is_the_nth_working_day_after_start(start, n):
    due = due_date(start, n).date
    assert is_working_day(due)
    assert working_days_between(start, due) == n
    assert working_days_between(start, due - timedelta(days=1)) == n - 1
    assert working_days_between(due, start) == -n


def naive_due(calendar, start, n):
    day = start
    while n:
        day += timedelta(days=1)
        n -= calendar.is_working_day(day)
    return day


# The package's own answer is the oracle; it scans every holiday per call, hence the cache.
package_is_workday = lru_cache(maxsize=None)(chinese_calendar.is_workday)


def naive_rule(overrides, day):
    if day in overrides:
        return overrides[day]
    if 2004 <= day.year <= 2026:
        return package_is_workday(day)
    return day.weekday() < 5


@settings(max_examples=200, deadline=None)
@given(
    overrides=st.dictionaries(st.dates(min_value=date(1998, 1, 1), max_value=date(2032, 12, 31)), st.booleans(),
                              max_size=30),
    start=st.dates(min_value=date(1995, 1, 1), max_value=date(2035, 12, 31)),
    n=st.integers(min_value=0, max_value=800),
    offset=st.integers(min_value=-1500, max_value=1500),
)
def test_the_index_agrees_with_the_rules_day_by_day_inside_and_outside_its_span(overrides, start, n, offset):
    probe = start + timedelta(days=offset)
    calendar = Calendar(overrides)
    assert calendar.is_working_day(probe) == naive_rule(overrides, probe)
    due = calendar.due_date(start, n)
    assert due.date == naive_due(calendar, start, n)
    step = 1 if probe >= start else -1
    days = range(start.toordinal() + 1, probe.toordinal() + 1) if step == 1 else range(
        probe.toordinal() + 1, start.toordinal() + 1)
    count = sum(naive_rule(overrides, date.fromordinal(o)) for o in days)
    assert calendar.working_days_between(start, probe) == step * count
    years = {date.fromordinal(o).year for o in range(start.toordinal() + 1, due.date.toordinal() + 1)}
    assert due.provisional == any(y < 2004 or y > 2026 for y in years)
