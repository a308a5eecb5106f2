"""Deadlines across the 2026 holidays as published (国办发明电〔2025〕7号), via chinese-calendar."""
from datetime import date

import chinese_calendar
import pytest

from yibao.core.models import AuditEntry
from yibao.workdays.calendar import (
    CalendarError,
    Due,
    covered_years,
    due_date,
    is_working_day,
    working_days_between,
)
from yibao.workdays.models import CalendarDay, CalendarYear, DayKind, YearStatus

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def test_the_package_agrees_with_the_2026_schedule_the_tests_rely_on():
    off = [D("2026-02-15"), D("2026-02-23"), D("2026-10-01"), D("2026-10-07"), D("2026-04-06"), D("2026-05-05")]
    adjusted = [D("2026-02-14"), D("2026-02-28"), D("2026-09-20"), D("2026-10-10"), D("2026-05-09")]
    assert not any(chinese_calendar.is_workday(d) for d in off)
    assert all(chinese_calendar.is_workday(d) for d in adjusted)
    assert [is_working_day(d) for d in off + adjusted] == [False] * len(off) + [True] * len(adjusted)


@pytest.mark.parametrize(
    "start, days, expected",
    [
        # Spring Festival 2026: 2/15–2/23 off; Saturdays 2/14 and 2/28 are working days.
        ("2026-02-12", 3, "2026-02-24"),
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-13", 2, "2026-02-24"),
        ("2026-02-12", 7, "2026-02-28"),
        ("2026-02-12", 8, "2026-03-02"),
        # accepted on a holiday: counting starts with the first working day after it
        ("2026-02-18", 1, "2026-02-24"),
        ("2026-02-18", 5, "2026-02-28"),
        # accepted on an adjusted working Saturday
        ("2026-02-14", 1, "2026-02-24"),
        ("2026-02-28", 1, "2026-03-02"),
        # Mid-Autumn and National Day 2026: 9/25–9/27 and 10/1–10/7 off; 9/20 (Sun) and 10/10 (Sat) worked
        ("2026-09-18", 1, "2026-09-20"),
        ("2026-09-18", 2, "2026-09-21"),
        ("2026-09-24", 1, "2026-09-28"),
        ("2026-09-30", 1, "2026-10-08"),
        ("2026-09-30", 3, "2026-10-10"),
        ("2026-09-30", 4, "2026-10-12"),
        ("2026-10-03", 1, "2026-10-08"),
        # Qingming 2026: 4/4–4/6 off
        ("2026-04-03", 1, "2026-04-07"),
        # Labour Day 2026: 5/1–5/5 off, Saturday 5/9 worked
        ("2026-04-30", 1, "2026-05-06"),
        ("2026-04-30", 4, "2026-05-09"),
        ("2026-04-30", 5, "2026-05-11"),
        # a 60-working-day limit (定点协议管理) across Spring Festival
        ("2026-01-05", 60, "2026-04-03"),
    ],
)
def test_due_date_counts_statutory_working_days(start, days, expected):
    assert due_date(D(start), days) == Due(D(expected), False)


def test_a_60_day_limit_matches_counting_the_package_day_by_day():
    start, left, day = D("2026-01-05"), 60, D("2026-01-05")
    while left:
        day = date.fromordinal(day.toordinal() + 1)
        left -= chinese_calendar.is_workday(day)
    assert due_date(start, 60).date == day


def test_zero_days_is_the_same_day_even_a_day_off():
    assert due_date(D("2026-02-17"), 0) == Due(D("2026-02-17"), False)
    assert due_date(D("2026-03-04"), 0) == Due(D("2026-03-04"), False)


def test_bad_arguments_raise_a_named_error():
    with pytest.raises(CalendarError, match="非负整数"):
        due_date(D("2026-03-04"), -1)
    with pytest.raises(CalendarError, match="日期"):
        due_date("2026-03-04", 3)
    with pytest.raises(CalendarError, match="不含时间"):
        working_days_between(D("2026-03-04"), __import__("datetime").datetime(2026, 3, 9))


def test_working_days_between_counts_after_start_up_to_end_and_mirrors():
    assert working_days_between(D("2026-02-12"), D("2026-02-24")) == 3
    assert working_days_between(D("2026-02-24"), D("2026-02-12")) == -3
    assert working_days_between(D("2026-02-15"), D("2026-02-23")) == 0
    assert working_days_between(D("2026-03-04"), D("2026-03-04")) == 0
    assert working_days_between(D("2026-09-30"), D("2026-10-10")) == 3


def test_a_deadline_into_an_uncovered_year_is_provisional_on_weekends_only_and_warns_once(caplog):
    assert 2027 not in covered_years() and {2004, 2026} <= covered_years()
    # 2026-12-28 is a Monday; 2027-01-01 (a Friday) counts, as nothing says it is a holiday
    due = due_date(D("2026-12-28"), 5)
    assert due == Due(D("2027-01-04"), True)
    assert due_date(D("2027-03-01"), 5) == Due(D("2027-03-08"), True)
    assert is_working_day(D("2027-01-01")) and not is_working_day(D("2027-01-02"))
    warnings = AuditEntry.objects.filter(action="节假日安排缺失", object_type="workdays.year")
    assert [(w.object_id, w.channel, w.actor) for w in warnings] == [("2027", "system", None)]
    assert "2027年节假日安排未载入" in caplog.text
    assert CalendarYear.objects.get(year=2027).status == YearStatus.MISSING
    # within the covered year nothing is provisional, and no further warning
    assert due_date(D("2026-12-01"), 5).provisional is False
    assert warnings.count() == 1


def test_an_override_beats_the_package_and_is_seen_on_the_next_call():
    assert due_date(D("2026-03-04"), 1).date == D("2026-03-05")
    CalendarDay.objects.create(date=D("2026-03-05"), kind=DayKind.HOLIDAY, name="地方假日")
    assert not is_working_day(D("2026-03-05"))
    assert due_date(D("2026-03-04"), 1).date == D("2026-03-06")
    # an adjusted working Saturday can be cancelled, and a Sunday made a working day
    CalendarDay.objects.create(date=D("2026-02-14"), kind=DayKind.HOLIDAY)
    CalendarDay.objects.create(date=D("2026-03-08"), kind=DayKind.WORKDAY)
    assert due_date(D("2026-02-13"), 1).date == D("2026-02-24")
    assert due_date(D("2026-03-06"), 1).date == D("2026-03-08")
    # deleting an override restores the package's answer
    CalendarDay.objects.filter(date=D("2026-03-05")).delete()
    assert due_date(D("2026-03-04"), 1).date == D("2026-03-05")


def test_an_override_outside_the_package_years_counts_without_covering_the_year():
    CalendarDay.objects.create(date=D("2027-01-01"), kind=DayKind.HOLIDAY, name="元旦")
    assert due_date(D("2026-12-28"), 5) == Due(D("2027-01-05"), True)
    assert working_days_between(D("2026-12-31"), D("2027-01-04")) == 1
    assert 2027 not in covered_years()
