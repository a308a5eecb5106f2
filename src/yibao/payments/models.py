"""Disbursement orders (支付指令): the generic core every paying item uses.

A PaymentOrder pays one case's approved amount to one payee account. It moves
created -> approved -> paid | failed, or is cancelled before it is paid, under the maker-checker
rule: whoever created or approved it is not who marks it paid (or failed); the case's own
reviewer never made it either (the engine's 拨付 rule). A case has at most one order: a unique
constraint says so, whatever the race.
Batches and bank files come later; PaymentEvent keeps every step.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from yibao.core.machine import Machine
from yibao.core.masking import mask_bank_account, mask_name
from yibao.core.models import Channel
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
            # Never two orders for one case, whatever the race.
            models.UniqueConstraint(fields=["case"], name="payment_order_one_per_case"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_order_amount_positive"),
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
