"""hospital-designation and pharmacy-designation end to end through the engine's actions and the
agreement's review steps, and their refusals."""
import datetime

import pytest

from tests.providers.conftest import W, evaluate, hospital_data, pharmacy_data, provider_account
from yibao.cases import actions
from yibao.cases.exceptions import DomainCheckFailed, InvalidCaseData
from yibao.core.models import AuditEntry
from yibao.providers import actions as providers
from yibao.providers import queries
from yibao.providers.exceptions import (
    AgreementExists,
    AgreementStepRefused,
    InvalidAgreementTransition,
    InvalidInput,
    NotTheProvidersAccount,
)
from yibao.providers.models import Agreement, AgreementState, Provider
from yibao.workdays.calendar import due_date

pytestmark = pytest.mark.django_db


def test_a_hospital_becomes_designated_through_every_step(regions, staff, submit):
    dazhou, team = regions["dazhou"], staff["dazhou"]
    me = provider_account(name="达州市测试医院")
    case = submit(dazhou, "hospital-designation", me, hospital_data(level="3"))
    assert case.limit_days == 60 or case.snapshot["time_limits"]  # the guide's own limit
    assert Provider.objects.filter(code=me.id_number).count() == 0  # nothing registered before 受理

    case = actions.accept_case(case, team.clerk, channel=W)
    agreement = providers.agreement_for_case(case)
    assert agreement.state == AgreementState.APPLIED and agreement.provider.level == "3"
    case = actions.start_review(case, team.reviewer, channel=W)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.EVALUATING

    # 审核通过 before signing is refused: the evaluation, publicity and negotiation come first.
    with pytest.raises(AgreementStepRefused):
        actions.approve_case(case, team.reviewer, channel=W)

    agreement = evaluate(agreement, team.reviewer, days_ago=0)  # published today
    assert agreement.state == AgreementState.PUBLICISED
    assert agreement.publicity_until == due_date(datetime.date.today(), 5).date
    with pytest.raises(AgreementStepRefused, match="公示期"):
        providers.end_publicity(agreement, team.reviewer, channel=W)
    providers.record_objection(agreement, team.reviewer, channel=W, text="群众反映停车难", upheld=False,
                               finding="经核查与定点条件无关")
    assert Agreement.objects.get(pk=agreement.pk).state == AgreementState.PUBLICISED
    assert not queries.designation(me.id_number).designated


def test_full_designation_puts_the_provider_on_the_public_list(regions, designate):
    dazhou = regions["dazhou"]
    me = provider_account(name="达州市二号医院")
    case, agreement = designate(dazhou, me, hospital_data(name="达州市二号医院", level="2", ownership="public"))
    assert case.state == "completed" and agreement.state == AgreementState.IN_FORCE
    assert case.events.last().payload["effect"]["effect"] is True
    listed = {p["code"]: p for p in queries.public_list(dazhou)}
    assert listed[me.id_number]["level_label"] == "二级" and listed[me.id_number]["ownership_label"] == "公立"
    fact = queries.designation(me.id_number)
    assert fact.designated and fact.level == "2" and fact.ownership == "public" and fact.kind == "hospital"
    assert not queries.designation(me.id_number, datetime.date.today() - datetime.timedelta(days=1)).designated
    assert queries.designation("H51170299999") is None
    steps = list(agreement.events.values_list("action", flat=True))
    assert steps == ["apply", "evaluate", "pass", "negotiate", "sign", "activate"]
    assert AuditEntry.objects.filter(object_type__contains="agreement").count() >= 5


def test_failed_evaluation_rejects_and_the_case_is_denied_then_a_new_application_is_possible(
        regions, staff, submit, designate):
    dazhou, team = regions["dazhou"], staff["dazhou"]
    me = provider_account()
    case = submit(dazhou, "hospital-designation", me, hospital_data())
    actions.accept_case(case, team.clerk, channel=W)
    case = actions.start_review(case, team.reviewer, channel=W)
    agreement = evaluate(providers.agreement_for_case(case), team.reviewer, passed=False)
    assert agreement.state == AgreementState.REJECTED
    with pytest.raises(InvalidAgreementTransition):
        providers.end_publicity(agreement, team.reviewer, channel=W)
    actions.deny_case(case, team.reviewer, channel=W, reason="评估未通过")
    _, again = designate(dazhou, me)
    assert again.state == AgreementState.IN_FORCE


def test_an_upheld_objection_ends_the_application(regions, staff, submit):
    dazhou, team = regions["dazhou"], staff["dazhou"]
    case = submit(dazhou, "hospital-designation", provider_account(), hospital_data())
    actions.accept_case(case, team.clerk, channel=W)
    case = actions.start_review(case, team.reviewer, channel=W)
    agreement = evaluate(providers.agreement_for_case(case), team.reviewer, days_ago=0)
    with pytest.raises(InvalidInput, match="核查结论"):
        providers.record_objection(agreement, team.reviewer, channel=W, text="虚构医务人员", upheld=True)
    agreement = providers.record_objection(agreement, team.reviewer, channel=W, text="虚构医务人员", upheld=True,
                                           finding="查实存在挂证行为")
    assert agreement.state == AgreementState.REJECTED and "挂证" in agreement.end_reason


