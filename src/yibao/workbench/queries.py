"""What the workbench reads: the region's queue and the supervisor's figures. Changes nothing.

Due states follow yibao.cases.deadlines.due_status, computed against one Calendar per request
(workdays.calendar.current()) so a page of cases costs no query per case.
"""
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from yibao.cases.deadlines import DUE_LABELS, DUE_SOON, ON_TIME, OVERDUE, due_status
from yibao.cases.handlers import handler_for, status as handler_status
from yibao.cases.models import Case, Evaluation, FollowUp, Level, NEGATIVE_LEVELS
from yibao.cases.queries import region_offices
from yibao.cases.snapshot import cached
from yibao.cases.states import OPEN_STATES, RUNNING_STATES, CaseState
from yibao.catalog.codes import BY_CODE, GROUP_NAMES
from yibao.catalog.models import Guide, ServiceItem
from yibao.core.models import Channel
from yibao.people.models import StaffProfile

# The queue's state filter: "" is every open case (the default), ALL every case.
ALL = "all"


def in_force_items(region):
    """The items of the region's guide in force, in the guide's order."""
    guide = Guide.objects.filter(region=region).in_force().first()
    if guide is None:
        return ServiceItem.objects.none()
    return guide.items.select_related("guide").order_by("ordinal")


def item_titles(region):
    """code -> the title the region's guide in force gives it (first of the code); read once per
    edition (the engine's edition cache)."""
    def build():
        titles = {}
        for code, name, title, ordinal in in_force_items(region).values_list("code", "name", "title", "ordinal"):
            titles.setdefault(code, name or title or f"（未命名事项 {ordinal}）")
        return titles

    return dict(cached(("item-titles", region.pk, timezone.localdate()), build))


def title_of(code, titles):
    return titles.get(code) or (BY_CODE[code].name if code in BY_CODE else code)


# Which of the guide's channel codes (yibao.catalog.guides.channels) stand for each channel staff enter.
GUIDE_CHANNEL_CODES = {
    Channel.WINDOW: {"window", "gov-window", "town", "village", "station"},
    Channel.HOTLINE: {"hotline", "phone"},
    Channel.TERMINAL: {"kiosk"},
}


def intake_channels(item, channels):
    """[(channel, label, listed)] for `channels`: listed when the item's guide names that channel.
    Informative only: the engine takes an application through any of them, listed or not."""
    codes = {c.code for c in item.channels.all()}
    return [(c, Channel(c).label, bool(codes & GUIDE_CHANNEL_CODES.get(c, set()))) for c in channels]


def office_choices(region):
    """The offices the region's guide in force lists (cases are filed at those: issue 10), then any
    other office the region's staff work at (a region whose guide lists none takes any name).
    Read from the catalogue and the staff, never from the cases: SELECT DISTINCT over a region's
    cases grew with them (490 of the page's 670 ms at a million cases)."""
    listed = region_offices(region.pk)
    staffed = (StaffProfile.objects.filter(region=region).exclude(office="")
               .order_by("office").values_list("office", flat=True).distinct())
    return listed + sorted(set(staffed) - set(listed))


@dataclass
class QueueFilters:
    office: str = ""
    item: str = ""
    state: str = ""
    due: str = ""


def _due_filter(due, today, calendar):
    """due_status as a database filter: overdue before today; due soon while no more than
    YIBAO_DUE_SOON_DAYS working days are left, i.e. before the (N+1)-th working day after today."""
    running = Q(state__in=RUNNING_STATES, due_date__isnull=False)
    soon_end = calendar.due_date(today, settings.YIBAO_DUE_SOON_DAYS + 1).date
    return running & {
        OVERDUE: Q(due_date__lt=today),
        DUE_SOON: Q(due_date__gte=today, due_date__lt=soon_end),
        ON_TIME: Q(due_date__gte=soon_end),
    }[due]


