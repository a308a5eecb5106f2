"""Which limit applies, when it falls due, overdue marking, recomputation after a calendar change."""
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.cases import factories as f
from yibao.cases import actions
from yibao.cases.checklist import Conditions
from yibao.cases.deadlines import DUE_SOON, ON_TIME, OVERDUE, compute, due_status, pick_limit
from yibao.cases.exceptions import LimitUndetermined
from yibao.cases.models import Case, Notification
from yibao.core.models import Channel
from yibao.workdays.actions import load_schedule
from yibao.workdays.calendar import current, due_date
from yibao.workdays.schedule import parse_schedule

W = Channel.WINDOW
KIND_SPLIT = [{"when": "在职职工", "working_days": 3}, {"when": "灵活就业人员", "working_days": 0}]
CHANNEL_SPLIT = [{"when": "线下", "working_days": 0}, {"when": "线上", "working_days": 2}]


def kind(value):
    return Conditions(applicant_kind=value)


def test_limit_split_by_applicant_kind():
    assert pick_limit(KIND_SPLIT, kind("在职职工"), online=False)[0]["working_days"] == 3
    assert pick_limit(KIND_SPLIT, kind("灵活就业人员"), online=True)[0]["working_days"] == 0
    with pytest.raises(LimitUndetermined, match="在职职工、灵活就业人员"):
        pick_limit(KIND_SPLIT, kind(""), online=False)


def test_limit_split_by_channel():
    assert pick_limit(CHANNEL_SPLIT, kind(""), online=False)[0]["working_days"] == 0
    assert pick_limit(CHANNEL_SPLIT, kind(""), online=True)[0]["working_days"] == 2


@pytest.mark.django_db
def test_general_rule_with_named_phases_gives_sub_deadlines():
    limits = [{"when": "", "working_days": 15}, {"when": "关系转出", "working_days": 10},
              {"when": "关系转入", "working_days": 5}]
    result = compute(limits, kind(""), online=False, accepted_on=date(2026, 3, 2))
    assert (result.limit_days, result.due_date) == (15, date(2026, 3, 23))
    assert [(s["name"], s["due"]) for s in result.sub_deadlines] == [("关系转出", "2026-03-16"), ("关系转入", "2026-03-09")]
    outgoing = compute(limits, Conditions(sub_type="关系转出"), online=False, accepted_on=date(2026, 3, 2))
    assert (outgoing.limit_days, outgoing.sub_deadlines) == (10, [])


@pytest.mark.django_db
def test_deadline_across_spring_festival_2026():
    result = compute([{"when": "", "working_days": 3}], kind(""), online=False, accepted_on=date(2026, 2, 12))
    assert (result.due_date, result.provisional) == (date(2026, 2, 24), False)


@pytest.mark.django_db
def test_no_limit_published_means_no_due_date():
    assert compute([], kind(""), online=False, accepted_on=date(2026, 2, 12)).due_date is None


def test_cases_pick_their_limit_by_kind_and_by_channel(city, submit, clerk):
    employee = f.item(city, "employee-enrollment", limits=[("在职职工", 3), ("灵活就业人员", 0)])
    worker = actions.accept_case(submit(employee, conditions={"applicant_kind": "在职职工"}), clerk, channel=W)
    flexible = actions.accept_case(submit(employee, conditions={"applicant_kind": "灵活就业人员"}), clerk, channel=W)
    today = timezone.localdate()
    assert (worker.limit_days, worker.due_date) == (3, due_date(today, 3).date)
    assert (flexible.limit_days, flexible.due_date) == (0, today)
    with pytest.raises(LimitUndetermined):
        submit(employee)  # said at submission, not discovered at acceptance

    remote = f.item(city, "remote-resident", limits=[("线下", 0), ("线上", 2)])
    offline = actions.accept_case(submit(remote, channel=Channel.WINDOW), clerk, channel=W)
    online = actions.accept_case(submit(remote, channel=Channel.PORTAL), clerk, channel=W)
    assert (offline.limit_days, online.limit_days) == (0, 2)
    assert online.due_date == due_date(today, 2).date


