"""Messages after commit, the background task, the back office pages."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.cases import factories as f
from yibao.cases import actions
from yibao.cases.exceptions import NotInstant
from yibao.cases.models import Case
from yibao.cases.signals import case_changed
from yibao.cases.tasks import mark_overdue_cases
from yibao.core.models import Channel

W = Channel.WINDOW


def test_changes_are_announced_only_after_commit(city, submit, clerk, django_capture_on_commit_callbacks):
    heard = []

    def listener(sender, **kw):
        heard.append((kw["action"], kw["state"], kw["case_id"]))

    case_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            case = submit(f.item(city, "unit-enrollment"))
            actions.accept_case(case, clerk, channel=W)
        assert heard == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert heard == [("submit", "submitted", case.pk), ("accept", "accepted", case.pk)]
    finally:
        case_changed.disconnect(listener)


def test_rolled_back_action_announces_nothing(city, submit, clerk, django_capture_on_commit_callbacks):
    case = submit(f.item(city, "unit-enrollment"))
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(NotInstant):
            actions.accept_case(case, clerk, channel=W, complete=True)  # not instant: refused, rolled back
    assert callbacks == []


def test_mark_overdue_task_runs_through_django_tasks(city, submit, clerk):
    case = actions.accept_case(submit(f.item(city, "unit-enrollment")), clerk, channel=W)
    # The task follows the real clock (a date to come is refused): the due date is made to have passed.
    Case.objects.filter(pk=case.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    result = mark_overdue_cases.enqueue(None)
    assert result.return_value == 1
    assert Case.objects.get(pk=case.pk).overdue


def test_back_office_pages_are_read_only(admin_client, city, submit, clerk, django_assert_max_num_queries):
    case = actions.accept_case(submit(f.item(city, "unit-enrollment")), clerk, channel=W)
    with django_assert_max_num_queries(15):
        assert admin_client.get("/admin/cases/case/").status_code == 200
    page = admin_client.get(f"/admin/cases/case/{case.pk}/change/")
    assert page.status_code == 200 and case.receipt_no in page.content.decode()
    assert admin_client.get("/admin/cases/case/add/").status_code == 403
    assert admin_client.get("/admin/cases/caseevent/").status_code == 200
    assert admin_client.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()
    assert admin_client.get("/admin/cases/deferralrule/add/").status_code == 200
