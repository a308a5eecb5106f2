"""Personal accounts (个人账户) and their ledger; the remote-care filings the 划转 needs; the
parameters of withdrawal; the 参保人员基本医疗保险信息表 of a transfer.

- PersonalAccount: one per person and region. Its balance is the sum of its entries, computed
  (balance() / with_balance()), never stored: nothing can drift.
- AccountEntry: one ledger line, append-only: 划入 (+), 支取 (-), 划转 (-), 冲正 (either sign).
  Entries are written by accounts/actions.py with the account row locked.
- AccountParameters: versions, per region (or for every region), of the withdrawal threshold.
- RemoteFilingRef: a 异地就医 long-term filing as far as the 划转 needs it (the remote-care app
  does not exist yet; it will write these rows through actions.record_remote_filing).
- TransferSheet: the 信息表 the out side issues, or one imported from outside the deployment.
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from yibao.core.models import Channel
from yibao.core.money import yuan
from yibao.core.records import AppendOnly
from yibao.enrollment.models import Scheme

ZERO = Decimal("0.00")
SAMPLE_LABEL = "示例参数（非正式政策）"


class AccountQuerySet(models.QuerySet):
    def with_balance(self):
        return self.annotate(
            balance=Coalesce(Sum("entries__amount"), ZERO, output_field=models.DecimalField(max_digits=14,
                                                                                           decimal_places=2)))


class PersonalAccount(models.Model):
    """职工医保个人账户 of one person in one region."""

    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="accounts",
                               verbose_name="参保人员")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="统筹地区")
    opened_on = models.DateField("建账日期", default=timezone.localdate)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = "个人账户"
        verbose_name_plural = "个人账户"
        ordering = ["region", "person"]
        constraints = [models.UniqueConstraint(fields=["person", "region"], name="personal_account_one_per_region")]

    def __str__(self):
        return f"{self.person} {self.region.name}个人账户"

    def balance(self):
        """The sum of the entries (Decimal yuan, 2 places on every database)."""
        return yuan(self.entries.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"])


class EntryKind(models.TextChoices):
    CREDIT = "credit", "划入"  # contributions credited, a transfer received (+)
    WITHDRAWAL = "withdrawal", "支取"  # one-off withdrawal paid to the applicant (-)
    TRANSFER = "transfer", "划转"  # moved to the person's 社会保障卡 or out to another region (-)
    REVERSAL = "reversal", "冲正"  # corrects an earlier entry (either sign)


class AccountEntry(AppendOnly):
    """One ledger line; never changed (a mistake is corrected by a 冲正 entry)."""

    account = models.ForeignKey(PersonalAccount, on_delete=models.PROTECT, related_name="entries",
                                verbose_name="个人账户")
    kind = models.CharField("类型", max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, help_text="划入为正，支取、划转为负")
    on = models.DateField("记账日期")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    reference = models.CharField("凭证号", max_length=100, blank=True)
    note = models.CharField("摘要", max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name="经办人")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "个人账户明细"
        verbose_name_plural = "个人账户明细"
        ordering = ["account", "on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=EntryKind.CREDIT, amount__gt=0)
                | Q(kind__in=[EntryKind.WITHDRAWAL, EntryKind.TRANSFER], amount__lt=0)
                | (Q(kind=EntryKind.REVERSAL) & ~Q(amount=0)),
                name="account_entry_sign_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.account} {self.get_kind_display()} {self.amount}"


class AccountParameters(models.Model):
    """One version of the withdrawal parameters, for one region or (region empty) every region
    without its own. The threshold comes from the template guide (003): 异地安置 and 转出统筹范围
    may withdraw only a balance over it; empty means the region does not offer those reasons."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="统筹地区", help_text="留空则适用于未单独设置的所有地区")
    effective_from = models.DateField("生效日期")
    withdrawal_threshold = models.DecimalField(
        "一次性支取余额门槛（元）", max_digits=12, decimal_places=2, null=True, blank=True,
        help_text="异地安置、转出统筹范围人员个人账户余额超过此数方可一次性支取；留空表示不办理这两种情形")
    sample = models.BooleanField(SAMPLE_LABEL, default=False)
    basis = models.CharField("依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "个人账户参数"
        verbose_name_plural = "个人账户参数"
        ordering = ["region", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="account_parameters_one_per_date"),
            models.UniqueConstraint(fields=["effective_from"], condition=Q(region=None),
                                    name="account_parameters_default_one_per_date"),
            models.CheckConstraint(condition=Q(withdrawal_threshold=None) | Q(withdrawal_threshold__gte=0),
                                   name="account_parameters_threshold_not_negative"),
        ]

    def __str__(self):
        where = self.region.name if self.region_id else "所有地区"
        return f"{where} 自{self.effective_from}起{'（' + SAMPLE_LABEL + '）' if self.sample else ''}"


