"""Maternity benefits (生育保险待遇): the parameters the guides leave to local policy, the claim of
each maternity case (its 核算明细 and the amount it fixed), the once-only keys (one allowance per
person and birth), and the birth-service certificates received by data sharing (R53).

No guide gives a figure: the medical-cost tariffs and the allowance's leave days, regional
extension and daily-rate formula are parameters; the shipped ones are samples (SAMPLE_LABEL)."""
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yibao.claims import policy

SAMPLE_LABEL = "示例参数（非正式政策）"
COST_ITEMS = {"prenatal-payment": "产前检查费", "maternity-medical-payment": "生育医疗费",
              "family-planning-payment": "计划生育医疗费"}
ALLOWANCE = "maternity-allowance"
ITEMS = (*COST_ITEMS, ALLOWANCE)


def _yuan(label):
    return models.DecimalField(label, max_digits=12, decimal_places=2)


def _ratio(label):
    return models.DecimalField(label, max_digits=5, decimal_places=4, help_text="小数，如 1.0000 表示 100%")


class MaternityTariff(models.Model):
    """One version of the payment parameters of a maternity cost item for a region (None: every
    region without its own), in force from `effective_from` (applied as on the date of care). The
    policy engine (claims.policy) computes with them exactly as with reimbursement parameters."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="统筹地区", help_text="留空表示适用于未单独设置的所有地区")
    item_code = models.CharField("事项", max_length=40, choices=[(k, v) for k, v in COST_ITEMS.items()])
    effective_from = models.DateField("生效日期")
    deductible = _yuan("起付线（元）")
    ratio_level1 = _ratio("一级医疗机构支付比例")
    ratio_level2 = _ratio("二级医疗机构支付比例")
    ratio_level3 = _ratio("三级医疗机构支付比例")
    class_b_share = _ratio("乙类先行自付比例")
    yearly_cap = _yuan("年度最高支付限额（元）")
    sample = models.BooleanField(SAMPLE_LABEL, default=False)
    basis = models.CharField("政策依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "生育医疗费用支付参数"
        verbose_name_plural = "生育医疗费用支付参数"
        ordering = ["region", "item_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "item_code", "effective_from"], name="maternity_tariff_one_per_date"),
            models.UniqueConstraint(fields=["item_code", "effective_from"], condition=Q(region=None),
                                    name="maternity_tariff_one_default_per_date"),
            *[models.CheckConstraint(condition=Q(**{f"{f}__gte": 0, f"{f}__lte": 1}), name=f"maternity_tariff_{f}_ratio")
              for f in ("ratio_level1", "ratio_level2", "ratio_level3", "class_b_share")],
            models.CheckConstraint(condition=Q(deductible__gte=0) & Q(yearly_cap__gte=0),
                                   name="maternity_tariff_amounts_not_negative"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        where = self.region.name if self.region_id else "各地区默认"
        return f"{where} {COST_ITEMS.get(self.item_code, self.item_code)} 自{self.effective_from}起" + (
            f"（{SAMPLE_LABEL}）" if self.sample else "")

    def tariff(self):
        return policy.Tariff(
            benefit=COST_ITEMS[self.item_code], effective_from=self.effective_from, deductible=self.deductible,
            yearly_cap=self.yearly_cap, class_b_share=self.class_b_share, label=self.label, sample=self.sample,
            ratios={"一级": self.ratio_level1, "二级": self.ratio_level2, "三级": self.ratio_level3})


class AllowanceParameters(models.Model):
    """生育津贴 parameters of a region (None: every region without its own) from a date: the leave
    days (女职工劳动保护特别规定 art. 7), the regional extension (Sichuan's 60 days; whether the fund
    pays them differs between cities) and the daily-rate formula (monthly wage × months ÷ days)."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="统筹地区", help_text="留空表示适用于未单独设置的所有地区")
    effective_from = models.DateField("生效日期")
    base_days = models.PositiveSmallIntegerField("产假天数", default=98)
    difficult_days = models.PositiveSmallIntegerField("难产增加天数", default=15)
    per_extra_baby_days = models.PositiveSmallIntegerField("多胞胎每多生育1个婴儿增加天数", default=15)
    miscarriage_early_days = models.PositiveSmallIntegerField("怀孕未满4个月流产天数", default=15)
    miscarriage_late_days = models.PositiveSmallIntegerField("怀孕满4个月流产天数", default=42)
    regional_extra_days = models.PositiveSmallIntegerField("地方延长生育假天数", default=0)
    regional_extra_paid = models.BooleanField("延长天数由基金支付津贴", default=False)
    regional_extra_basis = models.CharField("延长依据", max_length=200, blank=True)
    rate_months = models.PositiveSmallIntegerField("日津贴公式：月平均工资×", default=12)
    rate_days = models.PositiveSmallIntegerField("日津贴公式：÷天数", default=365)
    sample = models.BooleanField(SAMPLE_LABEL, default=False)
    basis = models.CharField("政策依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "生育津贴参数"
        verbose_name_plural = "生育津贴参数"
        ordering = ["region", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="allowance_parameters_one_per_date"),
            models.UniqueConstraint(fields=["effective_from"], condition=Q(region=None),
                                    name="allowance_parameters_one_default_per_date"),
            models.CheckConstraint(condition=Q(rate_months__gt=0) & Q(rate_days__gt=0),
                                   name="allowance_parameters_rate_positive"),
        ]

    def __str__(self):
        where = self.region.name if self.region_id else "各地区默认"
        return f"{where} 生育津贴参数 自{self.effective_from}起" + (f"（{SAMPLE_LABEL}）" if self.sample else "")


