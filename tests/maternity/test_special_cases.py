"""The guides' special cases (R53, R55–R57, R59, R61) and the allowance's calculation."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.maternity.conftest import (
    BIRTH_DAY,
    PANZHIHUA_MATERIALS,
    W,
    cost,
    facts,
    invoice,
)
from yibao.cases import actions
from yibao.cases.checklist import checklist, missing
from yibao.cases.exceptions import MaterialsIncomplete
from yibao.catalog.guides.importer import import_files, seed_dir
from yibao.catalog.models import Region
from yibao.enrollment.models import Enrollment, EnrollmentStatus
from yibao.maternity import allowance, queries
from yibao.maternity.exceptions import CannotPay, MaterialCondition, NotEligible
from yibao.maternity.models import AllowanceParameters

MED = "maternity-medical-payment"


def names(case):
    return [e.name for e in checklist(case)]


def medical(region, fam, open_bundle, **kw):
    _, cases = open_bundle(region, fam, [MED], costs={MED: cost(invoice("SY9001"))}, facts_=facts(**kw),
                           materials=PANZHIHUA_MATERIALS)
    return cases[0]


# ---------------------------------------------------------------- the allowance's days and rate

RULES = allowance.Rules()


@pytest.mark.parametrize("given, days", [
    ({"event": "分娩"}, 98),
    ({"event": "分娩", "difficult_birth": True}, 113),
    ({"event": "分娩", "babies": 3}, 128),
    ({"event": "分娩", "difficult_birth": True, "babies": 2}, 128),
    ({"event": "流产", "pregnancy_months": 3}, 15),
    ({"event": "流产", "pregnancy_months": 4}, 42),
])
def test_leave_days_from_the_birth_facts(given, days):
    assert allowance.calculate(given, "3650", "申报", RULES)["paid_days"] == days


def test_the_regional_extension_and_the_rate_are_parameters():
    sichuan = allowance.Rules(regional_extra_days=60, regional_extra_paid=True, regional_extra_basis="四川")
    result = allowance.calculate({"event": "分娩"}, "3650", "申报", sichuan)
    assert result["paid_days"] == 158 and result["payable"] == "18960.00"  # 3650 × 12 ÷ 365 = 120 a day
    unpaid = allowance.calculate({"event": "分娩"}, "3650", "申报", allowance.Rules(regional_extra_days=60))
    assert unpaid["paid_days"] == 98 and unpaid["payable"] == "11760.00"
    per_30 = allowance.calculate({"event": "分娩"}, "3000", "申报", allowance.Rules(rate_days=30, rate_months=1))
    assert per_30["daily_rate"] == "100.00" and per_30["payable"] == "9800.00"
    with pytest.raises(ValueError):
        allowance.calculate({"event": "分娩"}, "0", "申报", RULES)


def test_a_region_s_own_extension_is_used_for_its_allowance(regions, family, open_bundle, finish):
    dazhou = regions["dazhou"]
    AllowanceParameters.objects.create(region=dazhou, effective_from=datetime.date(2021, 1, 1),
                                       regional_extra_days=60, regional_extra_paid=True, sample=True)
    fam = family(dazhou)
    _, cases = open_bundle(dazhou, fam, ["maternity-allowance"], facts_=facts(difficult_birth=True))
    case, order = finish(cases[0])
    assert order.amount == (Decimal("7000") * 12 / 365 * (98 + 15 + 60)).quantize(Decimal("0.01"))


def test_the_wage_is_declared_with_evidence_when_the_register_has_none(regions, family, open_bundle, finish, staff):
    dazhou = regions["dazhou"]
    fam = family(dazhou, wage=False)
    _, cases = open_bundle(dazhou, fam, ["maternity-allowance"])
    team = staff["dazhou"]
    case = actions.start_review(actions.accept_case(cases[0], team.clerk, channel=W), team.reviewer, channel=W)
    with pytest.raises(CannotPay, match="工资证明"):
        actions.approve_case(case, team.reviewer, channel=W)
    other = family(dazhou, wage=False, name="赵敏")
    _, cases = open_bundle(dazhou, other, ["maternity-allowance"],
                           allowance={"declared_average_wage": "3650.00", "wage_evidence": True})
    case, order = finish(cases[0])
    assert order.amount == Decimal("11760.00")
    assert "单位申报" in queries.explanation_of(case)["table"]["rows"][-3][2]


# ---------------------------------------------------------------- the guides' special cases


def test_r57_outpatient_diagnosis_or_inpatient_discharge_record(regions, family, open_bundle):
    pzh = regions["panzhihua"]
    fam = family(pzh)
    inpatient = medical(pzh, fam, open_bundle, care="住院")
    assert "出院记录" in names(inpatient) and "诊断证明" not in names(inpatient)
    assert not any("/" in n for n in names(inpatient))
    fam2 = family(pzh, name="门诊")
    _, cases = open_bundle(pzh, fam2, [MED], costs={MED: cost(invoice("SY9002"))}, facts_=facts(care="门诊"),
                           materials={"诊断证明": "document"})
    assert "诊断证明" in names(cases[0]) and "出院记录" not in names(cases[0])


def test_r55_termination_contract_within_280_calendar_days(regions, family, open_bundle, staff):
    pzh = regions["panzhihua"]
    fam = family(pzh)
    left = timezone.localdate() - datetime.timedelta(days=280)  # day 280: still within
    Enrollment.objects.filter(person=fam.person).update(status=EnrollmentStatus.ENDED, end_on=left)
    case = medical(pzh, fam, open_bundle, left_job_on=left.isoformat())
    assert "解除劳动合同书复印件" in names(case)
    with pytest.raises(MaterialsIncomplete, match="解除劳动合同书"):
        actions.accept_case(case, staff["panzhihua"].clerk, channel=W)
    # the contract handed in with the bundle: accepted
    again = family(pzh, name="带合同")
    Enrollment.objects.filter(person=again.person).update(status=EnrollmentStatus.ENDED, end_on=left)
    _, cases = open_bundle(pzh, again, [MED], costs={MED: cost(invoice("SY9003"))},
                           facts_=facts(left_job_on=left.isoformat()),
                           materials={**PANZHIHUA_MATERIALS, "解除劳动合同书复印件": "document"})
    assert actions.accept_case(cases[0], staff["panzhihua"].clerk, channel=W).state == "accepted"
    # day 281: beyond the 280 calendar days
    later = family(pzh, name="晚离职")
    gone = timezone.localdate() - datetime.timedelta(days=281)
    Enrollment.objects.filter(person=later.person).update(status=EnrollmentStatus.ENDED, end_on=gone)
    with pytest.raises(NotEligible):
        medical(pzh, later, open_bundle, left_job_on=gone.isoformat())


def test_r56_a_male_employee_s_uninsured_spouse_with_a_commitment(regions, family, open_bundle):
    pzh = regions["panzhihua"]
    husband = family(pzh, sex="M", name="刘强")
    with pytest.raises(NotEligible, match="配偶未参加"):
        medical(pzh, husband, open_bundle)
    case = medical(pzh, husband, open_bundle, spouse_uninsured=True)
    promise = [e for e in checklist(case) if e.when == "男职工配偶未参保"]
    assert promise and promise[0].commitment_allowed and promise[0].missing
    # he gets no allowance: it is computed from a woman's leave
    with pytest.raises(NotEligible, match="女职工"):
        open_bundle(pzh, husband, ["maternity-allowance"], facts_=facts(spouse_uninsured=True))


def test_r59_no_medical_records_for_the_allowance_when_costs_were_settled_online(regions, family, open_bundle):
    dazhou = regions["dazhou"]
    fam = family(dazhou)
    _, cases = open_bundle(dazhou, fam, ["maternity-allowance"], materials={}, facts_=facts(settled_online=True))
    assert "病历资料" not in names(cases[0])
    other = family(dazhou, name="未联网")
    _, cases = open_bundle(dazhou, other, ["maternity-allowance"], materials={})
    assert "病历资料" in names(cases[0])


def test_r53_birth_certificate_from_data_sharing_else_applicant_else_commitment(regions, family, open_bundle, staff):
    dazhou = regions["dazhou"]
    shared = family(dazhou)
    _, cases = open_bundle(dazhou, shared, [MED], costs={MED: cost(invoice("SY7001"))})
    assert "《生育服务证》" not in names(cases[0]) and not missing(checklist(cases[0]))
    unshared = family(dazhou, shared_certificate=False, name="无共享")
    with pytest.raises(MaterialCondition, match="数据共享"):
        open_bundle(dazhou, unshared, [MED], costs={MED: cost(invoice("SY7002"))})
    _, cases = open_bundle(dazhou, unshared, [MED], costs={MED: cost(invoice("SY7003"))},
                           facts_=facts(birth_certificate="申请人提供"))
    assert [e.name for e in missing(checklist(cases[0]))] == ["《生育服务证》"]
    _, cases = open_bundle(dazhou, family(dazhou, shared_certificate=False, name="承诺"), [MED],
                           costs={MED: cost(invoice("SY7004"))}, facts_=facts(birth_certificate="个人承诺书"),
                           materials={**_dazhou_materials(), "《生育服务证》": "commitment"})
    assert not missing(checklist(cases[0]))
    assert actions.accept_case(cases[0], staff["dazhou"].clerk, channel=W).state == "accepted"


def _dazhou_materials():
    from tests.maternity.conftest import DAZHOU_MATERIALS

    return DAZHOU_MATERIALS


@pytest.fixture
def adopter(regions):
    """A county whose published guide is the template (附件5), as an agency that adopts it would."""
    region = Region.objects.create(code="xuanhan", name="宣汉县", admin_code="511722")
    import_files([seed_dir() / "003_0a79226fc910f612.txt"], region="xuanhan", effective=timezone.localdate())
    return region


def test_r61_the_template_restricts_the_items_to_insured_women(adopter, family, open_bundle, staff):
    from tests import domain_support as ds

    staff["xuanhan"] = ds.team(adopter)
    husband = family(adopter, sex="M", name="陈刚")
    with pytest.raises(NotEligible, match="女职工"):
        open_bundle(adopter, husband, [MED], costs={MED: cost(invoice("XH0001"))}, facts_=facts(spouse_uninsured=True))
    assert queries.paid_together(adopter) == {MED, "maternity-allowance"}  # 生育医疗费与生育津贴为合并支付
    wife = family(adopter, name="许燕")
    _, cases = open_bundle(adopter, wife, [MED, "maternity-allowance"], costs={MED: cost(invoice("XH0002"))},
                           materials={"医保电子凭证或有效身份证件或社保卡": "document", "医院收费票据": "document",
                                      "费用清单": "document", "病历资料": "document"})
    assert len(cases) == 2 and all(c.bundle_id for c in cases)


def test_r60_non_budget_staff_of_a_budget_unit_bring_the_unit_s_commitment(regions, family, open_bundle):
    dazhou = regions["dazhou"]
    fam = family(dazhou)
    _, cases = open_bundle(dazhou, fam, ["maternity-allowance"], facts_=facts(non_budget_staff=True))
    promise = [e for e in checklist(cases[0]) if e.when == "财政供养人员"]
    assert promise and promise[0].missing and promise[0].commitment_allowed
    other = family(dazhou, name="普通职工")
    _, cases = open_bundle(dazhou, other, ["maternity-allowance"])
    assert not [e for e in checklist(cases[0]) if e.when == "财政供养人员"]
