"""Medical aid (医疗救助): the recipient lists other departments send (民政, 乡村振兴, 残联), the
batches that match them to the registers (免申即享), the subsidies granted (one per person and
year: a database constraint), the recognitions of aid status, the aid reimbursement claims with
their settlement statements (each statement paid once: a constraint), and the parameters.

The parameters are what the guides leave to local policy (R67: "no amounts or ratios are given"):
per region and category, the contribution subsidy (full or a fixed sum) and, for reimbursement,
the threshold, the ratio and the yearly cap. Shipped values are samples (SAMPLE_LABEL)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yibao.core.masking import mask_id_number, mask_name

SAMPLE_LABEL = "示例参数（非正式政策）"
AMOUNT = {"max_digits": 14, "decimal_places": 2}


class Source(models.TextChoices):
    CIVIL_AFFAIRS = "civil", "民政部门"
    RURAL = "rural", "乡村振兴部门"
    DISABLED = "disabled", "残联"


class Category(models.TextChoices):
    """The aid categories the lists name (民政: 特困, 低保, 低保边缘; 乡村振兴: 监测对象; 残联: 重度残疾)."""

    EXTREME_POVERTY = "extreme", "特困人员"
    SUBSISTENCE = "subsistence", "低保对象"
    LOW_INCOME = "low_income", "低保边缘家庭成员"
    MONITORED = "monitored", "防止返贫监测对象"
    DISABLED = "disabled", "重度残疾人"


# Words lists use for a category (a list is typed by hand in each office).
CATEGORY_WORDS = {
    Category.EXTREME_POVERTY: ("特困人员", "特困", "特困供养人员", "特困供养"),
    Category.SUBSISTENCE: ("低保对象", "低保", "最低生活保障对象"),
    Category.LOW_INCOME: ("低保边缘家庭成员", "低保边缘", "低收入人口", "低收入"),
    Category.MONITORED: ("防止返贫监测对象", "监测对象", "返贫致贫人口", "脱贫不稳定户", "边缘易致贫户"),
    Category.DISABLED: ("重度残疾人", "重度残疾", "一二级残疾人"),
}


class SubsidyMode(models.TextChoices):
    FULL = "full", "全额资助（个人缴费全额补贴）"
    FIXED = "fixed", "定额资助"


class SubsidyParameters(models.Model):
    """The contribution subsidy of one category in a region (None: every region without its own),
    in force from `effective_from`."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="统筹地区", help_text="留空表示适用于未单独设置的所有地区")
    category = models.CharField("救助类别", max_length=12, choices=Category.choices)
    effective_from = models.DateField("生效日期")
    mode = models.CharField("资助方式", max_length=8, choices=SubsidyMode.choices)
    amount = models.DecimalField("定额资助金额（元）", null=True, blank=True, **AMOUNT)
    sample = models.BooleanField(SAMPLE_LABEL, default=False)
    basis = models.CharField("政策依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "资助参保参数"
        verbose_name_plural = "资助参保参数"
        ordering = ["region", "category", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "category", "effective_from"], name="subsidy_parameters_one"),
            models.UniqueConstraint(fields=["category", "effective_from"], condition=Q(region=None),
                                    name="subsidy_parameters_one_default"),
            models.CheckConstraint(condition=Q(mode="full", amount=None) | Q(mode="fixed", amount__gt=0),
                                   name="subsidy_parameters_fixed_has_amount"),
        ]

    def __str__(self):
        where = self.region.name if self.region_id else "各地区默认"
        what = "全额" if self.mode == SubsidyMode.FULL else f"定额{self.amount}元"
        return f"{where} {self.get_category_display()} {what} 自{self.effective_from}起{'（示例参数）' if self.sample else ''}"


