"""Statutory working days (法定工作日) and deadline arithmetic: the one place deadlines come from.

A day is a working day by, in order: the administrator's CalendarDay; the chinese-calendar
package for the years it covers (2004–2026 in v1.11.0); otherwise Monday to Friday. A year is
covered when the package covers it or an administrator loaded its schedule; a deadline that
examines a day of an uncovered year is provisional (weekends only) and warns the administrators.

Speed: a Calendar holds the working days of the span that has holiday data as a sorted array
of day ordinals, and counts plain weekdays outside it in closed form, so a deadline is two
bisections whatever its length, and it remembers the deadlines it computed (the engine asks the
same few limits from the same few days all day long).

The process keeps its Calendar. A change made in this process (a save or delete of a schedule
row, a load, an admin edit) drops it at once, and until that change commits every call checks
the schedule's version key (one small query), so a rolled-back change is never kept. A change
made by another process is seen when this process next checks the version key: at most
settings.YIBAO_CALENDAR_RECHECK_SECONDS later (default 1 s; 0 checks on every call).
"""
from array import array
from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta
from typing import NamedTuple

from chinese_calendar.constants import holidays as _package_holidays
from chinese_calendar.constants import workdays as _package_workdays
from django.db import connection
from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_migrate, post_save

from yibao.core.versioned import VersionedCache
from yibao.workdays.actions import note_missing_year
from yibao.workdays.models import CalendarDay, CalendarYear, DayKind, YearStatus

PACKAGE_YEARS = frozenset(d.year for d in _package_holidays)
# As ordinals: the index is built over ints. Same rule as chinese_calendar.is_workday, without
# its per-call scan of every holiday to check the year range.
_PACKAGE_WORKDAYS = frozenset(d.toordinal() for d in _package_workdays)
_PACKAGE_DAYS_OFF = frozenset(d.toordinal() for d in _package_holidays)


class CalendarError(ValueError):
    """A deadline that cannot be computed from what was asked (not a gap in the calendar)."""


class Due(NamedTuple):
    date: date
    provisional: bool  # a day examined lies in a year whose holiday schedule is not loaded


