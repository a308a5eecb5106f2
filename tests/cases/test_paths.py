"""Every path through the states for an instant item, a 3-day item and a payment item."""
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.cases import factories as f
from yibao.cases import actions
from yibao.cases.exceptions import (
    InvalidCaseData,
    InvalidTransition,
    NotInstant,
    PayerIsApprover,
    PaymentAmountRequired,
    ReasonRequired,
)
from yibao.cases.models import Case, Notice, NoticeKind, Notification
from yibao.catalog.models import ServiceItem
from yibao.core.models import AuditEntry, Channel
from yibao.payments import actions as payments
from yibao.people.policy import NotAllowed
from yibao.workdays.calendar import due_date

W = Channel.WINDOW


def actions_of(case):
    return list(case.events.order_by("at", "id").values_list("action", flat=True))


def states_of(case):
    return list(case.events.order_by("at", "id").values_list("from_state", "to_state"))


@pytest.fixture
def instant(city):
    return f.item(city, "resident-enrollment", limits=[("", 0)],
                  materials=[("有效身份证件", "", False), ("《城乡居民基本医疗保险参保登记表》", "", False)])


@pytest.fixture
def payment(city):
    return f.item(city, "outpatient-reimbursement", limits=[("", 30)], stages=f.PAYMENT,
                  materials=[("医院收费票据", "", False), ("参保人银行账户信息", "", False)])


# ---------------------------------------------------------------- 即时办结


def test_instant_item_runs_accept_review_complete_in_one_sitting(instant, submit, clerk):
    case = submit(instant)
    case = actions.run_instant(case, clerk, channel=W)
    assert case.state == "completed"
    assert actions_of(case) == ["submit", "accept", "start_review", "approve", "complete"]
    assert states_of(case) == [("", "submitted"), ("submitted", "accepted"), ("accepted", "under_review"),
                               ("under_review", "approved"), ("approved", "completed")]
    today = timezone.localdate()
    assert (case.accepted_on, case.due_date, case.limit_days) == (today, today, 0)
    kinds = set(case.notices.values_list("kind", flat=True))
    assert kinds == {NoticeKind.RECEIPT, NoticeKind.COMPLETION}
    # the generic handler says that nothing in a register changed
    complete = case.events.get(action="complete")
    assert complete.payload["handler"] == "GenericHandler" and complete.payload["effect"]["effect"] is False
    assert AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk)).count() == 5
    assert Notification.objects.filter(recipient=case.applicant.user, kind="completed").exists()


def test_instant_item_may_also_go_step_by_step(instant, submit, clerk, reviewer):
    case = submit(instant)
    actions.accept_case(case, clerk, channel=W)
    actions.start_review(case, reviewer, channel=W)
    actions.approve_case(case, reviewer, channel=W)
    case = actions.complete_case(case, reviewer, channel=W)
    assert case.state == "completed" and case.closed_at is not None


def test_accept_with_complete_refuses_an_item_with_a_limit_and_changes_nothing(city, submit, clerk):
    three_day = f.item(city, "unit-enrollment", limits=[("", 3)])
    case = submit(three_day)
    with pytest.raises(NotInstant, match="不是即时办结"):
        actions.accept_case(case, clerk, channel=W, complete=True)
    case.refresh_from_db()
    assert case.state == "submitted" and case.accepted_on is None and actions_of(case) == ["submit"]
    assert not Notice.objects.filter(case=case).exists()


def test_item_without_review_is_completed_straight_after_acceptance(city, submit, clerk, reviewer):
    phone = f.item(city, "phone-change", limits=[("", 0)], stages=f.NO_REVIEW)
    case = actions.accept_case(submit(phone), clerk, channel=W)
    with pytest.raises(InvalidTransition, match="无审核环节"):
        actions.start_review(case, reviewer, channel=W)
    case = actions.complete_case(case, clerk, channel=W)
    assert actions_of(case) == ["submit", "accept", "complete"]
    instant_case = actions.run_instant(submit(phone), clerk, channel=W)
    assert actions_of(instant_case) == ["submit", "accept", "complete"]


