"""定点医药机构: the provider register, its agreements (协议管理) with their history, the policy
parameters of settlement, and the monthly settlement (费用结算): one claim submission per provider
and period, the lines the audit flagged, the provider's answers and the re-review.

A submission keeps its totals and only the lines an audit rule flagged: the file itself is the
record of the others (its digest is kept), so a month of millions of lines costs a handful of
rows, and every line that is disputed has its own row to answer and re-review.
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yibao.core.masking import mask_bank_account, mask_id_number, mask_name
from yibao.core.models import Channel
from yibao.core.records import AppendOnly

SAMPLE_LABEL = "示例参数（非正式政策）"
ZERO = Decimal("0.00")


class ProviderKind(models.TextChoices):
    HOSPITAL = "hospital", "医疗机构"  # 医院、卫生院、社区卫生服务中心 (执业许可证)
    TCM_CLINIC = "tcm_clinic", "中医诊所"  # may show the 中医诊所备案证 instead of a licence (R71)
    CLINIC = "clinic", "诊所"  # 诊所备案凭证
    PHARMACY = "pharmacy", "零售药店"  # 药品经营许可证 and 营业执照


# The kinds that are 医疗机构 (code H..., hospital-designation / hospital-settlement).
MEDICAL_KINDS = (ProviderKind.HOSPITAL, ProviderKind.TCM_CLINIC, ProviderKind.CLINIC)


class HospitalLevel(models.TextChoices):
    LEVEL3 = "3", "三级"
    LEVEL2 = "2", "二级"
    LEVEL1 = "1", "一级"
    UNRATED = "0", "未定级"


class Ownership(models.TextChoices):
    PUBLIC = "public", "公立"  # may not ask to suspend or end its agreement (令第2号)
    PRIVATE = "private", "民营"


class LicenceKind(models.TextChoices):
    PRACTICE = "practice", "医疗机构执业许可证"
    TCM_FILING = "tcm_filing", "中医诊所备案证"
    CLINIC_FILING = "clinic_filing", "诊所备案凭证"
    MILITARY = "military", "军队医疗机构为民服务许可证"
    PHARMACY = "pharmacy", "药品经营许可证"


# The licences each kind may show (R71: a 中医诊所 may show its 备案证; R74 names the same list).
LICENCES_FOR = {
    ProviderKind.HOSPITAL: (LicenceKind.PRACTICE, LicenceKind.MILITARY),
    ProviderKind.TCM_CLINIC: (LicenceKind.PRACTICE, LicenceKind.TCM_FILING),
    ProviderKind.CLINIC: (LicenceKind.PRACTICE, LicenceKind.CLINIC_FILING),
    ProviderKind.PHARMACY: (LicenceKind.PHARMACY,),
}


class Provider(models.Model):
    """One medical institution or retail pharmacy, by its national 定点医药机构编码."""

    code = models.CharField("定点医药机构编码", max_length=12, unique=True)
    name = models.CharField("机构名称", max_length=200)
    kind = models.CharField("机构类别", max_length=16, choices=ProviderKind.choices)
    level = models.CharField("医院等级", max_length=2, choices=HospitalLevel.choices, blank=True,
                             help_text="医疗机构填写；零售药店为空")
    ownership = models.CharField("经营性质", max_length=10, choices=Ownership.choices, blank=True,
                                 help_text="医疗机构填写：公立或民营")
    licence_kind = models.CharField("许可证照", max_length=16, choices=LicenceKind.choices)
    licence_no = models.CharField("许可证照号码", max_length=60)
    business_licence_no = models.CharField("营业执照（统一社会信用代码）", max_length=30, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=60)
    principal = models.CharField("主要负责人", max_length=60, blank=True)
    address = models.CharField("注册地址", max_length=300)
    bank_name = models.CharField("开户银行", max_length=100)
    bank_account = models.CharField("银行账号", max_length=40)
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="providers",
                               verbose_name="统筹地区")
    account = models.ForeignKey("people.Applicant", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="providers", verbose_name="登录账户")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "定点医药机构"
        verbose_name_plural = "定点医药机构"
        ordering = ["region", "code"]
        indexes = [models.Index(fields=["region", "kind"])]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def masked_account(self):
        return mask_bank_account(self.bank_account)

    @property
    def is_medical(self):
        return self.kind in MEDICAL_KINDS


class AgreementState(models.TextChoices):
    APPLIED = "applied", "已申请"  # the designation case was accepted
    EVALUATING = "evaluating", "评估中"  # the expert panel evaluates (on-site step included)
    PUBLICISED = "publicised", "公示中"  # the evaluation passed; published for objections
    NEGOTIATING = "negotiating", "协商谈判"  # publicity over; the agreement is negotiated and signed
    IN_FORCE = "in_force", "协议履行中"  # designated: the provider is on the public list
    SUSPENDED = "suspended", "暂停（中止）"  # performance paused; costs meanwhile are not settled
    TERMINATED = "terminated", "已解除（终止）"  # ended before its term (final)
    EXPIRED = "expired", "已到期"  # the period ran out without renewal (final)
    REJECTED = "rejected", "未通过"  # evaluation failed, objection upheld, denied or withdrawn (final)


# An agreement in one of these is the provider's one live agreement (a constraint holds it).
LIVE_STATES = (AgreementState.APPLIED, AgreementState.EVALUATING, AgreementState.PUBLICISED,
               AgreementState.NEGOTIATING, AgreementState.IN_FORCE, AgreementState.SUSPENDED)


class AgreementAction(models.TextChoices):
    APPLY = "apply", "申请定点"
    EVALUATE = "evaluate", "组织评估"
    PASS = "pass", "评估通过并公示"
    REJECT = "reject", "不予定点"
    OBJECT = "object", "公示异议"
    NEGOTIATE = "negotiate", "公示期满进入协商谈判"
    SIGN = "sign", "签订协议"
    ACTIVATE = "activate", "协议生效"
    CHANGE = "change", "信息变更"
    OPEN_REMOTE = "open_remote", "开通异地就医直接结算"
    SUSPEND = "suspend", "暂停（中止）协议"
    RESUME = "resume", "恢复协议"
    TERMINATE = "terminate", "解除（终止）协议"
    EXPIRE = "expire", "协议到期"


class Agreement(models.Model):
    """A provider's service agreement (医保服务协议) with the region's agency, from the designation
    application to its end. `state` moves only through machines.AGREEMENTS."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="agreements",
                                 verbose_name="定点医药机构")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="统筹地区")
    state = models.CharField("协议状态", max_length=16, choices=AgreementState.choices,
                             default=AgreementState.APPLIED)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="申请定点办件")
    evaluation = models.JSONField("评估", default=dict, blank=True,
                                  help_text="{panel, onsite_on, score, passed, opinion}")
    publicity_from = models.DateField("公示开始", null=True, blank=True)
    publicity_until = models.DateField("公示截止", null=True, blank=True)
    signed_on = models.DateField("签订日期", null=True, blank=True)
    starts_on = models.DateField("协议期起", null=True, blank=True)
    ends_on = models.DateField("协议期止", null=True, blank=True)
    scope_provincial = models.BooleanField("省内异地就医直接结算", default=False)
    scope_national = models.BooleanField("跨省异地就医直接结算", default=False)
    suspensions = models.PositiveSmallIntegerField("本协议期内暂停（中止）次数", default=0)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "医保服务协议"
        verbose_name_plural = "医保服务协议"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider"], condition=Q(state__in=LIVE_STATES),
                                    name="agreement_one_live_per_provider"),
            models.CheckConstraint(condition=Q(ends_on=None) | Q(starts_on=None) | Q(ends_on__gte=models.F("starts_on")),
                                   name="agreement_ends_after_start"),
        ]
        indexes = [models.Index(fields=["region", "state"])]

    def __str__(self):
        return f"{self.provider.name} {self.get_state_display()}"

    @property
    def scopes(self):
        return [label for on, label in ((self.scope_provincial, "省内"), (self.scope_national, "跨省")) if on]


