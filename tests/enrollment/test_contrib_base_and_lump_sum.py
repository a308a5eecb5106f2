"""参保单位缴费基数申报 (办结: 核定应缴纳的医保费数额) and 职工基本医疗保险费趸缴 (years short ×
base × rate → 缴费通知单; R22 as each region's guide has it)."""
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from tests.enrollment import factories as f
from tests.enrollment.contrib_support import employee, flexible_worker, sample, sample_parameters, today  # noqa: F401
from yibao.cases import actions as case_actions
from yibao.cases.checklist import checklist
from yibao.cases.exceptions import CommitmentNotAllowed
from yibao.core.models import Channel
from yibao.enrollment import actions
from yibao.contributions.base_sheet import rows_from_sheet, template_sheet
from yibao.contributions.actions import assess_employer_month, pay_notice, record_contribution_period
from yibao.contributions.exceptions import (
    BaseAlreadyDeclared,
    BaseOutOfBounds,
    CollectedByHRSS,
    InvalidDeclaration,
    LumpSumNotNeeded,
    LumpSumOutstanding,
    RetirementApprovalRequired,
)
from yibao.contributions.models import (
    Assessment,
    ContributionBase,
    NoticeKind,
    PaymentNotice,
    PeriodSource,
    contribution_months,
)
from yibao.enrollment.models import ChangeKind, CollectionAgency, Scheme
from yibao.enrollment.sheets import SheetInvalid

W = "window"
BASE = "contribution-base"
LUMP = "lump-sum-contribution"


# ---------------------------------------------------------------- contribution-base


@pytest.fixture
def unit(dazhou, unit_account, sample_parameters, today):
    account = unit_account()
    employer = f.employer(dazhou, uscc=account.id_number)
    since = datetime.date(today.year, 1, 1)
    staff = [employee(dazhou, employer, since=since, name=n) for n in ("甲", "乙")]
    return account, employer, staff


def declaration(year, *rows, from_month=1):
    return {"year": year, "from_month": from_month,
            "rows": [{"id_number": p.id_number, "name": p.name, "base": b} for p, b in rows]}


def test_a_declaration_records_the_bases_and_assesses_every_month_begun(dazhou, unit, submit, run, today):
    account, employer, (a, b) = unit
    case, effect = run(submit(dazhou, BASE, account, data=declaration(today.year, (a, "5000"), (b, "8000.5"))))
    assert case.limit_days == 3 and effect["persons"] == 2
    assert dict(ContributionBase.objects.filter(employer=employer).values_list("person__name", "base")) == {
        "甲": Decimal("5000.00"), "乙": Decimal("8000.50")}
    months = today.month  # January to the current month
    notices = list(PaymentNotice.objects.filter(employer=employer).order_by("period_from"))
    assert len(notices) == months == len(effect["notices"])
    assert all(n.kind == NoticeKind.EMPLOYER and n.case == case for n in notices)
    # 5000 × (7% + 2%) + 8000.50 × 7% (560.035 → 560.04) + 8000.50 × 2% (160.01)
    per_month = Decimal("450.00") + Decimal("560.04") + Decimal("160.01")
    assert {n.total for n in notices} == {per_month}
    assert Decimal(effect["total"]) == per_month * months
    assert Assessment.objects.filter(employer=employer).count() == 2 * months
    one = Assessment.objects.get(person=b, month=datetime.date(today.year, 1, 1))
    assert (one.employer_amount, one.personal_amount, one.employer_rate) == (Decimal("560.04"), Decimal("160.01"),
                                                                              sample("employer_rate"))
    assert "核定" in effect["summary"] and "示例参数" in effect["summary"]


def test_declaration_refusals_list_every_row_at_once(dazhou, unit, submit, today):
    account, employer, (a, b) = unit
    with pytest.raises(BaseOutOfBounds) as under:
        submit(dazhou, BASE, account, data=declaration(today.year, (a, "3999.99"), (b, "20000.01")))
    assert [e["row"] for e in under.value.details["errors"]] == [1, 2]
    assert "下限4000.00元" in under.value.message
    stranger = f.person(dazhou)
    with pytest.raises(InvalidDeclaration) as mixed:
        submit(dazhou, BASE, account, data=declaration(today.year, (a, "5000"), (a, "5000"), (stranger, "5000")))
    assert [(e["row"], e["message"]) for e in mixed.value.details["errors"]] == [
        (2, "证件号码重复"), (3, f"不是{employer.name}的在册职工")]
    assert mixed.value.details["errors"][1]["id_number"] != stranger.id_number  # masked


