"""Every change of a payment order and of a batch, one function per verb.

Each runs in one transaction, locks what it changes (ordered by pk), checks the move against
models.ORDERS (the machine over models.TRANSITIONS) and the three-person rule (制单 / 复核 / 支付确认, and the case's reviewer none
of them), appends PaymentEvents and audit entries. Only payers of the region act (people.policy
"pay"); the admin role and the superuser are bound by the same three-person rule. An order's
result reaches its case through the engine's record_payment(s): a case is 已拨付 only when its
order is paid.
"""
from django.db import IntegrityError, transaction
from django.utils import timezone
from stdnum import luhn

from yibao.cases import interface as engine
from yibao.cases.interface import CaseState, reviewers_of, reviewers_of_cases
from yibao.core.audit import acting_user, record
from yibao.core.bulk import update_rows
from yibao.core.money import MoneyError, yuan
from yibao.core.numbers import is_digits
from yibao.payments.exceptions import (
    BatchConflict,
    InvalidOrderTransition,
    InvalidPayee,
    MakerChecker,
    OrderExists,
    OrderNotFound,
)
from yibao.payments.models import (
    LIVE_STATES,
    ORDERS,
    AccountKind,
    BatchState,
    OrderAction,
    OrderState,
    PaymentBatch,
    PaymentEvent,
    PaymentOrder,
)
from yibao.people import policy

