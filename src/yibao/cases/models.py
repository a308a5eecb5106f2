"""办件: the case, its append-only history, the notices issued, the rating and its follow-up.

The engine knows no domain: a case carries a frozen snapshot of the catalogue item it was opened
under, and its domain data as JSON checked by the item's handler.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone

from yibao.cases.states import Action, CaseState, OPEN_STATES
from yibao.core.models import Channel
from yibao.core.money import MAX_AMOUNT
# new_verify_code stays importable here: migrations written before it moved to core name it here.
from yibao.core.records import AppendOnly, new_verify_code

ONLINE_CHANNELS = frozenset({Channel.PORTAL, Channel.API})


class Bundle(models.Model):
    """合并申请: one submission that opened several cases (e.g. the maternity items a guide says
    are paid together). Each case keeps its own receipt, limit, flow and rating; the materials
    handed in once (`materials`, by name) count for every case whose item lists them."""

    bundle_no = models.CharField("合并申请编号", max_length=48, unique=True)
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="地区")
    channel = models.CharField("申请渠道", max_length=16, choices=Channel.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="提交人",
    )
    materials = models.JSONField("一次性提供的材料", default=dict, blank=True, help_text="材料名称 -> 提交方式")
    created_at = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = "合并申请"
        verbose_name_plural = "合并申请"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.bundle_no


class Case(models.Model):
    """One application (办件) for one service item, from 申请 to 办结."""

    receipt_no = models.CharField("受理编号", max_length=48, unique=True)
    item = models.ForeignKey(
        "catalog.ServiceItem", on_delete=models.PROTECT, related_name="cases", verbose_name="事项（版本）"
    )
    item_code = models.CharField("事项代码", max_length=60, db_index=True)
    snapshot = models.JSONField("事项快照", default=dict, help_text="提交时生效的事项版本：材料、时限、环节、渠道")
    # Not indexed alone: every index on the cases leads with the region (each index is written by
    # every submission and step).
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="cases", verbose_name="地区",
                               db_index=False)
    office = models.CharField("经办机构", max_length=200, blank=True)
    office_ref = models.ForeignKey("catalog.Office", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="经办机构（办事指南）",
                                   db_index=False)  # case_office_ref_present
    channel = models.CharField("申请渠道", max_length=16, choices=Channel.choices)
    applicant = models.ForeignKey(
        "people.Applicant", on_delete=models.PROTECT, related_name="cases", verbose_name="申请人"
    )
    agent = models.ForeignKey(
        "people.Applicant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agent_cases",
        verbose_name="代理人（帮办代办）",
        db_index=False,  # case_agent_present (the cases that have an agent) answers agent = …
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="提交人",
    )
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                               verbose_name="合并申请", db_index=False)  # case_bundle_present
    conditions = models.JSONField("申请情形", default=dict, blank=True)
    data = models.JSONField("申请信息", default=dict, blank=True)
    materials = models.JSONField("已交材料", default=dict, blank=True, help_text="材料序号 -> 提交方式与轮次")
    owed = models.JSONField("容缺材料", default=list, blank=True, help_text="容缺受理时欠交的材料及其补交期限")
    state = models.CharField("状态", max_length=24, choices=CaseState.choices, default=CaseState.SUBMITTED)
    resume_state = models.CharField("补正后回到", max_length=24, choices=CaseState.choices, blank=True)
    round = models.PositiveIntegerField("提交轮次", default=1)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    limit_days = models.PositiveIntegerField("办理时限（工作日）", null=True, blank=True)
    limit_rule = models.CharField("适用时限规则", max_length=300, blank=True)
    due_date = models.DateField("办结期限", null=True, blank=True)
    due_provisional = models.BooleanField("期限为暂定（日历未发布）", default=False)
    sub_deadlines = models.JSONField("分段期限", default=list, blank=True)
    paused_on = models.DateField("补正暂停计时日", null=True, blank=True)
    paused_days = models.PositiveIntegerField("补正不计时（工作日）", default=0)
    overdue = models.BooleanField("已逾期", default=False)
    overdue_on = models.DateField("逾期标记日", null=True, blank=True)
    amount = models.DecimalField("核定金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)  # see Meta
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # The caller's key for this submission (the API's Idempotency-Key) and who may replay it: the
    # same key again answers with this case instead of opening another, its request's digest
    # telling a retry from a different request. On the case itself, not a row beside it: one
    # row fewer to write per submission. NULL without a key (nullable: added without a rewrite).
    request_scope = models.CharField("请求方", max_length=60, null=True, blank=True, editable=False)
    request_key = models.CharField("幂等键", max_length=100, null=True, blank=True, editable=False)
    request_hash = models.CharField("请求摘要", max_length=64, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            # The staff queue: a region's cases in given states, by due date.
            models.Index(fields=["region", "state", "due_date"]),
            # The published figures (cases.figures): a region's month by submission and by closing,
            # covering what they group and count, so that a month is read from the index alone
            # (the rows, with their snapshots, are scattered over a large file).
            models.Index(fields=["region", "submitted_at", "item_code"], name="case_region_submitted"),
            # Partial on closed_at IS NOT NULL: it never competes with case_open_queue for open cases.
            models.Index(fields=["region", "closed_at", "state", "item_code", "due_date"], name="case_region_closed",
                         condition=models.Q(closed_at__isnull=False)),
            # "My cases" looks a person up as applicant OR agent; agents are rare, so SQLite's planner
            # (after ANALYZE) skips a full agent index and scans. A partial one stays selective.
            models.Index(fields=["agent"], condition=models.Q(agent__isnull=False), name="case_agent_present"),
            # Links most cases lack (an online application names no office; few are bundled): an index
            # of the present ones answers office_ref = … and bundle = … as well, and a case without
            # them writes no index page (each page of every index is written again at commit).
            models.Index(fields=["office_ref"], condition=models.Q(office_ref__isnull=False),
                         name="case_office_ref_present"),
            models.Index(fields=["bundle"], condition=models.Q(bundle__isnull=False), name="case_bundle_present"),
            # The staff queue's open cases of a region, earliest due first (workbench.queries.Queue),
            # read in index order instead of sorted. Partial on closed_at IS NULL, which the engine keeps
            # true exactly while a case is open: SQLite would not match a condition state IN (...) to
            # the query's bound IN list. state and closed_at (always null here) last, so that the
            # queue's counts read the index alone (SQLite counts a column in the WHERE as needed).
            models.Index(
                fields=["region", "due_date", "submitted_at", "id", "state", "closed_at"],
                condition=models.Q(closed_at__isnull=True),
                name="case_open_queue",
            ),
        ]
        constraints = [
            # Of two requests with one key the second waits on this index and is undone.
            models.UniqueConstraint(fields=["request_scope", "request_key"], condition=models.Q(request_key__isnull=False),
                                    name="case_request_key_unique"),
            # The database refuses an approved amount the code forgot to check (a negative, 1e18).
            models.CheckConstraint(condition=models.Q(amount__isnull=True)
                                   | models.Q(amount__gt=0, amount__lte=MAX_AMOUNT), name="case_amount_in_range"),
        ]

    def __str__(self):
        return f"{self.receipt_no} {self.title}"

    @property
    def title(self):
        return self.snapshot.get("title") or self.item_code

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def online(self):
        return self.channel in ONLINE_CHANNELS


class CaseEvent(AppendOnly):
    """One step of a case's history. Every transition appends exactly one; none is ever changed."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name="办件")
    # Not indexed alone: events are read by case (case_id), never across cases by time but in the
    # admin's list, and every step of every case would write the index.
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="操作人",
    )
    actor_label = models.CharField("操作人名称", max_length=150, blank=True)
    actor_role = models.CharField("身份", max_length=40, blank=True)
    office = models.CharField("经办机构", max_length=200, blank=True)
    office_ref = models.ForeignKey("catalog.Office", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="经办机构（办事指南）",
                                   db_index=False)  # caseevent_office_ref_present (as Case's)
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    from_state = models.CharField("原状态", max_length=24, choices=CaseState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=24, choices=CaseState.choices)
    action = models.CharField("操作", max_length=24, choices=Action.choices)
    comment = models.TextField("说明", blank=True)
    payload = models.JSONField("内容", default=dict, blank=True)

    class Meta:
        verbose_name = "办件记录"
        verbose_name_plural = "办件记录"
        ordering = ["case", "at", "id"]
        indexes = [models.Index(fields=["office_ref"], condition=models.Q(office_ref__isnull=False),
                                name="caseevent_office_ref_present")]

    def __str__(self):
        return f"{self.case.receipt_no} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class NoticeKind(models.TextChoices):
    RECEIPT = "receipt", "受理回执"
    CORRECTION = "correction", "一次性告知书"
    REFUSAL = "refusal", "不予受理通知书"
    DENIAL = "denial", "审核不通过通知书"
    COMPLETION = "completion", "办结通知"