class AidParameters(models.Model):
    """Aid reimbursement of one category in a region: threshold (起付线, per year), ratio, yearly cap."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="统筹地区", help_text="留空表示适用于未单独设置的所有地区")
    category = models.CharField("救助类别", max_length=12, choices=Category.choices)
    effective_from = models.DateField("生效日期")
    threshold = models.DecimalField("年度起付线（元）", **AMOUNT)
    ratio = models.DecimalField("救助比例", max_digits=5, decimal_places=4, help_text="小数，如 0.7000 表示 70%")
    yearly_cap = models.DecimalField("年度救助限额（元）", **AMOUNT)
    sample = models.BooleanField(SAMPLE_LABEL, default=False)
    basis = models.CharField("政策依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "医疗救助报销参数"
        verbose_name_plural = "医疗救助报销参数"
        ordering = ["region", "category", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "category", "effective_from"], name="aid_parameters_one"),
            models.UniqueConstraint(fields=["category", "effective_from"], condition=Q(region=None),
                                    name="aid_parameters_one_default"),
            models.CheckConstraint(condition=Q(ratio__gte=0, ratio__lte=1, threshold__gte=0, yearly_cap__gte=0),
                                   name="aid_parameters_ranges"),
        ]

    def __str__(self):
        where = self.region.name if self.region_id else "各地区默认"
        return (f"{where} {self.get_category_display()} 起付线{self.threshold}元 比例{self.ratio:.0%} "
                f"年度限额{self.yearly_cap}元 自{self.effective_from}起{'（示例参数）' if self.sample else ''}")


class RecipientList(models.Model):
    """One list as an office received it: a source's recipients of a region for a period."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="统筹地区")
    source = models.CharField("提供部门", max_length=10, choices=Source.choices)
    period = models.CharField("名单所属期", max_length=20, help_text="如 2026 或 2026-03")
    year = models.PositiveSmallIntegerField("资助年度")
    filename = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("文件摘要", max_length=64)
    row_count = models.PositiveIntegerField("行数")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "救助对象名单"
        verbose_name_plural = "救助对象名单"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            # the same file for the same source and period is one list, however often it is uploaded
            models.UniqueConstraint(fields=["region", "source", "period", "sha256"], name="recipient_list_once"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.period} {self.filename}（{self.row_count}行）"


class ListRow(models.Model):
    """One line of a list, as given (the ID as typed; the category word as written)."""

    recipients = models.ForeignKey(RecipientList, on_delete=models.CASCADE, related_name="rows", verbose_name="名单")
    row = models.PositiveIntegerField("行号")
    name = models.CharField("姓名", max_length=100)
    id_number = models.CharField("证件号码", max_length=40)
    category_text = models.CharField("救助类别（原文）", max_length=40)
    category = models.CharField("救助类别", max_length=12, choices=Category.choices, blank=True)
    card_account = models.CharField("社会保障卡金融账号", max_length=40, blank=True)
    card_bank = models.CharField("开户银行", max_length=100, blank=True)

    class Meta:
        verbose_name = "名单行"
        verbose_name_plural = "名单行"
        ordering = ["recipients", "row"]
        constraints = [models.UniqueConstraint(fields=["recipients", "row"], name="list_row_once")]
        indexes = [models.Index(fields=["id_number"])]

    def __str__(self):
        return f"第{self.row}行 {self.masked_name} {self.masked_id}"

    @property
    def masked_name(self):
        return mask_name(self.name)

    @property
    def masked_id(self):
        return mask_id_number(self.id_number)


class BatchState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    DONE = "done", "已完成"
    FAILED = "failed", "出错中止"


class SubsidyBatch(models.Model):
    """One run of 免申即享 over some lists of a region and year. A run killed midway is run again:
    the rows it finished have their outcome (a constraint), the rest are done then."""

    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="统筹地区")
    year = models.PositiveSmallIntegerField("资助年度")
    lists = models.ManyToManyField(RecipientList, related_name="batches", verbose_name="名单")
    state = models.CharField("状态", max_length=10, choices=BatchState.choices, default=BatchState.QUEUED)
    total = models.PositiveIntegerField("名单总行数", default=0)
    done = models.PositiveIntegerField("已处理行数", default=0)
    matched = models.PositiveIntegerField("资助人数", default=0)
    amount = models.DecimalField("资助金额合计（元）", default=0, **AMOUNT)
    error = models.CharField("错误", max_length=500, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="发起人")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "免申即享批次"
        verbose_name_plural = "免申即享批次"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"批次{self.pk} {self.region} {self.year}年 {self.get_state_display()} {self.done}/{self.total}"

    @property
    def progress(self):
        return round(100 * self.done / self.total) if self.total else 100


