"""provider-info-change, provider-suspension, provider-resumption and provider-remote-settlement
on a designated provider, with their refusals."""
import datetime

import pytest

from tests.providers.conftest import W, hospital_data, provider_account
from yibao.cases.exceptions import DomainCheckFailed, InvalidCaseData
from yibao.core.models import AuditEntry
from yibao.providers import actions as providers
from yibao.providers import queries
from yibao.providers.exceptions import AgreementStepRefused, PublicProviderMayNotSuspend
from yibao.providers.models import AgreementState, Provider
from yibao.workdays.calendar import due_date

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital(regions, designate):
    me = provider_account(name="达州市民营医院")
    _, agreement = designate(regions["dazhou"], me, hospital_data(name="达州市民营医院"))
    return me, agreement


def test_a_major_change_needs_the_approving_document(regions, submit, hospital):
    me, _ = hospital
    with pytest.raises(InvalidCaseData) as err:
        submit(regions["dazhou"], "provider-info-change", me, {"changes": {"name": "达州市新名称医院"}})
    assert "批准" in str(err.value.details)


def test_a_change_filed_late_is_accepted_and_flagged(regions, submit, through, hospital):
    me, agreement = hospital
    approved = datetime.date.today() - datetime.timedelta(days=70)
    assert datetime.date.today() > due_date(approved, 30).date
    case = submit(regions["dazhou"], "provider-info-change", me,
                  {"changes": {"legal_representative": "新院长", "bank_account": "511702000099998888"},
                   "approved_on": approved.isoformat(), "evidence": "达卫医〔2026〕12号"})
    assert case.data["filed_late"] is True
    case, effect = through(case)
    provider = Provider.objects.get(code=me.id_number)
    assert provider.legal_representative == "新院长" and provider.bank_account == "511702000099998888"
    assert effect["late"] is True and set(effect["changed"]) == {"legal_representative", "bank_account"}
    event = agreement.events.get(action="change")
    assert event.payload["late"] and event.payload["changes"]["bank_account"][1].count("*") >= 4  # masked
    assert "逾期" in event.comment
    assert AuditEntry.objects.filter(action="信息变更", object_type__contains="agreement").count() == 1


def test_a_change_in_time_is_not_flagged(regions, submit, through, hospital):
    me, _ = hospital
    case = submit(regions["dazhou"], "provider-info-change", me,
                  {"changes": {"address": "达州市通川区新址路8号"}, "approved_on": datetime.date.today().isoformat(),
                   "evidence": "变更批复"})
    assert case.data["filed_late"] is False
    _, effect = through(case)
    assert effect["late"] is False


def test_a_change_to_the_same_value_is_refused(regions, submit, hospital):
    me, agreement = hospital
    with pytest.raises(DomainCheckFailed, match="相同"):
        submit(regions["dazhou"], "provider-info-change", me, {"changes": {"licence_no": agreement.provider.licence_no}})


def test_suspension_and_resumption(regions, submit, through, hospital):
    me, agreement = hospital
    dazhou = regions["dazhou"]
    with pytest.raises(DomainCheckFailed, match="暂停"):
        submit(dazhou, "provider-resumption", me, {})
    _, effect = through(submit(dazhou, "provider-suspension", me, {"request": "suspend", "reason": "院区改造"}))
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SUSPENDED and effect["word"] == "暂停"
    assert queries.designation(me.id_number).state == AgreementState.SUSPENDED
    assert not queries.designation(me.id_number).designated
    assert me.id_number not in {p["code"] for p in queries.public_list(dazhou)}
    with pytest.raises(InvalidCaseData) as err:
        submit(dazhou, "provider-resumption", me, {"licence_changed": True})
    assert "许可证照" in str(err.value.details)
    _, effect = through(submit(dazhou, "provider-resumption", me,
                               {"licence_changed": True, "licence_kind": "practice", "licence_no": "PDY-NEW-0002"}))
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.IN_FORCE and effect["licence_changed"]
    assert Provider.objects.get(code=me.id_number).licence_no == "PDY-NEW-0002"