class Notice(AppendOnly):
    """A written notice as issued (the content is complete; rendering to PDF comes later)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices", verbose_name="办件")
    kind = models.CharField("类别", max_length=16, choices=NoticeKind.choices)
    content = models.JSONField("内容", default=dict)
    issued_at = models.DateTimeField("签发时间", default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="签发人",
    )
    # 电子证照: anyone holding the document can check it at /verify/<code>/; long enough not to be guessed.
    verify_code = models.CharField("核验码", max_length=32, unique=True, null=True, editable=False)

    class Meta:
        verbose_name = "告知文书"
        verbose_name_plural = "告知文书"
        ordering = ["case", "issued_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.case.receipt_no}"

    def save(self, *args, **kwargs):
        if self._state.adding and not self.verify_code:
            self.verify_code = new_verify_code()
        super().save(*args, **kwargs)


class Attachment(AppendOnly):
    """A file supplied for one material of a case. Stored outside the web root under a random
    name; a later upload for the same material supersedes an earlier one, which stays on record."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments", verbose_name="办件")
    material = models.PositiveIntegerField("材料序号", help_text="事项快照中材料的序号")
    material_name = models.CharField("材料名称", max_length=500)
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    stored_name = models.CharField("存储文件名", max_length=100, unique=True)
    content_type = models.CharField("文件类型", max_length=50)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    round = models.PositiveIntegerField("提交轮次", default=1)
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "申请材料附件"
        verbose_name_plural = "申请材料附件"
        ordering = ["case", "material", "uploaded_at", "id"]

    def __str__(self):
        return f"{self.case.receipt_no} {self.material_name}"