class Outcome(models.TextChoices):
    GRANTED = "granted", "已资助"
    NOT_ENROLLED = "not_enrolled", "未参加本年度城乡居民医保"
    NOT_PAID = "not_paid", "未全额缴纳本年度个人缴费"
    DUPLICATE = "duplicate", "名单内重复"
    ALREADY = "already", "本年度已资助"
    UNKNOWN_CATEGORY = "unknown_category", "救助类别无法识别"
    BAD_ID = "bad_id", "证件号码有误"
    NAME_DIFFERS = "name_differs", "姓名与参保登记不符"
    NO_CARD = "no_card", "社会保障卡金融账户缺失或有误"
    NO_PARAMETERS = "no_parameters", "该类别无资助参数"
    NOT_AVAILABLE = "not_available", "本地区未公布该事项"


class BatchLine(models.Model):
    """The outcome of one list row in one batch: written once (a constraint), so a rerun of a
    killed batch resumes where it stopped and reports every row exactly once."""

    batch = models.ForeignKey(SubsidyBatch, on_delete=models.CASCADE, related_name="lines", verbose_name="批次")
    list_row = models.ForeignKey(ListRow, on_delete=models.PROTECT, related_name="+", verbose_name="名单行")
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices)
    detail = models.CharField("说明", max_length=300, blank=True)
    grant = models.ForeignKey("Grant", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="资助")

    class Meta:
        verbose_name = "批次结果"
        verbose_name_plural = "批次结果"
        ordering = ["batch", "list_row"]
        constraints = [models.UniqueConstraint(fields=["batch", "list_row"], name="batch_line_once")]
        indexes = [models.Index(fields=["batch", "outcome"])]


class Grant(models.Model):
    """资助参保: one person's contribution subsidy for a year. One per person and year — the
    constraint, not a look before the insert, is what keeps a rerun or a race from paying twice."""

    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="+", verbose_name="参保人员")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="统筹地区")
    year = models.PositiveSmallIntegerField("资助年度")
    category = models.CharField("救助类别", max_length=12, choices=Category.choices)
    source = models.CharField("名单来源", max_length=10, choices=Source.choices)
    amount = models.DecimalField("资助金额（元）", **AMOUNT)
    basis = models.CharField("计算依据", max_length=300)
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="办件")
    batch = models.ForeignKey(SubsidyBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="批次")
    created_at = models.DateTimeField("资助时间", default=timezone.now)

    class Meta:
        verbose_name = "资助参保记录"
        verbose_name_plural = "资助参保记录"
        ordering = ["-year", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="aid_grant_once_per_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="aid_grant_positive"),
        ]
        indexes = [models.Index(fields=["batch"])]

    def __str__(self):
        return f"{self.person} {self.year}年 {self.get_category_display()} {self.amount}元"


class Recognition(models.Model):
    """救助对象认定: a person recognised as an aid recipient of a category for a year, by a list or
    by the external determination (R65) an office records."""

    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="+", verbose_name="参保人员")
    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("救助类别", max_length=12, choices=Category.choices)
    source = models.CharField("认定部门", max_length=10, choices=Source.choices)
    reference = models.CharField("认定文书或名单", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="录入人")
    recorded_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "救助对象认定"
        verbose_name_plural = "救助对象认定"
        ordering = ["-year", "person"]
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="aid_recognition_once_per_year")]

    def __str__(self):
        return f"{self.person} {self.year}年 {self.get_category_display()}（{self.get_source_display()}）"


class AidClaim(models.Model):
    """The claim of one aid reimbursement case: the person, the category it was computed for, the
    explanation (核算明细) and the amount fixed at approval."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="办件")
    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="+", verbose_name="参保人员")
    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("救助类别", max_length=12, choices=Category.choices, blank=True)
    explanation = models.JSONField("核算明细", default=dict, blank=True)
    payable = models.DecimalField("救助金额（元）", null=True, blank=True, **AMOUNT)
    fixed = models.BooleanField("已核定（计入年度累计）", default=False)

    class Meta:
        verbose_name = "医疗救助报销"
        verbose_name_plural = "医疗救助报销"
        ordering = ["-id"]
        indexes = [models.Index(fields=["person", "year"])]


class StatementUse(models.Model):
    """A settlement statement (结算单) number claimed by an aid case: aided once (a constraint),
    released only when its case ended unpaid."""

    number = models.CharField("结算单号", max_length=60)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name="办件")
    released = models.BooleanField("已释放", default=False)

    class Meta:
        verbose_name = "救助结算单"
        verbose_name_plural = "救助结算单"
        constraints = [models.UniqueConstraint(fields=["number"], condition=Q(released=False),
                                               name="aid_statement_once")]