def test_the_second_suspension_in_one_period_terminates(regions, submit, through, hospital):
    me, agreement = hospital
    dazhou = regions["dazhou"]
    through(submit(dazhou, "provider-suspension", me, {"request": "suspend", "reason": "第一次"}))
    through(submit(dazhou, "provider-resumption", me, {}))
    _, effect = through(submit(dazhou, "provider-suspension", me, {"request": "suspend", "reason": "第二次"}))
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.TERMINATED and "第二次" in agreement.end_reason
    with pytest.raises(DomainCheckFailed):
        submit(dazhou, "provider-resumption", me, {})


def test_a_public_hospital_may_not_ask_to_suspend_or_terminate(regions, submit, designate):
    me = provider_account(name="达州市公立医院")
    designate(regions["dazhou"], me, hospital_data(name="达州市公立医院", ownership="public"))
    for request in ("suspend", "terminate"):
        with pytest.raises(PublicProviderMayNotSuspend):
            submit(regions["dazhou"], "provider-suspension", me, {"request": request, "reason": "经营调整"})


def test_the_office_may_suspend_a_public_hospital_itself(regions, staff, designate):
    me = provider_account(name="达州市公立二院")
    _, agreement = designate(regions["dazhou"], me, hospital_data(name="达州市公立二院", ownership="public"))
    with pytest.raises(Exception, match="无权"):
        providers.suspend(agreement.provider, staff["dazhou"].clerk, W, reason="违规")
    agreement = providers.suspend(agreement.provider, staff["dazhou"].reviewer, W, reason="查实违规结算")
    assert agreement.state == AgreementState.SUSPENDED


def test_panzhihua_words_it_as_zhongzhi(regions, submit, through, designate):
    me = provider_account(code="H51040000088", name="攀枝花市民营医院")
    designate(regions["panzhihua"], me, hospital_data(name="攀枝花市民营医院"))
    _, effect = through(submit(regions["panzhihua"], "provider-suspension", me, {"request": "suspend", "reason": "装修"}))
    assert effect["word"] == "中止"


def test_termination_on_request(regions, submit, through, hospital):
    me, agreement = hospital
    through(submit(regions["dazhou"], "provider-suspension", me, {"request": "terminate", "reason": "停业"}))
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.TERMINATED and agreement.ended_on == datetime.date.today()


def test_remote_settlement_opens_the_scopes(regions, submit, through, hospital):
    me, agreement = hospital
    dazhou = regions["dazhou"]
    _, effect = through(submit(dazhou, "provider-remote-settlement", me, {"scopes": ["省内"]}))
    assert effect["scopes"] == ["省内"]
    with pytest.raises(AgreementStepRefused, match="无需重复"):
        submit(dazhou, "provider-remote-settlement", me, {"scopes": ["省内"]})
    through(submit(dazhou, "provider-remote-settlement", me, {"scopes": ["省内", "跨省"]}))
    assert list(queries.designation(me.id_number).scopes) == ["省内", "跨省"]
    with pytest.raises(InvalidCaseData):
        submit(dazhou, "provider-remote-settlement", me, {"scopes": []})


def test_remote_settlement_needs_an_agreement_in_force(regions, submit, through, hospital):
    me, _ = hospital
    through(submit(regions["dazhou"], "provider-suspension", me, {"request": "suspend", "reason": "整改"}))
    with pytest.raises(AgreementStepRefused):
        submit(regions["dazhou"], "provider-remote-settlement", me, {"scopes": ["跨省"]})


def test_a_provider_of_another_region_is_sent_to_its_own(regions, submit, hospital):
    me, _ = hospital
    with pytest.raises(DomainCheckFailed, match="达州"):
        submit(regions["panzhihua"], "provider-suspension", me, {"request": "suspend", "reason": "其他地区"})


def test_expired_agreements_are_ended_by_the_sweep(regions, hospital):
    _, agreement = hospital
    assert providers.expire_agreements(agreement.ends_on) == 0
    assert providers.expire_agreements(agreement.ends_on + datetime.timedelta(days=1)) == 1
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.EXPIRED
