"""Each of the 17 register items of issue 4 through the workbench: window intake (the form built
from the handler's schema), every step of the case page, the payment order on the 支付指令 pages
for the paying items, and the effect of 办结 read back from the registers."""
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from tests.domain_support import CARD, SSC_CARD, account, insured, person_account, registered_unit
from tests.enrollment import factories as ef
from yibao.accounts import actions as accounts
from yibao.accounts.models import FilingKind
from yibao.accounts.queries import balance_of
from yibao.cases.models import Case
from yibao.cases.snapshot import item_in_force
from yibao.core.models import AuditEntry, Channel
from yibao.enrollment import actions as registers
from yibao.contributions.actions import record_contribution_period
from yibao.contributions.models import Certificate, ContributionBase, ECredential, PaymentNotice, PeriodSource
from yibao.enrollment.models import Employer, EmployerStatus, Enrollment, Person, Scheme
from yibao.payments.models import PaymentOrder
from yibao.people.models import ApplicantKind

REVIEWED = ["accept", "start_review", "approve", "complete"]
PAID = ["accept", "start_review", "approve", "pay", "complete"]


def today():
    return registers.today()


def open_schemes(person):
    return sorted((e.scheme, e.region.code, e.employer.name if e.employer_id else "")
                  for e in Enrollment.objects.filter(person=person, status__in=("active", "suspended")))


def person_fields(number, name, group="person"):
    return {f"data_{group}__id_number": number, f"data_{group}__name": name}


# ---------------------------------------------------------------- enrolment


def test_unit_enrollment(dazhou, window, drive, client):
    unit = ef.uscc_code()
    applicant = account(ApplicantKind.EMPLOYER, unit, "达州市新开有限公司")
    receipt = window(dazhou, applicant, "unit-enrollment", conditions={"sub_type": "新参保"}, fields={
        "data_employer__uscc": unit, "data_employer__name": "达州市新开有限公司", "data_employer__kind": "企业",
        "data_employer__legal_representative": "王五", "data_employer__bank_name": "工商银行",
        "data_employer__bank_account": "6222020200112233445"})
    page = client.get(reverse("workbench:case", args=[receipt])).content.decode()
    assert "申请信息：单位信息" in page and "达州市新开有限公司" in page  # the case data, readable
    case, steps = drive(receipt)
    assert steps == REVIEWED
    employer = Employer.objects.get(uscc=unit)
    assert (employer.name, employer.status, employer.region_id) == ("达州市新开有限公司", EmployerStatus.ACTIVE, dazhou.pk)
    assert "办理结果" in client.get(reverse("workbench:case", args=[receipt])).content.decode()


def test_employee_enrollment(dazhou, window, drive):
    unit, employer = registered_unit(dazhou)
    number = ef.id_number(born=datetime.date(1988, 6, 1))
    receipt = window(dazhou, unit, "employee-enrollment", conditions={"applicant_kind": "在职职工", "sub_type": "增加"},
                     fields=person_fields(number, "李四"))
    drive(receipt)
    person = Person.objects.get(id_number=number)
    assert (person.name, person.birth_date) == ("李四", datetime.date(1988, 6, 1))
    assert open_schemes(person) == [("employee", "dazhou", employer.name)]


def test_resident_enrollment(dazhou, window, drive):
    me = person_account(name="王居民")
    drive(window(dazhou, me, "resident-enrollment", conditions={"sub_type": "新参保"},
                 fields=person_fields(me.id_number, me.name)))
    assert open_schemes(Person.objects.get(id_number=me.id_number)) == [("resident", "dazhou", "")]


def test_unit_info_change_names_the_field_in_chinese(dazhou, window, drive, client):
    unit, employer = registered_unit(dazhou)
    receipt = window(dazhou, unit, "unit-info-change", fields={"data_changes": "地址=达州市通川区朝阳东路1号"})
    assert Case.objects.get(receipt_no=receipt).data["changes"] == {"address": "达州市通川区朝阳东路1号"}
    drive(receipt)
    employer.refresh_from_db()
    assert employer.address == "达州市通川区朝阳东路1号"


def test_employee_info_change_of_a_key_field(dazhou, window, drive):
    me, person = insured(dazhou, name="张三")
    drive(window(dazhou, me, "employee-info-change", fields={"data_changes": "姓名=张叁"}, all_materials=True))
    person.refresh_from_db()
    assert person.name == "张叁"


