"""Each of the 17 register items of issue 4 end to end over the API: the application is submitted
with POST /api/cases (an Idempotency-Key), staff drive it with their own tokens through every step
the item's flow offers (受理, 审核, 审核通过, 拨付 with the order approved and confirmed paid by two
other payers, 办结), and the effect is read back through the register endpoints."""
import datetime
from decimal import Decimal

from tests.api.domain_support import (  # noqa: F401
    CARD,
    SSC_CARD,
    application,
    as_user,
    dazhou,
    drive,
    generic_handlers,
    insured,
    panzhihua,
    person_account,
    regions,
    registered_unit,
    submit,
    teams,
    unit_account,
)
from tests.domain_support import shipped_regions  # noqa: F401 (a fixture regions needs)
from tests.enrollment import factories as ef
from yibao.accounts import actions as accounts
from yibao.accounts.models import FilingKind
from yibao.core.models import AuditEntry, Channel
from yibao.enrollment import actions as registers
from yibao.contributions.actions import record_contribution_period
from yibao.contributions.models import PeriodSource
from yibao.enrollment.models import Scheme

REVIEWED = ["accept", "start_review", "approve", "complete"]
PAID = ["accept", "start_review", "approve", "pay", "complete"]


def person_data(id_number, name):
    return {"id_type": "resident_id", "id_number": id_number, "name": name}


def unit_data(uscc, name):
    return {"uscc": uscc, "name": name, "kind": "企业", "legal_representative": "王五", "bank_name": "工商银行",
            "bank_account": "6222020200112233445"}


def open_enrollments(record):
    return [(e["scheme_code"], e["region"], e["employer"]) for e in record["enrollments"] if e["open"]]


def today():
    return registers.today()


# ---------------------------------------------------------------- enrolment


def test_unit_enrollment(dazhou, submit, drive, as_user):
    unit = unit_account(name="达州市新开有限公司")
    assert as_user(unit.user).get(f"/employers/{unit.id_number}").status_code == 404  # not registered yet
    receipt = submit(unit, application(dazhou, "unit-enrollment", conditions={"sub_type": "新参保"},
                                       data={"employer": unit_data(unit.id_number, unit.name)}))
    case, steps = drive(receipt, "dazhou")
    assert steps == REVIEWED
    record = as_user(unit.user).get(f"/employers/{unit.id_number}").json()
    assert (record["employer"]["name"], record["employer"]["status"]) == ("达州市新开有限公司", "正常参保")
    assert record["employer"]["bank_account"].endswith("3445") and "62220202" not in record["employer"]["bank_account"]


def test_employee_enrollment(dazhou, submit, drive, as_user, teams):
    unit, employer = registered_unit(dazhou)
    number = ef.id_number(born=datetime.date(1988, 6, 1))
    receipt = submit(unit, application(dazhou, "employee-enrollment",
                                       conditions={"applicant_kind": "在职职工", "sub_type": "增加"},
                                       data={"person": person_data(number, "李四")}))
    drive(receipt, "dazhou")
    roster = as_user(unit.user).get(f"/employers/{unit.id_number}").json()
    assert roster["employees_open"] == 1
    assert [(r["name"], r["status"]) for r in roster["roster"]] == [("李四", "参保缴费")]
    assert roster["roster"][0]["id_number"] != number  # masked
    person = as_user(teams["dazhou"].clerk).get(f"/persons/{number}").json()
    assert open_enrollments(person) == [("employee", "达州市", employer.name)]
    assert person["person"]["birth_date"] == "1988-06-01"


def test_resident_enrollment(dazhou, submit, drive, as_user):
    me = person_account(name="王居民")
    assert as_user(me.user).get("/persons/me").status_code == 404  # no register entry yet
    receipt = submit(me, application(dazhou, "resident-enrollment", conditions={"sub_type": "新参保"},
                                     data={"person": person_data(me.id_number, me.name)}))
    drive(receipt, "dazhou")
    record = as_user(me.user).get("/persons/me").json()
    assert open_enrollments(record) == [("resident", "达州市", "")]
    assert record["enrollments"][0]["history"][0]["to"] == "参保缴费"


def test_unit_info_change(dazhou, submit, drive, as_user):
    unit, _ = registered_unit(dazhou)
    receipt = submit(unit, application(dazhou, "unit-info-change",
                                       data={"changes": {"address": "达州市通川区朝阳东路1号"}}))
    drive(receipt, "dazhou")
    assert as_user(unit.user).get(f"/employers/{unit.id_number}").json()["employer"]["address"] == "达州市通川区朝阳东路1号"


