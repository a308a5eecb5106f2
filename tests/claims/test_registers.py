"""A claim reads the registers, not the applicant's word: the hospital level from the designated-
provider register on the date of care (the declared level only for a provider it does not know),
and a remote visit's filing from the filing register (remote_care.queries.filing_on) — each named
in the explanation."""
import datetime
from decimal import Decimal

import pytest

from tests.claims.conftest import OUT, claim_data, invoice, line
from tests.provider_register import registered_hospital
from yibao.cases.exceptions import InvalidCaseData
from yibao.claims.exceptions import ProviderUnknown
from yibao.claims.models import Claim, ReimbursementParameters
from yibao.core.models import Channel
from yibao.enrollment.models import Scheme
from yibao.remote_care import actions as filings

LINES = [line("头孢克肟", "甲", "10", "100.00")]  # 1000 yuan of 甲


def outpatient():
    return ReimbursementParameters.objects.get(region=None, scheme=Scheme.RESIDENT, benefit="outpatient", disease_code="")


def paid(params, ratio):
    return ((Decimal("1000") - params.deductible) * ratio).quantize(Decimal("0.01"))


def note_of(case):
    case.refresh_from_db()
    return Claim.objects.get(case=case).explanation["lines"][0]["ratio_note"]


def test_the_register_level_wins_over_the_declared_one_and_is_named(dazhou, insured, submit, review):
    registered_hospital(dazhou, "H51170200077", "达州市第一人民医院", level="3")
    params = outpatient()
    by_code = review(submit(dazhou, OUT, insured(dazhou).applicant, data=claim_data(
        invoice("FP-REG-1", lines=LINES, level="一级", provider_code="h51170200077", provider_name="随便写的名字"))))
    assert by_code.amount == paid(params, params.ratio_level3)  # 三级 as registered, not the 一级 declared
    assert "按定点医药机构登记簿：达州市第一人民医院（H51170200077）三级" in note_of(by_code)
    by_name = review(submit(dazhou, OUT, insured(dazhou, name="王五").applicant, data=claim_data(
        invoice("FP-REG-2", lines=LINES, level="", provider_name="达州市第一人民医院"))))
    assert by_name.amount == paid(params, params.ratio_level3)  # found by its exact name, no level needed


def test_a_provider_the_register_does_not_know_pays_at_the_declared_level_and_says_so(dazhou, insured, submit, review):
    params = outpatient()
    case = review(submit(dazhou, OUT, insured(dazhou).applicant, data=claim_data(
        invoice("FP-REG-3", lines=LINES, level="二级", provider_name="外地某医院"))))
    assert case.amount == paid(params, params.ratio_level2)
    assert "外地某医院不在本地定点医药机构登记簿中，按申报的二级" in note_of(case)


def test_unknown_provider_without_a_level_is_refused_at_submission(dazhou, insured, submit):
    with pytest.raises(ProviderUnknown, match="不在本地定点医药机构登记簿中，请填写医疗机构级别"):
        submit(dazhou, OUT, insured(dazhou).applicant, data=claim_data(
            invoice("FP-REG-4", lines=LINES, level="", provider_name="外地某医院")))
    with pytest.raises(ProviderUnknown):  # a code the register does not know is no better
        submit(dazhou, OUT, insured(dazhou, name="王五").applicant, data=claim_data(
            invoice("FP-REG-5", lines=LINES, level="", provider_code="H51170209999", provider_name="外地某医院")))


def test_an_unrated_registered_provider_pays_at_the_lowest_level(dazhou, insured, submit, review):
    registered_hospital(dazhou, "H51170200078", "达州市某社区卫生服务中心", level="0", ownership="public")
    params = outpatient()
    case = review(submit(dazhou, OUT, insured(dazhou).applicant, data=claim_data(
        invoice("FP-REG-6", lines=LINES, level="三级", provider_code="H51170200078"))))
    assert case.amount == paid(params, params.ratio_level1)
    assert "未定级" in note_of(case) and "按一级支付" in note_of(case)


def _filed(person, region, start, *, province="海南省", city="三亚市"):
    request = filings.Request(kind="retiree", province=province, city=city, start_on=start, basis="proof",
                              applied_on=start)
    return filings.file_filing(person, region, request, actor=None, channel=Channel.WINDOW)


def test_a_remote_visit_is_filed_only_if_the_filing_register_says_so(dazhou, insured, submit, review):
    params = outpatient()
    ins = insured(dazhou)
    filing = _filed(ins.person, dazhou, datetime.date(2026, 2, 1))
    remote = {"level": "二级", "provider_name": "三亚市人民医院", "remote": True, "care_province": "海南省"}
    case = review(submit(dazhou, OUT, ins.applicant, data=claim_data(
        invoice("FP-RM-1", lines=LINES, care_date="2026-03-02", care_city="三亚市", **remote),  # filed there
        invoice("FP-RM-2", lines=LINES, care_date="2026-01-15", care_city="三亚市", filing_no=filing.number,
                **remote))))  # before the filing began: the number written does not make it filed
    rows = Claim.objects.get(case=case).explanation["lines"]
    assert f"已备案：备案{filing.number}" in rows[0]["ratio_note"]
    assert Decimal(rows[0]["ratio"]) == params.ratio_level2
    assert "2026-01-15无有效备案" in rows[1]["ratio_note"] and filing.number in rows[1]["ratio_note"]
    assert Decimal(rows[1]["ratio"]) == params.ratio_level2 - params.unfiled_reduction
    # another person's filing, or the same person in another province, is not a filing for this visit
    other = insured(dazhou, name="王五")
    elsewhere = review(submit(dazhou, OUT, other.applicant, data=claim_data(
        invoice("FP-RM-3", lines=LINES, care_date="2026-03-02", care_city="三亚市", filing_no=filing.number,
                **remote))))
    assert "无有效备案" in note_of(elsewhere)
    assert elsewhere.amount == paid(params, params.ratio_level2 - params.unfiled_reduction)


def test_a_remote_visit_must_say_where(dazhou, insured, submit):
    with pytest.raises(InvalidCaseData) as caught:
        submit(dazhou, OUT, insured(dazhou).applicant, data=claim_data(invoice("FP-RM-4", remote=True)))
    assert "请填写就医地（省）" in str(caught.value.details)
