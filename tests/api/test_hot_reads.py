"""The hot reads over HTTP pin their queries and plans: the public progress query reads the case
and its events by index and counts its rate limits in memory (api.ratelimit), never writing,
pruning or scanning the counters per request."""
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.conftest import assert_error
from yibao.api import actions as api_actions
from yibao.api import ratelimit
from yibao.api.models import ApiCall, RateCounter
from yibao.cases import queries
from yibao.cases.models import Case
from yibao.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(api, person, three_day):
    response = api(person.user).post("/cases", {"item_id": three_day.pk}, **{"Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 201, response.content
    return response.json()["receipt_no"]


def _plan(query, **params):
    """The database's plan of a compiled query (core.compiled) with these parameters."""
    _compiler, sql, names, _converters = query.compiled(connection.alias)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, [params[name] for name in names])
            return " | ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = off")  # a tiny test table: ask which index it would use
        cursor.execute("EXPLAIN " + sql, [params[name] for name in names])
        return " | ".join(row[0] for row in cursor.fetchall())


def test_a_progress_query_pins_its_queries_and_plans_and_writes_no_counter(api, person, receipt, settings):
    settings.YIBAO_TRACK_LIMIT = 1000
    settings.YIBAO_CALENDAR_RECHECK_SECONDS = 3600
    settings.YIBAO_RATE_FLUSH_REQUESTS, settings.YIBAO_RATE_FLUSH_SECONDS = 1000, 3600
    anyone = api()
    body = {"receipt_no": receipt, "id_number": person.id_number}
    first = anyone.post("/track", body)
    assert first.status_code == 200  # the calendar warm, the queries compiled
    old = RateCounter.objects.create(scope="track-ip", key="x" * 64, window=timezone.now() - timedelta(days=2))
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            response = anyone.post("/track", body)
        assert response.status_code == 200 and response.content == first.content
        sqls = [q["sql"] for q in captured.captured_queries]
        assert not [sql for sql in sqls if "api_ratecounter" in sql]  # counted in memory (api.ratelimit)
        counts.append(len(sqls))
    # the case with its parties, its events, and the catalogue's version (the item's 容缺 rules are
    # cached with the edition; the version is checked on every call while this test's uncommitted
    # catalogue rows are pending, once a second in production): 3 (14 before, 12 of them the limits)
    assert counts == [3, 3, 3], (counts, " | ".join(s[:60] for s in sqls))
    assert sum("catalog_catalogversion" in sql for sql in sqls) == 1, sqls
    # the unique receipt number, then each party by its primary key; the events by their case
    case_plan = _plan(queries.CASE_BY_RECEIPT, receipt_no=receipt)
    events_plan = _plan(queries.EVENTS, case_id=Case.objects.get(receipt_no=receipt).pk)
    if connection.vendor == "sqlite":
        assert "USING INDEX" in case_plan and "(receipt_no=?)" in case_plan, case_plan
        assert case_plan.count("USING INTEGER PRIMARY KEY") == 2 and "SCAN" not in case_plan, case_plan
        # (a case's few events are sorted by time in a temporary B-tree: a handful of rows)
        assert "USING INDEX" in events_plan and "(case_id=?)" in events_plan and "SCAN" not in events_plan, events_plan
    else:
        for plan in (case_plan, events_plan):
            assert "Index" in plan and "Seq Scan" not in plan, plan
    # the counts reach the database with the process's next write, and old windows go then
    assert ratelimit.flush() == 2
    assert not RateCounter.objects.filter(pk=old.pk).exists()
    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [4, 4]


def test_the_progress_query_answers_the_applicant_and_the_agent_and_nobody_else(api, person, other_person, receipt,
                                                                                  settings):
    settings.YIBAO_TRACK_LIMIT = 1000
    Case.objects.filter(receipt_no=receipt).update(agent=other_person)  # filed for 张三 by 李四
    anyone = api()
    mine = anyone.post("/track", {"receipt_no": receipt, "id_number": person.id_number})
    assert mine.status_code == 200 and mine.json()["applicant"] == "张*"
    agents = anyone.post("/track", {"receipt_no": receipt.lower(), "id_number": f" {other_person.id_number} "})
    assert agents.content == mine.content
    missing = assert_error(anyone.post("/track", {"receipt_no": "511700-20260101-000001-ABC",
                                                  "id_number": person.id_number}), 404, "not_found")
    # neither a wrong number nor LIKE's wildcards (the match was once an iexact) open the case
    for guess in ("513224198506120045", "%", "5117021990030712_8", "_" * 18, ""):
        wrong = assert_error(anyone.post("/track", {"receipt_no": receipt, "id_number": guess}), 404, "not_found")
        assert wrong == missing


def test_the_limit_still_refuses_the_request_over_it(api, person, receipt, settings):
    settings.YIBAO_TRACK_LIMIT = 2
    anyone = api()
    body = {"receipt_no": receipt, "id_number": person.id_number}
    assert [anyone.post("/track", body).status_code for _ in range(2)] == [200, 200]
    throttled = anyone.post("/track", body)
    assert_error(throttled, 429, "throttled")


