"""The process keeps its calendar: deadlines cost no query, and every change is still seen."""
import time
from datetime import date

import pytest
from django.db import connection, transaction

from yibao.workdays import calendar
from yibao.workdays.calendar import due_date
from yibao.workdays.models import CalendarDay, DayKind

D = date.fromisoformat


@pytest.fixture
def long_recheck(settings):
    settings.YIBAO_CALENDAR_RECHECK_SECONDS = 3600
    due_date(D("2026-03-04"), 1)  # settle any change an earlier test left, and cache this version
    due_date(D("2026-03-04"), 1)


@pytest.mark.django_db
def test_deadlines_ask_the_database_nothing_once_the_calendar_is_cached(long_recheck, django_assert_num_queries):
    with django_assert_num_queries(0):
        answers = [due_date(D("2026-02-12"), n).date for n in (1, 3, 8)] * 1000
    assert answers[:3] == [D("2026-02-13"), D("2026-02-24"), D("2026-03-02")]


@pytest.mark.django_db
def test_a_change_in_this_process_is_seen_at_once_and_a_rolled_back_one_is_forgotten(long_recheck):
    assert due_date(D("2026-03-04"), 1).date == D("2026-03-05")
    try:
        with transaction.atomic():
            CalendarDay.objects.create(date=D("2026-03-05"), kind=DayKind.HOLIDAY, name="地方假日")
            assert due_date(D("2026-03-04"), 1).date == D("2026-03-06")
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert due_date(D("2026-03-04"), 1).date == D("2026-03-05")
    day = CalendarDay.objects.create(date=D("2026-03-05"), kind=DayKind.HOLIDAY)
    assert due_date(D("2026-03-04"), 1).date == D("2026-03-06")
    day.kind = DayKind.WORKDAY
    day.save()
    assert due_date(D("2026-03-04"), 1).date == D("2026-03-05")
    day.delete()
    CalendarDay.objects.create(date=D("2026-03-05"), kind=DayKind.HOLIDAY)
    assert due_date(D("2026-03-04"), 1).date == D("2026-03-06")


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_is_trusted_again_without_a_query_per_call(long_recheck, django_assert_num_queries):
    with transaction.atomic():
        CalendarDay.objects.create(date=D("2026-03-05"), kind=DayKind.HOLIDAY)
    assert due_date(D("2026-03-04"), 1).date == D("2026-03-06")
    with django_assert_num_queries(0):
        assert due_date(D("2026-03-04"), 1).date == D("2026-03-06")


@pytest.mark.django_db(transaction=True)
def test_another_processs_change_is_seen_within_the_recheck_interval(settings):
    settings.YIBAO_CALENDAR_RECHECK_SECONDS = 0.2
    assert due_date(D("2026-03-04"), 1).date == D("2026-03-05")
    # What another process does: a row written without this process's signals.
    table = connection.ops.quote_name(CalendarDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (date, kind, name, note, source, created_at, updated_at) "
            "VALUES (%s, %s, '', '', '', %s, %s)",
            [D("2026-03-05"), DayKind.HOLIDAY, "2026-12-07 00:00:00+00:00", "2026-12-07 00:00:00+00:00"],
        )
    time.sleep(0.25)
    assert due_date(D("2026-03-04"), 1).date == D("2026-03-06")
    assert calendar.current() is calendar.current()