class Queue:
    """The queue as the paginator reads it (count() and slices): the cases with a due date, earliest
    first, then those without, in the order they came in. That is ORDER BY due_date NULLS LAST,
    submitted_at, id, run as two queries that each walk an index in order (case_open_queue for
    the open cases) instead of sorting every open case of the region for each page."""

    def __init__(self, dated, undated, count_cap=None):
        self.dated, self.undated = dated, undated
        self.count_cap = count_cap  # None: count every case

    @cached_property
    def counts(self):
        """(dated, undated): exact, or, with a cap, exact up to it. A count reads every matching
        entry of the index (a region's open cases: ~10 ms per 100,000 on SQLite), so the page
        counts at most `count_cap` and says "more than" beyond; `capped` tells which."""
        if self.count_cap is None:
            return self.dated.count(), self.undated.count()
        # COUNT(*) over a LIMIT: stops after cap + 1 entries, whatever the region holds.
        dated = self.dated.order_by()[:self.count_cap + 1].count()
        undated = self.undated.order_by()[:self.count_cap + 1 - dated].count() if dated <= self.count_cap else 0
        return dated, undated

    @property
    def capped(self):
        return self.count_cap is not None and sum(self.counts) > self.count_cap

    def count(self):
        return min(sum(self.counts), self.count_cap) if self.capped else sum(self.counts)

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1) or (key.start or 0) < 0 or key.stop is None:
            raise TypeError("队列只支持 [起:止] 形式的切片")
        start, stop = key.start or 0, key.stop
        dated = self.counts[0]
        out = list(self.dated[start:min(stop, dated)]) if start < dated else []
        if stop > dated:
            out += self.undated[max(start - dated, 0):stop - dated]
        return out


def queue(region, filters, *, today, calendar, count_cap=None):
    """The region's cases under `filters`, the earliest due first (so the overdue lead), then
    the cases without a running clock in the order they came in. count_cap: count at most that
    many (Queue.counts)."""
    cases = Case.objects.filter(region=region).select_related("applicant")
    if filters.state == ALL:
        pass
    elif filters.state:
        cases = cases.filter(state=filters.state)
    else:
        cases = cases.filter(state__in=OPEN_STATES)
    if filters.state in OPEN_STATES or not filters.state:
        # Says nothing new (the engine sets closed_at exactly when a case leaves the open states)
        # but lets the partial index on the open cases serve the query.
        cases = cases.filter(closed_at__isnull=True)
    if filters.office:
        cases = cases.filter(office=filters.office)
    if filters.item:
        cases = cases.filter(item_code=filters.item)
    if filters.due:
        cases = cases.filter(_due_filter(filters.due, today, calendar))
    return Queue(
        cases.filter(due_date__isnull=False).order_by("due_date", "submitted_at", "id"),
        cases.filter(due_date__isnull=True).order_by("submitted_at", "id") if not filters.due else cases.none(),
        count_cap,
    )


@dataclass
class Row:
    case: Case
    due: str | None
    due_label: str
    days_left: int | None  # working days; negative when overdue


def rows(cases, *, today, calendar):
    out = []
    for case in cases:
        status = due_status(case, today, calendar)
        left = calendar.working_days_between(today, case.due_date) if status else None
        out.append(Row(case, status, DUE_LABELS.get(status, ""), left))
    return out


def overdue_cases(region, *, today):
    return (
        Case.objects.filter(region=region, state__in=RUNNING_STATES, due_date__lt=today)
        .select_related("applicant")
        .order_by("due_date", "id")
    )


def open_follow_ups(region):
    return (
        FollowUp.objects.filter(region=region, closed_at=None)
        .select_related("case", "evaluation")
        .order_by("due_date", "id")
    )


# ---------------------------------------------------------------- which items have a real effect

EFFECT_LABELS = {True: "有业务效果", False: "仅记录办件"}


@dataclass
class ItemStatus:
    code: str
    name: str  # the region's title, else the canonical name
    group: str
    handler: str  # the handler's class name, as `yibao items status` prints it
    handler_label: str
    effect: bool
    in_guide: bool = False  # does the region's guide in force list this code?
    pays: bool | None = None  # the handler's declaration (None: as the item's flow says)
    flow_problems: list = field(default_factory=list)  # where a flow in force disagrees with the handler

    @property
    def effect_label(self):
        return EFFECT_LABELS[self.effect]


def item_status(region):
    """(the in-force guide's items as [(ServiceItem, ItemStatus or None)], every code as [ItemStatus]).
    The handler and effect are yibao.cases.handlers.status()'s, so the page and the command agree;
    an item of the guide that names no known code gets None."""
    items = list(in_force_items(region))
    titles = item_titles(region)
    codes = []
    for row in handler_status():
        code = BY_CODE[row["code"]]
        codes.append(ItemStatus(
            code=code.code, name=titles.get(code.code) or code.name, group=GROUP_NAMES.get(code.group, ""),
            handler=row["handler"], handler_label=handler_for(code.code).label, effect=row["effect"],
            in_guide=code.code in titles, pays=row["pays"], flow_problems=row["flow_problems"],
        ))  # fmt: skip
    by_code = {c.code: c for c in codes}
    return [(item, by_code.get(item.code)) for item in items], codes


