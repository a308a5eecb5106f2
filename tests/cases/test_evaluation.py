"""好差评: once per case, only after it ended, 差评 opens a follow-up for the region's supervisors."""
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.cases import factories as f
from yibao.cases import actions
from yibao.cases.exceptions import AlreadyRated, FollowUpClosed, InvalidTransition, ReasonRequired
from yibao.cases.models import Evaluation, FollowUp, Notification
from yibao.core.models import Channel
from yibao.people.policy import NotAllowed
from yibao.workdays.calendar import due_date

W = Channel.WINDOW


@pytest.fixture
def done(city, submit, clerk):
    return actions.run_instant(submit(f.item(city, "resident-enrollment", limits=[("", 0)])), clerk, channel=W)


def test_rate_once_only(done, person, clerk):
    evaluation = actions.rate_case(done, person.user, level="very_satisfied", channel=Channel.TERMINAL, text="很快")
    assert (evaluation.level, evaluation.channel, evaluation.staff, evaluation.item_code) == (
        "very_satisfied", "terminal", clerk, "resident-enrollment")
    assert done.events.last().action == "rate"
    with pytest.raises(AlreadyRated, match="不可更改"):
        actions.rate_case(done, person.user, level="dissatisfied", channel=Channel.PORTAL)
    assert Evaluation.objects.get(case=done).level == "very_satisfied"
    assert not FollowUp.objects.exists()


def test_one_rating_per_case_is_a_database_constraint(done, person):
    actions.rate_case(done, person.user, level="satisfied", channel=W)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(case=done, level="satisfied", channel=W, item_code=done.item_code)


def test_rating_only_after_the_case_ended_and_only_by_the_applicant(city, submit, clerk, person, done):
    open_case = submit(f.item(city, "unit-enrollment"))
    with pytest.raises(InvalidTransition, match="办结或不予受理后方可评价"):
        actions.rate_case(open_case, person.user, level="satisfied", channel=W)
    with pytest.raises(NotAllowed):
        actions.rate_case(done, clerk, level="very_satisfied", channel=W)
    refused = actions.refuse_case(submit(f.item(city, "unit-enrollment")), clerk, channel=W, reason="不属于本机构受理范围")
    assert actions.rate_case(refused, person.user, level="basically_satisfied", channel=W).case == refused


def test_bad_rating_opens_a_follow_up_with_fifteen_working_days(done, person, supervisor, clerk):
    evaluation = actions.rate_case(done, person.user, level="very_dissatisfied", channel=W, text="等了很久")
    follow_up = FollowUp.objects.get()
    today = timezone.localdate()
    assert (follow_up.evaluation, follow_up.region, follow_up.opened_on) == (evaluation, done.region, today)
    assert follow_up.due_date == due_date(today, 15).date and follow_up.is_open
    assert [n.recipient for n in Notification.objects.filter(kind="follow_up")] == [supervisor]

    with pytest.raises(NotAllowed):
        actions.close_follow_up(follow_up, clerk, outcome="rectified", note="已整改", channel=W,
                                called_back_on=today)
    with pytest.raises(ReasonRequired, match="回访日期"):
        actions.close_follow_up(follow_up, supervisor, outcome="rectified", note="已整改", channel=W)
    follow_up = actions.close_follow_up(follow_up, supervisor, outcome="rectified", note="窗口增加人手，已电话回访",
                                        channel=W, called_back_on=today)
    assert not follow_up.is_open and follow_up.closed_by == supervisor
    with pytest.raises(FollowUpClosed):
        actions.close_follow_up(follow_up, supervisor, outcome="unfounded", note="复核", channel=W)


def test_unfounded_bad_rating_is_closed_after_appeal_review(done, person, supervisor):
    actions.rate_case(done, person.user, level="dissatisfied", channel=W)
    follow_up = actions.close_follow_up(FollowUp.objects.get(), supervisor, outcome="unfounded",
                                        note="经申诉复核，办理符合规定且在时限内", channel=W)
    assert follow_up.get_outcome_display() == "经申诉复核不属实"