class ReceiptSequence(models.Model):
    """The last receipt sequence number used per prefix and day."""

    prefix = models.CharField(max_length=20)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="receipt_sequence_unique_day")]


class DeferralRule(models.Model):
    """容缺受理: a material of an item that may be owed at acceptance, and how long it may be owed."""

    item_code = models.CharField("事项代码", max_length=60, db_index=True)
    region = models.ForeignKey(
        "catalog.Region", on_delete=models.CASCADE, null=True, blank=True, verbose_name="地区",
        help_text="留空则适用于所有地区",
    )
    material = models.CharField("材料名称（包含即匹配）", max_length=200)
    working_days = models.PositiveIntegerField("补交期限（工作日）", default=5)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "容缺受理材料"
        verbose_name_plural = "容缺受理材料"
        ordering = ["item_code", "material"]

    def __str__(self):
        return f"{self.item_code}：{self.material}（{self.working_days}个工作日内补交）"


class ItemRule(models.Model):
    """Handling rules per item code that the guides state in notes rather than in the limit field."""

    item_code = models.CharField("事项代码", max_length=60, unique=True)
    incompleteness_notice_days = models.PositiveIntegerField(
        "材料不全告知期限（工作日）", null=True, blank=True, help_text="自收到材料之日起，须在此期限内一次性告知补正"
    )
    note = models.CharField("依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "事项办理规则"
        verbose_name_plural = "事项办理规则"
        ordering = ["item_code"]

    def __str__(self):
        return self.item_code


class PaymentCeiling(models.Model):
    """支付上限: the most one case of a paying item may be approved and paid, per item code (and
    region, or every region), in force from a date. A policy parameter set by the administrator."""

    item_code = models.CharField("事项代码", max_length=60)
    region = models.ForeignKey("catalog.Region", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name="地区", help_text="留空：适用于所有地区")
    effective_from = models.DateField("生效日期")
    ceiling = models.DecimalField("单笔支付上限（元）", max_digits=14, decimal_places=2)
    sample = models.BooleanField("示例参数", default=True, help_text="示例参数（非正式政策），请按本地政策修改")
    note = models.CharField("依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "事项支付上限"
        verbose_name_plural = "事项支付上限"
        ordering = ["item_code", "region", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["item_code", "region", "effective_from"], name="payment_ceiling_unique"),
            models.CheckConstraint(condition=models.Q(ceiling__gt=0, ceiling__lte=MAX_AMOUNT),
                                   name="payment_ceiling_in_range"),
        ]

    def __str__(self):
        sample = "（示例参数）" if self.sample else ""
        return f"{self.item_code} {self.region or '所有地区'} 自{self.effective_from} {self.ceiling}元{sample}"


class Notification(models.Model):
    """A message for one user (a supervisor, an applicant). Delivery is someone else's job."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_notifications", verbose_name="接收人"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    kind = models.CharField("类别", max_length=30)
    text = models.CharField("内容", max_length=500)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.text


class Level(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    VERY_DISSATISFIED = "very_dissatisfied", "非常不满意"


NEGATIVE_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})


class Evaluation(AppendOnly):
    """好差评: one per case (一事一评), never altered afterwards."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="evaluation", verbose_name="办件")
    level = models.CharField("评价", max_length=24, choices=Level.choices)
    text = models.TextField("评价内容", blank=True)
    channel = models.CharField("评价渠道", max_length=16, choices=Channel.choices)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="评价人",
    )
    # What the figures group by, kept as they stood when the case ended; the region too, so that a
    # region's month is one index range (cases.figures), not every region's ratings each joined to its case.
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="地区")
    item_code = models.CharField("事项代码", max_length=60, db_index=True)
    office = models.CharField("经办机构", max_length=200, blank=True)
    office_ref = models.ForeignKey("catalog.Office", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="经办机构（办事指南）")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="经办人员",
    )
    created_at = models.DateTimeField("评价时间", default=timezone.now)

    class Meta:
        verbose_name = "好差评"
        verbose_name_plural = "好差评"
        ordering = ["-created_at", "-id"]
        # a month's ratings, by item, office and level, from the index alone
        indexes = [models.Index(fields=["created_at", "level", "item_code", "office", "case"],
                                name="evaluation_created"),
                   models.Index(fields=["region", "created_at", "level", "item_code", "office"],
                                name="evaluation_region_created")]

    def __str__(self):
        return f"{self.case.receipt_no} {self.get_level_display()}"

    @property
    def negative(self):
        return self.level in NEGATIVE_LEVELS


