"""The register and payment endpoints themselves: who may read which record (the same 404 for
"not yours" as for "not there"), masking, the 增减 Excel sheet (422 with every error by row and
column, nothing applied unless all is valid), the roster export, the certificate check, and the
maker-checker rule on payment orders over HTTP."""
import io

import pytest
from openpyxl import Workbook, load_workbook

from tests.api.conftest import assert_error
from tests.api.domain_support import (  # noqa: F401
    CARD,
    application,
    as_user,
    dazhou,
    generic_handlers,
    insured,
    panzhihua,
    person_account,
    regions,
    registered_unit,
    submit,
    teams,
)
from tests.domain_support import shipped_regions  # noqa: F401 (a fixture regions needs)
from tests.enrollment import factories as ef
from yibao.cases import actions
from yibao.cases.models import Case
from yibao.core.models import Channel
from yibao.enrollment.models import Enrollment

API = Channel.API


# ---------------------------------------------------------------- persons


def test_a_person_record_is_for_the_person_and_staff_of_the_region_only(dazhou, as_user, teams):
    me, person = insured(dazhou, name="张三", balance="88.00")
    own = as_user(me.user).get("/persons/me")
    assert own.status_code == 200
    record = own.json()
    assert record["person"]["name"] == "张三" and record["person"]["id_number"] != person.id_number  # masked
    assert record["accounts"][0]["balance"] == "88.00" and record["contributions"]["months"] == 0
    assert as_user(teams["dazhou"].clerk).get(f"/persons/{person.id_number}").json() == record
    assert as_user(me.user).get(f"/persons/{person.id_number}").status_code == 200  # their own number
    for stranger in (teams["panzhihua"].clerk, person_account().user):
        assert_error(as_user(stranger).get(f"/persons/{person.id_number}"), 404, "not_found")
    assert_error(as_user(teams["dazhou"].clerk).get("/persons/110101199003070000"), 404, "not_found")
    assert_error(as_user().get("/persons/me"), 401, "unauthenticated")
    assert_error(as_user(teams["dazhou"].clerk).get("/persons/me"), 404, "not_found")  # staff have no own record
    pdf = as_user(teams["dazhou"].reviewer).get(f"/persons/{person.id_number}/record.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf["Cache-Control"] == "private, no-store"


def test_staff_of_a_region_where_the_person_is_enrolled_read_the_record_and_no_one_else(dazhou, panzhihua, as_user,
                                                                                       teams):
    """The access check reads the enrolments once with the record: a clerk of a region where one of
    them is kept (not the region of registration) reads it; a clerk of neither gets the 404 of a
    person who is not there, for the record and its PDF alike."""
    import datetime

    from yibao.enrollment import actions as registers
    from yibao.enrollment.models import Scheme

    _, person = insured(dazhou, name="李双地", balance="5.00")
    _, local = insured(dazhou, name="王本地")
    registers.enrol(person, Scheme.RESIDENT, region=panzhihua, on=datetime.date(2021, 1, 1), actor=None,
                    channel=Channel.SYSTEM)
    record = as_user(teams["panzhihua"].clerk).get(f"/persons/{person.id_number}")
    assert record.status_code == 200
    assert [(e["region"], e["scheme_code"]) for e in record.json()["enrollments"]] == [
        (panzhihua.name, "resident"), (dazhou.name, "employee")]
    assert record.json() == as_user(teams["dazhou"].clerk).get(f"/persons/{person.id_number}").json()
    for path in (f"/persons/{local.id_number}", f"/persons/{local.id_number}/record.pdf"):
        assert_error(as_user(teams["panzhihua"].clerk).get(path), 404, "not_found")
    pdf = as_user(teams["panzhihua"].reviewer).get(f"/persons/{person.id_number}/record.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_person_record_reads_a_bounded_number_of_queries(dazhou, as_user, django_assert_max_num_queries):
    me, _ = insured(dazhou, balance="10")
    client = as_user(me.user)
    client.get("/persons/me")  # token row and caches warmed
    with django_assert_max_num_queries(25):
        assert client.get("/persons/me").status_code == 200


# ---------------------------------------------------------------- employers


def sheet(*rows, header=("证件类型", "证件号码", "姓名", "性别", "出生日期", "联系电话", "业务类型", "变动日期")):
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "增减表.xlsx"
    return out


def upload(as_user, user, uscc, data):
    return as_user(user).upload(f"/employers/{uscc}/sheets", {"file": data})


def test_an_employer_sees_its_own_record_and_roster_and_nobody_elses(dazhou, as_user, teams):
    unit, employer = registered_unit(dazhou)
    _, staffer = insured(dazhou, name="甲", employer=employer)
    other, _ = registered_unit(dazhou)
    record = as_user(unit.user).get(f"/employers/{unit.id_number}").json()
    assert record["employees_open"] == 1 and record["roster"][0]["id_number"] != staffer.id_number
    assert as_user(teams["dazhou"].clerk).get(f"/employers/{unit.id_number}").status_code == 200
    for stranger in (other.user, teams["panzhihua"].clerk):
        assert_error(as_user(stranger).get(f"/employers/{unit.id_number}"), 404, "not_found")
        assert_error(as_user(stranger).get(f"/employers/{unit.id_number}/roster.xlsx"), 404, "not_found")
    roster = as_user(unit.user).get(f"/employers/{unit.id_number}/roster.xlsx")
    assert roster.status_code == 200 and roster["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(roster.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("证件类型", "证件号码") and rows[1][1:3] == (staffer.id_number, "甲")  # the unit's own list
    pdf = as_user(unit.user).get(f"/employers/{unit.id_number}/record.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_sheet_with_errors_is_refused_whole_with_every_error_by_row_and_column(dazhou, as_user):
    unit, employer = registered_unit(dazhou)
    good, bad = ef.id_number(), ef.id_number()
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")  # wrong check digit
    response = upload(as_user, unit.user, unit.id_number, sheet(
        ("居民身份证", good, "李四", "", "", "", "增加", "2026-01-05"),
        ("居民身份证", bad, "王五", "", "", "", "增加", ""),
        ("居民身份证", good, "李四", "", "", "", "增加", ""),
        ("居民身份证", ef.id_number(), "赵六", "", "", "", "调动", ""),
    ))
    body = assert_error(response, 422, "invalid")
    assert [(e["row"], e["column"]) for e in body["details"]["errors"]] == [
        (3, "证件号码"), (4, "证件号码"), (5, "业务类型")]
    assert "未导入任何一行" in body["message"]
    assert not Enrollment.objects.filter(employer=employer).exists()  # nothing applied
    assert not Case.objects.exists()  # and no case filed
    not_excel = io.BytesIO(b"not a workbook")
    not_excel.name = "a.xlsx"
    assert_error(upload(as_user, unit.user, unit.id_number, not_excel), 422, "invalid")


def step(as_user, user, receipt, verb, **body):
    version = as_user(user).get(f"/cases/{receipt}").json()["version"]
    response = as_user(user).post(f"/cases/{receipt}/{verb}", {"version": version, **body})
    assert response.status_code == 200, response.content.decode()
    return response.json()


def test_a_valid_sheet_is_one_case_that_enrols_and_reduces_when_it_completes(dazhou, as_user, teams):
    unit, employer = registered_unit(dazhou)
    _, leaving = insured(dazhou, name="甲", employer=employer)
    first, second = ef.id_number(), ef.id_number()
    response = upload(as_user, unit.user, unit.id_number, sheet(
        ("居民身份证", first, "李四", "", "", "13900001111", "增加", "2026-01-05"),
        ("", second, "王五", "", "", "", "新增", ""),
        ("居民身份证", leaving.id_number, "甲", "", "", "", "减少", "2026-01-31"),
    ))
    assert response.status_code == 201, response.content.decode()
    filed = response.json()
    assert (filed["rows"], filed["adds"], filed["reduces"], filed["state"]) == (3, 2, 1, "submitted")
    receipt = filed["receipt_no"]
    case = as_user(unit.user).get(f"/cases/{receipt}").json()  # the unit follows it as any of its cases
    assert case["item_code"] == "employee-enrollment" and Case.objects.get(receipt_no=receipt).channel == "api"
    roster = lambda: sorted(r["name"] for r in as_user(unit.user).get(f"/employers/{unit.id_number}").json()["roster"])  # noqa: E731
    assert roster() == ["甲"]  # filed is not done
    team = teams["dazhou"]
    step(as_user, team.clerk, receipt, "accept")
    step(as_user, team.reviewer, receipt, "review")
    step(as_user, team.reviewer, receipt, "approve")
    assert roster() == ["甲"]
    done = step(as_user, team.clerk, receipt, "complete")
    assert done["state"] == "completed"
    assert roster() == ["李四", "王五"]
    # the region's clerk may hand in a unit's sheet too (a case in the unit's name); another region's
    # may not see the unit
    again = upload(as_user, team.clerk, unit.id_number, sheet(
        ("居民身份证", first, "李四", "", "", "", "减少", "2026-02-01")))
    assert again.status_code == 201 and again.json()["receipt_no"] != receipt
    assert_error(upload(as_user, teams["panzhihua"].clerk, unit.id_number,
                        sheet(("居民身份证", second, "王五", "", "", "", "减少", ""))), 404, "not_found")


# ---------------------------------------------------------------- certificates


@pytest.mark.parametrize("code", ["A" * 20, "short", "no%20such"])
def test_an_unknown_certificate_code_is_a_structured_404(db, as_user, code):
    body = assert_error(as_user().get(f"/certificates/{code}"), 404, "not_found")
    assert "核验码" in body["message"]


# ---------------------------------------------------------------- payments


@pytest.fixture
def order(dazhou, teams, submit):
    """A withdrawal taken to 拨付 by the maker: its payment order waits for the checker."""
    me, _ = insured(dazhou, balance="500.00")
    receipt = submit(me, application(dazhou, "account-withdrawal", data={
        "reason": "出国（境）定居", "bank_name": "中国银行", "bank_account": CARD}))
    team = teams["dazhou"]
    case = Case.objects.get(receipt_no=receipt)
    for act, who in ((actions.accept_case, team.clerk), (actions.start_review, team.reviewer),
                     (actions.approve_case, team.reviewer), (actions.pay_case, team.maker)):
        case = act(case, who, channel=API)
    return case.payment_orders.get()


def test_payment_orders_follow_the_maker_checker_rule(order, as_user, teams):
    team = teams["dazhou"]
    [row] = as_user(team.maker).get("/payments").json()["results"]
    assert (row["id"], row["amount"], row["state"]) == (order.pk, "500.00", "created")
    assert row["account"] != CARD and row["account"].endswith(CARD[-4:])  # masked
    # nobody settles an order before it is checked, and the maker and the checker never settle it
    assert_error(as_user(team.cashier).post(f"/payments/{order.pk}/paid", {"bank_reference": "B1"}), 409,
                 "invalid_order_transition")
    assert as_user(team.checker).post(f"/payments/{order.pk}/approve", {}).status_code == 200
    assert_error(as_user(team.checker).post(f"/payments/{order.pk}/approve", {}), 409, "invalid_order_transition")
    for settler in (team.maker, team.checker):
        body = assert_error(as_user(settler).post(f"/payments/{order.pk}/paid", {"bank_reference": "B1"}), 403,
                            "maker_checker")
        assert "制单人和复核人不得确认支付结果" in body["message"]
    assert as_user(team.checker).get("/payments").json()["results"][0]["next_steps"] == ["cancel"]
    assert as_user(team.cashier).get("/payments").json()["results"][0]["next_steps"] == ["pay", "fail", "cancel"]
    failed = as_user(team.cashier).post(f"/payments/{order.pk}/failed", {"reason": "账户已销户"})
    assert failed.status_code == 200 and failed.json()["state"] == "failed"
    assert as_user(team.cashier).get("/payments", {"state": "failed"}).json()["count"] == 1
    assert_error(as_user(team.cashier).get("/payments", {"state": "lost"}), 422, "invalid")


def test_only_payers_of_the_region_see_and_touch_its_orders(order, as_user, teams):
    assert_error(as_user(teams["dazhou"].clerk).get("/payments"), 403, "not_allowed")
    assert as_user(teams["panzhihua"].maker).get("/payments").json()["count"] == 0
    assert_error(as_user(teams["panzhihua"].checker).post(f"/payments/{order.pk}/approve", {}), 404, "not_found")
    assert_error(as_user(teams["dazhou"].cashier).post(f"/payments/{order.pk}/cancel", {}), 422, "validation")
    cancelled = as_user(teams["dazhou"].cashier).post(f"/payments/{order.pk}/cancel", {"reason": "申请人撤回"})
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert_error(as_user(teams["dazhou"].clerk).post(f"/payments/{order.pk}/approve", {}), 403, "not_allowed")


def test_a_person_lookup_pins_its_queries_whatever_the_history(dazhou, as_user, teams):
    """GET /api/persons/{ID} by staff: the token (one joined read), the person with the region, the
    active e-credential and the contribution time (months paid, months recorded), the enrolments
    with their history (one read, for who may see them and for the record), then one read per part
    of the record: assessments, notices, remote-care filings, accounts and each account's entries.
    More enrolments and more history add no query."""
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yibao.enrollment import actions as registers
    from yibao.enrollment.models import EnrollmentChange

    clerk = as_user(teams["dazhou"].clerk)
    _, small = insured(dazhou, balance="10")
    _, large = insured(dazhou, balance="10")
    for kind, on in (("suspend", datetime.date(2024, 1, 31)), ("resume", datetime.date(2024, 3, 1))):
        registers.change_enrollment(large, "employee", kind, on=on, actor=None, channel=Channel.SYSTEM)
    assert EnrollmentChange.objects.filter(enrollment__person=large).count() == 3
    clerk.get(f"/persons/{small.id_number}")  # the token's first use and caches
    counts = {}
    for person in (small, large):
        with CaptureQueriesContext(connection) as captured:
            assert clerk.get(f"/persons/{person.id_number}").status_code == 200
        sqls = [q["sql"] for q in captured.captured_queries]
        counts[person.pk] = len(sqls)
        on_enrollments = [s for s in sqls if s.startswith('SELECT "enrollment_enrollment"')]
        assert len(on_enrollments) == 1 and "JOIN \"enrollment_person\"" not in on_enrollments[0]
        assert "enrollment_enrollmentchange" in on_enrollments[0]  # the history in the same read
        on_person = [s for s in sqls if s.startswith('SELECT "enrollment_person"')]
        assert len(on_person) == 1 and "ecredential" in on_person[0] and "contributionperiod" in on_person[0]
        assert not [s for s in sqls if ("contributionperiod" in s or "ecredential" in s) and s not in on_person]
    assert list(counts.values()) == [8, 8], counts
