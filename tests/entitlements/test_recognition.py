"""门诊慢特病, 两病 and 单行支付药品 recognitions through the engine's actions: the disease list, the
hospital-level rule where the guide states it (R43), the expert review (R04), the register at 办结,
and the outpatient claim of a recognised disease paid under the disease's own parameters."""
import datetime
import random
from decimal import Decimal

import pytest

from tests import domain_support as ds
from tests.cases import factories as cf
from tests.claims.conftest import OUT, claim_data, invoice, line
from tests.domain_support import shipped_regions  # noqa: F401 (fixture)
from yibao.cases import actions
from yibao.cases.checklist import checklist
from yibao.cases.exceptions import CaseError
from yibao.cases.snapshot import item_in_force
from yibao.claims import actions as claims
from yibao.claims.models import Claim, ReimbursementParameters
from yibao.core.models import Channel
from yibao.enrollment.models import Scheme
from yibao.entitlements import actions as entitlements
from yibao.entitlements.models import Entitlement, EntitlementHistory, Expert, ExpertReview

W = Channel.WINDOW
CHRONIC, TWO, DRUGS = "chronic-disease", "two-diseases", "special-drugs"


@pytest.fixture
def regions(shipped_regions):
    for region in shipped_regions.values():
        for n in range(3):
            Expert.objects.create(region=region, name=f"{region.name}专家{n}", specialty="内科")
    return shipped_regions


@pytest.fixture
def staff(regions):
    teams = {}
    for code, region in regions.items():
        team = ds.team(region)
        team.second = cf.staff(region, "reviewer")
        teams[code] = team
    return teams


def recognition(code="MT003", level="二级", public=True, **kw):
    return {"disease_code": code, "provider_name": "达州市中心医院", "provider_level": level,
            "provider_public": public, "diagnosed_on": "2025-11-02", "diagnosis": "高血压病3级", **kw}


def submit(staff, region, item_code, applicant, data):
    item = item_in_force(region, item_code)
    materials = {k: "document" for k in ds.catalogue_materials(item)}
    return actions.submit_case(item=item, applicant=applicant, actor=staff[region.code].clerk, channel=W,
                               materials=materials, data=data)


def recognise(staff, case, opinion="agree"):
    team = staff[case.region.code]
    actions.accept_case(case, team.clerk, channel=W)
    actions.start_review(case, team.reviewer, channel=W)
    review = entitlements.assign_expert(case, team.reviewer, mode="online", channel=W, rng=random.Random(1))
    entitlements.record_opinion(case, team.reviewer, opinion=opinion, text="病历资料完整" if opinion else "",
                                channel=W)
    return review


def test_a_recognised_chronic_disease_is_registered_and_its_outpatient_claim_paid_under_its_parameters(
        regions, staff):
    dazhou = regions["dazhou"]
    applicant, person = ds.insured(dazhou, scheme=Scheme.RESIDENT)
    case = submit(staff, dazhou, CHRONIC, applicant, recognition())
    records = next(e for e in checklist(case) if "病历资料" in e.name)
    assert records.sub_items == ["出院记录或诊断证明", "检验检查报告"]  # the disease's documents (R42)
    team = staff["dazhou"]
    actions.accept_case(case, team.clerk, channel=W)
    actions.start_review(case, team.reviewer, channel=W)
    with pytest.raises(CaseError, match="医疗专家审核"):
        actions.approve_case(case, team.reviewer, channel=W)
    review = entitlements.assign_expert(case, team.reviewer, mode="central", channel=W)
    assert review.expert.region == dazhou and review.get_mode_display() == "集中审核"
    with pytest.raises(CaseError, match="已抽取"):
        entitlements.assign_expert(case, team.reviewer, mode="online", channel=W)
    with pytest.raises(CaseError, match="医疗专家审核"):
        actions.approve_case(case, team.reviewer, channel=W)  # drawn, no opinion yet
    entitlements.record_opinion(case, team.reviewer, opinion="agree", text="", channel=W)
    actions.approve_case(case, team.reviewer, channel=W)
    case = actions.complete_case(case, team.clerk, channel=W)
    entitlement = Entitlement.objects.get(person=person)
    assert (entitlement.disease_code, entitlement.status, entitlement.valid_from) == (
        "MT003", "active", datetime.date.today())
    assert (entitlement.valid_to - entitlement.valid_from).days > 700  # 24 months (sample)
    assert EntitlementHistory.objects.get(entitlement=entitlement).action == "认定"
    assert case.events.last().payload["effect"]["valid_to"] == entitlement.valid_to.isoformat()

    # the outpatient claim of the disease is paid under its own parameters
    today = datetime.date.today().isoformat()
    lines = [line("硝苯地平控释片", "甲", "4", "100.00")]
    claim_case = actions.submit_case(
        item=item_in_force(dazhou, OUT), applicant=applicant, actor=team.clerk, channel=W,
        materials={k: "document" for k in ds.catalogue_materials(item_in_force(dazhou, OUT))},
        data=claim_data(invoice("MT-INV-1", lines=lines, care_date=today, disease_code="MT003"),
                        invoice("GEN-INV-1", lines=lines, care_date=today)))
    actions.accept_case(claim_case, team.clerk, channel=W)
    actions.start_review(claim_case, team.reviewer, channel=W)
    claims.first_review(claim_case, team.reviewer, channel=W)
    claim_case = actions.approve_case(claim_case, team.second, channel=W)
    chronic = ReimbursementParameters.objects.get(region=None, scheme="resident", benefit="chronic", disease_code="MT003")
    general = ReimbursementParameters.objects.get(region=None, scheme="resident", benefit="outpatient")
    expected = (Decimal("400") - chronic.deductible) * chronic.ratio_level2 + \
        (Decimal("400") - general.deductible) * general.ratio_level2
    assert claim_case.amount == expected.quantize(Decimal("0.01"))
    rows = Claim.objects.get(case=claim_case).explanation["lines"]
    assert rows[0]["benefit"] == "chronic:MT003" and "已认定病种MT003" in rows[0]["ratio_note"]
    assert rows[1]["benefit"] == "outpatient"