def test_reads_are_logged_in_batches_and_every_call_is_recorded(api, person, receipt, settings):
    from yibao.api import calllog
    from yibao.api.models import ApiCall

    settings.YIBAO_API_LOG_BATCH, settings.YIBAO_API_LOG_SECONDS = 3, 3600
    calllog.flush()
    me = api(person.user)
    before = ApiCall.objects.count()
    assert me.get(f"/cases/{receipt}").status_code == 200
    assert me.get(f"/cases/{receipt}").status_code == 200
    assert ApiCall.objects.count() == before  # two reads wait for the batch
    assert me.get(f"/cases/{receipt}").status_code == 200
    assert ApiCall.objects.count() == before + 3  # the third fills it: one write of three rows
    assert me.get(f"/cases/{receipt}").status_code == 200
    rated = me.post(f"/cases/{receipt}/withdraw", {"version": 1, "reason": "不办了"})
    assert rated.status_code in (200, 409, 422), rated.content
    # a change is written by the end of its request, and the pending read with it
    calls = list(ApiCall.objects.order_by("-id").values_list("method", "path", "user_id")[:2])
    assert calls == [("POST", f"/api/cases/{receipt}/withdraw", person.user_id),
                     ("GET", f"/api/cases/{receipt}", person.user_id)]


def test_a_pending_call_whose_account_is_gone_is_still_recorded(api, person, receipt, settings):
    from django.contrib.auth import get_user_model

    from yibao.api import calllog
    from yibao.api.models import ApiCall

    settings.YIBAO_API_LOG_BATCH, settings.YIBAO_API_LOG_SECONDS = 100, 3600
    calllog.flush()
    other = get_user_model().objects.create_user("short-lived")
    assert api(other).get("/cases").status_code == 200
    get_user_model().objects.filter(pk=other.pk).delete()
    assert calllog.flush() == 1
    assert ApiCall.objects.filter(path="/api/cases", user=None).exists()


def test_a_submission_pins_its_queries_and_reads_the_catalogue_once_per_edition(api, person, three_day, settings):
    """POST /api/cases: the token, the call log, the idempotency key, the receipt number and the
    case with its event and audit entry; the item, its edition in force and what is frozen of it
    come from the edition cache (only its version is read: on every read while this test's
    catalogue rows are uncommitted, at most once a second in production)."""
    settings.YIBAO_CALENDAR_RECHECK_SECONDS = 3600
    client = api(person.user)

    def submit():
        response = client.post("/cases", {"item_id": three_day.pk, "materials": ["1"]},
                               **{"Idempotency-Key": str(uuid.uuid4())})
        assert response.status_code == 201, response.content
        return response.json()["receipt_no"]

    submit()  # the edition cached, the calendar warm
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            receipt = submit()
        sqls = [q["sql"] for q in captured.captured_queries]
        on_catalogue = [s for s in sqls if "catalog_" in s.split(" WHERE ")[0]]
        assert all("catalog_catalogversion" in s for s in on_catalogue), on_catalogue
        statements = [s for s in sqls if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
                      and "catalog_catalogversion" not in s]
        assert sum(s.startswith("SELECT") and "cases_itemrule" in s for s in sqls) == 0
        counts.append(len(statements))
    # token, the idempotency key looked up, receipt number, case (holding the key), event, audit
    # entry, call log: 7 (8 with the key in a table of its own; 25 before the edition cache,
    # which only reads its version here)
    assert counts == [7, 7], (counts, [s[:70] for s in statements])
    # the key is looked up on its own (partial, unique) index of the cases
    plan = _plan(api_actions.KEY, request_scope=f"u{person.user.pk}", request_key="k")
    assert "case_request_key_unique" in plan, plan
    # one transaction (a savepoint inside the test's): the key is written with the case, in its own
    assert sum(s.startswith("SAVEPOINT") for s in sqls) == 1, [s[:40] for s in sqls]
    # and the call's log row is written in it, with the case
    where = [i for i, s in enumerate(sqls) if s.startswith(("SAVEPOINT", "RELEASE")) or "api_apicall" in s]
    assert [sqls[i].split()[0] for i in where] == ["SAVEPOINT", "1", "RELEASE"], [sqls[i][:40] for i in where]
    case = Case.objects.get(receipt_no=receipt)
    assert (case.request_scope, len(case.request_key), len(case.request_hash)) == (f"u{person.user.pk}", 36, 64)
    assert [m["name"] for m in case.snapshot["materials"]] == ["有效身份证件", "《参保凭证申请表》"]
    assert case.materials == {"1": {"by": "document", "round": 1}}
    assert AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk)).count() == 1
    assert ApiCall.objects.filter(path="/api/cases", method="POST").count() == 3


def test_a_refused_submission_is_logged_all_the_same(api, person, three_day):
    """The call log of a change is written with the change, or when its request ends if the
    change is refused (nothing of the case stays)."""
    client = api(person.user)
    before = (ApiCall.objects.filter(path="/api/cases", method="POST").count(), Case.objects.count())
    refused = client.post("/cases", {"item_id": three_day.pk, "materials": ["没有这份材料"]},
                          **{"Idempotency-Key": str(uuid.uuid4())})
    assert refused.status_code == 422, refused.content
    assert (ApiCall.objects.filter(path="/api/cases", method="POST").count(), Case.objects.count()) == \
        (before[0] + 1, before[1])
