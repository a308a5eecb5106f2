"""The enrolment registers: who is insured, by whom, since when.

- Employer (参保单位): one row per USCC, with its kind, legal representative, bank account,
  collection agency (医保 or 人社, R24), region and status (active, suspended, cancelled).
  EmployerLink rows keep the lineage through 拆分, 合并 and 分立 (predecessor -> successor).
- Person (参保人员): one row per identity number, of any document type the region's guide
  accepts; name, sex, birth date, status (deceased, emigrated), the current phone. PersonPhone
  keeps every phone the person had, with the dates it was in use.
- Enrollment (参保关系): person x scheme (职工 / 城乡居民) x employer (None = 灵活就业人员 in the
  employee scheme, always None for residents), with its status and dates. A person has at most one
  open enrolment per scheme: a partial unique index enforces it (SQLite and PostgreSQL alike).
  EnrollmentChange rows are its history, one per sub-type applied (新增/增加, 减少, 暂停, 中断,
  终止, 恢复, 在职转退休; residents 新参保, 暂停, 终止, 恢复), with the case, the sheet row or the
  actor that caused it. They are never changed.
- FieldChange: the history of changes to an employer's or a person's registered fields, whether
  the field is key (R06/R07; which fields are key differs by region: see keyfields.py) and the
  evidence that was supplied for it.

Every change goes through enrollment/actions.py.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yibao.core.masking import MaskedIdentity, mask_bank_account, mask_id_number, mask_name, mask_phone
from yibao.core.models import Channel
from yibao.core.records import AppendOnly
from yibao.enrollment.exceptions import ParametersMissing
from yibao.people.models import IdType


class EmployerKind(models.TextChoices):
    ORGAN = "organ", "机关"
    INSTITUTION = "institution", "事业单位"
    ENTERPRISE = "enterprise", "企业"
    PRIVATE_NONPROFIT = "private_nonprofit", "民办非企业"
    ASSOCIATION = "association", "社会团体"


class CollectionAgency(models.TextChoices):
    MEDICAL = "medical", "医保"  # contributions declared to and collected by the medical-insurance agency
    HRSS = "hrss", "人社"  # collected by 人社: its base declaration follows 人社's rules (R24)


class EmployerStatus(models.TextChoices):
    ACTIVE = "active", "正常参保"  # registered and contributing
    SUSPENDED = "suspended", "暂停参保"  # 暂停参保: may resume
    CANCELLED = "cancelled", "已注销"  # 注销登记, or ended by a merge or a division (final)


class Employer(models.Model):
    """参保单位."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="employers",
                               verbose_name="参保地")
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("单位名称", max_length=200)
    kind = models.CharField("单位性质", max_length=20, choices=EmployerKind.choices)
    legal_representative = models.CharField("法定代表人", max_length=100)
    bank_name = models.CharField("开户银行", max_length=100, blank=True)
    bank_account = models.CharField("银行账号", max_length=40, blank=True)
    collection_agency = models.CharField("征收机构", max_length=10, choices=CollectionAgency.choices,
                                         default=CollectionAgency.MEDICAL)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    address = models.CharField("地址", max_length=300, blank=True)
    status = models.CharField("参保状态", max_length=12, choices=EmployerStatus.choices,
                              default=EmployerStatus.ACTIVE)
    registered_on = models.DateField("参保登记日期")
    status_on = models.DateField("状态变更日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "参保单位"
        verbose_name_plural = "参保单位"
        ordering = ["region", "uscc"]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self):
        return f"{self.name}（{self.uscc}）"

    @property
    def masked_bank_account(self):
        return mask_bank_account(self.bank_account)


class LineageKind(models.TextChoices):
    SPLIT = "split", "拆分"  # part of a unit becomes a new unit; the original continues
    MERGE = "merge", "合并"  # units join into one; the merged-away units are cancelled
    DIVIDE = "divide", "分立"  # a unit divides into new units and is cancelled


class EmployerLink(AppendOnly):
    """One predecessor -> successor link of an employer's lineage."""

    predecessor = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="successor_links",
                                    verbose_name="原单位")
    successor = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="predecessor_links",
                                  verbose_name="承继单位")
    kind = models.CharField("类型", max_length=10, choices=LineageKind.choices)
    on = models.DateField("生效日期")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "单位沿革"
        verbose_name_plural = "单位沿革"
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="employer_link_unique"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="employer_link_not_self"),
        ]

    def __str__(self):
        return f"{self.predecessor.name} → {self.successor.name}（{self.get_kind_display()}）"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class PersonStatus(models.TextChoices):
    LIVING = "living", "正常"
    DECEASED = "deceased", "死亡"  # enrolments end; the account passes to the heirs
    EMIGRATED = "emigrated", "出国（境）定居"


