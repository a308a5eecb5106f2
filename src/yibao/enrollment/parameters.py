"""Policy parameters (DESIGN.md "What the guides leave to local policy").

The guides name procedures, not numbers: contribution rates, base floor and ceiling, the
flexible workers' rate and base bounds, the years a lump-sum contribution makes up, the
statutory retirement ages. They are set per region and scheme by an administrator, as versions
with an effective date, and a case gets the version in force on its relevant date *as recorded
when the case was submitted*: a version added afterwards never changes an open or finished case.

The shipped values are samples (SAMPLE_LABEL wherever they are shown), not any region's policy.
"""
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yibao.cases.exceptions import DomainCheckFailed
from yibao.enrollment.models import Scheme

SAMPLE_LABEL = "示例参数（非正式政策）"


class ParametersMissing(DomainCheckFailed):
    """No version of the region's parameters covers the date, or it lacks the figure needed."""

    code = "parameters_missing"


def _rate(label):
    return models.DecimalField(label, max_digits=6, decimal_places=4, null=True, blank=True,
                               help_text="小数，如 0.0700 表示 7%")


def _yuan(label):
    return models.DecimalField(label, max_digits=12, decimal_places=2, null=True, blank=True, help_text="元/月")


class PolicyParameters(models.Model):
    """One version of a region's parameters for one scheme, in force from `effective_from` until
    the next version's date."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="统筹地区")
    scheme = models.CharField("险种", max_length=10, choices=Scheme.choices, default=Scheme.EMPLOYEE)
    effective_from = models.DateField("生效日期")
    employer_rate = _rate("单位缴费比例")
    personal_rate = _rate("个人缴费比例")
    base_floor = _yuan("缴费基数下限")
    base_ceiling = _yuan("缴费基数上限")
    flexible_rate = _rate("灵活就业人员缴费比例")
    flexible_base_floor = _yuan("灵活就业人员缴费基数下限")
    flexible_base_ceiling = _yuan("灵活就业人员缴费基数上限")
    lump_sum_years_male = models.PositiveSmallIntegerField("趸缴：男性最低累计缴费年限", null=True, blank=True)
    lump_sum_years_female = models.PositiveSmallIntegerField("趸缴：女性最低累计缴费年限", null=True, blank=True)
    lump_sum_base = _yuan("趸缴缴费基数")
    lump_sum_rate = _rate("趸缴缴费比例")
    retirement_age_male = models.PositiveSmallIntegerField("男性法定退休年龄", null=True, blank=True)
    retirement_age_female = models.PositiveSmallIntegerField("女性法定退休年龄", null=True, blank=True)
    notice_due_days = models.PositiveSmallIntegerField("缴费通知单缴款期限（日）", null=True, blank=True,
                                                       help_text="自通知单所属月份首日（或开具日，取较晚者）起算的自然日")
    sample = models.BooleanField(SAMPLE_LABEL, default=False, help_text="示例数值，仅供演示，不是任何地区的正式政策")
    basis = models.CharField("政策依据", max_length=300, blank=True)
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name="录入人")

    class Meta:
        verbose_name = "政策参数"
        verbose_name_plural = "政策参数"
        ordering = ["region", "scheme", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "scheme", "effective_from"], name="policy_parameters_one_per_date"),
            *[
                models.CheckConstraint(condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__gte": 0, f"{f}__lt": 1}),
                                       name=f"policy_parameters_{f}_is_a_rate")
                for f in ("employer_rate", "personal_rate", "flexible_rate", "lump_sum_rate")
            ],
            models.CheckConstraint(
                condition=Q(base_floor__isnull=True) | Q(base_ceiling__isnull=True)
                | Q(base_floor__lte=models.F("base_ceiling")),
                name="policy_parameters_base_floor_under_ceiling"),
            models.CheckConstraint(
                condition=Q(flexible_base_floor__isnull=True) | Q(flexible_base_ceiling__isnull=True)
                | Q(flexible_base_floor__lte=models.F("flexible_base_ceiling")),
                name="policy_parameters_flexible_floor_under_ceiling"),
        ]

    def __str__(self):
        label = f"（{SAMPLE_LABEL}）" if self.sample else ""
        return f"{self.region.name} {self.get_scheme_display()} 自{self.effective_from}起{label}"

    @property
    def label(self):
        """What to print beside figures taken from this version."""
        return SAMPLE_LABEL if self.sample else ""

    def need(self, field):
        """The figure `field`, or ParametersMissing naming it."""
        value = getattr(self, field)
        if value is None:
            name = self._meta.get_field(field).verbose_name
            raise ParametersMissing(f"{self}未设置“{name}”，请联系系统管理员", field=field)
        return value

    def lump_sum_years(self, sex):
        return self.need("lump_sum_years_male" if sex == "M" else "lump_sum_years_female")

    def retirement_age(self, sex):
        return self.need("retirement_age_male" if sex == "M" else "retirement_age_female")


def parameters_for(region, scheme, on, *, known_at=None):
    """The version of `region`'s parameters for `scheme` in force on `on`, among the versions
    recorded by `known_at` (a case's submission time; None: all)."""
    versions = PolicyParameters.objects.select_related("region").filter(
        region=region, scheme=scheme, effective_from__lte=on)
    if known_at is not None:
        versions = versions.filter(created_at__lte=known_at)
    found = versions.order_by("-effective_from", "-id").first()
    if found is None:
        raise ParametersMissing(
            f"{region.name}尚未设置{on:%Y年%m月%d日}适用的{Scheme(scheme).label}政策参数，请联系系统管理员",
            region=region.code, on=on.isoformat())
    return found


def month_start(value):
    return datetime.date(value.year, value.month, 1)
