"""参保人员个人账户（资金）一次性支取 (达州's guide), from submission to the ledger and the
enrolment, through the engine's actions; its materials conditions and its refusals."""
import datetime
from decimal import Decimal

import pytest

from tests.accounts.conftest import CARD, W, applicant_for
from tests.enrollment import factories as ef
from yibao.accounts import actions as accounts
from yibao.accounts.exceptions import NoBalance, ReasonNotOffered
from yibao.accounts.models import AccountParameters, PersonalAccount
from yibao.cases import actions
from yibao.cases.checklist import checklist
from yibao.cases.exceptions import InvalidCaseData, InvalidTransition, MaterialsIncomplete
from yibao.enrollment.actions import record_shared_death
from yibao.enrollment.exceptions import NotTheApplicantsRecord, PersonNotFound
from yibao.enrollment.models import Enrollment, EnrollmentStatus, PersonStatus
from yibao.payments import actions as payments
from yibao.payments.models import PaymentOrder

CODE = "account-withdrawal"


def data(reason, **kw):
    return {"reason": reason, "bank_name": "中国工商银行达州分行", "bank_account": CARD, **kw}


def employee_enrollment(person):
    return Enrollment.objects.get(person=person, scheme="employee")


def balance(person, region):
    return PersonalAccount.objects.get(person=person, region=region).balance()


def test_emigration_pays_the_whole_balance_and_ends_the_enrolment(dazhou, insured, submit, approve, pay, complete,
                                                                  staff):
    ins = insured(dazhou, balance="3456.78")
    case = submit(dazhou, CODE, ins.applicant, data=data("出国（境）定居"))
    case = approve(case)
    assert case.amount == Decimal("3456.78")  # the amount is the balance, not the reviewer's figure
    with pytest.raises(Exception, match="须支付成功"):
        actions.complete_case(case, staff["dazhou"].clerk, channel=W)
    case = actions.pay_case(case, staff["dazhou"].maker, channel=W)
    order = PaymentOrder.objects.get(case=case)
    assert (order.payee_name, order.account_kind, order.account_no, order.amount, order.state) == (
        ins.applicant.name, "bank", CARD, Decimal("3456.78"), "created")
    assert case.events.last().payload["disbursement"] == {"order": order.order_no, "account": "*" * 15 + "0128",
                                                          "amount": "3456.78"}
    assert case.state == "paying"
    with pytest.raises(InvalidTransition, match="拨付中"):
        actions.complete_case(case, staff["dazhou"].clerk, channel=W)  # 办结 waits for the bank
    payments.approve_order(order, staff["dazhou"].checker, channel=W)
    payments.mark_paid(order, staff["dazhou"].cashier, channel=W, bank_reference="B-1")
    case, effect = complete(case)
    assert case.state == "completed"
    assert effect["withdrawn"] == "3456.78" and effect["balance"] == "0.00" and effect["order"] == order.order_no
    assert balance(ins.person, dazhou) == Decimal("0.00")
    entries = PersonalAccount.objects.get(person=ins.person).entries.order_by("id")
    assert [(e.kind, e.amount, e.reference) for e in entries] == [
        ("credit", Decimal("3456.78"), "历史余额"), ("withdrawal", Decimal("-3456.78"), order.order_no)]
    ins.person.refresh_from_db()
    assert ins.person.status == PersonStatus.EMIGRATED
    assert employee_enrollment(ins.person).status == EnrollmentStatus.ENDED


def test_death_is_applied_for_by_the_heir_with_the_death_material_or_its_commitment(dazhou, insured, submit,
                                                                                     approve, pay, complete, staff):
    ins = insured(dazhou, balance="1000")
    heir = insured(dazhou, balance="", name="张小三")
    with pytest.raises(NotTheApplicantsRecord, match="继承人"):
        submit(dazhou, CODE, ins.applicant, data=data("死亡"))  # the deceased cannot apply
    case = submit(dazhou, CODE, heir.applicant, data=data("死亡", id_number=ins.person.id_number,
                                                          died_on="2026-10-01"))
    names = [e.name for e in checklist(case) if e.missing]
    assert len(names) == 1 and names[0].startswith("死亡证或火化证")  # the reason brings its material
    with pytest.raises(MaterialsIncomplete, match="死亡证"):
        actions.accept_case(case, staff["dazhou"].clerk, channel=W)
    actions.request_correction(case, staff["dazhou"].clerk, channel=W)
    actions.resubmit_case(case, heir.applicant.user, channel=W, materials={"3": "commitment"})  # 个人承诺书
    case, effect = complete(pay(approve(case)))
    order = PaymentOrder.objects.get(case=case)
    assert (order.payee_name, order.amount) == ("张小三", Decimal("1000.00"))  # paid to the heir
    ins.person.refresh_from_db()
    assert (ins.person.status, ins.person.status_on) == (PersonStatus.DECEASED, datetime.date(2026, 10, 1))
    assert employee_enrollment(ins.person).status == EnrollmentStatus.ENDED
    assert effect["enrollment"] == ["职工基本医疗保险"] and balance(ins.person, dazhou) == 0


