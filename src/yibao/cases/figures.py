"""好差评 公开: the figures an agency publishes per region and month (the national 好差评 rules
require the results to be public). Read-only, and a fixed number of queries whatever the number
of cases (each a grouped aggregate over an indexed range; tests pin the count):

- applications: cases submitted in the month;
- completed: cases 办结 in the month; on-time rate: of the cases decided in the month (办结 or
  审核不通过) with a time limit, those decided by their due date (a 补正 pause already moved it);
- satisfaction by item and by office: the ratings given in the month, per level; satisfied means
  非常满意, 满意 or 基本满意;
- 差评: the month's 不满意/非常不满意 ratings, how many were rectified (核实整改并回访) within the
  follow-up's own limit (15 working days, computed when it opened), later, found unfounded, or open.

Offices are those the rating recorded (the guide's offices); items are named by their national
names (catalog.codes)."""
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q
from django.utils import timezone

from yibao.cases.models import Case, Evaluation, FollowUp, FollowUpOutcome, Level, NEGATIVE_LEVELS
from yibao.cases.states import CaseState
from yibao.catalog.codes import BY_CODE

DECIDED_STATES = (CaseState.COMPLETED, CaseState.DENIED)
SATISFIED = (Level.VERY_SATISFIED, Level.SATISFIED, Level.BASICALLY_SATISFIED)


@dataclass
class Figure:
    """One row: an item, an office, or the region's total."""

    key: str
    label: str
    submitted: int = 0
    completed: int = 0
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
    def satisfied(self):
        return sum(self.levels.get(level, 0) for level in SATISFIED)

    @property
    def satisfaction_rate(self):
        return self.satisfied / self.rated if self.rated else None

    @property
    def shares(self):
        """[(level label, count, share)] in the order of the five levels."""
        return [
            (label, self.levels.get(value, 0), self.levels.get(value, 0) / self.rated if self.rated else None)
            for value, label in Level.choices
        ]

    def as_json(self):
        return {"key": self.key, "label": self.label, "applications": self.submitted, "completed": self.completed,
                "decided": self.decided, "on_time": self.on_time, "on_time_rate": _rate(self.on_time_rate),
                "rated": self.rated, "levels": {value: self.levels.get(value, 0) for value in Level.values},
                "satisfied": self.satisfied, "satisfaction_rate": _rate(self.satisfaction_rate),
                "negative": self.negative}


def _rate(value):
    return None if value is None else round(value, 4)


@dataclass
class MonthFigures:
    region: object
    month: datetime.date  # its first day
    total: Figure
    by_item: list
    by_office: list
    negative: int = 0
    rectified_in_time: int = 0
    rectified_late: int = 0
    unfounded: int = 0
    follow_ups_open: int = 0

    def as_json(self):
        return {
            "region": {"code": self.region.code, "name": self.region.name},
            "month": self.month.strftime("%Y-%m"),
            **{k: v for k, v in self.total.as_json().items() if k not in ("key", "label")},
            "bad_ratings": {"negative": self.negative, "rectified_in_time": self.rectified_in_time,
                            "rectified_late": self.rectified_late, "unfounded": self.unfounded,
                            "open": self.follow_ups_open},
            "by_item": [f.as_json() for f in self.by_item],
            "by_office": [f.as_json() for f in self.by_office],
        }


def month_bounds(month):
    """[start, end) of `month` (a date in it) as aware datetimes: range filters an index can serve."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (first, datetime.datetime.combine(first, datetime.time.min, tz),
            datetime.datetime.combine(following, datetime.time.min, tz))


def months_of(region, today=None):
    """The months with figures for `region`, latest first: from its first application to this month."""
    today = today or timezone.localdate()
    first = Case.objects.filter(region=region).aggregate(first=Min("submitted_at"))["first"]
    if first is None:
        return []
    day = timezone.localtime(first).date().replace(day=1)
    out = []
    while day <= today:
        out.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return out[::-1]


def item_label(code):
    found = BY_CODE.get(code)
    return found.name if found else code


def month_figures(region, month):
    """MonthFigures of `region` for the month containing `month`: five queries."""
    first, start, end = month_bounds(month)
    cases = Case.objects.filter(region=region)
    rows = {}

    def row(key):
        return rows.setdefault(key, Figure(key=key, label=item_label(key)))

    for r in (cases.filter(submitted_at__gte=start, submitted_at__lt=end)
              .values("item_code").annotate(n=Count("id")).order_by()):
        row(r["item_code"]).submitted = r["n"]
    closed = cases.filter(closed_at__gte=start, closed_at__lt=end, state__in=DECIDED_STATES)
    for r in closed.values("item_code").annotate(
            completed=Count("id", filter=Q(state=CaseState.COMPLETED)),
            decided=Count("id", filter=Q(due_date__isnull=False)),
            on_time=Count("id", filter=Q(due_date__isnull=False, closed_at__date__lte=F("due_date")))).order_by():
        figure = row(r["item_code"])
        figure.completed, figure.decided, figure.on_time = r["completed"], r["decided"], r["on_time"]
    # the rating's own region column: one range of evaluation_region_created, no join to the cases
    ratings = Evaluation.objects.filter(region=region, created_at__gte=start, created_at__lt=end)
    for r in ratings.values("item_code", "level").annotate(n=Count("id")).order_by():
        figure = row(r["item_code"])
        figure.levels[r["level"]] = r["n"]
        figure.rated += r["n"]
    offices = {}
    for r in ratings.values("office", "level").annotate(n=Count("id")).order_by():
        figure = offices.setdefault(r["office"], Figure(key=r["office"], label=r["office"] or "（未指定经办机构）"))
        figure.levels[r["level"]] = r["n"]
        figure.rated += r["n"]
    # a 差评's follow-up opens the day it is given (cases.actions._open_follow_up): the month's are
    # one range of followup_region_opened
    follow = FollowUp.objects.filter(region=region, opened_on__gte=first, opened_on__lt=end.date()).aggregate(
        rectified_in_time=Count("id", filter=Q(outcome=FollowUpOutcome.RECTIFIED, closed_at__date__lte=F("due_date"))),
        rectified_late=Count("id", filter=Q(outcome=FollowUpOutcome.RECTIFIED, closed_at__date__gt=F("due_date"))),
        unfounded=Count("id", filter=Q(outcome=FollowUpOutcome.UNFOUNDED)),
        open=Count("id", filter=Q(closed_at__isnull=True)))
    total = Figure(key="", label="合计")
    for figure in rows.values():
        for name in ("submitted", "completed", "decided", "on_time", "rated"):
            setattr(total, name, getattr(total, name) + getattr(figure, name))
        for level, n in figure.levels.items():
            total.levels[level] = total.levels.get(level, 0) + n
    by_item = sorted(rows.values(), key=lambda f: (-f.submitted, -f.rated, f.label))
    by_office = sorted(offices.values(), key=lambda f: (-f.rated, f.label))
    return MonthFigures(region, first, total, by_item, by_office, negative=total.negative,
                        rectified_in_time=follow["rectified_in_time"], rectified_late=follow["rectified_late"],
                        unfounded=follow["unfounded"], follow_ups_open=follow["open"])