class FilingKind(models.TextChoices):
    RETIREE = "retiree", "异地安置退休人员"
    RESIDENT = "resident", "异地长期居住人员"
    WORKER = "worker", "常驻异地工作人员"


class RemoteFilingRef(models.Model):
    """A long-term 异地就医 filing of a person insured in `region`: what account-transfer checks."""

    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="remote_filings",
                               verbose_name="参保人员")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="参保地")
    kind = models.CharField("备案类型", max_length=10, choices=FilingKind.choices)
    cross_province = models.BooleanField("跨省备案")
    destination = models.CharField("就医地", max_length=100)
    reference = models.CharField("备案编号", max_length=60, unique=True)
    valid_from = models.DateField("备案生效日期")
    valid_until = models.DateField("备案截止日期", null=True, blank=True, help_text="留空表示长期有效")
    ended_on = models.DateField("取消备案日期", null=True, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="备案办件")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "异地长期备案"
        verbose_name_plural = "异地长期备案"
        ordering = ["person", "-valid_from"]

    def __str__(self):
        scope = "跨省" if self.cross_province else "省内"
        return f"{self.person} {scope}{self.get_kind_display()}备案（{self.destination}）"


class TransferSheet(AppendOnly):
    """《参保人员基本医疗保险信息表》: what the out side certifies about the person; issued once."""

    sheet_no = models.CharField("信息表编号", max_length=60, unique=True)
    out_case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="transfer_sheet", verbose_name="转出办件",
                                    help_text="从部署以外地区导入的信息表为空")
    from_region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="转出地")
    from_region_name = models.CharField("转出地名称", max_length=120)
    to_region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="转入地", help_text="转往部署以外地区时为空")
    to_region_name = models.CharField("转入地名称", max_length=120)
    id_type = models.CharField("证件类型", max_length=20)
    id_number = models.CharField("证件号码", max_length=32, db_index=True)
    name = models.CharField("姓名", max_length=100)
    sex = models.CharField("性别", max_length=1)
    birth_date = models.DateField("出生日期")
    phone = models.CharField("联系电话", max_length=20, blank=True)
    scheme = models.CharField("险种", max_length=10, choices=Scheme.choices)
    insured_from = models.DateField("转出地参保日期")
    insured_until = models.DateField("转出地终止日期")
    periods = models.JSONField("缴费年限", default=list,
                               help_text="[{year, months, ...}]：转出地记录的各年度实际缴费月数")
    account_balance = models.DecimalField("个人账户余额（元）", max_digits=14, decimal_places=2, default=ZERO)
    issued_on = models.DateField("出具日期")
    imported = models.BooleanField("外部导入", default=False)
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "参保人员基本医疗保险信息表"
        verbose_name_plural = "参保人员基本医疗保险信息表"
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return f"{self.sheet_no} {self.from_region_name}→{self.to_region_name}"

    @property
    def months(self):
        return sum(int(p.get("months", 0)) for p in self.periods)