def test_a_death_known_through_data_sharing_takes_its_date(dazhou, insured, submit, approve, pay, complete):
    ins = insured(dazhou, balance="88.80")
    heir = insured(dazhou, balance="", name="张小三")
    record_shared_death(ins.person.id_number, datetime.date(2026, 9, 9), source="民政", actor=None, channel="system")
    case = submit(dazhou, CODE, heir.applicant, data=data("死亡", id_number=ins.person.id_number), extra=["3"])
    complete(pay(approve(case)))
    ins.person.refresh_from_db()
    assert (ins.person.status, ins.person.status_on) == (PersonStatus.DECEASED, datetime.date(2026, 9, 9))


def test_voluntary_abandonment_needs_its_statement_and_ends_only_the_enrolment(dazhou, insured, submit, approve,
                                                                               pay, complete, staff):
    ins = insured(dazhou, balance="500")
    case = submit(dazhou, CODE, ins.applicant, data=data("主动放弃"))
    assert [e.name for e in checklist(case) if e.missing] == ["主动放弃基本医疗保险的情况说明"]
    actions.request_correction(case, staff["dazhou"].clerk, channel=W)
    actions.resubmit_case(case, ins.applicant.user, channel=W, materials=["4"])
    complete(pay(approve(case)))
    ins.person.refresh_from_db()
    assert ins.person.status == PersonStatus.LIVING
    assert employee_enrollment(ins.person).status == EnrollmentStatus.ENDED
    assert employee_enrollment(ins.person).changes.last().reason == "主动放弃"


def test_a_withdrawal_without_balance_is_refused(dazhou, insured, submit, approve, staff):
    ins = insured(dazhou, balance="")
    with pytest.raises(NoBalance, match="无余额"):
        submit(dazhou, CODE, ins.applicant, data=data("出国（境）定居"))
    rich = insured(dazhou, balance="10")
    case = submit(dazhou, CODE, rich.applicant, data=data("出国（境）定居"))
    actions.accept_case(case, staff["dazhou"].clerk, channel=W)
    actions.start_review(case, staff["dazhou"].reviewer, channel=W)
    accounts.debit(rich.person, dazhou, "withdrawal", "10", on=datetime.date(2026, 1, 1), actor=None,
                   channel="system")  # emptied during review: approval is refused
    with pytest.raises(NoBalance):
        actions.approve_case(case, staff["dazhou"].reviewer, channel=W)


def test_relocation_needs_a_balance_over_the_regions_threshold(dazhou, insured, submit, approve):
    sample = AccountParameters.objects.get(region=None)
    assert (sample.withdrawal_threshold, sample.sample) == (Decimal("5000.00"), True)  # from guide 003
    poor = insured(dazhou, balance="5000.00")
    with pytest.raises(ReasonNotOffered, match="超过5000.00元"):
        submit(dazhou, CODE, poor.applicant, data=data("异地安置"))
    rich = insured(dazhou, balance="5000.01")
    case = approve(submit(dazhou, CODE, rich.applicant, data=data("转出统筹范围")))
    assert case.amount == Decimal("5000.01")
    # a region that does not offer these reasons says so
    AccountParameters.objects.create(region=dazhou, effective_from=datetime.date(2021, 1, 1),
                                     withdrawal_threshold=None)
    other = insured(dazhou, balance="9000")
    with pytest.raises(ReasonNotOffered, match="未规定异地安置"):
        submit(dazhou, CODE, other.applicant, data=data("异地安置"))


def test_only_ones_own_account_and_a_valid_card(dazhou, insured, submit):
    ins, other = insured(dazhou), insured(dazhou, name="李四")
    with pytest.raises(NotTheApplicantsRecord, match="本人"):
        submit(dazhou, CODE, other.applicant, data=data("出国（境）定居", id_number=ins.person.id_number))
    with pytest.raises(InvalidCaseData, match="bank_account"):
        submit(dazhou, CODE, ins.applicant, data=data("出国（境）定居", bank_account="6222021234567890123"))
    with pytest.raises(InvalidCaseData, match="reason"):
        submit(dazhou, CODE, ins.applicant, data=data("想用钱"))
    unregistered = applicant_for(ef.person(dazhou, name="赵六"))
    unregistered.id_number = ef.id_number()  # an account whose number the registers do not know
    unregistered.save()
    with pytest.raises(PersonNotFound):
        submit(dazhou, CODE, unregistered, data=data("出国（境）定居"))