def test_an_unrecognised_disease_code_pays_as_ordinary_outpatient_care(regions, staff):
    dazhou = regions["dazhou"]
    applicant, _ = ds.insured(dazhou, scheme=Scheme.RESIDENT)
    team = staff["dazhou"]
    case = actions.submit_case(
        item=item_in_force(dazhou, OUT), applicant=applicant, actor=team.clerk, channel=W,
        materials={k: "document" for k in ds.catalogue_materials(item_in_force(dazhou, OUT))},
        data=claim_data(invoice("MT-INV-9", disease_code="MT003")))
    actions.accept_case(case, team.clerk, channel=W)
    actions.start_review(case, team.reviewer, channel=W)
    claims.first_review(case, team.reviewer, channel=W)
    row = Claim.objects.get(case=case).explanation["lines"][0]
    assert row["benefit"] == "outpatient" and "未认定病种MT003" in row["ratio_note"]


def test_the_hospital_level_rule_where_the_guide_states_it(regions, staff):
    songpan, dazhou = regions["songpan"], regions["dazhou"]
    applicant, _ = ds.insured(songpan, scheme=Scheme.RESIDENT)
    with pytest.raises(CaseError, match="提供二级及以上协议定点医疗机构的病历资料") as caught:
        submit(staff, songpan, CHRONIC, applicant, recognition(level="一级"))
    assert caught.value.details["rule"] == "提供二级及以上协议定点医疗机构的病历资料"
    with pytest.raises(CaseError, match="公立"):
        submit(staff, songpan, TWO, applicant, recognition("LB001", level="三级", public=False))
    assert submit(staff, songpan, TWO, applicant, recognition("LB001", level="二级", public=True))
    # 达州's guide states no level: a 一级 hospital's records are taken
    other, _ = ds.insured(dazhou, scheme=Scheme.RESIDENT)
    assert submit(staff, dazhou, CHRONIC, other, recognition(level="一级"))


def test_refusals_disease_list_scheme_and_expert_disagreement(regions, staff):
    dazhou = regions["dazhou"]
    employee, _ = ds.insured(dazhou, scheme=Scheme.EMPLOYEE)
    with pytest.raises(CaseError, match="城乡居民"):
        submit(staff, dazhou, TWO, employee, recognition("LB001"))  # 两病 is the residents'
    with pytest.raises(CaseError, match="不在达州市的.*病种目录中"):
        submit(staff, dazhou, CHRONIC, employee, recognition("LB001"))  # a 两病 code under 慢特病
    resident, person = ds.insured(dazhou, scheme=Scheme.RESIDENT)
    case = submit(staff, dazhou, DRUGS, resident, recognition("DX001"))
    recognise(staff, case, opinion="disagree")
    with pytest.raises(CaseError, match="不同意认定"):
        actions.approve_case(case, staff["dazhou"].reviewer, channel=W)
    actions.deny_case(case, staff["dazhou"].reviewer, channel=W, reason="专家意见不同意认定")
    assert not Entitlement.objects.filter(person=person).exists()
    assert ExpertReview.objects.get(case=case).opinion == "disagree"


def test_an_empty_expert_pool_is_said_plainly(regions, staff):
    dazhou = regions["dazhou"]
    Expert.objects.filter(region=dazhou).update(active=False)
    applicant, _ = ds.insured(dazhou, scheme=Scheme.RESIDENT)
    case = submit(staff, dazhou, CHRONIC, applicant, recognition())
    actions.accept_case(case, staff["dazhou"].clerk, channel=W)
    actions.start_review(case, staff["dazhou"].reviewer, channel=W)
    with pytest.raises(CaseError, match="没有在库专家"):
        entitlements.assign_expert(case, staff["dazhou"].reviewer, mode="online", channel=W)
    with pytest.raises(CaseError, match="审核方式"):
        entitlements.assign_expert(case, staff["dazhou"].reviewer, mode="by-phone", channel=W)