class Person(MaskedIdentity, models.Model):
    """参保人员: one per identity number."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="persons",
                               verbose_name="参保地")
    id_type = models.CharField("证件类型", max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = models.CharField("证件号码", max_length=32, unique=True)
    name = models.CharField("姓名", max_length=100)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    phone = models.CharField("联系电话", max_length=20, blank=True, help_text="当前号码；历史见电话号码记录")
    status = models.CharField("人员状态", max_length=12, choices=PersonStatus.choices, default=PersonStatus.LIVING)
    status_on = models.DateField("状态变更日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "参保人员"
        verbose_name_plural = "参保人员"
        ordering = ["id"]
        indexes = [models.Index(fields=["region", "name"])]

    def __str__(self):
        return f"{mask_name(self.name)}（{self.masked_id}）"


class PersonPhone(AppendOnly):
    """A phone number a person had, from when it was registered. The newest is the current one
    (also kept on Person.phone for lookups); older rows are the history."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="phones", verbose_name="参保人员")
    phone = models.CharField("联系电话", max_length=20)
    since = models.DateTimeField("登记时间", default=timezone.now)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)

    class Meta:
        verbose_name = "电话号码记录"
        verbose_name_plural = "电话号码记录"
        ordering = ["person", "-since", "-id"]

    def __str__(self):
        return f"{self.person} {mask_phone(self.phone)}"


class SharedDeath(models.Model):
    """A death the agency learnt through data sharing (民政, 公安, 卫健): with it on file, a
    termination for death asks for no 死亡证明 (R19: data sharing, then the document, then a 承诺书)."""

    id_number = models.CharField("证件号码", max_length=32, unique=True)
    died_on = models.DateField("死亡日期")
    source = models.CharField("共享来源", max_length=100)
    received_at = models.DateTimeField("接收时间", default=timezone.now)

    class Meta:
        verbose_name = "共享死亡信息"
        verbose_name_plural = "共享死亡信息"
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{mask_id_number(self.id_number)} {self.died_on}（{self.source}）"


class Scheme(models.TextChoices):
    EMPLOYEE = "employee", "职工基本医疗保险"
    RESIDENT = "resident", "城乡居民基本医疗保险"


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", "参保缴费"  # enrolled and contributing
    SUSPENDED = "suspended", "暂停参保"  # 暂停: may resume
    INTERRUPTED = "interrupted", "中断缴费"  # 中断: contributions stopped; may resume
    RETIRED = "retired", "退休"  # 在职转退休: enrolled, benefits without contributions
    ENDED = "ended", "已终止"  # 减少 or 终止 (final for this enrolment)


# Statuses in which the enrolment is the person's one enrolment in its scheme.
OPEN_STATUSES = (EnrollmentStatus.ACTIVE, EnrollmentStatus.SUSPENDED, EnrollmentStatus.INTERRUPTED,
                 EnrollmentStatus.RETIRED)