class SharedBirthCertificate(models.Model):
    """生育服务证 received from the health commission by data sharing (R53: the office first tries
    to obtain it from other departments; only then does the applicant provide it, else a 承诺书)."""

    id_number = models.CharField("证件号码", max_length=32, db_index=True)
    number = models.CharField("生育服务证编号", max_length=40)
    issued_on = models.DateField("登记日期")
    source = models.CharField("共享来源", max_length=100)
    received_at = models.DateTimeField("接收时间", default=timezone.now)

    class Meta:
        verbose_name = "生育服务证（数据共享）"
        verbose_name_plural = "生育服务证（数据共享）"
        constraints = [models.UniqueConstraint(fields=["id_number", "number"], name="shared_birth_certificate_once")]

    def __str__(self):
        return self.number


class MaternityClaim(models.Model):
    """The claim of one maternity case: whose it is, the latest 核算明细 and the amount it fixed."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="办件")
    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="+", verbose_name="参保人员")
    employer = models.ForeignKey("enrollment.Employer", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="参保单位")
    item_code = models.CharField("事项", max_length=40)
    explanation = models.JSONField("核算明细", default=dict, blank=True)
    payable = models.DecimalField("核算应付金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    fixed = models.BooleanField("已核定", default=False)
    calculated_at = models.DateTimeField("核算时间", null=True, blank=True)

    class Meta:
        verbose_name = "生育待遇申请"
        verbose_name_plural = "生育待遇申请"
        ordering = ["-id"]
        indexes = [models.Index(fields=["person", "item_code"])]

    def __str__(self):
        return f"{self.person} {self.item_code} {self.payable or '未核算'}"


class BenefitKey(models.Model):
    """What may be paid once (the allowance of one person for one birth), held by a case. While
    not released no other case may hold the same key: a database constraint, so a bundle sent
    twice (or two offices at once) cannot both claim it; released when the holder ended unpaid."""

    key = models.CharField("待遇标识", max_length=120)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="办件")
    released = models.BooleanField("已释放", default=False)
    released_reason = models.CharField("释放原因", max_length=100, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "待遇占用"
        verbose_name_plural = "待遇占用"
        constraints = [models.UniqueConstraint(fields=["key"], condition=Q(released=False), name="maternity_benefit_once")]
        indexes = [models.Index(fields=["case"])]

    def __str__(self):
        return self.key
