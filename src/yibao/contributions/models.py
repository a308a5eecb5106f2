"""The contributions register.

- ContributionBase: the base an employer declared for one employee for one year (参保单位缴费
  基数申报). One per employer, person and year: a second declaration for the year is refused.
- Assessment: what is owed for one person for one month (核定), by an employer or by the person
  as a flexible worker, with the base, the rates and the amounts as applied (so a later version
  of the parameters never changes it) and the parameters version it came from.
- PaymentNotice (缴费通知单): a numbered demand to one payer (an employer or a person) with its
  lines, total and due date; paying it pays its assessments.
- ContributionPeriod: contribution time recorded other than by paid assessments: history taken
  over from before the system, years made up by 趸缴, years carried over by a transfer.
- Certificate (《参保凭证》): what the register said about a person on the day it was issued,
  kept as issued, with an unguessable verification code anyone holding the paper can check on
  the public site (电子证照). ECredential (医保电子凭证): one active per person.

A person's contribution time = distinct months of paid assessments + months of their periods.
Every change goes through contributions/actions.py (credentials: credential_actions.py).

The tables keep the names they had when these models were part of the enrollment app
(migration contributions 0001 moved them without touching the data).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from yibao.core.masking import mask_id_number, mask_name
from yibao.core.money import yuan
from yibao.core.records import AppendOnly, new_verify_code
from yibao.enrollment.models import Scheme

AMOUNT = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 6, "decimal_places": 4}


class ContributionBase(AppendOnly):
    """缴费基数: declared by the employer, per employee and year (monthly base, yuan)."""

    employer = models.ForeignKey("enrollment.Employer", on_delete=models.PROTECT, related_name="declared_bases",
                                 verbose_name="参保单位")
    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="declared_bases",
                               verbose_name="职工")
    year = models.PositiveSmallIntegerField("年度")
    base = models.DecimalField("月缴费基数（元）", **AMOUNT)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    declared_at = models.DateTimeField("申报时间", default=timezone.now)

    class Meta:
        db_table = "enrollment_contributionbase"
        verbose_name = "缴费基数申报"
        verbose_name_plural = "缴费基数申报"
        ordering = ["employer", "-year", "person"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "person", "year"], name="contribution_base_one_per_year"),
            models.CheckConstraint(condition=Q(base__gt=0), name="contribution_base_positive"),
        ]

    def __str__(self):
        return f"{self.employer.name} {self.person} {self.year}年 {self.base}元"


class NoticeKind(models.TextChoices):
    FLEXIBLE = "flexible", "灵活就业人员缴费"  # months a flexible worker applied for
    EMPLOYER = "employer", "单位缴费"  # one month of an employer's assessed contributions
    LUMP_SUM = "lump_sum", "趸缴"  # the years a person is short at retirement


class NoticeState(models.TextChoices):
    ISSUED = "issued", "待缴费"  # issued, not yet paid
    PAID = "paid", "已缴费"  # paid in full; its assessments are paid
    CANCELLED = "cancelled", "已作废"  # withdrawn; its assessments are cancelled


class PaymentNotice(models.Model):
    """缴费通知单."""

    number = models.CharField("通知单编号", max_length=48, unique=True)
    kind = models.CharField("类别", max_length=10, choices=NoticeKind.choices)
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="参保地")
    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="payment_notices", verbose_name="缴费人")
    employer = models.ForeignKey("enrollment.Employer", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="payment_notices", verbose_name="缴费单位")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    period_from = models.DateField("费款所属期起", null=True, blank=True)
    period_to = models.DateField("费款所属期止", null=True, blank=True)
    items = models.JSONField("明细", default=list, help_text="每行：项目、基数、比例、金额（元，字符串）")
    total = models.DecimalField("应缴金额（元）", **AMOUNT)
    issued_on = models.DateField("开具日期")
    due_on = models.DateField("缴款期限")
    state = models.CharField("状态", max_length=10, choices=NoticeState.choices, default=NoticeState.ISSUED)
    paid_on = models.DateField("缴费日期", null=True, blank=True)
    payment_reference = models.CharField("缴费凭证号", max_length=100, blank=True)
    parameters_label = models.CharField("参数说明", max_length=40, blank=True,
                                        help_text="据示例参数计算的，注明“示例参数（非正式政策）”")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        db_table = "enrollment_paymentnotice"
        verbose_name = "缴费通知单"
        verbose_name_plural = "缴费通知单"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=(Q(person=None) & ~Q(employer=None)) | (~Q(person=None) & Q(employer=None)),
                                   name="payment_notice_one_payer"),
            models.CheckConstraint(condition=Q(total__gte=0), name="payment_notice_total_not_negative"),
            # One 趸缴 notice open per person: a second would demand the same years twice.
            models.UniqueConstraint(fields=["person"], condition=Q(kind=NoticeKind.LUMP_SUM, state=NoticeState.ISSUED),
                                    name="payment_notice_one_open_lump_sum"),
        ]
        indexes = [models.Index(fields=["employer", "state"]), models.Index(fields=["person", "state"])]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()} {self.total}元（{self.get_state_display()}）"

    @property
    def payer_name(self):
        return self.employer.name if self.employer_id else self.person.name


class AssessmentState(models.TextChoices):
    ASSESSED = "assessed", "已核定"  # owed, on an issued payment notice
    PAID = "paid", "已缴费"  # its notice was paid: the month counts towards contribution years
    CANCELLED = "cancelled", "已作废"  # its notice was cancelled


LIVE_ASSESSMENTS = (AssessmentState.ASSESSED, AssessmentState.PAID)


class Assessment(models.Model):
    """核定: one person's contribution for one month (employee scheme)."""

    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="assessments",
                               verbose_name="参保人员")
    employer = models.ForeignKey("enrollment.Employer", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assessments", verbose_name="参保单位",
                                 help_text="空表示以灵活就业人员身份缴费")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="参保地")
    month = models.DateField("费款所属期", help_text="该月1日")
    base = models.DecimalField("缴费基数（元）", **AMOUNT)
    employer_rate = models.DecimalField("单位缴费比例", **RATE)
    personal_rate = models.DecimalField("个人缴费比例", **RATE)
    employer_amount = models.DecimalField("单位缴费（元）", **AMOUNT)
    personal_amount = models.DecimalField("个人缴费（元）", **AMOUNT)
    amount = models.DecimalField("应缴合计（元）", **AMOUNT)
    parameters = models.ForeignKey("enrollment.PolicyParameters", on_delete=models.PROTECT, related_name="assessments",
                                   verbose_name="适用参数版本")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    notice = models.ForeignKey(PaymentNotice, on_delete=models.PROTECT, related_name="assessments",
                               verbose_name="缴费通知单")
    state = models.CharField("状态", max_length=10, choices=AssessmentState.choices, default=AssessmentState.ASSESSED)
    paid_on = models.DateField("缴费日期", null=True, blank=True)

    class Meta:
        db_table = "enrollment_assessment"
        verbose_name = "缴费核定"
        verbose_name_plural = "缴费核定"
        ordering = ["person", "month", "id"]
        constraints = [
            # A month is owed once, whoever pays it.
            models.UniqueConstraint(fields=["person", "month"], condition=Q(state__in=LIVE_ASSESSMENTS),
                                    name="assessment_one_per_person_month"),
            models.CheckConstraint(condition=Q(amount=models.F("employer_amount") + models.F("personal_amount")),
                                   name="assessment_amount_is_the_sum"),
        ]
        indexes = [models.Index(fields=["person", "state"]), models.Index(fields=["employer", "month"])]

    def __str__(self):
        return f"{self.person} {self.month:%Y-%m} {self.amount}元（{self.get_state_display()}）"


