"""Disbursement orders (支付指令): the generic core every paying item uses.

A PaymentOrder pays one case's approved amount to one payee account. It moves
created -> approved -> paid | failed, or is cancelled before it is paid, under the three-person
rule (制单 / 复核 / 支付确认): the maker does not approve it, neither confirms its result, and
the case's reviewer does none of the three. A failed or cancelled order is followed by a
re-issued one linked to it; a case never has two live orders nor two paid ones (partial unique
constraints say so, whatever the race).

A PaymentBatch groups approved orders of one region, account kind and bank for the bank's
批量代发 file; a second payer approves it; the bank's return file (ReturnImport) settles its
orders. PaymentEvent keeps every step of an order.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from yibao.core.machine import Machine
from yibao.core.masking import mask_bank_account, mask_name
from yibao.core.models import Channel
from yibao.core.money import MAX_AMOUNT
from yibao.core.records import AppendOnly
from yibao.payments.exceptions import InvalidOrderTransition


class AccountKind(models.TextChoices):
    BANK = "bank", "银行账户"  # a bank account the applicant names (withdrawal, reimbursement)
    SOCIAL_SECURITY_CARD = "ssc", "社会保障卡金融账户"  # the insured person's own card (划转, 救助)
    EMPLOYER = "employer", "单位银行账户"  # the employer's account (生育津贴, unit as agent)


class OrderState(models.TextChoices):
    CREATED = "created", "已生成"  # made at 拨付 from the approved amount; waits for the checker
    APPROVED = "approved", "已复核"  # checked by a second person; may be sent to the bank
    PAID = "paid", "已支付"  # the bank confirmed the payment (final)
    FAILED = "failed", "支付失败"  # the bank refused or returned it (final; the reason is kept)
    CANCELLED = "cancelled", "已作废"  # withdrawn before payment (final)


class OrderAction(models.TextChoices):
    CREATE = "create", "生成支付指令"
    APPROVE = "approve", "复核"
    PAY = "pay", "确认支付"
    FAIL = "fail", "支付失败"
    CANCEL = "cancel", "作废"


# (state, action) -> the state it leads to: the one table of allowed moves.
TRANSITIONS = {
    (OrderState.CREATED, OrderAction.APPROVE): OrderState.APPROVED,
    (OrderState.CREATED, OrderAction.CANCEL): OrderState.CANCELLED,
    (OrderState.APPROVED, OrderAction.PAY): OrderState.PAID,
    (OrderState.APPROVED, OrderAction.FAIL): OrderState.FAILED,
    (OrderState.APPROVED, OrderAction.CANCEL): OrderState.CANCELLED,
}
ORDERS = Machine(
    TRANSITIONS, error=InvalidOrderTransition,
    refusal=lambda state, action: f"支付指令当前为“{OrderState(state).label}”，不能{OrderAction(action).label}",
)


# An order that still pays or has paid: a case has at most one.
LIVE_STATES = (OrderState.CREATED, OrderState.APPROVED, OrderState.PAID)


class BatchState(models.TextChoices):
    CREATED = "created", "待审核"  # grouped by one payer; a second must approve it
    APPROVED = "approved", "已审核"  # approved as a whole; may be exported for the bank
    EXPORTED = "exported", "已导出"  # the 批量代发 file was produced; waits for the bank's return file
    SETTLED = "settled", "已对账"  # every order paid or failed (final)


class PaymentBatch(models.Model):
    """批次: approved orders of one region, account kind and bank, sent to the bank in one file."""

    batch_no = models.CharField("批次号", max_length=40, unique=True)
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="payment_batches",
                               verbose_name="地区")
    account_kind = models.CharField("账户类型", max_length=10, choices=AccountKind.choices)
    bank_name = models.CharField("开户银行", max_length=100, blank=True)
    state = models.CharField("状态", max_length=12, choices=BatchState.choices, default=BatchState.CREATED)
    order_count = models.PositiveIntegerField("笔数")
    total = models.DecimalField("总金额（元）", max_digits=16, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="组批人")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="批次审核人")
    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="导出人")
    created_at = models.DateTimeField("组批时间", auto_now_add=True)
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    exported_at = models.DateTimeField("导出时间", null=True, blank=True)

    class Meta:
        verbose_name = "支付批次"
        verbose_name_plural = "支付批次"
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(order_count__gt=0, total__gt=0), name="batch_not_empty")]

    def __str__(self):
        return f"{self.batch_no} {self.order_count}笔 {self.total}元（{self.get_state_display()}）"


class PaymentOrder(models.Model):
    """支付指令: pay `amount` of `case` to one account."""

    order_no = models.CharField("支付指令号", max_length=52, unique=True, help_text="ZF- 加办件受理编号")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="payment_orders",
                             verbose_name="办件")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="payment_orders",
                               verbose_name="地区")
    payee_name = models.CharField("收款人", max_length=200)
    account_kind = models.CharField("账户类型", max_length=10, choices=AccountKind.choices)
    account_no = models.CharField("收款账号", max_length=40)
    bank_name = models.CharField("开户银行", max_length=100, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    purpose = models.CharField("用途", max_length=200)
    state = models.CharField("状态", max_length=12, choices=OrderState.choices, default=OrderState.CREATED)
    bank_reference = models.CharField("银行流水号", max_length=64, blank=True)
    failure_reason = models.CharField("失败原因", max_length=300, blank=True)
    reissue_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="reissued_as", verbose_name="重新生成自",
                                      help_text="支付失败或作废后重新生成的指令，指向原指令")
    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="orders",
                              verbose_name="批次")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="制单人")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="复核人")
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="支付确认人")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    approved_at = models.DateTimeField("复核时间", null=True, blank=True)
    settled_at = models.DateTimeField("支付结果时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "支付指令"
        verbose_name_plural = "支付指令"
        ordering = ["-created_at", "-id"]
        constraints = [
            # Never two live orders for one case, and never two paid ones, whatever the race.
            models.UniqueConstraint(fields=["case"], condition=Q(state__in=LIVE_STATES),
                                    name="payment_order_one_live_per_case"),
            models.UniqueConstraint(fields=["case"], condition=Q(state=OrderState.PAID),
                                    name="payment_order_one_paid_per_case"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_order_amount_positive"),
            models.CheckConstraint(condition=Q(amount__lte=MAX_AMOUNT), name="payment_order_amount_in_range"),
        ]
        indexes = [models.Index(fields=["region", "state"])]

    def __str__(self):
        return f"{self.order_no} {self.masked_payee} {self.amount}元（{self.get_state_display()}）"

    @property
    def masked_account(self):
        return mask_bank_account(self.account_no)

    @property
    def masked_payee(self):
        return mask_name(self.payee_name)

    def as_display(self):
        """What a screen or the API shows: the account masked."""
        return {
            "order_no": self.order_no,
            "state": self.state,
            "state_label": self.get_state_display(),
            "payee": self.payee_name,
            "account_kind": self.get_account_kind_display(),
            "account": self.masked_account,
            "bank_name": self.bank_name,
            "amount": str(self.amount),
            "purpose": self.purpose,
        }


class ReturnImport(models.Model):
    """One bank return file (回盘文件) imported for a batch. The same file (by its SHA-256) is
    imported once: a second import changes nothing."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="returns", verbose_name="批次")
    sha256 = models.CharField("文件摘要", max_length=64)
    filename = models.CharField("文件名", max_length=200, blank=True)
    rows = models.PositiveIntegerField("行数")
    paid = models.PositiveIntegerField("成功笔数")
    failed = models.PositiveIntegerField("失败笔数")
    unchanged = models.PositiveIntegerField("已处理过的笔数", default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="导入人（支付确认人）")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "回盘文件"
        verbose_name_plural = "回盘文件"
        ordering = ["batch", "imported_at", "id"]
        constraints = [models.UniqueConstraint(fields=["batch", "sha256"], name="return_file_once_per_batch")]

    def __str__(self):
        return f"{self.batch.batch_no} {self.filename}（成功{self.paid}笔，失败{self.failed}笔）"


class PaymentEvent(AppendOnly):
    """One step of an order's history; never changed."""

    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="events",
                              verbose_name="支付指令")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name="操作人")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    action = models.CharField("操作", max_length=10, choices=OrderAction.choices)
    from_state = models.CharField("原状态", max_length=12, choices=OrderState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=12, choices=OrderState.choices)
    comment = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "支付指令记录"
        verbose_name_plural = "支付指令记录"
        ordering = ["order", "at", "id"]

    def __str__(self):
        return f"{self.order.order_no} {self.get_action_display()}"
