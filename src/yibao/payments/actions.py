"""Every change of a payment order, one function per verb.

Each runs in one transaction, locks the order, checks the move against models.TRANSITIONS and the
maker-checker rule, appends one PaymentEvent and one audit entry. Only payers of the order's
region act (people.policy "pay").
"""
from django.db import IntegrityError, transaction
from django.utils import timezone
from stdnum import luhn

from yibao.cases.states import CaseState
from yibao.core.audit import record
from yibao.core.money import MoneyError, yuan
from yibao.core.numbers import is_digits
from yibao.payments.exceptions import InvalidOrderTransition, InvalidPayee, MakerChecker, OrderExists, OrderNotFound
from yibao.payments.models import TRANSITIONS, AccountKind, OrderAction, OrderState, PaymentEvent, PaymentOrder
from yibao.people import policy

A = OrderAction


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def clean_account(kind, number):
    """The account number without spaces; bank cards (a person's card, a 社会保障卡's financial
    account) must pass the Luhn check, an employer's account only has to look like one."""
    if kind not in AccountKind.values:
        raise InvalidPayee(f"收款账户类型不正确：{kind}", field="account_kind")
    number = "".join((number or "").split())
    label = AccountKind(kind).label
    if not is_digits(number):
        raise InvalidPayee(f"{label}账号应为数字", field="account_no")
    if kind == AccountKind.EMPLOYER:
        if not 8 <= len(number) <= 32:
            raise InvalidPayee(f"{label}账号长度不正确", field="account_no")
    elif not 12 <= len(number) <= 19 or not luhn.is_valid(number):
        raise InvalidPayee(f"{label}账号有误（卡号校验位不符），请核对", field="account_no")
    return number


def _step(order, action, actor, channel, comment="", fields=()):
    target = TRANSITIONS.get((order.state, action))
    if target is None:
        raise InvalidOrderTransition(
            f"支付指令当前为“{order.get_state_display()}”，不能{A(action).label}", state=order.state, action=action)
    before, order.state = order.state, target
    order.save(update_fields=["state", "updated_at", *fields])
    PaymentEvent.objects.create(order=order, actor=_user(actor), channel=channel, action=action, from_state=before,
                                to_state=target, comment=(comment or "")[:300])
    record(actor=_user(actor), channel=channel, action=A(action).label, obj=order,
           summary=f"{order.order_no} {order.amount}元 → {order.masked_payee}（{order.masked_account}）："
                   f"{OrderState(before).label}→{order.get_state_display()}",
           changes={"state": [before, target]})
    return order


def _lock(order):
    pk = order.pk if isinstance(order, PaymentOrder) else order
    try:
        return PaymentOrder.objects.select_for_update().get(pk=pk)
    except PaymentOrder.DoesNotExist:
        raise OrderNotFound("未找到该支付指令") from None


def create_order(case, *, payee_name, account_kind, account_no, bank_name="", amount, purpose, actor, channel):
    """生成支付指令 for `case` (the maker is `actor`). A second order for the same case is refused."""
    policy.check(actor, "pay", region_id=case.region_id, office=case.office)
    payee_name = (payee_name or "").strip()
    if not payee_name:
        raise InvalidPayee("请填写收款人", field="payee_name")
    account_no = clean_account(account_kind, account_no)
    try:
        amount = yuan(amount)
    except MoneyError as exc:
        raise InvalidPayee(str(exc), field="amount") from None
    if amount <= 0:
        raise InvalidPayee("支付金额须大于0", field="amount")
    # An order pays what the review fixed, for a case being paid (拨付 follows 审核通过).
    if case.state != CaseState.APPROVED or case.amount != amount:
        raise InvalidPayee(f"支付指令须按审核通过的核定金额生成（办件{case.receipt_no}：{case.get_state_display()}，"
                           f"核定金额{case.amount}元）", field="amount")
    with transaction.atomic():
        try:
            with transaction.atomic():
                order = PaymentOrder.objects.create(
                    order_no=f"ZF-{case.receipt_no}", case=case, region_id=case.region_id, payee_name=payee_name[:200],
                    account_kind=account_kind, account_no=account_no, bank_name=(bank_name or "").strip()[:100],
                    amount=amount, purpose=purpose[:200], created_by=actor)
        except IntegrityError:
            raise OrderExists(f"办件{case.receipt_no}已生成支付指令，不能重复生成", case=case.receipt_no) from None
        PaymentEvent.objects.create(order=order, actor=_user(actor), channel=channel, action=A.CREATE,
                                    to_state=order.state)
        record(actor=_user(actor), channel=channel, action=A.CREATE.label, obj=order,
               summary=f"{order.order_no} {amount}元 → {order.masked_payee}（{order.get_account_kind_display()} "
                       f"{order.masked_account}）{purpose}",
               changes={"case": case.receipt_no, "amount": str(amount), "account": order.masked_account})
    return order


def approve_order(order, actor, *, channel, comment=""):
    """复核: payee, account and amount checked against the case before the order goes to the bank."""
    with transaction.atomic():
        order = _lock(order)
        policy.check(actor, "pay", region_id=order.region_id)
        order.approved_by, order.approved_at = actor, timezone.now()
        return _step(order, A.APPROVE, actor, channel, comment, fields=["approved_by", "approved_at"])


def _settle(order, action, actor, channel, comment, **fields):
    with transaction.atomic():
        order = _lock(order)
        policy.check(actor, "pay", region_id=order.region_id)
        if _user(actor) is not None and actor.pk in (order.created_by_id, order.approved_by_id):
            raise MakerChecker("制单人和复核人不得确认支付结果，请由其他拨付人员办理")
        for name, value in fields.items():
            setattr(order, name, value)
        order.settled_by, order.settled_at = actor, timezone.now()
        return _step(order, action, actor, channel, comment, fields=[*fields, "settled_by", "settled_at"])


def mark_paid(order, actor, *, channel, bank_reference, comment=""):
    """确认支付: the bank confirmed the transfer (its reference is kept)."""
    bank_reference = (bank_reference or "").strip()
    if not bank_reference:
        raise InvalidPayee("请填写银行流水号", field="bank_reference")
    return _settle(order, A.PAY, actor, channel, comment, bank_reference=bank_reference[:64])


def mark_failed(order, actor, *, channel, reason):
    """支付失败: the bank refused or returned the transfer."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidPayee("请填写支付失败原因", field="failure_reason")
    return _settle(order, A.FAIL, actor, channel, reason, failure_reason=reason[:300])


def cancel_order(order, actor, *, channel, reason):
    """作废 an order not yet paid."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidPayee("请说明作废原因", field="reason")
    with transaction.atomic():
        order = _lock(order)
        policy.check(actor, "pay", region_id=order.region_id)
        order.failure_reason = reason[:300]
        return _step(order, A.CANCEL, actor, channel, reason, fields=["failure_reason"])