def test_a_year_is_declared_once(dazhou, unit, submit, run, today):
    account, employer, (a, b) = unit
    run(submit(dazhou, BASE, account, data=declaration(today.year, (a, "5000"))))
    with pytest.raises(BaseAlreadyDeclared, match=f"{today.year}年度缴费基数已申报"):
        submit(dazhou, BASE, account, data=declaration(today.year, (a, "6000")))


def test_a_unit_collected_by_hrss_is_refused_in_the_guides_words(dazhou, unit, submit, today):
    account, employer, (a, _) = unit
    employer.collection_agency = CollectionAgency.HRSS
    employer.save(update_fields=["collection_agency"])
    with pytest.raises(CollectedByHRSS, match="由人社部门征收的单位按照人社部门相关规定办理"):
        submit(dazhou, BASE, account, data=declaration(today.year, (a, "5000")))


def test_a_later_month_is_assessed_for_those_still_employed_only(dazhou, unit, submit, run, today):
    account, employer, (a, b) = unit
    run(submit(dazhou, BASE, account, data=declaration(today.year + 1, (a, "5000"), (b, "5000"))))
    assert not PaymentNotice.objects.filter(employer=employer).exists()  # the year has not begun
    actions.change_enrollment(b, Scheme.EMPLOYEE, ChangeKind.REDUCE, on=today, actor=None, channel=Channel.SYSTEM)
    january = datetime.date(today.year + 1, 1, 1)
    notice = assess_employer_month(employer, january, region=dazhou, today=today, actor=None, channel=Channel.SYSTEM)
    assert list(notice.assessments.values_list("person__name", flat=True)) == ["甲"]
    assert assess_employer_month(employer, january, region=dazhou, today=today, actor=None,
                                 channel=Channel.SYSTEM) is None  # nothing owed twice


def _sheet(rows, header=("证件号码", "姓名", "月缴费基数（元）")):
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_a_sheet_becomes_the_declaration_with_errors_by_row_and_column(dazhou, unit, submit, run, today):
    account, employer, (a, b) = unit
    with pytest.raises(SheetInvalid) as bad:
        rows_from_sheet(_sheet([(a.id_number, "甲", "五千"), (None, "乙", 5000), (b.id_number, "乙", 3000)]))
    assert [(e["row"], e["column"]) for e in bad.value.details["errors"]] == [(2, "月缴费基数（元）"), (3, "证件号码")]
    with pytest.raises(SheetInvalid, match="表头缺少该列"):
        rows_from_sheet(_sheet([], header=("姓名",)))
    rows = rows_from_sheet(_sheet([(a.id_number, "甲", 5000), (None, None, None), (b.id_number, "乙", 3000)]))
    with pytest.raises(BaseOutOfBounds) as under:  # register checks report the sheet's own row numbers
        submit(dazhou, BASE, account, data={"year": today.year, "rows": rows})
    assert [e["row"] for e in under.value.details["errors"]] == [4]
    rows[1]["base"] = "4500"
    _, effect = run(submit(dazhou, BASE, account, data={"year": today.year, "rows": rows}))
    assert effect["persons"] == 2
    # next year's template carries this year's bases
    again = rows_from_sheet(io.BytesIO(template_sheet(employer, today.year + 1)))
    assert sorted(r["base"] for r in again) == ["4500.00", "5000.00"]


# ---------------------------------------------------------------- lump-sum-contribution


def retiree(region, account, *, months, born=datetime.date(1960, 3, 1), employer=None):
    person = (flexible_worker(region, account, born=born) if employer is None
              else employee(region, employer, id_number=account.id_number, birth_date=born))
    if months:
        record_contribution_period(person, months=months, source=PeriodSource.RECORDED, region=region,
                                   origin="系统上线前缴费记录", actor=None, channel=Channel.SYSTEM)
    return person


def male_account(person_account, born=datetime.date(1960, 3, 1)):
    number = f.id_number(born=born)
    while int(number[16]) % 2 == 0:  # the 17th digit is odd for men
        number = f.id_number(born=born)
    return person_account(id_number=number, name="王退休")