def test_instant_withdrawn_or_refused_before_acceptance(instant, submit, clerk, person):
    case = actions.withdraw_case(submit(instant), person.user, channel=Channel.PORTAL, reason="信息填错")
    assert case.state == "withdrawn" and case.closed_at is not None
    with pytest.raises(InvalidTransition, match="已撤回"):
        actions.accept_case(case, clerk, channel=W)
    refused = actions.refuse_case(submit(instant), clerk, channel=W, reason="申请人已在职工医保参保")
    assert refused.state == "refused"
    notice = refused.notices.get(kind=NoticeKind.REFUSAL)
    assert notice.content["reason"] == "申请人已在职工医保参保" and notice.content["receipt_no"] == refused.receipt_no


# ---------------------------------------------------------------- 3 working days (单位参保登记, 达州)


def test_unit_enrollment_in_dazhou_takes_three_working_days(seeded_catalog):
    from yibao.cases.snapshot import item_in_force
    from yibao.catalog.models import Region

    dazhou = Region.objects.get(code="dazhou")
    clerk_dz = f.staff(dazhou, "clerk")
    reviewer_dz = f.staff(dazhou, "reviewer")
    employer = f.applicant(name="达州某某有限公司", kind="employer")
    unit = item_in_force(dazhou, "unit-enrollment")
    general = [m.ordinal for m in unit.materials.all() if not m.when]
    case = actions.submit_case(item=unit, applicant=employer, actor=employer.user, channel=W, office="市本级",
                               materials=general, conditions={"sub_type": "新参保"})
    assert case.receipt_no.startswith("511700-")
    case = actions.accept_case(case, clerk_dz, channel=W)
    today = timezone.localdate()
    assert case.limit_days == 3
    assert case.due_date == due_date(today, 3).date
    receipt = case.notices.get(kind=NoticeKind.RECEIPT)
    assert receipt.content["due_date"] == case.due_date.isoformat()
    assert "3个工作日" in receipt.content["time_limit"] and "查询" in receipt.content["how_to_follow"]
    actions.start_review(case, reviewer_dz, channel=W)
    actions.approve_case(case, reviewer_dz, channel=W)
    case = actions.complete_case(case, clerk_dz, channel=W)
    assert actions_of(case) == ["submit", "accept", "start_review", "approve", "complete"]


def test_three_day_item_denied_needs_a_reason(city, submit, clerk, reviewer):
    case = actions.accept_case(submit(f.item(city, "unit-enrollment")), clerk, channel=W)
    case = actions.start_review(case, reviewer, channel=W)
    with pytest.raises(ReasonRequired, match="须说明理由"):
        actions.deny_case(case, reviewer, channel=W, reason="  ")
    case = actions.deny_case(case, reviewer, channel=W, reason="单位已在他处参保")
    assert case.state == "denied"
    assert case.notices.get(kind=NoticeKind.DENIAL).content["reason"] == "单位已在他处参保"
    with pytest.raises(InvalidTransition):
        actions.complete_case(case, clerk, channel=W)


def test_refuse_needs_a_reason(city, submit, clerk):
    case = submit(f.item(city, "unit-enrollment"))
    with pytest.raises(ReasonRequired, match="不予受理须说明理由"):
        actions.refuse_case(case, clerk, channel=W, reason="")
    case.refresh_from_db()
    assert case.state == "submitted" and actions_of(case) == ["submit"]


def test_roles_are_checked_on_every_step(city, submit, clerk, reviewer, payer):
    case = submit(f.item(city, "unit-enrollment"))
    with pytest.raises(NotAllowed):
        actions.accept_case(case, reviewer, channel=W)
    other_region = f.region("elsewhere", "别处", "510000")
    with pytest.raises(NotAllowed):
        actions.accept_case(case, f.staff(other_region, "clerk"), channel=W)
    actions.accept_case(case, clerk, channel=W)
    with pytest.raises(NotAllowed):
        actions.start_review(case, clerk, channel=W)
    with pytest.raises(NotAllowed):
        actions.withdraw_case(case, f.applicant(name="李四").user, channel=Channel.PORTAL)


# ---------------------------------------------------------------- payment (门诊费用报销)


