"""Manual reimbursement (手工（零星）报销): the claim of a case, its invoices (each number reimbursed
once across the deployment), the reviews (初审, 复核, 财务复核) with the reviewers' line adjustments,
the person's accumulated use per benefit and year, and the reimbursement parameters.

The parameters are what the guides leave to local policy (deductible, ratios by hospital level,
乙类 self-paid share, the unfiled reduction, the yearly cap): versions per region, scheme and
benefit with an effective date, applied as they stood on the date of care. Shipped values are
samples (SAMPLE_LABEL)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yibao.claims import policy
from yibao.core.models import Channel
from yibao.core.records import AppendOnly
from yibao.enrollment.models import Scheme

SAMPLE_LABEL = "示例参数（非正式政策）"


class Benefit(models.TextChoices):
    OUTPATIENT = policy.OUTPATIENT, "普通门诊"
    INPATIENT = policy.INPATIENT, "住院"
    CHRONIC = "chronic", "门诊慢特病（按病种）"


class DeductiblePer(models.TextChoices):
    YEAR = policy.PER_YEAR, "按年度"
    ADMISSION = policy.PER_ADMISSION, "按次（每次住院）"


def _ratio(label):
    return models.DecimalField(label, max_digits=5, decimal_places=4, help_text="小数，如 0.7000 表示 70%")


def _yuan(label):
    return models.DecimalField(label, max_digits=12, decimal_places=2)


class ReimbursementParameters(models.Model):
    """One version of one benefit's parameters for a region (None: every region without its own)
    and scheme, in force from `effective_from` until the next version's date."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="统筹地区", help_text="留空表示适用于未单独设置的所有地区")
    scheme = models.CharField("险种", max_length=10, choices=Scheme.choices)
    benefit = models.CharField("待遇类别", max_length=12, choices=Benefit.choices)
    disease_code = models.CharField("病种编码", max_length=30, blank=True, help_text="门诊慢特病按病种设置时填写")
    effective_from = models.DateField("生效日期")
    deductible = _yuan("起付线（元）")
    deductible_per = models.CharField("起付线计算", max_length=10, choices=DeductiblePer.choices,
                                      default=DeductiblePer.YEAR)
    ratio_level1 = _ratio("一级医疗机构支付比例")
    ratio_level2 = _ratio("二级医疗机构支付比例")
    ratio_level3 = _ratio("三级医疗机构支付比例")
    class_b_share = _ratio("乙类先行自付比例")
    unfiled_reduction = _ratio("异地就医未备案降低比例")
    yearly_cap = _yuan("年度最高支付限额（元）")
    sample = models.BooleanField(SAMPLE_LABEL, default=False, help_text="示例数值，仅供演示，不是任何地区的正式政策")
    basis = models.CharField("政策依据", max_length=300, blank=True)
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name="录入人")

    class Meta:
        verbose_name = "报销政策参数"
        verbose_name_plural = "报销政策参数"
        ordering = ["region", "scheme", "benefit", "disease_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "scheme", "benefit", "disease_code", "effective_from"],
                                    name="reimbursement_parameters_one_per_date"),
            models.UniqueConstraint(fields=["scheme", "benefit", "disease_code", "effective_from"],
                                    condition=Q(region=None), name="reimbursement_parameters_one_default_per_date"),
            *[models.CheckConstraint(condition=Q(**{f"{f}__gte": 0, f"{f}__lte": 1}),
                                     name=f"reimbursement_parameters_{f}_is_a_ratio")
              for f in ("ratio_level1", "ratio_level2", "ratio_level3", "class_b_share", "unfiled_reduction")],
            models.CheckConstraint(condition=Q(deductible__gte=0) & Q(yearly_cap__gte=0),
                                   name="reimbursement_parameters_amounts_not_negative"),
            models.CheckConstraint(condition=Q(benefit="chronic") | Q(disease_code=""),
                                   name="reimbursement_parameters_disease_only_for_chronic"),
        ]

    def __str__(self):
        return self.label

    @property
    def benefit_key(self):
        return policy.chronic(self.disease_code) if self.benefit == Benefit.CHRONIC else self.benefit

    @property
    def label(self):
        where = self.region.name if self.region_id else "各地区默认"
        what = f"门诊慢特病（{self.disease_code}）" if self.benefit == Benefit.CHRONIC else self.get_benefit_display()
        return (f"{where} {self.get_scheme_display()} {what} 自{self.effective_from}起"
                f"{'（' + SAMPLE_LABEL + '）' if self.sample else ''}")

    def tariff(self):
        return policy.Tariff(
            benefit=self.benefit_key, effective_from=self.effective_from, deductible=self.deductible,
            deductible_per=self.deductible_per, yearly_cap=self.yearly_cap, class_b_share=self.class_b_share,
            unfiled_reduction=self.unfiled_reduction, label=self.label, sample=self.sample,
            ratios={"一级": self.ratio_level1, "二级": self.ratio_level2, "三级": self.ratio_level3},
        )


