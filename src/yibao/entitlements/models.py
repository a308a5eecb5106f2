"""Disease entitlements (待遇认定): the disease lists per region and scheme, the entitlement register
and its history, and the expert pool that reviews recognitions (R04).

A disease list entry is a policy parameter: the guides name the procedure, not the diseases, their
documents or how long a recognition lasts. The shipped entries are samples (SAMPLE_LABEL)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yibao.core.models import Channel
from yibao.core.records import AppendOnly
from yibao.enrollment.models import Scheme

SAMPLE_LABEL = "示例参数（非正式政策）"
LEVELS = (("一级", "一级"), ("二级", "二级"), ("三级", "三级"))


class DiseaseKind(models.TextChoices):
    """Which recognition item a disease belongs to (the value is the item code)."""

    CHRONIC = "chronic-disease", "门诊慢特病"
    TWO_DISEASES = "two-diseases", "城乡居民“两病”"
    SPECIAL_DRUGS = "special-drugs", "单行支付药品、高值药品支付管理病种"


class Disease(models.Model):
    """One entry of a region's disease list for one scheme, in force from `effective_from` (a later
    entry of the same code replaces it from its date). region=None: every region without its own."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="统筹地区", help_text="留空表示适用于未单独设置的所有地区")
    scheme = models.CharField("险种", max_length=10, choices=Scheme.choices)
    kind = models.CharField("认定事项", max_length=20, choices=DiseaseKind.choices)
    code = models.CharField("病种编码", max_length=30)
    name = models.CharField("病种名称", max_length=100)
    documents = models.JSONField("所需病历资料", default=list, blank=True,
                                 help_text="每项一个名称，如“出院记录或诊断证明”“检验检查报告”")
    validity_months = models.PositiveSmallIntegerField("认定有效期（月）", help_text="自认定之日起计算")
    min_level = models.CharField("病历资料出具机构最低级别", max_length=4, choices=LEVELS, blank=True,
                                 help_text="如“二级”表示须为二级及以上协议定点医疗机构；留空不限")
    public_only = models.BooleanField("须为公立医疗机构", default=False)
    effective_from = models.DateField("生效日期")
    active = models.BooleanField("可申请认定", default=True, help_text="取消勾选即自生效日期起停止受理该病种")
    sample = models.BooleanField(SAMPLE_LABEL, default=False)
    basis = models.CharField("政策依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "认定病种"
        verbose_name_plural = "认定病种目录"
        ordering = ["kind", "code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "scheme", "code", "effective_from"],
                                    name="disease_one_version_per_date"),
            models.UniqueConstraint(fields=["scheme", "code", "effective_from"], condition=Q(region=None),
                                    name="disease_one_default_version_per_date"),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}，{self.get_scheme_display()}）{'（' + SAMPLE_LABEL + '）' if self.sample else ''}"


class EntitlementStatus(models.TextChoices):
    ACTIVE = "active", "有效"  # recognised; pays under the disease's parameters between its dates
    REVOKED = "revoked", "已撤销"  # withdrawn by the agency before its end (with reason)
    SUPERSEDED = "superseded", "已续认定"  # replaced by a later recognition of the same disease


class Entitlement(models.Model):
    """The entitlement register: a person recognised for a disease, from a date to a date."""

    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="entitlements",
                               verbose_name="参保人员")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="统筹地区")
    scheme = models.CharField("险种", max_length=10, choices=Scheme.choices)
    kind = models.CharField("认定事项", max_length=20, choices=DiseaseKind.choices)
    disease = models.ForeignKey(Disease, on_delete=models.PROTECT, related_name="+", verbose_name="病种")
    disease_code = models.CharField("病种编码", max_length=30)
    valid_from = models.DateField("待遇起始日期")
    valid_to = models.DateField("待遇终止日期")
    provider_name = models.CharField("认定（病历出具）医疗机构", max_length=200)
    provider_code = models.CharField("定点医药机构编码", max_length=12, blank=True,
                                     help_text="登记簿中有该机构的填写；空表示按申报信息认定")
    provider_level = models.CharField("医疗机构级别", max_length=4, choices=LEVELS, blank=True,
                                      help_text="空：登记簿中为未定级")
    status = models.CharField("状态", max_length=12, choices=EntitlementStatus.choices, default=EntitlementStatus.ACTIVE)
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="认定办件")
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "待遇认定登记"
        verbose_name_plural = "待遇认定登记簿"
        ordering = ["person", "disease_code", "-valid_from"]
        constraints = [
            # one recognition in force per person and disease, whatever the race
            models.UniqueConstraint(fields=["person", "disease_code"], condition=Q(status="active"),
                                    name="entitlement_one_active_per_disease"),
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="entitlement_ends_after_start"),
        ]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self):
        return f"{self.person} {self.disease.name} {self.valid_from}至{self.valid_to}（{self.get_status_display()}）"

    def covers(self, on):
        return self.status == EntitlementStatus.ACTIVE and self.valid_from <= on <= self.valid_to