def test_payment_item_pays_before_completion(payment, submit, clerk, reviewer, payer):
    case = actions.accept_case(submit(payment), clerk, channel=W)
    actions.start_review(case, reviewer, channel=W)
    with pytest.raises(PaymentAmountRequired):
        actions.approve_case(case, reviewer, channel=W)
    case = actions.approve_case(case, reviewer, channel=W, amount="1234.5")
    assert case.amount == Decimal("1234.50")
    with pytest.raises(InvalidTransition, match="须支付成功"):
        actions.complete_case(case, clerk, channel=W)
    with pytest.raises(InvalidCaseData, match="收款人"):  # the generic handler pays whom the payer names
        actions.pay_case(case, payer, channel=W)
    case = actions.pay_case(case, payer, channel=W, reference="BANK-001", payee=f.PAYEE)
    assert case.state == "paying"
    pay = case.events.get(action="pay").payload
    assert pay["amount"] == "1234.50" and pay["disbursement"]["order"] == f"ZF-{case.receipt_no}"
    with pytest.raises(InvalidTransition, match="拨付中"):  # no 办结 before the order is paid
        actions.complete_case(case, clerk, channel=W)
    order = case.payment_orders.get()
    payments.approve_order(order, f.staff(payment.guide.region, "payer"), channel=W)
    payments.mark_paid(order, f.staff(payment.guide.region, "payer"), channel=W, bank_reference="B-1")
    case.refresh_from_db()
    assert case.state == "paid"
    case = actions.complete_case(case, clerk, channel=W)
    assert actions_of(case) == ["submit", "accept", "start_review", "approve", "pay", "payment_paid", "complete"]
    assert case.notices.get(kind=NoticeKind.COMPLETION).content["amount"] == "1234.50"


def test_payer_must_not_be_the_reviewer_who_approved(payment, submit, clerk, city):
    both = f.staff(city, "reviewer", "payer")
    case = actions.accept_case(submit(payment), clerk, channel=W)
    actions.start_review(case, both, channel=W)
    case = actions.approve_case(case, both, channel=W, amount="88")
    with pytest.raises(PayerIsApprover, match="不得办理拨付"):
        actions.pay_case(case, both, channel=W, payee=f.PAYEE)
    case.refresh_from_db()
    assert case.state == "approved" and actions_of(case)[-1] == "approve" and not case.payment_orders.exists()
    assert actions.pay_case(case, f.staff(city, "payer"), channel=W, payee=f.PAYEE).state == "paying"


def test_payment_item_cannot_run_instant_and_non_payment_item_cannot_be_paid(city, payment, submit, clerk,
                                                                             reviewer, payer):
    case = submit(f.item(city, "outpatient-reimbursement", limits=[("", 0)], stages=f.PAYMENT))
    with pytest.raises(NotInstant):
        actions.run_instant(case, clerk, channel=W)
    plain = actions.accept_case(submit(f.item(city, "unit-enrollment")), clerk, channel=W)
    actions.start_review(plain, reviewer, channel=W)
    actions.approve_case(plain, reviewer, channel=W)
    with pytest.raises(InvalidTransition, match="无拨付环节"):
        actions.pay_case(plain, payer, channel=W)


def test_withdraw_while_open_only(payment, submit, clerk, reviewer, payer, person):
    case = actions.accept_case(submit(payment), clerk, channel=W)
    actions.start_review(case, reviewer, channel=W)
    assert actions.withdraw_case(case, person.user, channel=Channel.PORTAL).state == "withdrawn"

    paid = actions.accept_case(submit(payment), clerk, channel=W)
    actions.start_review(paid, reviewer, channel=W)
    actions.approve_case(paid, reviewer, channel=W, amount="10")
    actions.pay_case(paid, payer, channel=W, payee=f.PAYEE)
    with pytest.raises(InvalidTransition, match="拨付中"):
        actions.withdraw_case(paid, person.user, channel=Channel.PORTAL)
    order = paid.payment_orders.get()
    payments.approve_order(order, f.staff(paid.region, "payer"), channel=W)
    payments.mark_paid(order, f.staff(paid.region, "payer"), channel=W, bank_reference="B-2")
    paid.refresh_from_db()
    with pytest.raises(InvalidTransition, match="已拨付"):
        actions.withdraw_case(paid, person.user, channel=Channel.PORTAL)
    done = actions.complete_case(paid, clerk, channel=W)
    with pytest.raises(InvalidTransition, match="已办结"):
        actions.withdraw_case(done, person.user, channel=Channel.PORTAL)
    assert Case.objects.get(pk=done.pk).state == "completed"


