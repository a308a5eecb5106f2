"""Which time limit applies to a case, when it falls due, and how close it is.

Limits count statutory working days from the day after acceptance (yibao.workdays). A date
computed over a year whose official schedule is not loaded is provisional and is recomputed
when the calendar changes.
"""
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from yibao.cases.checklist import applies
from yibao.cases.exceptions import LimitUndetermined
from yibao.cases.states import RUNNING_STATES
from yibao.workdays.calendar import due_date, working_days_between

KIND_WORDS = ("在职职工", "灵活就业人员")
ONLINE_WORDS = ("线上", "网上", "网办")
OFFLINE_WORDS = ("线下", "窗口", "现场")
NOTICE_WORDS = ("告知",)  # 材料不全一次性告知: counted from receipt, not a limit of 办结

ON_TIME, DUE_SOON, OVERDUE = "on_time", "due_soon", "overdue"
DUE_LABELS = {ON_TIME: "正常", DUE_SOON: "即将到期", OVERDUE: "已逾期"}


def _when(rule):
    return (rule.get("when") or "").strip()


def _sort(when):
    """What a limit rule is split by: general, notice, channel, kind (在职/灵活就业) or phase (转出 ...)."""
    if not when:
        return "general"
    if any(w in when for w in NOTICE_WORDS):
        return "notice"
    if any(w in when for w in ONLINE_WORDS + OFFLINE_WORDS):
        return "channel"
    if any(w in when for w in KIND_WORDS):
        return "kind"
    return "phase"


def pick_limit(limits, conditions, *, online):
    """The limit rule that applies and the named phases beside it (sub-deadlines).

    Order: a rule split by channel (线下/线上) that matches the case; a rule split by applicant
    kind or named by the case's sub-type (关系转出 ...) that matches; the rule with no condition.
    A guide that splits its limit without a general rule needs the case to say which side it is
    on: LimitUndetermined. Returns (rule or None, [phase rules]); (None, []) when the guide gives
    no limit at all.
    """
    rules = [r for r in limits or [] if _sort(_when(r)) != "notice"]
    if not rules:
        return None, []
    words = ONLINE_WORDS if online else OFFLINE_WORDS
    chosen = (
        next((r for r in rules if _sort(_when(r)) == "channel" and any(w in _when(r) for w in words)), None)
        or next(
            (r for r in rules if _sort(_when(r)) in ("kind", "phase") and conditions.tags
             and applies(_when(r), conditions)),
            None,
        )
        or next((r for r in rules if _sort(_when(r)) == "general"), None)
    )
    if chosen is None:
        options = "、".join(_when(r) for r in rules)
        raise LimitUndetermined(f"该事项的办理时限按情形区分（{options}），请注明申请人类别或情形", options=options)
    phases = [r for r in rules if r is not chosen and _sort(_when(r)) == "phase"] if not _when(chosen) else []
    return chosen, phases


def notice_rules(limits):
    """The guide's own 材料不全告知 limits (counted from receipt)."""
    return [r for r in limits or [] if _sort(_when(r)) == "notice"]


@dataclass
class Deadlines:
    limit_days: int | None
    limit_rule: str
    due_date: object  # date or None
    provisional: bool
    sub_deadlines: list  # [{"name", "working_days", "due", "provisional", "from"}]


def compute(limits, conditions, *, online, accepted_on):
    """The deadlines of a case accepted on `accepted_on`."""
    rule, phases = pick_limit(limits, conditions, online=online)
    if rule is None:
        return Deadlines(None, "", None, False, [])
    due = due_date(accepted_on, rule["working_days"])
    subs = []
    for phase in phases:
        d = due_date(accepted_on, phase["working_days"])
        subs.append(
            {
                "name": phase["when"],
                "working_days": phase["working_days"],
                "due": d.date.isoformat(),
                "provisional": d.provisional,
                "from": "受理之日",
            }
        )
    label = rule.get("text") or f"{rule.get('when') or '一般'}：{rule['working_days']}个工作日"
    return Deadlines(rule["working_days"], label[:300], due.date, due.provisional, subs)


def incompleteness_notice(received_on, days, name="材料不全一次性告知"):
    """定点申请: the one-time notice of missing materials is due `days` working days after receipt."""
    d = due_date(received_on, days)
    return {
        "name": name,
        "working_days": days,
        "due": d.date.isoformat(),
        "provisional": d.provisional,
        "from": "收到材料之日",
    }


def due_status(case, today=None, calendar=None):
    """on_time / due_soon / overdue for a case whose clock runs; None otherwise. A page listing
    many cases passes one `calendar` (workdays.calendar.current()) for all of them."""
    if case.state not in RUNNING_STATES or case.due_date is None:
        return None
    today = today or timezone.localdate()
    if today > case.due_date:
        return OVERDUE
    left = (calendar.working_days_between if calendar else working_days_between)(today, case.due_date)
    return DUE_SOON if left <= settings.YIBAO_DUE_SOON_DAYS else ON_TIME
