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
    client.get("/workbench/")  # the edition's items and offices cached, as on any page after the first
    for n in (2, 20):
        while Case.objects.count() < n:
            actions.accept_case(submit(three_day), clerk, channel=W)
        with django_assert_max_num_queries(11):
            response = client.get("/workbench/", {"due": "on_time"})
        assert len(response.context["rows"]) == n


# ---------------------------------------------------------------- the queue at volume: two index-ordered parts


def the_one_sorted_query(region, **filters):
    """What the queue showed before it was split: one ORDER BY due_date NULLS LAST."""
    from django.db.models import F

    return list(Case.objects.filter(region=region, **filters).order_by(
        F("due_date").asc(nulls_last=True), "submitted_at", "id"))


def test_queue_pages_are_the_one_sorted_query_cut_anywhere(clerk, reviewer, three_day, instant, submit, dazhou):
    from yibao.cases.states import OPEN_STATES
    from yibao.workbench.queries import QueueFilters, queue
    from yibao.workdays.calendar import current

    today = timezone.localdate()
    accepted = [actions.accept_case(submit(three_day), clerk, channel=W) for _ in range(4)]
    waiting = [submit(three_day) for _ in range(3)]
    # Two cases due the same day: submitted_at then id break the tie.
    Case.objects.filter(pk__in=[accepted[1].pk, accepted[3].pk]).update(due_date=today - timedelta(days=1))
    actions.start_review(accepted[2], reviewer, channel=W)
    actions.withdraw_case(waiting[0], waiting[0].applicant.user, channel=Channel.PORTAL)
    actions.refuse_case(submit(instant), clerk, channel=W, reason="不属于受理范围")
    expected = the_one_sorted_query(dazhou, state__in=OPEN_STATES)
    assert len(expected) == 6
    cases = queue(dazhou, QueueFilters(), today=today, calendar=current())
    assert cases.count() == len(cases) == 6 and cases.counts == (4, 2)
    for start in range(7):
        for stop in range(start, 9):
            assert cases[start:stop] == expected[start:stop], (start, stop)
    everything = queue(dazhou, QueueFilters(state="all"), today=today, calendar=current())
    assert everything[0:20] == the_one_sorted_query(dazhou) and everything.count() == 8
    one_state = queue(dazhou, QueueFilters(state="under_review"), today=today, calendar=current())
    assert one_state[0:20] == [Case.objects.get(pk=accepted[2].pk)]
    with pytest.raises(TypeError):
        cases[3]


def test_closed_at_is_set_exactly_when_a_case_leaves_the_open_states(clerk, reviewer, three_day, instant, submit):
    """The queue's partial index holds the cases with closed_at null; the engine keeps that the open ones."""
    open_cases = [submit(three_day), actions.accept_case(submit(three_day), clerk, channel=W)]
    refused = actions.refuse_case(submit(three_day), clerk, channel=W, reason="不属于受理范围")
    withdrawn = submit(three_day)
    withdrawn = actions.withdraw_case(withdrawn, withdrawn.applicant.user, channel=Channel.PORTAL)
    denied = actions.start_review(actions.accept_case(submit(three_day), clerk, channel=W), reviewer, channel=W)
    denied = actions.deny_case(denied, reviewer, channel=W, reason="不符合条件")
    completed = actions.accept_case(submit(instant), clerk, channel=W, complete=True)
    assert completed.state == "completed"
    for case in open_cases:
        assert Case.objects.get(pk=case.pk).closed_at is None
    for case in (refused, withdrawn, denied, completed):
        assert Case.objects.get(pk=case.pk).closed_at is not None, case.state


def test_sqlite_reads_the_open_queue_in_index_order(clerk, three_day, submit, dazhou):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yibao.workbench.queries import QueueFilters, queue
    from yibao.workdays.calendar import current

    if connection.vendor != "sqlite":
        pytest.skip("the plan checked is SQLite's (PostgreSQL picks by table statistics)")
    submit(three_day)
    cases = queue(dazhou, QueueFilters(), today=timezone.localdate(), calendar=current())
    for part in (cases.dated[:20], cases.undated[:20]):
        sql, params = part.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(row[-1] for row in cursor.fetchall())
        assert "case_open_queue" in plan and "TEMP B-TREE" not in plan, plan
    with CaptureQueriesContext(connection) as counted:
        assert cases.count() == 1
    for query in counted.captured_queries:  # the counts read the index alone, no table row
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            plan = " ".join(row[-1] for row in cursor.fetchall())
        assert "COVERING INDEX case_open_queue" in plan, plan


def test_the_queue_page_pins_its_queries_and_every_plan_over_the_cases(as_user, clerk, three_day, submit, settings):
    """The whole page, not only the queue's query: a fixed number of queries whatever the cases, none
    reading the cases beyond the queue's own index (office choices come from the catalogue)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.YIBAO_CALENDAR_RECHECK_SECONDS = 3600  # the calendar's version check, once a second, is not the page's
    client = as_user(clerk)
    client.get("/workbench/")  # session and calendar warm, as on any page after the first
    counts = []
    for n in (1, 12):
        while Case.objects.count() < n:
            actions.accept_case(submit(three_day), clerk, channel=W)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/workbench/")
        assert len(response.context["rows"]) == n
        counts.append(len(captured))
        on_cases = [q["sql"] for q in captured.captured_queries if '"cases_case"' in q["sql"]]
        assert not any("DISTINCT" in sql for sql in on_cases), on_cases
        if connection.vendor == "sqlite":
            for sql in on_cases:
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                    plan = " ".join(row[-1] for row in cursor.fetchall())
                assert "case_open_queue" in plan and "TEMP B-TREE" not in plan, (sql, plan)
    # session, user, staff, region, the catalogue's version twice (the edition's items and offices
    # are cached: read on every call while this test's catalogue rows are uncommitted, once a
    # second in production), staff offices, the two capped counts and the page of the queue,
    # unread notices, whether the data are the demo's (演示数据 banner): 12 with 1 case or 12
    # (16 before the edition cache)
    assert counts == [12, 12], counts


def test_the_queue_counts_up_to_a_cap_and_exactly_on_request(as_user, clerk, three_day, submit, monkeypatch):
    """A count reads every open case of the region: the page counts at most QUEUE_COUNT_CAP and
    says "more than", with a link to the exact figure."""
    from yibao.workbench import views

    monkeypatch.setattr(views, "QUEUE_COUNT_CAP", 3)
    for _ in range(3):
        actions.accept_case(submit(three_day), clerk, channel=W)  # dated
    submit(three_day)
    submit(three_day)  # undated: 5 open cases in all
    client = as_user(clerk)
    capped = client.get("/workbench/")
    assert capped.context["capped"] and capped.context["page"].paginator.count == 3
    assert len(capped.context["rows"]) == 3
    assert "超过 3 件" in capped.content.decode() and "exact=1" in capped.content.decode()
    exact = client.get("/workbench/", {"exact": "1"})
    assert not exact.context["capped"] and exact.context["page"].paginator.count == 5
    assert "共 5 件" in exact.content.decode() and len(exact.context["rows"]) == 5
    monkeypatch.setattr(views, "QUEUE_COUNT_CAP", 5)
    at_cap = client.get("/workbench/")  # exactly the cap: exact, no "more than"
    assert not at_cap.context["capped"] and "共 5 件" in at_cap.content.decode()
