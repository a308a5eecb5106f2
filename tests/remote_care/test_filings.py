"""The six filing kinds from application to a filing on the register (the engine's actions at the
window; the portal and the API have their own tests), and the refusals each states its reason for."""
import datetime

import pytest
from django.utils import timezone

from tests.remote_care.conftest import place
from yibao.cases.exceptions import DomainCheckFailed, InvalidCaseData
from yibao.cases.models import Case
from yibao.remote_care import queries
from yibao.remote_care.exceptions import (
    BackdateNotAllowed,
    FilingOverlap,
    NoBasis,
    NotReferringProvider,
    TraumaCrossProvince,
    ValidityBelowFloor,
)
from yibao.remote_care.models import Filing, FilingEvent, FilingStatus, add_months

TODAY = timezone.localdate


@pytest.mark.parametrize("code,data,kind,cls", [
    ("remote-retiree", {"basis": "证明材料"}, "retiree", "long_term"),
    ("remote-resident", {"basis": "个人承诺书"}, "resident", "long_term"),
    ("remote-worker", {"basis": "证明材料"}, "worker", "long_term"),
    ("remote-referral", {"referring_provider": "达州市中心医院"}, "referral", "temporary"),
    ("remote-emergency", {"evidence": "入院记录"}, "emergency", "temporary"),
])
def test_each_kind_puts_a_filing_on_the_register(dazhou, insured, submit, finish, code, data, kind, cls):
    ins = insured(dazhou)
    case, effect = finish(submit(dazhou, code, ins.applicant, data=place(**data)))
    filing = Filing.objects.get(case=case)
    assert (filing.person, filing.region, filing.kind, filing.filing_class) == (ins.person, dazhou, kind, cls)
    assert filing.cross_province and filing.place == "海南省三亚市" and filing.status == FilingStatus.VALID
    assert filing.start_on == TODAY()
    if cls == "long_term":
        assert filing.end_on is None
    else:  # the sample parameter: 6 months
        assert filing.end_on == add_months(TODAY(), 6) - datetime.timedelta(days=1)
    assert effect["filing"] == filing.number and effect["verify_code"] == filing.verify_code
    assert FilingEvent.objects.filter(filing=filing, action="file", case=case).count() == 1
    assert queries.filing_on(ins.person, TODAY(), province="海南省", city="三亚市") == filing


def test_a_residence_permit_receipt_stands_for_the_permit(dazhou, insured, submit, finish):
    """R37: a 居住证 applied for but not yet issued: its 受理凭证 is accepted, and the filing says so."""
    ins = insured(dazhou)
    case, _ = finish(submit(dazhou, "remote-resident", ins.applicant,
                            data=place(basis="证明材料", residence_permit_receipt=True)))
    filing = Filing.objects.get(case=case)
    assert filing.basis == "proof" and "居住证受理凭证" in filing.basis_note


def test_other_temporary_filing_in_panzhihua(panzhihua, insured, submit, finish):
    ins = insured(panzhihua)
    case, _ = finish(submit(panzhihua, "remote-temporary", ins.applicant, data=place("重庆市", "渝中区")))
    filing = Filing.objects.get(case=case)
    assert (filing.kind, filing.filing_class, filing.cross_province) == ("temporary", "temporary", True)


def test_no_proof_and_no_commitment_is_refused(dazhou, insured, submit):
    ins = insured(dazhou)
    with pytest.raises(NoBasis, match="证明材料或"):
        submit(dazhou, "remote-retiree", ins.applicant, data=place())
    # a commitment where the kind allows none
    with pytest.raises(NoBasis, match="不能以个人承诺"):
        submit(dazhou, "remote-referral", ins.applicant, data=place(referring_provider="某医院", basis="个人承诺书"))
    with pytest.raises(NoBasis, match="急诊抢救病历"):
        submit(dazhou, "remote-emergency", ins.applicant, data=place())
    assert not Filing.objects.exists()


def test_temporary_validity_below_the_floor_is_refused(dazhou, insured, submit):
    ins = insured(dazhou)
    short = add_months(TODAY(), 6) - datetime.timedelta(days=2)
    with pytest.raises(ValidityBelowFloor, match="不得少于6个月"):
        submit(dazhou, "remote-emergency", ins.applicant, data=place(evidence="入院记录", end_on=short.isoformat()))
    assert not Filing.objects.exists()


def test_overlapping_filings_of_the_same_class_are_refused(dazhou, insured, submit, finish):
    ins = insured(dazhou)
    first, _ = finish(submit(dazhou, "remote-retiree", ins.applicant, data=place(basis="证明材料")))
    with pytest.raises(FilingOverlap, match=Filing.objects.get(case=first).number):
        submit(dazhou, "remote-resident", ins.applicant, data=place("广东省", "深圳市", basis="证明材料"))
    # a temporary filing is another class: it may run beside the long-term one
    finish(submit(dazhou, "remote-emergency", ins.applicant, data=place("北京市", "海淀区", evidence="入院记录")))
    with pytest.raises(FilingOverlap):
        submit(dazhou, "remote-referral", ins.applicant, data=place("北京市", "海淀区", referring_provider="达州市中心医院"))
    assert Filing.objects.filter(person=ins.person).count() == 2