class AgreementEvent(AppendOnly):
    """One step of an agreement: who, when, by which channel, from which state to which."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="events", verbose_name="协议")
    action = models.CharField("操作", max_length=16, choices=AgreementAction.choices)
    from_state = models.CharField("原状态", max_length=16, choices=AgreementState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=AgreementState.choices)
    on = models.DateField("生效日期", default=timezone.localdate)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="操作人")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    comment = models.CharField("说明", max_length=500, blank=True)
    payload = models.JSONField("内容", default=dict, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "协议记录"
        verbose_name_plural = "协议记录"
        ordering = ["agreement", "at", "id"]
        indexes = [models.Index(fields=["agreement", "action", "on"])]

    def __str__(self):
        return f"{self.agreement_id} {self.get_action_display()} {self.on}"


class SettlementParameters(models.Model):
    """One version of the settlement parameters for a region or (region empty) every region
    without its own. The guides give the cycle and, in 004, the day (每月15日前); the deposit rate,
    the line ceiling and the publicity period are local policy: shipped as samples."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="统筹地区", help_text="留空则适用于未单独设置的所有地区")
    effective_from = models.DateField("生效日期")
    quarterly = models.BooleanField("按季度结算", default=False, help_text="宣汉县等按季度结算的经办机构")
    claim_due_day = models.PositiveSmallIntegerField("申报截止日（次月几日前）", default=15)
    deposit_rate = models.DecimalField("质量保证金预留比例", max_digits=5, decimal_places=4,
                                       help_text="如 0.0500 表示核定金额的5%")
    line_ceiling = models.DecimalField("单条费用上限（元）", max_digits=12, decimal_places=2,
                                       help_text="超过此数的费用明细按超政策标准拒付")
    publicity_days = models.PositiveSmallIntegerField("定点评估结果公示期（工作日）", default=5)
    release_score = models.DecimalField("质量保证金全额返还考核分", max_digits=5, decimal_places=2, default=Decimal("90.00"),
                                        help_text="年度考核得分不低于此分全额返还，低于此分按得分比例返还")
    agreement_years = models.PositiveSmallIntegerField("协议期（年）", default=1)
    sample = models.BooleanField(SAMPLE_LABEL, default=False)
    basis = models.CharField("依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "定点结算参数"
        verbose_name_plural = "定点结算参数"
        ordering = ["region", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="settlement_parameters_one_per_date"),
            models.UniqueConstraint(fields=["effective_from"], condition=Q(region=None),
                                    name="settlement_parameters_default_one_per_date"),
            models.CheckConstraint(condition=Q(deposit_rate__gte=0) & Q(deposit_rate__lt=1),
                                   name="settlement_parameters_deposit_rate_range"),
            models.CheckConstraint(condition=Q(line_ceiling__gt=0), name="settlement_parameters_ceiling_positive"),
            models.CheckConstraint(condition=Q(claim_due_day__gte=1) & Q(claim_due_day__lte=28),
                                   name="settlement_parameters_due_day_range"),
            models.CheckConstraint(condition=Q(release_score__gte=0) & Q(release_score__lte=100),
                                   name="settlement_parameters_release_score_range"),
        ]

    def __str__(self):
        where = self.region.name if self.region_id else "所有地区"
        return f"{where} 自{self.effective_from}起{'（' + SAMPLE_LABEL + '）' if self.sample else ''}"

    @property
    def label(self):
        return SAMPLE_LABEL if self.sample else ""