def test_a_second_application_while_one_is_live_is_refused(regions, staff, submit, designate):
    dazhou = regions["dazhou"]
    me = provider_account()
    designate(dazhou, me)
    with pytest.raises(AgreementExists):
        submit(dazhou, "hospital-designation", me, hospital_data())


def test_withdrawal_after_acceptance_releases_the_application(regions, staff, submit, designate):
    dazhou, team = regions["dazhou"], staff["dazhou"]
    me = provider_account()
    case = submit(dazhou, "hospital-designation", me, hospital_data())
    case = actions.accept_case(case, team.clerk, channel=W)
    actions.withdraw_case(case, me.user, channel=W, reason="材料需重新准备")
    assert providers.agreement_for_case(case).state == AgreementState.REJECTED
    assert designate(dazhou, me)[1].state == AgreementState.IN_FORCE


@pytest.mark.parametrize("data, message", [
    (hospital_data(sealed=False), "公章"),
    (hospital_data(licence_kind="tcm_filing"), "医疗机构执业许可证"),
    (hospital_data(level=None), "医院等级"),
    (hospital_data(bank_account="12ab"), "账号"),
    (pharmacy_data(business_licence_no=""), "营业执照"),
])
def test_incomplete_or_wrong_particulars_are_refused(regions, submit, data, message):
    code = "pharmacy-designation" if data["kind"] == "pharmacy" else "hospital-designation"
    me = provider_account(code=("P" if code.startswith("pharmacy") else "H") + "51170200077")
    with pytest.raises(InvalidCaseData) as err:
        submit(regions["dazhou"], code, me, data)
    assert message in str(err.value.details) + err.value.message


def test_a_tcm_clinic_may_show_its_filing_instead_of_a_licence(regions, designate):
    me = provider_account(name="达州市测试中医诊所")
    _, agreement = designate(regions["dazhou"], me, hospital_data(kind="tcm_clinic", level="0",
                                                                   licence_kind="tcm_filing"))
    assert agreement.provider.licence_kind == "tcm_filing" and agreement.state == AgreementState.IN_FORCE


def test_a_pharmacy_applies_with_its_p_code_only(regions, submit, designate):
    dazhou = regions["dazhou"]
    with pytest.raises(DomainCheckFailed, match="零售药店"):
        submit(dazhou, "pharmacy-designation", provider_account(), pharmacy_data())
    pharmacy = provider_account(code="P51170200031", name="达州市测试大药房")
    _, agreement = designate(dazhou, pharmacy, pharmacy_data(), code="pharmacy-designation")
    assert agreement.provider.kind == "pharmacy" and agreement.provider.level == ""


def test_only_a_provider_account_applies(regions, submit):
    from tests.domain_support import person_account

    with pytest.raises(NotTheProvidersAccount):
        submit(regions["dazhou"], "hospital-designation", person_account(), hospital_data())


def test_evaluation_needs_a_panel_and_an_onsite_date(regions, staff, submit):
    dazhou, team = regions["dazhou"], staff["dazhou"]
    case = submit(dazhou, "hospital-designation", provider_account(), hospital_data())
    actions.accept_case(case, team.clerk, channel=W)
    case = actions.start_review(case, team.reviewer, channel=W)
    agreement = providers.agreement_for_case(case)
    with pytest.raises(InvalidInput, match="至少3人"):
        providers.record_evaluation(agreement, team.reviewer, channel=W, panel=["一人"], onsite_on=datetime.date.today(),
                                    score=90, passed=True, opinion="好")
    with pytest.raises(InvalidInput, match="现场评估"):
        providers.record_evaluation(agreement, team.reviewer, channel=W, panel=["甲", "乙", "丙"],
                                    onsite_on=datetime.date.today() + datetime.timedelta(days=3), score=90, passed=True,
                                    opinion="好")
    with pytest.raises(Exception, match="无权"):
        providers.record_evaluation(agreement, team.clerk, channel=W, panel=["甲", "乙", "丙"],
                                    onsite_on=datetime.date.today(), score=90, passed=True, opinion="好")
    assert Agreement.objects.get(pk=agreement.pk).state == AgreementState.EVALUATING


def test_the_incompleteness_notice_is_a_sub_deadline_of_five_working_days(regions, submit):
    panzhihua = regions["panzhihua"]
    me = provider_account(code="H51040000021", name="攀枝花市测试医院")
    case = submit(panzhihua, "hospital-designation", me, hospital_data(name="攀枝花市测试医院"))
    notice = [d for d in case.sub_deadlines if d.get("working_days") == 5]
    assert notice and notice[0]["due"] == due_date(datetime.date.today(), 5).date.isoformat()