def test_trauma(dazhou, insured, submit, finish):
    ins = insured(dazhou)
    with pytest.raises(TraumaCrossProvince, match="外伤暂不能跨省直接结算"):
        submit(dazhou, "remote-emergency", ins.applicant, data=place(evidence="入院记录", trauma=True))
    with pytest.raises(DomainCheckFailed, match="外伤入院登记表"):
        submit(dazhou, "remote-emergency", ins.applicant,
               data=place("四川省", "成都市", evidence="入院记录", trauma=True))
    case, _ = finish(submit(dazhou, "remote-emergency", ins.applicant,
                            data=place("四川省", "成都市", evidence="入院记录", trauma=True, trauma_form=True)))
    filing = Filing.objects.get(case=case)
    assert filing.trauma and not filing.cross_province and filing.scope == "省内"


def test_backdating_to_an_admission_before_and_after_settlement(dazhou, insured, submit, finish):
    ins = insured(dazhou)
    admitted = TODAY() - datetime.timedelta(days=10)
    with pytest.raises(BackdateNotAllowed, match="入院日期"):
        submit(dazhou, "remote-emergency", ins.applicant, data=place(evidence="入院记录", start_on=admitted.isoformat()))
    with pytest.raises(BackdateNotAllowed, match="已完成出院结算"):
        submit(dazhou, "remote-emergency", ins.applicant,
               data=place(evidence="入院记录", start_on=admitted.isoformat(), admitted_on=admitted.isoformat(),
                          discharge_settled=True))
    case, _ = finish(submit(dazhou, "remote-emergency", ins.applicant,
                            data=place(evidence="入院记录", start_on=admitted.isoformat(),
                                       admitted_on=admitted.isoformat())))
    filing = Filing.objects.get(case=case)
    assert filing.start_on == admitted == filing.admitted_on
    assert queries.filing_on(ins.person, admitted, province="海南省") == filing
    assert queries.filing_on(ins.person, admitted - datetime.timedelta(days=1), province="海南省") is None


def test_a_filing_for_someone_else_or_nonsense_is_refused(dazhou, insured, submit):
    ins, other = insured(dazhou), insured(dazhou, name="王五")
    with pytest.raises(DomainCheckFailed, match="本人"):
        submit(dazhou, "remote-retiree", ins.applicant, data=place(basis="证明材料", id_number=other.person.id_number))
    with pytest.raises(InvalidCaseData, match="province"):
        submit(dazhou, "remote-retiree", ins.applicant, data=place("火星", basis="证明材料"))
    with pytest.raises(DomainCheckFailed, match="不能晚于"):
        submit(dazhou, "remote-retiree", ins.applicant, data=place(basis="证明材料", start_on="2999-01-01"))
    with pytest.raises(DomainCheckFailed, match="市、州"):
        submit(dazhou, "remote-retiree", ins.applicant, data=place(city="  ", basis="证明材料"))


def test_the_referral_filed_by_the_referring_hospital(dazhou, insured, provider, submit, finish):
    ins = insured(dazhou)
    with pytest.raises(NotReferringProvider, match="证件号码"):
        submit(dazhou, "remote-referral", provider, data=place())
    with pytest.raises(NotReferringProvider, match="只能代为申报异地转诊"):
        submit(dazhou, "remote-emergency", provider, data=place(id_number=ins.person.id_number, evidence="入院记录"))
    case, effect = finish(submit(dazhou, "remote-referral", provider, data=place(id_number=ins.person.id_number)))
    filing = Filing.objects.get(case=case)
    assert filing.person == ins.person and case.applicant == provider
    assert filing.submitted_by_provider == "H51170299999 达州市中心医院"
    assert filing.referring_provider == "达州市中心医院"
    assert "代为申报" in filing.events.get(action="file").note


def test_a_case_decided_days_after_it_came_in(dazhou, insured, submit, finish):
    """An online case is decided up to 2 working days later: no date given, the filing starts the
    day it is made; the date given at application (then today) is no 补办 when the case is decided."""
    ins, other = insured(dazhou), insured(dazhou, name="王五")
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    plain = submit(dazhou, "remote-retiree", ins.applicant, data=place(basis="证明材料"))
    dated = submit(dazhou, "remote-retiree", other.applicant, data=place(basis="证明材料", start_on=TODAY().isoformat()))
    # as if both had come in two days ago, the second asking to start that day
    Case.objects.filter(pk__in=[plain.pk, dated.pk]).update(submitted_at=two_days_ago)
    Case.objects.filter(pk=dated.pk).update(data={**dated.data, "start_on": timezone.localdate(two_days_ago).isoformat()})
    plain.refresh_from_db()
    dated.refresh_from_db()
    assert Filing.objects.get(case=finish(plain)[0]).start_on == TODAY()
    filing = Filing.objects.get(case=finish(dated)[0])
    assert filing.start_on == timezone.localdate(two_days_ago) and filing.admitted_on is None