class PeriodSource(models.TextChoices):
    RECORDED = "recorded", "历史缴费记录"  # taken over from the records before this system (incl. 视同缴费)
    LUMP_SUM = "lump_sum", "趸缴"  # years made up by a paid lump-sum notice
    TRANSFER_IN = "transfer_in", "转移接续转入"  # carried over from another region


class ContributionPeriod(AppendOnly):
    """Contribution time recorded otherwise than by a paid assessment."""

    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="contribution_periods",
                               verbose_name="参保人员")
    scheme = models.CharField("险种", max_length=10, choices=Scheme.choices, default=Scheme.EMPLOYEE)
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="记录地区")
    source = models.CharField("来源", max_length=12, choices=PeriodSource.choices)
    months = models.PositiveIntegerField("缴费月数")
    start_month = models.DateField("起始月份", null=True, blank=True)
    end_month = models.DateField("截止月份", null=True, blank=True)
    origin = models.CharField("来源说明", max_length=200, blank=True, help_text="转出地、原记录来源等")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    notice = models.ForeignKey(PaymentNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="缴费通知单")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name="经办人")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        db_table = "enrollment_contributionperiod"
        verbose_name = "缴费年限记录"
        verbose_name_plural = "缴费年限记录"
        ordering = ["person", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(months__gt=0), name="contribution_period_months_positive"),
            models.CheckConstraint(condition=Q(start_month=None) | Q(end_month=None)
                                   | Q(end_month__gte=models.F("start_month")),
                                   name="contribution_period_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.person} {self.get_source_display()} {self.months}个月"


# ---------------------------------------------------------------- credentials
class Certificate(AppendOnly):
    """参保凭证 as issued. `content` holds the certified facts (never recomputed)."""

    number = models.CharField("凭证编号", max_length=48, unique=True)
    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="certificates",
                               verbose_name="参保人员")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="出具地区")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    content = models.JSONField("凭证内容", default=dict)
    verify_code = models.CharField("核验码", max_length=32, unique=True, default=new_verify_code, editable=False)
    issued_at = models.DateTimeField("出具时间", default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="出具人")

    class Meta:
        db_table = "enrollment_certificate"
        verbose_name = "参保凭证"
        verbose_name_plural = "参保凭证"
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return f"{self.number} {mask_name(self.content.get('name', ''))}"

    @property
    def masked_id(self):
        return mask_id_number(self.content.get("id_number", ""))


