"""The 异地就医 filing register.

- Filing: one filing of a person insured in a region: kind (the six), class (long-term or
  temporary), destination (province and city; 省内 or 跨省), its dates, basis (proof or personal
  commitment), status, and the 备案凭证's verification code. Whether it covered a date is a
  question of its dates alone (queries.filing_on), so the answer for a past date never changes.
- FilingEvent: its history, append-only (filed, changed, cancelled, expired).
- RemoteCareParameters: versions, per region (or for every region), of the temporary validity and
  the commitment-filing lock period; sample values labelled 示例参数.
- Coordination: one 直接结算问题协调 ticket as answered: what it was about, through which social
  channel it came, the answer fed back.
"""
import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yibao.core.masking import mask_id_number, mask_name
from yibao.core.models import Channel
from yibao.core.records import AppendOnly, new_verify_code

SAMPLE_LABEL = "示例参数（非正式政策）"
# The national floor for a temporary filing (2022 notice on cross-province direct settlement):
# a region may give more, never less.
NATIONAL_FLOOR_MONTHS = 6
# Every region of this deployment is in Sichuan: a destination in another province is 跨省.
HOME_PROVINCE = "四川省"
PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
    "宁夏回族自治区", "新疆维吾尔自治区", "新疆生产建设兵团",
)


def add_months(day, months):
    """`day` plus whole calendar months (31 Aug + 6 months = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class FilingClass(models.TextChoices):
    LONG_TERM = "long_term", "长期"  # 异地长期居住人员: valid until changed or cancelled
    TEMPORARY = "temporary", "临时"  # 临时外出就医人员: valid for the region's period (≥ 6 months)


class FilingKind(models.TextChoices):
    RETIREE = "retiree", "异地安置退休人员"
    RESIDENT = "resident", "异地长期居住人员"
    WORKER = "worker", "常驻异地工作人员"
    REFERRAL = "referral", "异地转诊人员"
    EMERGENCY = "emergency", "异地急诊抢救人员"
    TEMPORARY = "temporary", "其他临时外出就医人员"


LONG_TERM_KINDS = (FilingKind.RETIREE, FilingKind.RESIDENT, FilingKind.WORKER)
CLASS_OF = {kind: FilingClass.LONG_TERM if kind in LONG_TERM_KINDS else FilingClass.TEMPORARY
            for kind in FilingKind}
# The item that files each kind.
ITEM_KIND = {
    "remote-retiree": FilingKind.RETIREE, "remote-resident": FilingKind.RESIDENT,
    "remote-worker": FilingKind.WORKER, "remote-referral": FilingKind.REFERRAL,
    "remote-emergency": FilingKind.EMERGENCY, "remote-temporary": FilingKind.TEMPORARY,
}


class Basis(models.TextChoices):
    PROOF = "proof", "证明材料"
    COMMITMENT = "commitment", "个人承诺"


class FilingStatus(models.TextChoices):
    VALID = "valid", "有效"  # in force (a temporary one until its end date)
    CHANGED = "changed", "已变更"  # replaced by a later filing (replaced_by)
    CANCELLED = "cancelled", "已取消"  # ended at the person's request
    EXPIRED = "expired", "已过期"  # a temporary filing past its end date (marked by the sweep)


class Filing(models.Model):
    """One 异地就医备案. It covers a date D when start_on ≤ D, D ≤ end_on (if any) and D < ended_on (if any)."""

    number = models.CharField("备案编号", max_length=60, unique=True)
    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="remote_care_filings",
                               verbose_name="参保人员")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="参保地")
    kind = models.CharField("备案类型", max_length=12, choices=FilingKind.choices)
    filing_class = models.CharField("备案类别", max_length=12, choices=FilingClass.choices)
    province = models.CharField("就医地（省）", max_length=20)
    city = models.CharField("就医地（市、州）", max_length=40)
    cross_province = models.BooleanField("跨省备案")
    start_on = models.DateField("备案开始日期")
    end_on = models.DateField("备案截止日期", null=True, blank=True, help_text="长期备案为空：变更或取消前长期有效")
    ended_on = models.DateField("终止日期", null=True, blank=True, help_text="变更或取消之日起不再有效")
    basis = models.CharField("备案依据", max_length=12, choices=Basis.choices)
    basis_note = models.CharField("依据说明", max_length=200, blank=True)
    locked_until = models.DateField("承诺备案限制变更至", null=True, blank=True,
                                    help_text="个人承诺备案在此日期前不得变更或取消")
    trauma = models.BooleanField("外伤", default=False)
    admitted_on = models.DateField("补办：入院日期", null=True, blank=True)
    referring_provider = models.CharField("转出（开具）医疗机构", max_length=200, blank=True)
    submitted_by_provider = models.CharField("由定点医疗机构申报", max_length=200, blank=True,
                                             help_text="定点医疗机构编码与名称（转诊备案由转出医院代为申报时）")
    status = models.CharField("状态", max_length=12, choices=FilingStatus.choices, default=FilingStatus.VALID)
    replaced_by = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="replaces", verbose_name="变更后备案")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="备案办件")
    verify_code = models.CharField("核验码", max_length=32, unique=True, default=new_verify_code, editable=False)
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "异地就医备案"
        verbose_name_plural = "异地就医备案"
        ordering = ["person", "-start_on", "-id"]
        indexes = [models.Index(fields=["person", "province", "start_on"], name="filing_person_place_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end_on=None) | Q(end_on__gte=models.F("start_on")),
                                   name="filing_end_not_before_start"),
            models.CheckConstraint(condition=Q(filing_class="long_term", end_on=None)
                                   | Q(filing_class="temporary", end_on__isnull=False),
                                   name="filing_end_by_class"),
        ]

    def __str__(self):
        scope = "跨省" if self.cross_province else "省内"
        return f"{self.number} {mask_name(self.person.name)} {scope}{self.get_kind_display()}备案（{self.place}）"

    @property
    def place(self):
        return f"{self.province}{self.city}"

    @property
    def scope(self):
        return "跨省" if self.cross_province else "省内"

    @property
    def masked_id(self):
        return mask_id_number(self.person.id_number)

    def validity_text(self):
        if self.end_on is None:
            until = "长期有效（变更或取消前）"
        else:
            until = f"至{self.end_on:%Y-%m-%d}"
        text = f"{self.start_on:%Y-%m-%d}起，{until}"
        if self.ended_on:
            text += f"；{self.ended_on:%Y-%m-%d}起{self.get_status_display()}"
        return text

    def covers(self, on):
        return (self.start_on <= on and (self.end_on is None or on <= self.end_on)
                and (self.ended_on is None or on < self.ended_on))


class FilingAction(models.TextChoices):
    FILE = "file", "备案"
    CHANGE = "change", "变更"
    CANCEL = "cancel", "取消"
    EXPIRE = "expire", "到期"


class FilingEvent(AppendOnly):
    """One step in a filing's history; never changed."""

    filing = models.ForeignKey(Filing, on_delete=models.PROTECT, related_name="events", verbose_name="备案")
    action = models.CharField("操作", max_length=10, choices=FilingAction.choices)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=300, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name="经办人")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "备案记录"
        verbose_name_plural = "备案记录"
        ordering = ["filing", "at", "id"]

    def __str__(self):
        return f"{self.filing.number} {self.get_action_display()} {self.on}"


