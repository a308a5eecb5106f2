"""Payment orders: the generic disbursement core. One order per case (a database constraint),
created -> approved -> paid | failed | cancelled, maker-checker, the account masked everywhere."""
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.cases import factories as f
from tests.payments.conftest import CARD, W, approved_case
from yibao.cases.exceptions import InvalidTransition
from yibao.core.models import AuditEntry
from yibao.payments import actions
from yibao.payments.exceptions import InvalidOrderTransition, InvalidPayee, MakerChecker, OrderExists
from yibao.payments.models import AccountKind, PaymentOrder
from yibao.people.policy import NotAllowed


def make(case, actor, **kw):
    data = {"payee_name": "张三", "account_kind": AccountKind.BANK, "account_no": CARD, "bank_name": "工商银行",
            "amount": case.amount, "purpose": "产前检查费"}
    data.update(kw)
    return actions.create_order(case, actor=actor, channel=W, **data)


def test_an_order_goes_created_approved_paid(case, payers):
    maker, checker, cashier = payers
    order = make(case, maker, account_no="6222 0212 3456 7890 128")
    assert (order.state, order.amount, order.account_no) == ("created", Decimal("1200.50"), CARD)
    order = actions.approve_order(order, checker, channel=W)
    order = actions.mark_paid(order, cashier, channel=W, bank_reference="ICBC20261126001")
    order.refresh_from_db()
    assert (order.state, order.created_by, order.approved_by, order.settled_by) == ("paid", maker, checker, cashier)
    assert order.bank_reference == "ICBC20261126001"
    assert list(order.events.values_list("action", "from_state", "to_state")) == [
        ("create", "", "created"), ("approve", "created", "approved"), ("pay", "approved", "paid")]
    # the account number is masked in every display and in the audit trail
    assert order.masked_account == "*" * 15 + "0128" and CARD not in str(order)
    assert order.as_display()["account"] == order.masked_account and CARD not in str(order.as_display())
    summaries = AuditEntry.objects.filter(object_type="payments.paymentorder").values_list("summary", "changes")
    assert len(summaries) == 3 and all(CARD not in s and CARD not in str(c) for s, c in summaries)


def test_maker_checker(case, payers):
    maker, checker, cashier = payers
    order = make(case, maker)
    actions.approve_order(order, checker, channel=W)
    for who in (maker, checker):
        with pytest.raises(MakerChecker, match="制单人和复核人不得确认支付结果"):
            actions.mark_paid(order, who, channel=W, bank_reference="X1")
        with pytest.raises(MakerChecker):
            actions.mark_failed(order, who, channel=W, reason="账户已销户")
    order = actions.mark_failed(order, cashier, channel=W, reason="账户已销户")
    assert (order.state, order.failure_reason) == ("failed", "账户已销户")
    with pytest.raises(InvalidOrderTransition, match="支付失败"):
        actions.mark_paid(order, cashier, channel=W, bank_reference="X2")


def test_the_maker_may_not_approve_his_own_order(city, payers):
    maker, checker, cashier = payers
    order = make(approved_case(city), maker)
    with pytest.raises(MakerChecker, match="制单人不得复核"):
        actions.approve_order(order, maker, channel=W)
    order.refresh_from_db()
    assert order.state == "created" and order.approved_by is None
    order = actions.approve_order(order, checker, channel=W)
    for who in (maker, checker):  # neither maker nor approver confirms it
        with pytest.raises(MakerChecker, match="不得确认支付结果"):
            actions.mark_paid(order, who, channel=W, bank_reference="X3")
    assert actions.mark_paid(order, cashier, channel=W, bank_reference="X3").state == "paid"


def test_only_payers_of_the_region_act(case, payers, city):
    with pytest.raises(NotAllowed):
        make(case, f.staff(city, "reviewer"))
    with pytest.raises(NotAllowed):
        make(case, f.staff(f.region("elsewhere", "别处市", "519800"), "payer"))
    order = make(case, payers[0])
    with pytest.raises(NotAllowed):
        actions.approve_order(order, f.staff(city, "clerk"), channel=W)


def test_the_state_table(case, payers):
    maker, checker, cashier = payers
    order = make(case, maker)
    with pytest.raises(InvalidOrderTransition, match="已生成"):
        actions.mark_paid(order, cashier, channel=W, bank_reference="X")  # not checked yet
    order = actions.cancel_order(order, checker, channel=W, reason="收款账户有误")
    assert order.state == "cancelled"
    for step in (lambda: actions.approve_order(order, checker, channel=W),
                 lambda: actions.cancel_order(order, checker, channel=W, reason="再次作废")):
        with pytest.raises(InvalidOrderTransition):
            step()


def test_payee_account_and_amount_are_checked(case, payers):
    maker = payers[0]
    with pytest.raises(InvalidPayee, match="校验位"):
        make(case, maker, account_no="6222021234567890123")
    with pytest.raises(InvalidPayee, match="数字"):
        make(case, maker, account_no="6222-abc")
    with pytest.raises(InvalidPayee, match="收款人"):
        make(case, maker, payee_name=" ")
    with pytest.raises(InvalidPayee, match="核定金额"):
        make(case, maker, amount="1200.51")  # not what the review fixed
    with pytest.raises(InvalidPayee, match="浮点"):
        make(case, maker, amount=1200.5)
    employer = make(case, maker, account_kind=AccountKind.EMPLOYER, account_no="51050142610800000123")
    assert employer.account_kind == "employer"  # an employer's account needs no card check digit


def test_never_two_orders_for_one_case(case, payers):
    make(case, payers[0])
    with pytest.raises(InvalidTransition, match="拨付中"):  # the case is 拨付中: no second 拨付
        make(case, payers[1])
    first = PaymentOrder.objects.get(case=case)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database itself refuses
        PaymentOrder.objects.create(order_no="ZF-other", case=case, region=case.region, payee_name="李四",
                                    account_kind=AccountKind.BANK, account_no=CARD, amount=Decimal("1"),
                                    purpose="重复", created_by=first.created_by)
    assert PaymentOrder.objects.filter(case=case).count() == 1


def test_amount_must_be_positive_in_the_database(case, payers):
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentOrder.objects.create(order_no="ZF-zero", case=case, region=case.region, payee_name="李四",
                                    account_kind=AccountKind.BANK, account_no=CARD, amount=Decimal("0"),
                                    purpose="零", created_by=payers[0])


def test_queue_and_next_steps_follow_the_maker_checker_rule(case, payers, city):
    from yibao.payments.queries import next_steps, region_orders

    maker, checker, cashier = payers
    order = make(case, maker)
    assert list(region_orders(city.pk)) == [order]
    assert next_steps(order, cashier) == ["approve", "cancel"]
    order = actions.approve_order(order, checker, channel=W)
    assert next_steps(order, maker) == next_steps(order, checker) == ["cancel"]
    assert next_steps(order, cashier) == ["pay", "fail", "cancel"]
    actions.mark_paid(order, cashier, channel=W, bank_reference="B")
    assert list(region_orders(city.pk)) == [] and next_steps(PaymentOrder.objects.get(), cashier) == []