class CredentialStatus(models.TextChoices):
    ACTIVE = "active", "已激活"  # in use
    REVOKED = "revoked", "已注销"  # ended (death, replaced); kept as history


class ECredential(models.Model):
    """医保电子凭证."""

    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="e_credentials",
                               verbose_name="参保人员")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="参保地")
    number = models.CharField("凭证号", max_length=40, unique=True)
    status = models.CharField("状态", max_length=10, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    activated_at = models.DateTimeField("激活时间", default=timezone.now)
    revoked_at = models.DateTimeField("注销时间", null=True, blank=True)

    class Meta:
        db_table = "enrollment_ecredential"
        verbose_name = "医保电子凭证"
        verbose_name_plural = "医保电子凭证"
        ordering = ["-activated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status=CredentialStatus.ACTIVE),
                                    name="e_credential_one_active_per_person"),
        ]

    def __str__(self):
        return f"{self.person} {self.get_status_display()}"

    @property
    def masked_number(self):
        return mask_credential_number(self.number)


def mask_credential_number(number):
    """An e-credential number as a record shows it."""
    return mask_id_number(number)


# ---------------------------------------------------------------- reading


def amounts(base, employer_rate, personal_rate):
    """(employer, personal, total) for one month, each rounded to the fen."""
    employer = yuan(base * employer_rate)
    personal = yuan(base * personal_rate)
    return employer, personal, employer + personal


def paid_months(person, scheme=Scheme.EMPLOYEE):
    # Assessments are employee-scheme contributions; residents pay yearly and count no months here.
    if scheme != Scheme.EMPLOYEE:
        return 0
    return person.assessments.filter(state=AssessmentState.PAID).values("month").distinct().count()


def contribution_months(person, scheme=Scheme.EMPLOYEE):
    """The person's contribution time in months: paid assessments plus recorded periods."""
    recorded = person.contribution_periods.filter(scheme=scheme).aggregate(m=Sum("months"))["m"] or 0
    return paid_months(person, scheme) + recorded


def contribution_summary(person, scheme=Scheme.EMPLOYEE):
    """{"months", "years", "rest_months", "by_source": {label: months}} for display, a 参保凭证 or
    a transfer (the transfer engineer carries `months` over)."""
    # order_by(): the model's ordering would join the person and group by it too.
    periods = person.contribution_periods.filter(scheme=scheme).order_by().values_list("source").annotate(m=Sum("months"))
    return summarise_contributions(paid_months(person, scheme), periods)


def summarise_contributions(paid, periods):
    """contribution_summary's answer from the months paid here and (source, months) per recorded
    source (a reader that fetched both its own way, e.g. the person's record)."""
    by_source = {"本系统缴费记录": paid}
    for source, months in periods:
        by_source[PeriodSource(source).label] = months
    months = sum(by_source.values())
    return {"months": months, "years": months // 12, "rest_months": months % 12,
            "text": years_text(months), "by_source": {k: v for k, v in by_source.items() if v}}


def years_text(months):
    years, rest = divmod(months, 12)
    if not rest:
        return f"{years}年"
    return f"{years}年{rest}个月" if years else f"{rest}个月"


# ---------------------------------------------------------------- residents' yearly contributions


class ResidentContribution(models.Model):
    """城乡居民医保个人缴费: what a resident owes for a year of cover and what was paid (the tax
    office's collection, recorded here). Paid in full when `paid` reaches `due`; the medical-aid
    subsidy (免申即享) is refunded only then. One row per person and year (a constraint)."""

    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="resident_contributions",
                               verbose_name="参保人员")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="参保地")
    year = models.PositiveSmallIntegerField("待遇年度")
    due = models.DecimalField("应缴金额（元）", **AMOUNT)
    paid = models.DecimalField("已缴金额（元）", **AMOUNT)
    paid_on = models.DateField("缴费日期", null=True, blank=True)
    reference = models.CharField("缴费凭证号", max_length=100, blank=True)
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "城乡居民个人缴费"
        verbose_name_plural = "城乡居民个人缴费"
        ordering = ["person", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="resident_contribution_one_per_year"),
            models.CheckConstraint(condition=Q(due__gt=0) & Q(paid__gte=0), name="resident_contribution_amounts"),
        ]
        indexes = [models.Index(fields=["region", "year"])]

    def __str__(self):
        return f"{self.person} {self.year}年 应缴{self.due}元 已缴{self.paid}元"

    @property
    def paid_in_full(self):
        return self.paid >= self.due