def test_resident_info_change(dazhou, window, drive):
    me, person = insured(dazhou, name="赵居民", scheme=Scheme.RESIDENT)
    drive(window(dazhou, me, "resident-info-change", fields={"data_changes": "证件类型=household"}))
    person.refresh_from_db()
    assert person.id_type == "household"


def test_phone_change(dazhou, window, drive):
    me, person = insured(dazhou)
    _, steps = drive(window(dazhou, me, "phone-change", fields={"data_phone": "13912345678"}))
    assert steps == ["instant"]  # no 审核 in the guide: 受理并当场办结
    person.refresh_from_db()
    assert person.phone == "13912345678"


# ---------------------------------------------------------------- contributions


def test_flexible_contribution(dazhou, window, drive):
    me, person = insured(dazhou, name="刘灵活")
    year = today().year
    drive(window(dazhou, me, "flexible-contribution",
                 fields={"data_from_month": f"{year}-01", "data_to_month": f"{year}-03"}))
    [notice] = PaymentNotice.objects.filter(person=person)
    assert (notice.total, notice.period_from) == (Decimal("960.00"), datetime.date(year, 1, 1))  # 4000 × 8% × 3


def _base_sheet(rows):
    book = Workbook()
    book.active.append(["证件号码", "姓名", "月缴费基数（元）"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "基数申报.xlsx"
    return out


def test_contribution_base_from_the_form_rows(dazhou, window, drive):
    unit, employer = registered_unit(dazhou)
    since = datetime.date(today().year, 1, 1)
    staff = [insured(dazhou, name=n, employer=employer, since=since)[1] for n in ("甲", "乙")]
    fields = {"data_year": since.year}
    for n, p in enumerate(staff):
        fields |= {f"data_rows__{n}__id_number": p.id_number, f"data_rows__{n}__name": p.name,
                   f"data_rows__{n}__base": "5000"}
    drive(window(dazhou, unit, "contribution-base", fields=fields))
    assert sorted(ContributionBase.objects.filter(employer=employer).values_list("base", flat=True)) == [
        Decimal("5000.00")] * 2
    assert {n.total for n in PaymentNotice.objects.filter(employer=employer)} == {Decimal("900.00")}


def test_contribution_base_from_an_excel_sheet(dazhou, window, drive, client, teams):
    unit, employer = registered_unit(dazhou)
    since = datetime.date(today().year, 1, 1)
    a, b = (insured(dazhou, name=n, employer=employer, since=since)[1] for n in ("甲", "乙"))
    # A bad sheet: every bad cell named by row and column, nothing filed.
    client.force_login(teams["dazhou"].clerk)
    bad = client.post(reverse("workbench:intake"), {
        "item": item_in_force(dazhou, "contribution-base").pk, "id_type": unit.id_type,
        "id_number": unit.id_number, "data_year": since.year,
        "sheet": _base_sheet([[a.id_number, "甲", "五千"], ["", "乙", "5000"]])})
    text = bad.content.decode()
    assert bad.status_code == 400 and "第2行“月缴费基数（元）”" in text and "第3行“证件号码”" in text
    assert not Case.objects.exists()
    drive(window(dazhou, unit, "contribution-base", fields={"data_year": since.year},
                 files={"sheet": _base_sheet([[a.id_number, "甲", 6000], [b.id_number, "乙", "5000"]])}))
    assert dict(ContributionBase.objects.filter(employer=employer).values_list("person__name", "base")) == {
        "甲": Decimal("6000.00"), "乙": Decimal("5000.00")}


def test_lump_sum_contribution(dazhou, window, drive):
    born = datetime.date(1960, 3, 1)
    number = ef.id_number(born=born)
    while int(number[16]) % 2 == 0:  # a man: the sample asks 30 years of him
        number = ef.id_number(born=born)
    me, person = insured(dazhou, name="王退休", born=born, id_number=number)
    record_contribution_period(person, months=240, source=PeriodSource.RECORDED, region=dazhou,
                               origin="系统上线前缴费记录", actor=None, channel=Channel.SYSTEM)
    drive(window(dazhou, me, "lump-sum-contribution"))
    [notice] = PaymentNotice.objects.filter(person=person)
    assert notice.total == Decimal("57600.00")  # 120 months short × 6000 × 8%


# ---------------------------------------------------------------- queries and credentials


@pytest.mark.parametrize("code", ["unit-info-query", "person-info-query"])
def test_queries_give_a_pdf_to_staff_of_the_region(code, dazhou, panzhihua, window, drive, client, teams):
    if code == "unit-info-query":
        applicant, employer = registered_unit(dazhou)
        insured(dazhou, name="甲", employer=employer)
    else:
        applicant, _ = insured(dazhou, balance="12.34")
    receipt = window(dazhou, applicant, code)
    _, steps = drive(receipt)
    assert "start_review" not in steps
    assert AuditEntry.objects.filter(action__startswith="查询", summary__startswith=receipt).exists()
    url = reverse("workbench:case_record_pdf", args=[receipt])
    assert url in client.get(reverse("workbench:case", args=[receipt])).content.decode()
    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="下载查询结果", summary__startswith=receipt).count() == 1
    client.force_login(teams["panzhihua"].clerk)
    assert client.get(url).status_code == 404  # another region's staff learn nothing


def test_insurance_certificate(dazhou, window, drive, client):
    me, person = insured(dazhou, name="孙凭证")
    receipt = window(dazhou, me, "insurance-certificate")
    drive(receipt)
    certificate = Certificate.objects.get(person=person)
    page = client.get(reverse("workbench:case", args=[receipt])).content.decode()
    assert certificate.number in page and certificate.verify_code in page
    pdf = client.get(reverse("workbench:case_certificate_pdf", args=[receipt]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_e_credential(panzhihua, window, drive):
    me, person = insured(panzhihua)  # only 攀枝花's guide offers it
    _, steps = drive(window(panzhihua, me, "e-credential"))
    assert "start_review" not in steps
    assert ECredential.objects.get(person=person).number.startswith("EC")


# ---------------------------------------------------------------- accounts and transfer


def test_account_withdrawal(dazhou, window, drive, client):
    me, person = insured(dazhou, balance="777.70")
    receipt = window(dazhou, me, "account-withdrawal", fields={
        "data_reason": "主动放弃", "data_bank_name": "中国银行", "data_bank_account": CARD}, all_materials=True)
    case, steps = drive(receipt)
    assert steps == PAID and case.amount == Decimal("777.70")
    assert balance_of(person, dazhou) == Decimal("0.00")
    assert open_schemes(person) == []  # 主动放弃 ends the employee enrolment here
    order = PaymentOrder.objects.get(case=case)
    assert (order.state, order.amount, order.account_no) == ("paid", Decimal("777.70"), CARD)
    page = client.get(reverse("workbench:case", args=[receipt])).content.decode()
    assert order.order_no in page and CARD not in page and CARD[-4:] in page  # the account masked


def test_account_transfer(dazhou, window, drive):
    me, person = insured(dazhou, balance="2100.00")
    accounts.record_remote_filing(person, dazhou, kind=FilingKind.RETIREE, cross_province=True,
                                  destination="海南省三亚市", reference="BA1", valid_from=datetime.date(2025, 1, 1),
                                  actor=None, channel=Channel.SYSTEM)
    case, steps = drive(window(dazhou, me, "account-transfer", fields={
        "data_card_bank_name": "四川省农村信用社", "data_card_account": SSC_CARD}))
    assert steps == PAID
    assert balance_of(person, dazhou) == Decimal("0.00")
    assert open_schemes(person) == [("employee", "dazhou", "")]  # only the money moved
    assert PaymentOrder.objects.get(case=case).account_kind == "ssc"


def test_relation_transfer(dazhou, panzhihua, window, drive):
    me, person = insured(dazhou, balance="1234.56")
    record_contribution_period(person, months=75, source=PeriodSource.RECORDED, region=dazhou,
                               origin="系统上线前缴费记录", actor=None, channel=Channel.SYSTEM)
    out = window(dazhou, me, "relation-transfer", conditions={"sub_type": "关系转出"},
                 fields={"data_to_region": "panzhihua"})
    drive(out)
    incoming = Case.objects.exclude(receipt_no=out).get(applicant=me)
    assert (incoming.region_id, incoming.state) == (panzhihua.pk, "accepted") and incoming.due_date
    drive(incoming.receipt_no)
    assert open_schemes(person) == [("employee", "panzhihua", "")]
    assert (balance_of(person, dazhou), balance_of(person, panzhihua)) == (Decimal("0.00"), Decimal("1234.56"))