class Claim(models.Model):
    """The claim of one reimbursement case: whose it is, under which scheme, the latest calculation
    (核算明细) and the amount it fixed."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="办件")
    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="+", verbose_name="参保人员")
    scheme = models.CharField("险种", max_length=10, choices=Scheme.choices)
    explanation = models.JSONField("核算明细", default=dict, blank=True)
    payable = models.DecimalField("核算应付金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    calculated_at = models.DateTimeField("核算时间", null=True, blank=True)
    fixed = models.BooleanField("已核定（计入年度累计）", default=False)

    class Meta:
        verbose_name = "报销申请"
        verbose_name_plural = "报销申请"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.person} {self.payable or '未核算'}"


class InvoiceUse(models.Model):
    """An invoice number claimed by a case. While `released` is false no other case may claim the
    same number (a database constraint, so two claims racing cannot both hold it); it is released
    only when the holding case ended without payment (不予受理, 审核不通过, 撤回)."""

    number = models.CharField("票据号码", max_length=60)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="办件")
    released = models.BooleanField("已释放", default=False)
    released_reason = models.CharField("释放原因", max_length=100, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "报销票据"
        verbose_name_plural = "报销票据"
        ordering = ["number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=Q(released=False), name="invoice_reimbursed_once"),
        ]
        indexes = [models.Index(fields=["case"])]

    def __str__(self):
        return self.number


class ClaimUse(AppendOnly):
    """What a fixed claim used of a benefit in a year: the person's accumulated deductible and
    payments are the sums of these rows over the claims still standing (approved, paid, completed)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="uses", verbose_name="报销申请")
    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="+", verbose_name="参保人员")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="办件")
    benefit = models.CharField("待遇", max_length=40)
    year = models.PositiveSmallIntegerField("年度")
    period = models.CharField("起付线计算期", max_length=60)
    deductible_used = models.DecimalField("使用起付线（元）", max_digits=12, decimal_places=2)
    paid = models.DecimalField("支付（元）", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "年度累计"
        verbose_name_plural = "年度累计"
        ordering = ["person", "year", "benefit", "id"]
        indexes = [models.Index(fields=["person", "year"])]


class ReviewLevel(models.TextChoices):
    FIRST = "first", "初审"  # a reviewer checks the lines, may admit less of a line with a reason
    SECOND = "second", "复核"  # a second reviewer: the engine's 审核通过 fixes the amount
    FINANCE = "finance", "财务复核"  # finance re-checks the invoices before 拨付 (R05)


class ClaimReview(AppendOnly):
    """One review step of a claim, with the adjustments it made (line ref -> admitted, reason)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="reviews", verbose_name="报销申请")
    level = models.CharField("审核环节", max_length=10, choices=ReviewLevel.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="审核人")
    adjustments = models.JSONField("核减", default=list, blank=True)
    payable = models.DecimalField("核算金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    comment = models.CharField("意见", max_length=500, blank=True)
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "报销审核记录"
        verbose_name_plural = "报销审核记录"
        ordering = ["claim", "at", "id"]