def test_a_clerk_may_file_for_the_applicant_at_the_window(city, clerk, person):
    unit = f.item(city, "unit-enrollment")
    case = actions.submit_case(item=unit, applicant=person, actor=clerk, channel=W, office="市本级",
                               materials=[1])
    assert case.submitted_by == clerk
    assert case.events.get().actor_role == "窗口受理"
    assert ServiceItem.objects.get(pk=unit.pk).cases.count() == 1


# ---------------------------------------------------------------- every path, table-driven

REVIEW = ["accept", "start_review", "approve"]
# name -> (steps after submission, final state). Payment items get "pay" before "complete".
PATHS = {
    "done": ([*REVIEW, "complete"], "completed"),
    "refused": (["refuse"], "refused"),
    "withdrawn": (["withdraw"], "withdrawn"),
    "corrected-then-done": (["correct", "resubmit", *REVIEW, "complete"], "completed"),
    "corrected-then-withdrawn": (["correct", "withdraw"], "withdrawn"),
    "corrected-then-refused": (["correct", "refuse"], "refused"),
    "denied": (["accept", "start_review", "deny"], "denied"),
    "withdrawn-after-acceptance": (["accept", "withdraw"], "withdrawn"),
    "corrected-in-review": (["accept", "start_review", "correct", "resubmit", "approve", "complete"], "completed"),
    "withdrawn-after-approval": ([*REVIEW, "withdraw"], "withdrawn"),
}
ITEMS = {
    "instant": dict(code="resident-enrollment", limits=[("", 0)], stages=f.STANDARD),
    "three-day": dict(code="unit-enrollment", limits=[("", 3)], stages=f.STANDARD),
    "payment": dict(code="outpatient-reimbursement", limits=[("", 30)], stages=f.PAYMENT),
}


@pytest.mark.parametrize("kind", sorted(ITEMS))
@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_path(kind, path, city, submit, clerk, reviewer, payer, person):
    spec = ITEMS[kind]
    item = f.item(city, spec["code"], limits=spec["limits"], stages=spec["stages"],
                  materials=[("有效身份证件", "", False), ("申请表", "", False)])
    steps, final = PATHS[path]
    if kind == "payment" and steps[-1] == "complete":
        steps = [*steps[:-1], "pay", "complete"]  # "pay": made, approved and paid by three payers
    # a correction before acceptance names the missing 申请表; one during review names a defect in it
    case = submit(item, materials=["1"] if steps[0] == "correct" else ["1", "2"])
    do = {
        "accept": lambda c: actions.accept_case(c, clerk, channel=W),
        "start_review": lambda c: actions.start_review(c, reviewer, channel=W),
        "approve": lambda c: actions.approve_case(c, reviewer, channel=W, amount="100"),
        "deny": lambda c: actions.deny_case(c, reviewer, channel=W, reason="不符合条件"),
        "pay": lambda c: f.pay_in_full(c, payer)[0],
        "complete": lambda c: actions.complete_case(c, clerk, channel=W),
        "refuse": lambda c: actions.refuse_case(c, clerk, channel=W, reason="不属于受理范围"),
        "withdraw": lambda c: actions.withdraw_case(c, person.user, channel=Channel.PORTAL),
        "correct": lambda c: actions.request_correction(
            c, clerk, channel=W, defects=[] if c.state == "submitted" else [{"key": "2", "problem": "填写不全"}]),
        "resubmit": lambda c: actions.resubmit_case(c, person.user, channel=Channel.PORTAL, materials=["2"]),
    }
    for step in steps:
        case = do[step](case)
    expected = ["submit", *("request_correction" if s == "correct" else s for s in steps)]
    expected = [a for s in expected for a in (("pay", "payment_paid") if s == "pay" else (s,))]
    assert case.state == final
    assert actions_of(case) == expected
    assert case.version == len(expected)
    assert case.closed_at is not None