def test_employee_info_change(dazhou, submit, drive, as_user):
    # 姓名 is a key field: the evidence material goes with the application.
    me, _ = insured(dazhou, name="张三")
    receipt = submit(me, application(dazhou, "employee-info-change", data={"changes": {"name": "张叁"}},
                                     words=["关键信息"]))
    drive(receipt, "dazhou")
    assert as_user(me.user).get("/persons/me").json()["person"]["name"] == "张叁"


def test_resident_info_change(dazhou, submit, drive, as_user):
    me, _ = insured(dazhou, name="赵居民", scheme=Scheme.RESIDENT)
    receipt = submit(me, application(dazhou, "resident-info-change", data={"changes": {"id_type": "household"}}))
    drive(receipt, "dazhou")
    assert as_user(me.user).get("/persons/me").json()["person"]["id_type"] == "户口簿"


def test_phone_change(dazhou, submit, drive, as_user):
    me, _ = insured(dazhou)
    case, steps = drive(submit(me, application(dazhou, "phone-change", data={"phone": "13912345678"})), "dazhou")
    assert steps == ["accept", "complete"]  # no 审核 in the guide
    phone = as_user(me.user).get("/persons/me").json()["person"]["phone"]
    assert phone.endswith("5678") and phone != "13912345678"  # masked


# ---------------------------------------------------------------- contributions


def test_flexible_contribution(dazhou, submit, drive, as_user):
    me, _ = insured(dazhou, name="刘灵活")
    year = today().year
    drive(submit(me, application(dazhou, "flexible-contribution",
                                 data={"from_month": f"{year}-01", "to_month": f"{year}-03"})), "dazhou")
    notices = as_user(me.user).get("/persons/me").json()["unpaid_notices"]
    # the sample floor 4000元 × 8% × 3 months
    assert [(n["kind"], n["total"], n["period_from"]) for n in notices] == [
        ("灵活就业人员缴费", "960.00", f"{year}-01-01")]
    assert "示例" in notices[0]["parameters_label"]


def test_contribution_base(dazhou, submit, drive, as_user):
    unit, employer = registered_unit(dazhou)
    since = datetime.date(today().year, 1, 1)
    staff = [insured(dazhou, name=n, employer=employer, since=since)[1] for n in ("甲", "乙")]
    rows = [{"id_number": p.id_number, "name": p.name, "base": "5000"} for p in staff]
    drive(submit(unit, application(dazhou, "contribution-base", data={"year": since.year, "rows": rows})), "dazhou")
    record = as_user(unit.user).get(f"/employers/{unit.id_number}").json()
    bases = record["bases"]
    assert (bases["year"], bases["persons"], bases["total"]) == (since.year, 2, "10000.00")
    # one notice per month begun, each 2 × 5000 × (7% + 2%) in the sample parameters
    assert [n["total"] for n in record["unpaid_notices"]] == ["900.00"] * today().month


def test_lump_sum_contribution(dazhou, submit, drive, as_user):
    born = datetime.date(1960, 3, 1)
    number = ef.id_number(born=born)
    while int(number[16]) % 2 == 0:  # a man: the sample asks 30 years of him
        number = ef.id_number(born=born)
    me, person = insured(dazhou, name="王退休", born=born, id_number=number)
    record_contribution_period(person, months=240, source=PeriodSource.RECORDED, region=dazhou,
                               origin="系统上线前缴费记录", actor=None, channel=Channel.SYSTEM)
    drive(submit(me, application(dazhou, "lump-sum-contribution")), "dazhou")
    record = as_user(me.user).get("/persons/me").json()
    assert record["contributions"]["months"] == 240  # owed, not yet paid
    # 120 months short × the sample base 6000元 × 8%
    assert [(n["kind"], n["total"]) for n in record["unpaid_notices"]] == [("趸缴", "57600.00")]


# ---------------------------------------------------------------- queries and credentials