class FollowUpOutcome(models.TextChoices):
    RECTIFIED = "rectified", "已核实整改并回访"
    UNFOUNDED = "unfounded", "经申诉复核不属实"


class FollowUp(models.Model):
    """差评的核实、整改、回访, for the supervisors of the region, within its own limit."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.PROTECT, related_name="follow_up", verbose_name="评价"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups", verbose_name="办件")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="地区")
    opened_on = models.DateField("发起日期")
    due_date = models.DateField("整改回访期限", null=True, blank=True)
    due_provisional = models.BooleanField("期限为暂定", default=False)
    outcome = models.CharField("处理结果", max_length=16, choices=FollowUpOutcome.choices, blank=True)
    note = models.TextField("核实与整改情况", blank=True)
    called_back_on = models.DateField("回访日期", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="处理人",
    )

    class Meta:
        verbose_name = "差评回访整改"
        verbose_name_plural = "差评回访整改"
        ordering = ["closed_at", "due_date", "id"]
        # the published figures: a region's month of 差评 (opened the day of the rating), from the index alone
        indexes = [models.Index(fields=["region", "opened_on", "outcome", "closed_at", "due_date"],
                                name="followup_region_opened")]

    def __str__(self):
        return f"{self.case.receipt_no} 回访整改"

    @property
    def is_open(self):
        return self.closed_at is None
