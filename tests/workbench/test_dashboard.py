"""The supervisor's dashboard on a small set of cases with known outcomes; 差评 follow-ups;
overdue cases; notifications."""
from datetime import timedelta

import pytest
from django.utils import timezone

from yibao.cases import actions
from yibao.cases.models import Case, FollowUp, Notification
from yibao.core.models import Channel
from yibao.workbench import queries

W = Channel.WINDOW


@pytest.fixture
def outcomes(clerk, reviewer, three_day, instant, submit, person):
    """Four cases this period and one from last year:
    A 3-day, 市本级, portal: completed on time, rated 非常不满意 (差评)
    B 3-day, 市本级, portal: completed after its due date
    C 3-day, 通川区, portal: still open (submitted)
    D instant, 市本级, window: done on the spot, rated 非常满意
    E 3-day, last year: outside the period."""
    today = timezone.localdate()

    def finish(case):
        actions.accept_case(case, clerk, channel=W)
        actions.start_review(case, reviewer, channel=W)
        actions.approve_case(case, reviewer, channel=W)
        return actions.complete_case(case, reviewer, channel=W)

    a, b = finish(submit(three_day)), finish(submit(three_day))
    Case.objects.filter(pk=b.pk).update(due_date=today - timedelta(days=1))
    c = submit(three_day, office="通川区")
    d = actions.run_instant(submit(instant, channel=W), clerk, channel=W)
    e = submit(three_day)
    Case.objects.filter(pk=e.pk).update(submitted_at=timezone.now() - timedelta(days=400))
    actions.rate_case(a, person.user, level="very_dissatisfied", channel=Channel.PORTAL, text="跑了两次")
    actions.rate_case(d, person.user, level="very_satisfied", channel=W)
    return dict(a=a, b=b, c=c, d=d, e=e, today=today)


def by_key(rows):
    return {r.key: r for r in rows}


def test_figures_per_item_office_and_channel(outcomes, dazhou):
    today = outcomes["today"]
    figures = queries.figures(dazhou, today.replace(day=1), today)
    items = by_key(figures["item"])
    base, cert = items["contribution-base"], items["insurance-certificate"]
    assert (base.label, base.submitted, base.decided, base.on_time, base.rated, base.negative) == (
        "参保单位缴费基数申报", 3, 2, 1, 1, 1)
    assert base.on_time_rate == 0.5 and base.levels == {"very_dissatisfied": 1}
    assert (cert.submitted, cert.decided, cert.on_time, cert.on_time_rate, cert.negative) == (1, 1, 1, 1.0, 0)
    assert cert.shares[0] == ("非常满意", 1, 1.0)
    offices = by_key(figures["office"])
    assert (offices["市本级"].submitted, offices["市本级"].decided, offices["市本级"].on_time) == (3, 3, 2)
    assert (offices["通川区"].submitted, offices["通川区"].decided) == (1, 0)
    channels = by_key(figures["channel"])
    assert (channels["portal"].label, channels["portal"].submitted, channels["portal"].rated) == ("网上办事大厅", 3, 1)
    assert (channels["window"].submitted, channels["window"].levels) == (1, {"very_satisfied": 1})
    total = queries.totals(figures)
    assert (total.submitted, total.decided, total.on_time, total.rated, total.negative) == (4, 3, 2, 2, 1)


def test_dashboard_page_shows_totals_charts_follow_ups_and_overdue(as_user, supervisor, outcomes, clerk, three_day,
                                                                    submit):
    late = actions.accept_case(submit(three_day), clerk, channel=W)
    Case.objects.filter(pk=late.pk).update(due_date=outcomes["today"] - timedelta(days=2))
    response = as_user(supervisor).get("/workbench/dashboard/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<dd id="total-submitted">5</dd>' in html and '<dd id="total-on-time">67%</dd>' in html
    assert '<dd id="total-negative">1</dd>' in html
    assert html.count("<svg") == 9  # three charts for each of item, office, channel
    assert "参保单位缴费基数申报：1/2 按时办结" in html and "非常不满意：1（100%）" in html
    assert outcomes["a"].receipt_no in html and "跑了两次" in html  # the open follow-up
    assert late.receipt_no in html and "逾期" in html
    assert "cdn" not in html.lower() and "<script src=\"http" not in html


def test_dashboard_period_is_chosen_and_checked(as_user, supervisor, outcomes):
    client = as_user(supervisor)
    last_year = (outcomes["today"] - timedelta(days=400)).isoformat()
    response = client.get("/workbench/dashboard/", {"start": last_year, "end": last_year})
    html = response.content.decode()
    assert '<dd id="total-submitted">1</dd>' in html
    assert f'type="date" name="start" value="{last_year}"' in html  # ISO, whatever the locale
    response = client.get("/workbench/dashboard/", {"start": "2026-02-01", "end": "2026-01-01"})
    assert "起始日期不能晚于截止日期" in response.content.decode()


def test_only_supervisors_see_the_dashboard(as_user, clerk, reviewer):
    for user in (clerk, reviewer):
        response = as_user(user).get("/workbench/dashboard/")
        assert response.status_code == 403 and "科室负责人" in response.content.decode()


def test_close_a_follow_up_with_its_outcome(as_user, supervisor, outcomes):
    follow_up = FollowUp.objects.get()
    client = as_user(supervisor)
    prefix = f"f{follow_up.pk}"
    target = f"/workbench/follow-up/{follow_up.pk}/close/"
    response = client.post(target, {f"{prefix}-outcome": "rectified", f"{prefix}-note": "已向申请人致歉并整改"},
                           follow=True)
    assert "整改后须回访申请人，请填写回访日期" in response.content.decode()
    assert FollowUp.objects.get().is_open
    today = outcomes["today"].isoformat()
    response = client.post(target, {f"{prefix}-outcome": "rectified", f"{prefix}-note": "已向申请人致歉并整改",
                                    f"{prefix}-called_back_on": today}, follow=True)
    assert "差评处理完毕" in response.content.decode()
    closed = FollowUp.objects.get()
    assert (closed.outcome, closed.called_back_on.isoformat(), closed.closed_by) == ("rectified", today, supervisor)
    assert "没有待处理的差评" in client.get("/workbench/dashboard/").content.decode()


def test_a_follow_up_of_another_region_cannot_be_closed(as_user, outcomes, songpan):
    from tests.cases import factories as f

    theirs = f.staff(songpan, "supervisor")
    follow_up = FollowUp.objects.get()
    response = as_user(theirs).post(f"/workbench/follow-up/{follow_up.pk}/close/", {})
    assert response.status_code == 404 and FollowUp.objects.get().is_open


def test_notifications_are_listed_and_marked_read(as_user, supervisor, outcomes):
    mine = Notification.objects.filter(recipient=supervisor)
    assert mine.count() == 1 and mine.get().kind == "follow_up"  # the 差评 above
    client = as_user(supervisor)
    html = client.get("/workbench/").content.decode()
    assert 'aria-label="1条未读"' in html
    html = client.get("/workbench/notifications/").content.decode()
    assert "收到差评" in html and "未读" in html
    response = client.post("/workbench/notifications/", follow=True)
    assert "已将1条消息标为已读" in response.content.decode()
    assert not mine.filter(read_at=None).exists()