def test_lump_sum_makes_up_the_years_short_and_paying_it_records_them(dazhou, person_account, submit, run,
                                                                       sample_parameters, today):
    account = male_account(person_account)
    person = retiree(dazhou, account, months=240)  # 20 of the 30 years the sample asks of a man
    case = submit(dazhou, LUMP, account, materials={"1": "document", "2": "document"})
    case, effect = run(case)
    assert case.limit_days == 5
    notice = PaymentNotice.objects.get(case=case, kind=NoticeKind.LUMP_SUM)
    short = 30 * 12 - 240
    assert notice.total == sample("lump_sum_base") * sample("lump_sum_rate") * short == Decimal("57600.00")
    assert notice.items[0]["months_short"] == effect["months"] == short
    with pytest.raises(LumpSumOutstanding):
        submit(dazhou, LUMP, account, materials={"1": "document", "2": "document"})
    pay_notice(notice, paid_on=today, actor=None, channel=Channel.SYSTEM)
    assert contribution_months(person) == 360
    with pytest.raises(LumpSumNotNeeded, match="累计缴费30年，已达到达州市规定的30年，无需趸缴"):
        submit(dazhou, LUMP, account, materials={"1": "document", "2": "document"})


def test_dazhou_takes_a_commitment_for_the_retirement_papers_only_from_a_flexible_worker_of_age(
        dazhou, person_account, unit_account, submit, run, sample_parameters):
    account = male_account(person_account)
    retiree(dazhou, account, months=12)
    case = submit(dazhou, LUMP, account, materials={"1": "document", "2": "commitment"})
    assert [e.commitment_allowed for e in checklist(case) if "退休审批" in e.name] == [True]
    run(case)
    employed = male_account(person_account)
    retiree(dazhou, employed, months=12, employer=f.employer(dazhou))
    with pytest.raises(RetirementApprovalRequired, match="灵活就业人员，方可以个人承诺书代替"):
        submit(dazhou, LUMP, employed, materials={"1": "document", "2": "commitment"})
    young = male_account(person_account, born=datetime.date(1975, 5, 5))
    retiree(dazhou, young, months=12, born=datetime.date(1975, 5, 5))
    with pytest.raises(RetirementApprovalRequired, match="未达到法定退休年龄"):
        submit(dazhou, LUMP, young, materials={"1": "document", "2": "document"})
    submit(dazhou, LUMP, young, materials={"1": "document", "2": "document"}, data={"early_retirement": True})


def test_panzhihua_asks_for_the_retirement_approval_only_of_early_retirees(panzhihua, person_account, submit, run,
                                                                          sample_parameters):
    item_materials = [e.name for e in checklist(submit(panzhihua, LUMP, _retired(panzhihua, person_account)))]
    assert not any("退休审批" in name for name in item_materials)  # of age: nothing more to bring
    early = male_account(person_account, born=datetime.date(1972, 1, 1))
    retiree(panzhihua, early, months=60, born=datetime.date(1972, 1, 1))
    with pytest.raises(RetirementApprovalRequired, match="提前退休人员需提供相关审批部门出具的退休审批资料"):
        submit(panzhihua, LUMP, early, data={"early_retirement": True})
    case, effect = run(submit(panzhihua, LUMP, early,
                              data={"early_retirement": True, "retirement_approval": "攀枝花市人社局 攀人社退〔2026〕12号"}))
    assert PaymentNotice.objects.get(case=case).total == Decimal("6000.00") * Decimal("0.08") * (360 - 60)


def _retired(region, person_account):
    account = male_account(person_account)
    retiree(region, account, months=100)
    return account


def test_a_commitment_is_refused_where_the_guide_allows_none(panzhihua, person_account, submit, sample_parameters):
    with pytest.raises(CommitmentNotAllowed):
        submit(panzhihua, LUMP, _retired(panzhihua, person_account), materials={"1": "commitment"})


def test_the_lump_sum_takes_the_version_in_force_on_the_day_of_submission(dazhou, person_account, submit, run,
                                                                          sample_parameters, today):
    from yibao.enrollment.models import PolicyParameters

    account = male_account(person_account)
    retiree(dazhou, account, months=300)
    tomorrow = today + datetime.timedelta(days=1)
    PolicyParameters.objects.create(region=dazhou, effective_from=tomorrow, **{
        **{k: v for k, v in sample_parameters["dazhou"].__dict__.items() if k in
           {f.name for f in PolicyParameters._meta.fields} and k not in ("id", "region_id", "effective_from",
                                                                         "created_at", "sample")},
        "lump_sum_base": Decimal("9000.00")})
    case, _ = run(submit(dazhou, LUMP, account, materials={"1": "document", "2": "document"}))
    assert PaymentNotice.objects.get(case=case).total == Decimal("6000.00") * Decimal("0.08") * 60
