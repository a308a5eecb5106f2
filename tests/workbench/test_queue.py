"""The queue: the staff member's region only, filters, due order, masking, paging, query count."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.cases import factories as f
from yibao.cases import actions
from yibao.cases.models import Case
from yibao.core.models import Channel
from yibao.workdays.calendar import due_date

W = Channel.WINDOW


def receipts(response):
    return [row.case.receipt_no for row in response.context["rows"]]


@pytest.fixture
def songpan_case(songpan):
    item = f.item(songpan, "contribution-base", title="参保单位缴费基数申报")
    other = f.applicant("李四", region=songpan)
    return actions.submit_case(item=item, applicant=other, actor=other.user, channel=Channel.PORTAL,
                               office="松潘县医保窗口", materials=["1"])


def test_anonymous_is_sent_to_login_and_non_staff_get_a_chinese_403(client, person):
    response = client.get("/workbench/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/workbench/")
    client.force_login(person.user)
    response = client.get("/workbench/")
    assert response.status_code == 403 and "仅供在岗的经办工作人员使用" in response.content.decode()


def test_inactive_staff_are_refused(as_user, clerk):
    clerk.staff_profile.active = False
    clerk.staff_profile.save(update_fields=["active"])
    assert as_user(clerk).get("/workbench/").status_code == 403


def test_clerk_of_dazhou_never_sees_songpan_cases_in_the_queue_or_by_url(as_user, clerk, three_day, submit,
                                                                          songpan_case):
    mine = submit(three_day)
    client = as_user(clerk)
    response = client.get("/workbench/", {"state": "all"})
    assert receipts(response) == [mine.receipt_no]
    assert songpan_case.receipt_no not in response.content.decode()
    assert client.get(f"/workbench/case/{songpan_case.receipt_no}/").status_code == 404
    version = songpan_case.version
    response = client.post(f"/workbench/case/{songpan_case.receipt_no}/accept/", {"accept-version": version})
    assert response.status_code == 404
    assert Case.objects.get(pk=songpan_case.pk).state == "submitted"


def test_filters_by_office_item_and_state(as_user, clerk, three_day, instant, submit):
    a = submit(three_day)
    b = submit(three_day, office="通川区")
    c = submit(instant)
    actions.refuse_case(c, clerk, channel=W, reason="不属于受理范围")
    client = as_user(clerk)
    assert set(receipts(client.get("/workbench/"))) == {a.receipt_no, b.receipt_no}  # open cases by default
    assert receipts(client.get("/workbench/", {"office": "通川区"})) == [b.receipt_no]
    assert receipts(client.get("/workbench/", {"item": "insurance-certificate", "state": "all"})) == [c.receipt_no]
    assert receipts(client.get("/workbench/", {"state": "refused"})) == [c.receipt_no]
    assert set(receipts(client.get("/workbench/", {"state": "all"}))) == {a.receipt_no, b.receipt_no, c.receipt_no}


def test_due_filter_and_order_overdue_first(as_user, clerk, three_day, submit):
    today = timezone.localdate()
    running = [actions.accept_case(submit(three_day), clerk, channel=W) for _ in range(3)]
    waiting = submit(three_day)
    overdue, soon, later = running
    # The due dates as the calendar would give them for cases accepted earlier.
    Case.objects.filter(pk=overdue.pk).update(due_date=today - timedelta(days=3))
    Case.objects.filter(pk=soon.pk).update(due_date=due_date(today, 1).date)
    Case.objects.filter(pk=later.pk).update(due_date=due_date(today, 2).date)
    client = as_user(clerk)
    response = client.get("/workbench/")
    assert receipts(response) == [overdue.receipt_no, soon.receipt_no, later.receipt_no, waiting.receipt_no]
    assert [r.due for r in response.context["rows"]] == ["overdue", "due_soon", "on_time", None]
    assert receipts(client.get("/workbench/", {"due": "overdue"})) == [overdue.receipt_no]
    assert receipts(client.get("/workbench/", {"due": "due_soon"})) == [soon.receipt_no]
    assert receipts(client.get("/workbench/", {"due": "on_time"})) == [later.receipt_no]
    html = client.get("/workbench/").content.decode()
    assert "逾期" in html and "剩1个工作日" in html and "剩2个工作日" in html


def test_rows_mask_the_applicant_and_mark_a_provisional_due_date(as_user, clerk, three_day, submit, person):
    case = actions.accept_case(submit(three_day), clerk, channel=W)
    Case.objects.filter(pk=case.pk).update(due_provisional=True)
    html = as_user(clerk).get("/workbench/").content.decode()
    assert person.name not in html and person.id_number not in html
    assert "王**" in html and "511***********1238" in html
    assert "暂定" in html and "网上办事大厅" in html and case.title in html


def test_pages_of_twenty(as_user, clerk, three_day, submit):
    for _ in range(23):
        submit(three_day)
    client = as_user(clerk)
    first = client.get("/workbench/", {"office": "市本级"})
    assert len(receipts(first)) == 20 and first.context["page"].paginator.num_pages == 2
    second = client.get("/workbench/", {"office": "市本级", "page": 2})
    assert len(receipts(second)) == 3 and "office=%E5%B8%82%E6%9C%AC%E7%BA%A7&page=1" in second.content.decode()


def test_queue_query_count_does_not_grow_with_the_cases(as_user, clerk, three_day, submit,
                                                        django_assert_max_num_queries):
    client = as_user(clerk)
    for n in (2, 20):
        while Case.objects.count() < n:
            actions.accept_case(submit(three_day), clerk, channel=W)
        with django_assert_max_num_queries(15):
            response = client.get("/workbench/", {"due": "on_time"})
        assert len(response.context["rows"]) == n