A = OrderAction


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
    target = ORDERS.move(order.state, action)
    before, order.state = order.state, target
    order.save(update_fields=["state", "updated_at", *fields])
    PaymentEvent.objects.create(order=order, actor=acting_user(actor), channel=channel, action=action, from_state=before,
                                to_state=target, comment=(comment or "")[:300])
    record(actor=acting_user(actor), channel=channel, action=A(action).label, obj=order,
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


def make_order(case, payee, *, actor, channel):
    """生成支付指令 for `case` at 拨付 (the engine calls this inside pay_case, the case locked and
    approved; the maker is `actor`). After a failed or cancelled order this is the re-issued one,
    linked to it. Returns the summary for the case event."""
    policy.check(actor, "pay", region_id=case.region_id, office=case.office)
    payee = dict(payee or {})
    payee_name = (payee.get("payee_name") or "").strip()
    if not payee_name:
        raise InvalidPayee("请填写收款人", field="payee_name")
    account_kind = payee.get("account_kind") or ""
    account_no = clean_account(account_kind, payee.get("account_no"))
    bank_name = (payee.get("bank_name") or "").strip()
    if not bank_name:
        raise InvalidPayee("请填写开户银行", field="bank_name")
    purpose = (payee.get("purpose") or case.title or "").strip()
    amount = case.amount
    # An order pays what the review fixed, for a case being paid (拨付 follows 审核通过).
    if case.state != CaseState.APPROVED or amount is None or amount <= 0:
        raise InvalidPayee(f"支付指令须按审核通过的核定金额生成（办件{case.receipt_no}：{case.get_state_display()}，"
                           f"核定金额{case.amount}元）", field="amount")
    earlier = list(PaymentOrder.objects.select_for_update().filter(case=case).order_by("pk"))
    if any(o.state in LIVE_STATES for o in earlier):
        raise OrderExists(f"办件{case.receipt_no}已有支付指令，不能重复生成", case=case.receipt_no)
    failed = earlier[-1] if earlier else None
    order_no = f"ZF-{case.receipt_no}" + (f"-{len(earlier) + 1}" if earlier else "")
    try:
        with transaction.atomic():
            order = PaymentOrder.objects.create(
                order_no=order_no, case=case, region_id=case.region_id, payee_name=payee_name[:200],
                account_kind=account_kind, account_no=account_no, bank_name=bank_name[:100],
                amount=amount, purpose=purpose[:200], created_by=actor, reissue_of=failed)
    except IntegrityError:
        raise OrderExists(f"办件{case.receipt_no}已有支付指令，不能重复生成", case=case.receipt_no) from None
    comment = f"重新生成（原指令{failed.order_no}{failed.get_state_display()}）" if failed else ""
    PaymentEvent.objects.create(order=order, actor=acting_user(actor), channel=channel, action=A.CREATE,
                                to_state=order.state, comment=comment)
    record(actor=acting_user(actor), channel=channel, action=A.CREATE.label, obj=order,
           summary=f"{order.order_no} {amount}元 → {order.masked_payee}（{order.get_account_kind_display()} "
                   f"{order.masked_account}）{purpose}{comment and '，' + comment}",
           changes={"case": case.receipt_no, "amount": str(amount), "account": order.masked_account,
                    **({"reissue_of": failed.order_no} if failed else {})})
    return {"order": order.order_no, "account": order.masked_account, "amount": str(order.amount),
            **({"reissue_of": failed.order_no} if failed else {})}


def create_order(case, *, payee_name, account_kind, account_no, bank_name="", amount, purpose, actor, channel):
    """拨付 with the payee given: the engine's pay_case makes the order (make_order). `amount` must be
    the approved one. Returns the order."""
    try:
        amount = yuan(amount)
    except MoneyError as exc:
        raise InvalidPayee(str(exc), field="amount") from None
    if case.amount != amount:
        raise InvalidPayee(f"支付指令须按审核通过的核定金额生成（办件{case.receipt_no}：核定金额{case.amount}元）",
                           field="amount")
    case = engine.pay_case(case, actor, channel=channel, payee={
        "payee_name": payee_name, "account_kind": account_kind, "account_no": account_no, "bank_name": bank_name,
        "purpose": purpose})
    return PaymentOrder.objects.get(case=case, state__in=LIVE_STATES)


def _not_reviewer(order, actor, what):
    if acting_user(actor) is not None and actor.pk in reviewers_of(order.case):
        raise MakerChecker(f"审核该办件的人员不得{what}（{order.order_no}），请由其他拨付人员办理",
                           order=order.order_no)


def approve_order(order, actor, *, channel, comment=""):
    """复核: a second payer checks payee, account and amount against the case. The maker may not."""
    with transaction.atomic():
        order = _lock(order)
        policy.check(actor, "pay", region_id=order.region_id)
        if acting_user(actor) is not None and actor.pk == order.created_by_id:
            raise MakerChecker("制单人不得复核本人生成的支付指令，请由其他拨付人员复核", order=order.order_no)
        _not_reviewer(order, actor, "复核支付指令")
        order.approved_by, order.approved_at = actor, timezone.now()
        return _step(order, A.APPROVE, actor, channel, comment, fields=["approved_by", "approved_at"])


def _confirmer(order, actor, reviewers=None):
    """支付确认: neither the maker nor the approver of the order, nor the case's reviewer
    (`reviewers`: that set when the caller read it already)."""
    if acting_user(actor) is not None and actor.pk in (order.created_by_id, order.approved_by_id):
        raise MakerChecker(f"制单人和复核人不得确认支付结果（{order.order_no}），请由第三名拨付人员办理",
                           order=order.order_no)
    if reviewers is None:
        _not_reviewer(order, actor, "确认支付结果")
    elif acting_user(actor) is not None and actor.pk in reviewers:
        raise MakerChecker(f"审核该办件的人员不得确认支付结果（{order.order_no}），请由其他拨付人员办理",
                           order=order.order_no)


def _settle(order, action, actor, channel, comment, **fields):
    with transaction.atomic():
        order = _lock(order)
        policy.check(actor, "pay", region_id=order.region_id)
        if order.batch_id is not None:
            raise BatchConflict(f"{order.order_no}已编入批次，支付结果以银行回盘文件为准", order=order.order_no)
        _confirmer(order, actor)
        for name, value in fields.items():
            setattr(order, name, value)
        order.settled_by, order.settled_at = actor, timezone.now()
        _step(order, action, actor, channel, comment, fields=[*fields, "settled_by", "settled_at"])
        engine.record_payment(order.case, actor, channel=channel, paid=action == A.PAY, order_no=order.order_no,
                                    reason=order.failure_reason if action != A.PAY else "")
        return order


def mark_paid(order, actor, *, channel, bank_reference, comment=""):
    """确认支付: the bank confirmed the transfer (its reference is kept); the case becomes 已拨付."""
    bank_reference = (bank_reference or "").strip()
    if not bank_reference:
        raise InvalidPayee("请填写银行流水号", field="bank_reference")
    return _settle(order, A.PAY, actor, channel, comment, bank_reference=bank_reference[:64])


def mark_failed(order, actor, *, channel, reason):
    """支付失败: the bank refused or returned the transfer; the case waits for a re-issued order."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidPayee("请填写支付失败原因", field="failure_reason")
    return _settle(order, A.FAIL, actor, channel, reason, failure_reason=reason[:300])


def cancel_order(order, actor, *, channel, reason):
    """作废 an order not yet paid nor batched; the case waits for a re-issued order."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidPayee("请说明作废原因", field="reason")
    with transaction.atomic():
        order = _lock(order)
        policy.check(actor, "pay", region_id=order.region_id)
        if order.batch_id is not None:
            raise BatchConflict(f"{order.order_no}已编入批次，不能作废", order=order.order_no)
        order.failure_reason = reason[:300]
        _step(order, A.CANCEL, actor, channel, reason, fields=["failure_reason"])
        engine.record_payment(order.case, actor, channel=channel, paid=False, order_no=order.order_no,
                                    reason=f"支付指令作废：{reason}")
        return order


# ---------------------------------------------------------------- batches


def create_batch(region_id, *, account_kind, bank_name, actor, channel, order_nos=None):
    """组批: the approved, unbatched orders of a region paying to `account_kind` at `bank_name` (all
    of them, or those of `order_nos`) become one batch. An order another payer batched first is
    named in the refusal; the orders are locked in pk order, so two payers never share one."""
    policy.check(actor, "pay", region_id=region_id)
    if account_kind not in AccountKind.values:
        raise InvalidPayee(f"收款账户类型不正确：{account_kind}", field="account_kind")
    bank_name = (bank_name or "").strip()
    with transaction.atomic():
        wanted = PaymentOrder.objects.filter(region_id=region_id, account_kind=account_kind, bank_name=bank_name,
                                             state=OrderState.APPROVED, batch=None)
        if order_nos is not None:
            order_nos = sorted({n.strip() for n in order_nos if n and n.strip()})
            wanted = wanted.filter(order_no__in=order_nos)
        orders = list(wanted.select_for_update().order_by("pk"))
        if order_nos is not None:
            missing = sorted(set(order_nos) - {o.order_no for o in orders})
            if missing:
                raise BatchConflict(f"以下支付指令不是本地区待组批的已复核指令（或已被他人编入批次）：{'、'.join(missing)}",
                                    orders=missing)
        if not orders:
            raise BatchConflict("没有可组批的已复核支付指令", account_kind=account_kind, bank_name=bank_name)
        total = sum((o.amount for o in orders), start=yuan(0))
        batch = PaymentBatch.objects.create(
            batch_no=f"tmp-{orders[0].pk}-{timezone.now().timestamp()}", region_id=region_id,
            account_kind=account_kind, bank_name=bank_name, order_count=len(orders), total=total, created_by=actor)
        batch.batch_no = f"PC{timezone.localdate():%Y%m%d}{batch.pk:06d}"
        batch.save(update_fields=["batch_no"])
        PaymentOrder.objects.filter(pk__in=[o.pk for o in orders]).update(batch=batch, updated_at=timezone.now())
        record(actor=acting_user(actor), channel=channel, action="组批", obj=batch,
               summary=f"{batch.batch_no} {AccountKind(account_kind).label} {bank_name} {len(orders)}笔 {total}元",
               changes={"orders": [o.order_no for o in orders][:1000], "count": len(orders), "total": str(total)})
    return batch


def _lock_batch(batch):
    pk = batch.pk if isinstance(batch, PaymentBatch) else batch
    try:
        return PaymentBatch.objects.select_for_update().get(pk=pk)
    except PaymentBatch.DoesNotExist:
        raise OrderNotFound("未找到该支付批次") from None


def approve_batch(batch, actor, *, channel):
    """批次审核: a second payer approves the batch as a whole; its creator may not."""
    with transaction.atomic():
        batch = _lock_batch(batch)
        policy.check(actor, "pay", region_id=batch.region_id)
        if batch.state != BatchState.CREATED:
            raise InvalidOrderTransition(f"批次当前为“{batch.get_state_display()}”，不能审核", state=batch.state)
        if acting_user(actor) is not None and actor.pk == batch.created_by_id:
            raise MakerChecker("组批人不得审核本人组的批次，请由其他拨付人员审核", batch=batch.batch_no)
        batch.state, batch.approved_by, batch.approved_at = BatchState.APPROVED, actor, timezone.now()
        batch.save(update_fields=["state", "approved_by", "approved_at"])
        record(actor=acting_user(actor), channel=channel, action="批次审核", obj=batch,
               summary=f"{batch.batch_no} {batch.order_count}笔 {batch.total}元", changes={"state": ["created", "approved"]})
    return batch


def export_batch(batch, actor, *, channel, fmt):
    """导出 the 批量代发 file (fmt "xlsx" or "csv") or its cover sheet ("pdf") of an approved batch.
    Returns (filename, bytes, content type). The first export marks the batch 已导出."""
    from yibao.payments import bankfiles

    with transaction.atomic():
        batch = _lock_batch(batch)
        policy.check(actor, "pay", region_id=batch.region_id)
        if batch.state == BatchState.CREATED:
            raise InvalidOrderTransition("批次须经第二名拨付人员审核后方可导出", state=batch.state)
        if fmt not in bankfiles.FORMATS:
            raise InvalidPayee("导出格式应为 xlsx、csv 或 pdf", field="format")
        orders = list(batch.orders.order_by("pk"))
        filename, content, content_type = bankfiles.FORMATS[fmt](batch, orders)
        if batch.state == BatchState.APPROVED:
            batch.state, batch.exported_by, batch.exported_at = BatchState.EXPORTED, actor, timezone.now()
            batch.save(update_fields=["state", "exported_by", "exported_at"])
        record(actor=acting_user(actor), channel=channel, action="导出批量代发文件", obj=batch,
               summary=f"{batch.batch_no} {filename} {batch.order_count}笔 {batch.total}元")
    return filename, content, content_type


def import_return(batch, content, actor, *, channel, filename=""):
    """导入回盘文件: the bank's answer for each order of the batch (paid or failed); the cases follow.
    The whole file is refused (the row named) when a line matches no order of the batch, gives a
    different amount, or contradicts a result already recorded; the same file a second time
    changes nothing. The importer is the payment confirmer: neither maker nor approver of any of
    the orders nor reviewer of their cases. Returns (ReturnImport, created)."""
    import hashlib

    from yibao.payments import bankfiles
    from yibao.payments.models import ReturnImport

    digest = hashlib.sha256(content).hexdigest()
    lines = bankfiles.parse_return(content, filename)  # refuses a malformed file before any lock
    with transaction.atomic():
        batch = _lock_batch(batch)
        policy.check(actor, "pay", region_id=batch.region_id)
        done = ReturnImport.objects.filter(batch=batch, sha256=digest).first()
        if done is not None:
            return done, False
        if batch.state not in (BatchState.EXPORTED, BatchState.SETTLED):
            raise InvalidOrderTransition("批次导出并发送银行后方可导入回盘文件", state=batch.state)
        orders = list(PaymentOrder.objects.select_for_update().filter(batch=batch).order_by("pk"))
        outcome = bankfiles.match(lines, orders)  # refuses the whole file, naming the row
        reviewers = _reviewers(orders)
        for order, _ in outcome.changes:
            _confirmer(order, actor, reviewers.get(order.case_id, set()))
        now, events = timezone.now(), []
        for order, line in outcome.changes:
            before = order.state
            order.state = OrderState.PAID if line.paid else OrderState.FAILED
            order.bank_reference = line.reference[:64]
            order.failure_reason = "" if line.paid else line.reason[:300]
            order.settled_by, order.settled_at, order.updated_at = actor, now, now
            events.append(PaymentEvent(order=order, actor=acting_user(actor), channel=channel,
                                       action=A.PAY if line.paid else A.FAIL, from_state=before, to_state=order.state,
                                       comment=(f"回盘 {line.reference}" if line.paid else line.reason)[:300]))
        update_rows([o for o, _ in outcome.changes],
                    ["state", "bank_reference", "failure_reason", "settled_by", "settled_at", "updated_at"])
        PaymentEvent.objects.bulk_create(events, batch_size=1000)
        engine.record_payments(
            [(o.case_id, line.paid, o.order_no, "" if line.paid else line.reason) for o, line in outcome.changes],
            actor, channel=channel)
        paid = sum(1 for _, line in outcome.changes if line.paid)
        imported = ReturnImport.objects.create(
            batch=batch, sha256=digest, filename=(filename or "")[:200], rows=len(lines), paid=paid,
            failed=len(outcome.changes) - paid, unchanged=outcome.unchanged, imported_by=actor)
        if not PaymentOrder.objects.filter(batch=batch, state=OrderState.APPROVED).exists():
            batch.state = BatchState.SETTLED
            batch.save(update_fields=["state"])
        record(actor=acting_user(actor), channel=channel, action="导入回盘文件", obj=batch,
               summary=f"{batch.batch_no} {filename}：成功{paid}笔，失败{imported.failed}笔，"
                       f"已处理过{outcome.unchanged}笔", changes={"sha256": digest, "rows": len(lines)})
    return imported, True


def _reviewers(orders):
    """case id -> the users who reviewed it, for the cases of `orders` (one query)."""
    return reviewers_of_cases({o.case_id for o in orders})


def disburse(case, payee, *, actor, channel):
    """The engine's disburser (cases.handlers.register_disburser)."""
    return make_order(case, payee, actor=actor, channel=channel)


def paid_orders(pairs):
    """Of [(case id, order no)], the order numbers recorded paid for that case (the engine checks
    this before a case becomes 已拨付)."""
    pairs = list(pairs)
    found = set()
    for start in range(0, len(pairs), 5000):
        chunk = pairs[start:start + 5000]
        rows = PaymentOrder.objects.filter(order_no__in=[n for _, n in chunk], state=OrderState.PAID)
        wanted = set(chunk)
        found |= {n for c, n in rows.values_list("case_id", "order_no") if (c, n) in wanted}
    return found