def _weekdays_upto(ordinal):
    """How many Monday–Friday days have an ordinal <= `ordinal` (ordinal 1, 0001-01-01, is a Monday)."""
    return 5 * (ordinal // 7) + min(ordinal % 7, 5)


def _nth_weekday(k):
    """The ordinal of the k-th Monday–Friday day counted from ordinal 1 (k >= 1)."""
    return 7 * ((k - 1) // 5) + (k - 1) % 5 + 1


def _check_date(value, label):
    # A datetime would silently lose its time zone here: the caller must pick the local date.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise CalendarError(f"{label}必须是日期（不含时间），收到：{value!r}")


_MEMO_SIZE = 200_000  # deadlines remembered per snapshot (a few MB at most)


class Calendar:
    """An immutable snapshot of the calendar. Pure: no database access."""

    def __init__(self, overrides=None, loaded_years=(), warned_years=()):
        """overrides: {date: True for a working day, False for a day off}."""
        overrides = dict(overrides or {})
        self.loaded_years = frozenset(loaded_years)
        self.covered_years = PACKAGE_YEARS | self.loaded_years
        self.warned_years = frozenset(warned_years)
        data_years = PACKAGE_YEARS | {d.year for d in overrides}
        self._lo = date(min(data_years), 1, 1).toordinal()
        self._hi = date(max(data_years), 12, 31).toordinal()
        working = {d.toordinal(): w for d, w in overrides.items()}
        self._days = array("l", (o for o in range(self._lo, self._hi + 1) if working.get(o, self._package_rule(o))))
        # Working days before the span, and the offset that continues the count after it.
        self._before = _weekdays_upto(self._lo - 1)
        self._after = self._before + len(self._days) - _weekdays_upto(self._hi)
        self._memo = {}  # (start, working_days) -> Due: a snapshot never changes, so neither do they
        self._unwarned = {}  # (start, end) -> years of unwarned_years

    @staticmethod
    def _package_rule(ordinal):
        # Outside the package years both sets are silent: Monday to Friday.
        return ordinal in _PACKAGE_WORKDAYS or ((ordinal - 1) % 7 < 5 and ordinal not in _PACKAGE_DAYS_OFF)

    def _rank(self, ordinal):
        """How many working days have an ordinal <= `ordinal`."""
        if ordinal < self._lo:
            return _weekdays_upto(ordinal)
        if ordinal <= self._hi:
            return self._before + bisect_right(self._days, ordinal)
        return self._after + _weekdays_upto(ordinal)

    def _nth(self, k):
        """The ordinal of the k-th working day (k >= 1): the inverse of _rank."""
        if k <= self._before:
            return _nth_weekday(k)
        if k <= self._before + len(self._days):
            return self._days[k - self._before - 1]
        return _nth_weekday(k - self._after)

    def is_working_day(self, d):
        _check_date(d, "日期")
        o = d.toordinal()
        if self._lo <= o <= self._hi:
            i = bisect_left(self._days, o)
            return i < len(self._days) and self._days[i] == o
        return d.weekday() < 5

    def missing_years(self, start, end):
        """Years of the days start < d <= end that the calendar does not cover, ascending."""
        if end <= start:
            return []
        first = (start + timedelta(days=1)).year
        return [y for y in range(first, end.year + 1) if y not in self.covered_years]

    def due_date(self, start, working_days):
        # Exact types first: True == 1 and a datetime is a date, and neither may reach the memo.
        if type(start) is date and type(working_days) is int:
            due = self._memo.get((start, working_days))
            if due is not None:
                return due
        due = self._compute_due(start, working_days)
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        self._memo[(start, working_days)] = due
        return due

    def _compute_due(self, start, working_days):
        _check_date(start, "起算日期")
        if isinstance(working_days, bool) or not isinstance(working_days, int) or working_days < 0:
            raise CalendarError(f"工作日数必须是非负整数，收到：{working_days!r}")
        if working_days == 0:
            # 即时办结: done on the spot, the same day, even when that day is a day off.
            return Due(start, False)
        try:
            end = date.fromordinal(self._nth(self._rank(start.toordinal()) + working_days))
        except (ValueError, OverflowError) as exc:
            raise CalendarError(f"期限超出可计算的日期范围：{start} 起 {working_days} 个工作日") from exc
        return Due(end, bool(self.missing_years(start, end)))

    def unwarned_years(self, start, end):
        """missing_years(start, end) the administrators were not yet warned of (remembered: asked
        for every provisional deadline)."""
        key = (start, end)
        years = self._unwarned.get(key)
        if years is None:
            years = self._unwarned[key] = tuple(y for y in self.missing_years(start, end) if y not in self.warned_years)
            if len(self._unwarned) >= _MEMO_SIZE:
                self._unwarned.clear()
        return years

    def working_days_between(self, start, end):
        _check_date(start, "起始日期")
        _check_date(end, "截止日期")
        return self._rank(end.toordinal()) - self._rank(start.toordinal())


def _version_key():
    """Row count and latest edit of both schedule tables: any add, edit or delete moves it."""
    q = connection.ops.quote_name
    parts = []
    for model in (CalendarDay, CalendarYear):
        table, column = q(model._meta.db_table), q(model._meta.get_field("updated_at").column)
        parts.append(f"(SELECT COUNT(*) FROM {table}), (SELECT MAX({column}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(str(v) for v in cursor.fetchone())


def _build():
    overrides = {d: kind == DayKind.WORKDAY for d, kind in CalendarDay.objects.values_list("date", "kind")}
    years = dict(CalendarYear.objects.values_list("year", "status"))
    return Calendar(
        overrides,
        loaded_years=[y for y, s in years.items() if s == YearStatus.LOADED],
        warned_years=[y for y, s in years.items() if s == YearStatus.MISSING],
    )


# The process keeps its Calendar while the schedule's version key stays put (core.versioned: a
# change here is seen at once and a rolled-back one never kept; another process's within the
# recheck interval).
_cache = VersionedCache(_version_key, "YIBAO_CALENDAR_RECHECK_SECONDS")


def current():
    """The calendar as it stands in the database (rebuilt only when the schedule changed)."""
    return _cache.get("calendar", _build)


def _changed(using="default", **kwargs):
    """A schedule row was saved or deleted in this process."""
    _cache.changed(using)


def _forget(**kwargs):
    """Tables migrated or flushed (tests, `migrate`), or the recheck interval changed: check anew."""
    _cache.forget()


def _setting_changed(setting, **kwargs):
    if setting == "YIBAO_CALENDAR_RECHECK_SECONDS":
        _forget()


post_migrate.connect(_forget, dispatch_uid="workdays-calendar-migrated")
setting_changed.connect(_setting_changed, dispatch_uid="workdays-calendar-setting")

for _model in (CalendarDay, CalendarYear):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"workdays-calendar-{_model.__name__}-save")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"workdays-calendar-{_model.__name__}-delete")


def is_working_day(d: date) -> bool:
    return current().is_working_day(d)


def due_date(start: date, working_days: int) -> Due:
    """The working_days-th working day strictly after start (start itself never counts).

    0 returns start itself (即时办结). provisional when a day examined is in an uncovered year;
    the administrators are then warned once per such year.
    """
    calendar = current()
    due = calendar.due_date(start, working_days)
    if due.provisional:
        for year in calendar.unwarned_years(start, due.date):
            note_missing_year(year)
    return due


def working_days_between(start: date, end: date) -> int:
    """Working days d with start < d <= end; the negative mirror when end < start."""
    return current().working_days_between(start, end)


def covered_years() -> set[int]:
    return set(current().covered_years)