def test_unit_info_query(dazhou, submit, drive, as_user):
    unit, employer = registered_unit(dazhou)
    insured(dazhou, name="甲", employer=employer)
    case, steps = drive(submit(unit, application(dazhou, "unit-info-query")), "dazhou")
    assert steps == ["accept", "complete"]
    assert AuditEntry.objects.filter(action="查询单位参保信息", summary__startswith=case["receipt_no"]).exists()
    pdf = as_user(unit.user).get(f"/employers/{unit.id_number}/record.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert as_user(unit.user).get(f"/employers/{unit.id_number}").json()["employees_open"] == 1


def test_person_info_query(dazhou, submit, drive, as_user):
    me, _ = insured(dazhou, balance="12.34")
    case, _ = drive(submit(me, application(dazhou, "person-info-query")), "dazhou")
    assert AuditEntry.objects.filter(action="查询参保人员参保信息", summary__startswith=case["receipt_no"]).exists()
    pdf = as_user(me.user).get("/persons/me/record.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    record = as_user(me.user).get("/persons/me").json()
    assert [a["balance"] for a in record["accounts"]] == ["12.34"]


def test_insurance_certificate(dazhou, submit, drive, as_user):
    me, person = insured(dazhou, name="孙凭证")
    drive(submit(me, application(dazhou, "insurance-certificate")), "dazhou")
    [issued] = as_user(me.user).get("/persons/me/certificates").json()
    verified = as_user().get(f"/certificates/{issued['verify_code']}")  # anyone, without a token
    assert verified.status_code == 200, verified.content.decode()
    body = verified.json()
    assert body["valid"] and body["number"] == issued["number"]
    assert body["name"] != "孙凭证" and person.id_number not in body["id_number"]  # masked
    assert [e["scheme"] for e in body["enrollments"]] == ["职工基本医疗保险"]
    pdf = as_user(me.user).get(f"/certificates/{issued['number']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    stranger = person_account(name="路人")
    assert as_user(stranger.user).get(f"/certificates/{issued['number']}/pdf").status_code == 404


def test_e_credential(panzhihua, submit, drive, as_user):
    me, _ = insured(panzhihua)
    assert as_user(me.user).get("/persons/me").json()["e_credential"] is None
    case, steps = drive(submit(me, application(panzhihua, "e-credential")), "panzhihua")
    assert "start_review" not in steps
    credential = as_user(me.user).get("/persons/me").json()["e_credential"]
    assert credential is not None and credential["number"].startswith("EC")


# ---------------------------------------------------------------- accounts and transfer


def test_account_withdrawal(dazhou, submit, drive, as_user, teams):
    me, _ = insured(dazhou, balance="777.70")
    receipt = submit(me, application(dazhou, "account-withdrawal", data={
        "reason": "主动放弃", "bank_name": "中国银行", "bank_account": CARD}, words=["主动放弃"]))
    case, steps = drive(receipt, "dazhou")
    assert steps == PAID
    record = as_user(me.user).get("/persons/me").json()
    assert [a["balance"] for a in record["accounts"]] == ["0.00"]
    assert [(e["kind"], e["amount"]) for e in record["accounts"][0]["entries"]][0][1] == "-777.70"
    assert open_enrollments(record) == []  # 主动放弃 ends the employee enrolment here
    paid = as_user(teams["dazhou"].cashier).get("/payments", {"state": "paid"}).json()["results"]
    assert [(o["receipt_no"], o["amount"], o["account"][-4:]) for o in paid] == [(receipt, "777.70", CARD[-4:])]


def test_account_transfer(dazhou, submit, drive, as_user, teams):
    me, person = insured(dazhou, balance="2100.00")
    accounts.record_remote_filing(person, dazhou, kind=FilingKind.RETIREE, cross_province=True,
                                  destination="海南省三亚市", reference="BA1", valid_from=datetime.date(2025, 1, 1),
                                  actor=None, channel=Channel.SYSTEM)
    receipt = submit(me, application(dazhou, "account-transfer", data={
        "card_bank_name": "四川省农村信用社", "card_account": SSC_CARD}))
    _, steps = drive(receipt, "dazhou")
    assert steps == PAID
    record = as_user(me.user).get("/persons/me").json()
    assert [a["balance"] for a in record["accounts"]] == ["0.00"]
    assert open_enrollments(record) == [("employee", "达州市", "")]  # only the money moved
    [order] = as_user(teams["dazhou"].cashier).get("/payments", {"state": "paid"}).json()["results"]
    assert (order["account_kind"], order["amount"]) == ("社会保障卡金融账户", "2100.00")


def test_relation_transfer(dazhou, panzhihua, submit, drive, as_user):
    me, person = insured(dazhou, balance="1234.56")
    record_contribution_period(person, months=75, source=PeriodSource.RECORDED, region=dazhou,
                               origin="系统上线前缴费记录", actor=None, channel=Channel.SYSTEM)
    out = submit(me, application(dazhou, "relation-transfer", data={"to_region": "panzhihua"}))
    drive(out, "dazhou")
    # the out side's 信息表 opened a case in 攀枝花's queue, under the same applicant
    mine = as_user(me.user).get("/cases").json()["results"]
    [incoming] = [c for c in mine if c["region"] == "攀枝花市"] or [c for c in mine if c["receipt_no"] != out]
    assert incoming["state"] == "accepted" and incoming["due_date"]
    drive(incoming["receipt_no"], "panzhihua")
    record = as_user(me.user).get("/persons/me").json()
    assert open_enrollments(record) == [("employee", "攀枝花市", "")]
    assert {e["region"]: e["status"] for e in record["enrollments"]}["达州市"] != "正常参保"
    assert {a["region_code"]: a["balance"] for a in record["accounts"]} == {"dazhou": "0.00", "panzhihua": "1234.56"}
    assert record["contributions"]["months"] == 75  # the years carry over