class Enrollment(models.Model):
    """参保关系: a person in a scheme, through an employer or on their own."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrollments", verbose_name="参保人员")
    scheme = models.CharField("险种", max_length=10, choices=Scheme.choices)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="enrollments", verbose_name="参保单位",
                                 help_text="职工医保：空表示以灵活就业人员身份参保；城乡居民医保：始终为空")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="enrollments",
                               verbose_name="参保地")
    status = models.CharField("参保状态", max_length=12, choices=EnrollmentStatus.choices,
                              default=EnrollmentStatus.ACTIVE)
    start_on = models.DateField("参保日期")
    end_on = models.DateField("终止日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "参保关系"
        verbose_name_plural = "参保关系"
        ordering = ["person", "scheme", "-start_on", "-id"]
        constraints = [
            # Never two open enrolments of one person in one scheme, whatever the race.
            models.UniqueConstraint(fields=["person", "scheme"], condition=Q(status__in=OPEN_STATUSES),
                                    name="enrollment_one_open_per_scheme"),
            models.CheckConstraint(condition=Q(scheme=Scheme.EMPLOYEE) | Q(employer=None),
                                   name="enrollment_resident_without_employer"),
            models.CheckConstraint(condition=Q(end_on=None) | Q(end_on__gte=models.F("start_on")),
                                   name="enrollment_ends_after_start"),
        ]
        indexes = [models.Index(fields=["employer", "status"]), models.Index(fields=["region", "scheme", "status"])]

    def __str__(self):
        return f"{self.person} {self.get_scheme_display()} {self.get_status_display()}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def category(self):
        """在职职工 / 灵活就业人员 / 城乡居民."""
        if self.scheme == Scheme.RESIDENT:
            return "城乡居民"
        return "在职职工" if self.employer_id else "灵活就业人员"


class ChangeKind(models.TextChoices):
    ENROL = "enrol", "新增"  # 新增/增加 (employees), 新参保 (residents)
    REDUCE = "reduce", "减少"  # the employee leaves the employer
    SUSPEND = "suspend", "暂停"
    INTERRUPT = "interrupt", "中断"
    TERMINATE = "terminate", "终止"  # death, emigration, insured elsewhere ...
    RESUME = "resume", "恢复"
    RETIRE = "retire", "在职转退休"


class EnrollmentChange(AppendOnly):
    """One step of an enrolment's history."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="changes",
                                   verbose_name="参保关系")
    kind = models.CharField("变动类型", max_length=10, choices=ChangeKind.choices)
    from_status = models.CharField("原状态", max_length=12, choices=EnrollmentStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=EnrollmentStatus.choices)
    on = models.DateField("变动日期")
    reason = models.CharField("原因", max_length=200, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    sheet = models.ForeignKey("SheetImport", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="changes", verbose_name="批量导入")
    sheet_row = models.PositiveIntegerField("表格行号", null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name="经办人")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "参保变动记录"
        verbose_name_plural = "参保变动记录"
        ordering = ["enrollment", "created_at", "id"]

    def __str__(self):
        return f"{self.enrollment} {self.get_kind_display()} {self.on}"


class SheetImport(AppendOnly):
    """One Excel sheet of 增加/减少 rows an employer handed in, applied as a whole."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="sheet_imports",
                                 verbose_name="参保单位")
    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    rows = models.PositiveIntegerField("行数")
    enrolled = models.PositiveIntegerField("增加人数")
    reduced = models.PositiveIntegerField("减少人数")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name="经办人")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    created_at = models.DateTimeField("导入时间", default=timezone.now)

    class Meta:
        verbose_name = "批量增减导入"
        verbose_name_plural = "批量增减导入"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.employer.name} {self.file_name}（{self.rows}行）"


class FieldChange(AppendOnly):
    """A registered field of an employer or a person changed: old and new value, whether the field
    is key in the region (R06/R07) and the evidence supplied for it."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="field_changes", verbose_name="参保单位")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="field_changes", verbose_name="参保人员")
    field = models.CharField("字段", max_length=40)
    label = models.CharField("字段名称", max_length=40)
    old_value = models.CharField("原值", max_length=300, blank=True)
    new_value = models.CharField("新值", max_length=300, blank=True)
    key = models.BooleanField("关键信息", default=False)
    evidence = models.CharField("佐证材料", max_length=500, blank=True, help_text="办件中提交的佐证材料名称")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name="经办人")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    created_at = models.DateTimeField("变更时间", default=timezone.now)

    class Meta:
        verbose_name = "信息变更记录"
        verbose_name_plural = "信息变更记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(employer=None) & ~Q(person=None)) | (~Q(employer=None) & Q(person=None)),
                name="field_change_one_subject",
            ),
            # Evidence is what makes a key change lawful: none, no row.
            models.CheckConstraint(condition=Q(key=False) | ~Q(evidence=""), name="field_change_key_has_evidence"),
        ]

    def __str__(self):
        return f"{self.employer or self.person} {self.label}"


# ---------------------------------------------------------------- policy parameters
# Policy parameters (DESIGN.md "What the guides leave to local policy").
#
# The guides name procedures, not numbers: contribution rates, base floor and ceiling, the
# flexible workers' rate and base bounds, the years a lump-sum contribution makes up, the
# statutory retirement ages. They are set per region and scheme by an administrator, as versions
# with an effective date, and a case gets the version in force on its relevant date *as recorded
# when the case was submitted*: a version added afterwards never changes an open or finished case.
#
# The shipped values are samples (SAMPLE_LABEL wherever they are shown), not any region's policy.

SAMPLE_LABEL = "示例参数（非正式政策）"


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