class RemoteCareParameters(models.Model):
    """One version of the filing parameters, for a region or (region empty) every region without
    its own. The guides state neither figure (R40): both are local policy."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="统筹地区", help_text="留空则适用于未单独设置的所有地区")
    effective_from = models.DateField("生效日期")
    temporary_months = models.PositiveSmallIntegerField(
        "临时外出就医备案有效期（月）", help_text=f"不得少于国家规定的{NATIONAL_FLOOR_MONTHS}个月")
    commitment_lock_months = models.PositiveSmallIntegerField(
        "个人承诺备案限制变更期（月）", default=0, help_text="以个人承诺方式备案的，在此期限内不得变更或取消；0 为不限制")
    sample = models.BooleanField(SAMPLE_LABEL, default=False)
    basis = models.CharField("依据", max_length=300, blank=True)
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "异地就医备案参数"
        verbose_name_plural = "异地就医备案参数"
        ordering = ["region", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="remote_care_parameters_one_per_date"),
            models.UniqueConstraint(fields=["effective_from"], condition=Q(region=None),
                                    name="remote_care_parameters_default_one_per_date"),
            models.CheckConstraint(condition=Q(temporary_months__gte=NATIONAL_FLOOR_MONTHS),
                                   name="remote_care_temporary_not_below_national_floor"),
        ]

    def __str__(self):
        where = self.region.name if self.region_id else "所有地区"
        return f"{where} 自{self.effective_from}起{'（' + SAMPLE_LABEL + '）' if self.sample else ''}"

    def clean(self):
        if self.temporary_months is not None and self.temporary_months < NATIONAL_FLOOR_MONTHS:
            raise ValidationError({"temporary_months": f"临时外出就医备案有效期不得少于{NATIONAL_FLOOR_MONTHS}个月"})


class SocialChannel(models.TextChoices):
    """Where a coordination request came in (the guide: 微信、QQ、微博、信访、邮箱等各种渠道)."""

    WECHAT = "wechat", "微信"
    QQ = "qq", "QQ"
    WEIBO = "weibo", "微博"
    PETITION = "petition", "信访"
    EMAIL = "email", "邮箱"
    PHONE = "phone", "电话"
    WINDOW = "window", "现场"
    ONLINE = "online", "网上"


class Coordination(AppendOnly):
    """直接结算问题协调: the problem, what it is about, and the answer fed back (written at 办结)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="办件")
    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name="参保人员")
    filing = models.ForeignKey(Filing, on_delete=models.PROTECT, null=True, blank=True, related_name="coordinations",
                               verbose_name="备案")
    provider = models.CharField("医药机构", max_length=200, blank=True)
    source = models.CharField("反映渠道", max_length=12, choices=SocialChannel.choices)
    problem = models.TextField("问题")
    answer = models.TextField("协调结果（反馈）")
    fed_back_on = models.DateField("反馈日期")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name="经办人")
    at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "异地就医直接结算问题协调"
        verbose_name_plural = "异地就医直接结算问题协调"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_source_display()} {self.problem[:20]}"