# ---------------------------------------------------------------- the supervisor's figures

DIMENSIONS = (("item", "按事项"), ("office", "按经办机构"), ("channel", "按申请渠道"))
DECIDED_STATES = (CaseState.COMPLETED, CaseState.DENIED)


@dataclass
class Figure:
    """One row of a breakdown: one item, office or channel."""

    key: str
    label: str
    submitted: int = 0
    decided: int = 0  # 办结 or 审核不通过 in the period, with a time limit
    on_time: int = 0
    rated: int = 0
    levels: dict = field(default_factory=dict)  # level -> count

    @property
    def on_time_rate(self):
        return self.on_time / self.decided if self.decided else None

    @property
    def negative(self):
        return sum(self.levels.get(level, 0) for level in NEGATIVE_LEVELS)

    @property
    def shares(self):
        """[(level label, count, share)] in the order of the five levels."""
        return [
            (label, self.levels.get(value, 0), self.levels.get(value, 0) / self.rated if self.rated else None)
            for value, label in Level.choices
        ]


def _labels(dimension, keys, titles):
    if dimension == "item":
        return {k: title_of(k, titles) for k in keys}
    if dimension == "channel":
        names = dict(Channel.choices)
        return {k: names.get(k, k) for k in keys}
    return {k: k or "（未指定经办机构）" for k in keys}


def figures(region, start: date, end: date):
    """{dimension: [Figure]} for cases of `region`: applications submitted, cases decided (with
    how many within their limit) and ratings given between `start` and `end` inclusive.

    A case is on time when the day it was decided is not after its due date (a 补正 pause
    already moved the due date). Ratings are grouped by the item and office kept on the rating
    and by the channel the case came in through."""
    cases = Case.objects.filter(region=region)
    submitted = cases.filter(submitted_at__date__gte=start, submitted_at__date__lte=end)
    decided = cases.filter(
        state__in=DECIDED_STATES, closed_at__date__gte=start, closed_at__date__lte=end, due_date__isnull=False
    )
    ratings = Evaluation.objects.filter(case__region=region, created_at__date__gte=start, created_at__date__lte=end)
    titles = item_titles(region)
    result = {}
    for dimension, _ in DIMENSIONS:
        case_key = {"item": "item_code", "office": "office", "channel": "channel"}[dimension]
        rating_key = {"item": "item_code", "office": "office", "channel": "case__channel"}[dimension]
        rows_by_key = {}

        def row(key):
            return rows_by_key.setdefault(key, Figure(key=key, label=""))

        for r in submitted.values(case_key).annotate(n=Count("id")).order_by():
            row(r[case_key]).submitted = r["n"]
        timely = decided.values(case_key).annotate(
            n=Count("id"), on_time=Count("id", filter=Q(closed_at__date__lte=F("due_date")))
        ).order_by()
        for r in timely:
            figure = row(r[case_key])
            figure.decided, figure.on_time = r["n"], r["on_time"]
        for r in ratings.values(rating_key, "level").annotate(n=Count("id")).order_by():
            figure = row(r[rating_key])
            figure.levels[r["level"]] = r["n"]
            figure.rated += r["n"]
        labels = _labels(dimension, rows_by_key, titles)
        for key, figure in rows_by_key.items():
            figure.label = labels[key]
        result[dimension] = sorted(rows_by_key.values(), key=lambda f: (-f.submitted, -f.decided, f.label))
    return result


def totals(figures_by_dimension):
    """The region's totals (summing any one dimension gives them; the channel one is shortest)."""
    total = Figure(key="", label="合计")
    for figure in figures_by_dimension["channel"]:
        total.submitted += figure.submitted
        total.decided += figure.decided
        total.on_time += figure.on_time
        total.rated += figure.rated
        for level, n in figure.levels.items():
            total.levels[level] = total.levels.get(level, 0) + n
    return total


def default_period(today=None):
    """From the first day of this month to today."""
    today = today or timezone.localdate()
    return today.replace(day=1), today