class RecognitionSite(models.Model):
    """A hospital the region's agency named for recognising one kind of disease (R44: 两病定点申办医疗
    机构; 医疗保障部门确定的认定医疗机构, 名单以医保局官网为准). Where a region lists sites for a kind,
    a recognition of that kind must come from one of them; where it lists none, the level rule
    (R43: 二级及以上定点) alone applies. A policy parameter: none are shipped."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="统筹地区")
    kind = models.CharField("认定事项", max_length=20, choices=DiseaseKind.choices)
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="认定医疗机构")
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("终止日期", null=True, blank=True, help_text="留空表示长期有效")
    basis = models.CharField("依据（公布名单的文件或网址）", max_length=300, blank=True)
    sample = models.BooleanField(SAMPLE_LABEL, default=False)

    class Meta:
        verbose_name = "认定医疗机构"
        verbose_name_plural = "认定医疗机构名单"
        ordering = ["region", "kind", "provider"]
        constraints = [
            models.UniqueConstraint(fields=["region", "kind", "provider", "valid_from"], name="recognition_site_once"),
            models.CheckConstraint(condition=Q(valid_to=None) | Q(valid_to__gte=models.F("valid_from")),
                                   name="recognition_site_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.region} {self.get_kind_display()} {self.provider.name}"


class EntitlementHistory(AppendOnly):
    """Every change of the register: recognised, renewed (superseded), revoked."""

    entitlement = models.ForeignKey(Entitlement, on_delete=models.PROTECT, related_name="history",
                                    verbose_name="待遇认定")
    action = models.CharField("变更", max_length=20)
    status = models.CharField("变更后状态", max_length=12, choices=EntitlementStatus.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="经办人")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "待遇认定变更记录"
        verbose_name_plural = "待遇认定变更记录"
        ordering = ["entitlement", "at", "id"]


class Expert(models.Model):
    """A medical expert of a region's pool (R04: reviews are assigned to experts drawn from it)."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="统筹地区")
    name = models.CharField("姓名", max_length=50)
    specialty = models.CharField("专业", max_length=50, blank=True)
    institution = models.CharField("所在医疗机构", max_length=200, blank=True)
    active = models.BooleanField("在库", default=True)

    class Meta:
        verbose_name = "医疗专家"
        verbose_name_plural = "医疗专家库"
        ordering = ["region", "name", "id"]

    def __str__(self):
        return f"{self.name}（{self.specialty or '专家'}，{self.institution or '—'}）"


class ReviewMode(models.TextChoices):
    """The four modes the template guide names (C24: 线上审核、现场审核、日常审核、集中审核)."""

    ONLINE = "online", "线上审核"
    ONSITE = "onsite", "现场审核"
    ROUTINE = "routine", "日常审核"
    CENTRAL = "central", "集中审核"


class ExpertOpinion(models.TextChoices):
    PENDING = "pending", "待审核"  # assigned, no opinion yet
    AGREE = "agree", "同意认定"
    DISAGREE = "disagree", "不同意认定"


class ExpertReview(models.Model):
    """The expert drawn for a recognition case, the mode, and the expert's opinion."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="办件")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="reviews", verbose_name="专家")
    mode = models.CharField("审核方式", max_length=10, choices=ReviewMode.choices)
    assigned_at = models.DateTimeField("抽取时间", default=timezone.now)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="抽取人")
    opinion = models.CharField("专家意见", max_length=10, choices=ExpertOpinion.choices, default=ExpertOpinion.PENDING)
    opinion_text = models.CharField("意见说明", max_length=500, blank=True)
    recorded_at = models.DateTimeField("意见录入时间", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="录入人")

    class Meta:
        verbose_name = "专家审核"
        verbose_name_plural = "专家审核"
        ordering = ["-assigned_at", "-id"]

    def __str__(self):
        return f"{self.expert.name} {self.get_mode_display()} {self.get_opinion_display()}"