def test_designation_has_an_incompleteness_notice_deadline_from_receipt(city, submit, clerk):
    published = f.item(city, "hospital-designation", limits=[("", 60), ("材料不全一次性告知", 5)])
    case = submit(published)
    today = timezone.localdate()
    assert case.sub_deadlines == [{"name": "材料不全一次性告知", "working_days": 5, "from": "收到材料之日",
                                   "due": due_date(today, 5).date.isoformat(),
                                   "provisional": due_date(today, 5).provisional}]
    case = actions.accept_case(case, clerk, channel=W)
    assert case.limit_days == 60 and case.sub_deadlines[0]["met_on"] == today.isoformat()
    # a guide that does not state it: the administrator's rule (shipped for 定点申请)
    unstated = submit(f.item(city, "pharmacy-designation", limits=[("", 60)]))
    assert unstated.sub_deadlines[0]["working_days"] == 5


def test_due_status(city, submit, clerk):
    case = actions.accept_case(submit(f.item(city, "unit-enrollment", limits=[("", 3)])), clerk, channel=W)
    calendar = current()
    before = case.due_date - timedelta(days=1)
    while not calendar.is_working_day(before):
        before -= timedelta(days=1)
    assert due_status(case, case.accepted_on) == ON_TIME  # 3 working days left
    assert due_status(case, before) == DUE_SOON  # 1 left
    assert due_status(case, case.due_date) == DUE_SOON
    assert due_status(case, case.due_date + timedelta(days=1)) == OVERDUE


def test_mark_overdue_flags_once_and_tells_the_supervisors(city, submit, clerk, supervisor):
    other_supervisor = f.staff(f.region("elsewhere", "别处", "510000"), "supervisor")
    case = actions.accept_case(submit(f.item(city, "unit-enrollment", limits=[("", 3)])), clerk, channel=W)
    assert actions.mark_overdue(case.due_date) == 0
    later = case.due_date + timedelta(days=1)
    assert actions.mark_overdue(later) == 1
    case.refresh_from_db()
    assert case.overdue and case.overdue_on == later
    event = case.events.last()
    assert (event.action, event.from_state, event.to_state, event.actor) == ("mark_overdue", "accepted", "accepted",
                                                                            None)
    notes = Notification.objects.filter(kind="overdue")
    assert [n.recipient for n in notes] == [supervisor]
    assert not Notification.objects.filter(recipient=other_supervisor).exists()
    assert actions.mark_overdue(later) == 0  # idempotent


def test_mark_overdue_command(city, submit, clerk, capsys):
    case = actions.accept_case(submit(f.item(city, "unit-enrollment", limits=[("", 3)])), clerk, channel=W)
    # The command follows the real clock (a date to come is refused): the due date is made to have passed.
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() - timedelta(days=2))
    call_command("cases", "mark-overdue", "--date", timezone.localdate().isoformat())
    assert "已标记逾期办件 1 件" in capsys.readouterr().out
    case.refresh_from_db()
    assert case.overdue


def test_provisional_due_date_is_recomputed_when_the_calendar_changes(city, submit, clerk,
                                                                     django_capture_on_commit_callbacks):
    case = actions.accept_case(submit(f.item(city, "hospital-designation", limits=[("", 60)])), clerk, channel=W)
    if not case.due_provisional:
        pytest.skip("the 60-day span lies in years the calendar already covers")
    calendar = current()
    first = case.accepted_on + timedelta(days=1)
    while not calendar.is_working_day(first):
        first += timedelta(days=1)
    lines = [f"{first} holiday 临时调整"]
    lines += [f"{y}-01-01 holiday 元旦" for y in calendar.missing_years(case.accepted_on, case.due_date)]
    before = case.due_date
    with django_capture_on_commit_callbacks(execute=True):
        load_schedule(parse_schedule("\n".join(lines), "test"), source="test")
    case.refresh_from_db()
    expected = due_date(case.accepted_on, 60)
    assert case.due_date == expected.date and case.due_date > before
    assert case.due_provisional is expected.provisional is False
    assert case.events.last().action == "adjust_due"


def test_the_overdue_sweep_reads_ranges_of_a_regions_index(city):
    """No index of every case by state (each submission would write it): the sweep reads ranges
    of each region's cases due before the day."""
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "sqlite":
        pytest.skip("the plan checked is SQLite's (PostgreSQL picks by table statistics)")
    sql, params = actions.overdue_candidates(city.pk, timezone.localdate()).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(row[-1] for row in cursor.fetchall())
    assert plan.startswith("SEARCH cases_case USING INDEX") and "region_id=?" in plan and "due_date<?" in plan, plan
    assert "SCAN" not in plan and "TEMP B-TREE" not in plan, plan