class SettlementState(models.TextChoices):
    AUDITED = "audited", "初审完成"  # the rules ran; the preliminary result is with the provider
    ANSWERED = "answered", "已反馈"  # the provider answered the flagged lines
    REVIEWED = "reviewed", "复审完成"  # the re-review fixed the result
    APPROVED = "approved", "负责人已核准"  # the head approved the amount
    SETTLED = "settled", "已结算"  # paid (less the deposit) and the case completed
    VOID = "void", "已作废"  # the case was refused, denied or withdrawn


class SettlementAction(models.TextChoices):
    SUBMIT = "submit", "申报并初审"
    DECLARE_NONE = "none", "零申报"
    ANSWER = "answer", "反馈意见"
    REVIEW = "review", "复审"
    APPROVE = "approve", "负责人核准"
    SETTLE = "settle", "结算办结"
    VOID = "void", "作废"


class ClaimSubmission(models.Model):
    """One provider's claim file for one period and its audit: totals, the flagged lines (below),
    the re-review and the head's approval."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="submissions",
                                 verbose_name="定点医药机构")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="统筹地区")
    period = models.CharField("结算期", max_length=7, help_text="YYYY-MM（按季度结算为季度末月）")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="claim_submission", verbose_name="结算办件")
    state = models.CharField("状态", max_length=12, choices=SettlementState.choices, default=SettlementState.AUDITED)
    filename = models.CharField("申报文件", max_length=200)
    digest = models.CharField("文件摘要（SHA-256）", max_length=64)
    lines = models.PositiveIntegerField("明细条数", default=0)
    total_amount = models.DecimalField("医疗费用总额（元）", max_digits=16, decimal_places=2, default=ZERO)
    claimed = models.DecimalField("申报统筹基金支付（元）", max_digits=16, decimal_places=2, default=ZERO)
    rejected_preliminary = models.DecimalField("初审拒付（元）", max_digits=16, decimal_places=2, default=ZERO)
    rejected_final = models.DecimalField("复审后拒付（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    approved = models.DecimalField("核定金额（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    deposit = models.DecimalField("预留质量保证金（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    payable = models.DecimalField("实际拨付（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    deposit_rate = models.DecimalField("保证金比例", max_digits=5, decimal_places=4, null=True, blank=True)
    parameters_label = models.CharField("参数说明", max_length=60, blank=True)
    by_rule = models.JSONField("各规则拒付", default=dict, blank=True, help_text="规则代码 -> {lines, amount}")
    deposit_release = models.ForeignKey("DepositRelease", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="submissions", verbose_name="保证金返还")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="申报人")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="核准负责人")
    created_at = models.DateTimeField("申报时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "费用结算申报"
        verbose_name_plural = "费用结算申报"
        ordering = ["-period", "provider"]
        constraints = [
            # One live submission per provider and period, whatever the race (a void one may be redone).
            models.UniqueConstraint(fields=["provider", "period"], condition=~Q(state="void"),
                                    name="claim_submission_one_per_period"),
        ]

    def __str__(self):
        return f"{self.provider.name} {self.period}"


class Verdict(models.TextChoices):
    REJECTED = "rejected", "拒付"  # the preliminary audit rejects the line's fund share
    ACCEPTED = "accepted", "认可"  # the provider accepts the rejection
    DISPUTED = "disputed", "有异议"  # the provider disputes it (with its reason)
    UPHELD = "upheld", "维持拒付"  # the re-review keeps the rejection
    RESTORED = "restored", "予以支付"  # the re-review pays the line after all


class FlaggedLine(models.Model):
    """A claim line an audit rule flagged: as filed, the rules it broke, the provider's answer and
    the re-review."""

    submission = models.ForeignKey(ClaimSubmission, on_delete=models.CASCADE, related_name="flagged",
                                   verbose_name="结算申报")
    line_no = models.PositiveIntegerField("行号")
    patient_id = models.CharField("患者证件号码", max_length=32)
    patient_name = models.CharField("患者姓名", max_length=60)
    visit_no = models.CharField("就诊流水号", max_length=40)
    visit_on = models.DateField("费用发生日期")
    item_code = models.CharField("项目编码", max_length=50)
    item_name = models.CharField("项目名称", max_length=200)
    catalogue_class = models.CharField("目录类别", max_length=8)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    fund_share = models.DecimalField("统筹基金支付（元）", max_digits=14, decimal_places=2)
    rules = models.JSONField("违反规则", default=list)
    verdict = models.CharField("结论", max_length=10, choices=Verdict.choices, default=Verdict.REJECTED)
    answer = models.CharField("机构反馈意见", max_length=500, blank=True)
    review_note = models.CharField("复审意见", max_length=500, blank=True)
    note = models.CharField("审核说明", max_length=300, blank=True,
                            help_text="如：已在2026-09结算申报中申报；未查到覆盖就医地的异地就医备案")

    class Meta:
        verbose_name = "初审拒付明细"
        verbose_name_plural = "初审拒付明细"
        ordering = ["submission", "line_no"]
        constraints = [models.UniqueConstraint(fields=["submission", "line_no"], name="flagged_line_unique")]

    def __str__(self):
        return f"{self.submission} 第{self.line_no}行"

    @property
    def masked_patient(self):
        return f"{mask_name(self.patient_name)}（{mask_id_number(self.patient_id)}）"


class SettlementEvent(AppendOnly):
    """One step of a settlement submission."""

    submission = models.ForeignKey(ClaimSubmission, on_delete=models.PROTECT, related_name="events",
                                   verbose_name="结算申报")
    action = models.CharField("操作", max_length=10, choices=SettlementAction.choices)
    from_state = models.CharField("原状态", max_length=12, choices=SettlementState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=12, choices=SettlementState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="操作人")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    comment = models.CharField("说明", max_length=500, blank=True)
    payload = models.JSONField("内容", default=dict, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "结算记录"
        verbose_name_plural = "结算记录"
        ordering = ["submission", "at", "id"]


class ClaimKeys(models.Model):
    """The fingerprints (audit.line_key, 8 bytes each, little-endian) of every line of a submission
    dated in its period: what a later period's file is checked against, so a line claimed again
    a month later is found without keeping millions of rows."""

    submission = models.OneToOneField(ClaimSubmission, on_delete=models.CASCADE, related_name="keys",
                                      verbose_name="结算申报")
    first = models.DateField("结算期起")
    last = models.DateField("结算期止")
    count = models.PositiveIntegerField("条数")
    keys = models.BinaryField("明细指纹")

    class Meta:
        verbose_name = "结算明细指纹"
        verbose_name_plural = "结算明细指纹"
        indexes = [models.Index(fields=["first", "last"])]


class ReleaseState(models.TextChoices):
    PENDING = "pending", "返还办理中"  # the case pays it
    SETTLED = "settled", "已返还"
    VOID = "void", "已作废"  # the case was refused, denied or withdrawn: the deposits are held again


class DepositRelease(models.Model):
    """质量保证金返还: after the year's assessment (年度考核) the deposits held back from a provider's
    settled months of that year are paid back, in full at or above the parameters' score, else in
    proportion to the score; what is not paid back is withheld for good."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="deposit_releases",
                                 verbose_name="定点医药机构")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="统筹地区")
    year = models.PositiveSmallIntegerField("考核年度")
    score = models.DecimalField("年度考核得分", max_digits=5, decimal_places=2)
    held = models.DecimalField("预留保证金合计（元）", max_digits=16, decimal_places=2)
    released = models.DecimalField("返还金额（元）", max_digits=16, decimal_places=2)
    withheld = models.DecimalField("不予返还（元）", max_digits=16, decimal_places=2)
    state = models.CharField("状态", max_length=10, choices=ReleaseState.choices, default=ReleaseState.PENDING)
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="deposit_release", verbose_name="返还办件")
    parameters_label = models.CharField("参数说明", max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="经办人")
    created_at = models.DateTimeField("办理时间", default=timezone.now)

    class Meta:
        verbose_name = "质量保证金返还"
        verbose_name_plural = "质量保证金返还"
        ordering = ["-year", "provider"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "year"], condition=~Q(state="void"),
                                    name="deposit_release_one_per_year"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="deposit_release_score_range"),
            models.CheckConstraint(condition=Q(released__gte=0) & Q(withheld__gte=0), name="deposit_release_non_negative"),
        ]

    def __str__(self):
        return f"{self.provider.name} {self.year}年度保证金返还"
