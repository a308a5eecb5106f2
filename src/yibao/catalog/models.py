"""The catalogue as published. A Guide is one edition of one region's 办事指南; its items, materials,
stages, limits, channels and offices are rows under it and are never rewritten by a later edition.
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from yibao.catalog.catalogue_codes import CatalogueCodeError, check_catalogue_code
from yibao.catalog.codes import GROUP_NAMES
from yibao.catalog.flow import FlowSource


class Region(models.Model):
    """统筹地区 (or a template whose region the text does not name)."""

    code = models.SlugField("地区代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    full_name = models.CharField("全称", max_length=120, blank=True)
    area_code = models.CharField("电话区号", max_length=8, blank=True)
    admin_code = models.CharField("行政区划代码", max_length=12, blank=True)
    is_template = models.BooleanField("模板（未注明地区）", default=False)
    sort_order = models.PositiveIntegerField("排序", default=100)

    class Meta:
        verbose_name = "统筹地区"
        verbose_name_plural = "统筹地区"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class GuideQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Per region, the edition in force on `on`: the latest effective date not after it,
        ties going to the later import."""
        on = on or timezone.localdate()
        chosen = {}
        for guide in self.filter(effective_from__lte=on).order_by("region_id", "-effective_from", "-id"):
            chosen.setdefault(guide.region_id, guide.pk)
        return self.filter(pk__in=chosen.values())


class Guide(models.Model):
    """One published edition of a region's 办事指南, as imported from its file."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="guides", verbose_name="地区")
    title = models.CharField("标题", max_length=200, blank=True)
    edition = models.CharField("版次", max_length=100, blank=True)
    source = models.CharField("来源文件", max_length=255)
    content_hash = models.CharField("内容摘要", max_length=64)
    family = models.CharField("版式", max_length=40, blank=True)
    effective_from = models.DateField("生效日期", default=timezone.localdate)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    raw_text = models.TextField("原文", blank=True)
    report = models.JSONField("导入报告", default=dict, blank=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        verbose_name = "办事指南（版本）"
        verbose_name_plural = "办事指南（版本）"
        ordering = ["region__sort_order", "-effective_from", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "content_hash"], name="guide_unique_content")]

    def __str__(self):
        return f"{self.region.name} {self.edition or self.source}"

    @property
    def is_in_force(self):
        return Guide.objects.filter(region_id=self.region_id).in_force().filter(pk=self.pk).exists()


class ServiceItem(models.Model):
    """事项 as one guide publishes it. `fields` keeps every field as published, by its label."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="items", verbose_name="指南")
    ordinal = models.PositiveIntegerField("序号")
    code = models.CharField("事项代码", max_length=60, db_index=True)
    # 事项编码 of the 政务服务 catalogue (national-rules.md §2): 12 digits, shape and province
    # checked (catalog/catalogue_codes.py). Empty until the agency gives it: no guide prints one.
    catalogue_code = models.CharField("事项编码", max_length=12, blank=True, db_index=True)
    group = models.CharField("分类", max_length=30)
    title = models.CharField("标题", max_length=200, blank=True)
    name = models.CharField("事项名称", max_length=200, blank=True)
    service_objects = models.TextField("服务对象", blank=True)
    acceptance_unit = models.TextField("受理单位", blank=True)
    channels_text = models.TextField("办理渠道", blank=True)
    materials_text = models.TextField("申请材料", blank=True)
    time_limit_text = models.TextField("办理时限", blank=True)
    stages_text = models.TextField("办理流程", blank=True)
    query_text = models.TextField("办理进度查询", blank=True)
    evaluation_text = models.TextField("服务评价渠道", blank=True)
    supervision_text = models.TextField("监督电话", blank=True)
    notes = models.JSONField("备注", default=list, blank=True)
    missing_fields = models.JSONField("缺失字段", default=list, blank=True)
    warnings = models.JSONField("导入提示", default=list, blank=True)
    fields = models.JSONField("原文字段", default=dict, blank=True)
    # The flow, decided at import (catalog.flow) and correctable in the admin; frozen into a case.
    has_review = models.BooleanField("有审核环节", default=True)
    pays = models.BooleanField("有拨付环节", default=False, help_text="办结前须按支付指令支付成功")
    flow_source = models.CharField("流程依据", max_length=10, choices=FlowSource.choices, default=FlowSource.STAGES)

    class Meta:
        verbose_name = "服务事项"
        verbose_name_plural = "服务事项"
        ordering = ["guide", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["guide", "ordinal"], name="item_unique_ordinal")]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        return self.name or self.title or f"（未命名事项 {self.ordinal}）"

    @property
    def group_name(self):
        return GROUP_NAMES.get(self.group, "其他事项")

    def clean(self):
        # The admin's form calls this: a code of the wrong shape or province is refused there.
        if self.catalogue_code:
            try:
                self.catalogue_code = check_catalogue_code(self.catalogue_code, self.guide.region)
            except CatalogueCodeError as exc:
                raise ValidationError({"catalogue_code": exc.message}) from exc


class Material(models.Model):
    """申请材料, with the condition under which it applies."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials", verbose_name="事项")
    ordinal = models.PositiveIntegerField("序号")
    name = models.CharField("材料名称", max_length=500)
    when = models.CharField("适用情形", max_length=300, blank=True)
    sub_items = models.JSONField("子项", default=list, blank=True)
    seal_required = models.BooleanField("需加盖公章", default=False)
    commitment_fallback = models.BooleanField("可用个人承诺书代替", default=False)
    text = models.TextField("原文", blank=True)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["item", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["item", "ordinal"], name="material_unique_ordinal")]

    def __str__(self):
        return self.name


class Stage(models.Model):
    """办理流程 step, in order (申请, 受理, 审核, 拨付, 办结, or the guide's own steps)."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="stages", verbose_name="事项")
    ordinal = models.PositiveIntegerField("序号")
    name = models.CharField("环节", max_length=100)
    text = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"
        ordering = ["item", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["item", "ordinal"], name="stage_unique_ordinal")]

    def __str__(self):
        return self.name


class TimeLimit(models.Model):
    """One rule of 办理时限 in working days; `when` empty means it applies to every case."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="time_limits", verbose_name="事项")
    ordinal = models.PositiveIntegerField("序号")
    when = models.CharField("适用情形", max_length=100, blank=True)
    working_days = models.PositiveIntegerField("工作日")
    text = models.CharField("原文", max_length=300, blank=True)

    class Meta:
        verbose_name = "办理时限"
        verbose_name_plural = "办理时限"
        ordering = ["item", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["item", "ordinal"], name="limit_unique_ordinal")]

    def __str__(self):
        return f"{self.when or '一般'}：{self.working_days}个工作日"


class ItemChannel(models.Model):
    """办理渠道, normalised to one vocabulary (`code`), with the published words kept."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="channels", verbose_name="事项")
    ordinal = models.PositiveIntegerField("序号")
    code = models.CharField("渠道代码", max_length=30)
    name = models.CharField("渠道", max_length=100)
    online = models.BooleanField("线上渠道", default=False)
    conditional = models.BooleanField("有条件的地区提供", default=False)
    applies_to = models.CharField("适用对象", max_length=100, blank=True)
    text = models.CharField("原文", max_length=500, blank=True)

    class Meta:
        verbose_name = "办理渠道"
        verbose_name_plural = "办理渠道"
        ordering = ["item", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["item", "ordinal"], name="channel_unique_ordinal")]

    def __str__(self):
        return self.name


class Office(models.Model):
    """经办机构 as a guide lists it, with its most common address, hours and phones."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="offices", verbose_name="指南")
    ordinal = models.PositiveIntegerField("序号")
    name = models.CharField("名称", max_length=200)
    address = models.TextField("办理地点", blank=True)
    hours = models.TextField("办理时间", blank=True)
    consult_phones = models.JSONField("咨询电话", default=list, blank=True)
    complaint_phones = models.JSONField("投诉电话", default=list, blank=True)

    class Meta:
        verbose_name = "经办机构"
        verbose_name_plural = "经办机构"
        ordering = ["guide", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["guide", "name"], name="office_unique_name")]

    def __str__(self):
        return self.name


class ItemOffice(models.Model):
    """Where and when one item is handled at one office: the guides vary this per item."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="offices", verbose_name="事项")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="item_entries", verbose_name="经办机构")
    ordinal = models.PositiveIntegerField("序号")
    address = models.TextField("办理地点", blank=True)
    hours = models.TextField("办理时间", blank=True)
    consult_phones = models.JSONField("咨询电话", default=list, blank=True)
    complaint_phones = models.JSONField("投诉电话", default=list, blank=True)
    online = models.TextField("线上办理", blank=True)

    class Meta:
        verbose_name = "事项办理地点"
        verbose_name_plural = "事项办理地点"
        ordering = ["item", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["item", "ordinal"], name="itemoffice_unique_ordinal")]

    def __str__(self):
        return f"{self.item} @ {self.office}"


class Certainty(models.TextChoices):
    STATED = "stated", "明文载明"  # the source says it in so many words
    MAPPED = "mapped", "据对应关系"  # the source's mapping of list rows to the guides' items
    INFERRED = "inferred", "推断"  # read from the source, not spelt out: check before relying on it


class ReferenceList(models.Model):
    """A service list (事项清单) a guide must respect: the national one, or a province's. Loaded from
    a file by the administrator (`yibao catalog reference load`); loading a list of the same level
    and province again replaces it. `complete` says the rows are the whole list: only then is an
    item missing from it a local addition."""

    class Level(models.TextChoices):
        NATIONAL = "national", "国家清单"
        PROVINCIAL = "provincial", "省级清单"

    level = models.CharField("层级", max_length=20, choices=Level.choices)
    province = models.CharField("省份代码", max_length=2)  # 00 for the national list
    name = models.CharField("清单名称", max_length=200)
    source = models.TextField("来源")
    date = models.CharField("日期", max_length=10)  # YYYY, YYYY-MM or YYYY-MM-DD: as precise as the source
    complete = models.BooleanField("载明全部事项", default=False)
    file_name = models.CharField("导入文件", max_length=255, blank=True)
    loaded_at = models.DateTimeField("导入时间", auto_now=True)

    class Meta:
        verbose_name = "事项清单"
        verbose_name_plural = "事项清单"
        ordering = ["level", "province"]
        constraints = [models.UniqueConstraint(fields=["level", "province"], name="reference_list_unique_level")]

    def __str__(self):
        return f"{self.name}（{self.date}）"


class ReferenceRow(models.Model):
    """One sub-item (子项) of a list, with what the source establishes about it and how surely."""

    reference = models.ForeignKey(ReferenceList, on_delete=models.CASCADE, related_name="rows", verbose_name="清单")
    ordinal = models.PositiveIntegerField("序号")
    number = models.CharField("清单编号", max_length=20, blank=True)
    item_code = models.CharField("事项代码", max_length=60, blank=True)
    name = models.CharField("清单事项名称", max_length=200, blank=True)  # empty: the source does not quote it
    catalogue_code = models.CharField("事项编码", max_length=12, blank=True)
    max_materials = models.PositiveIntegerField("材料种类上限", null=True, blank=True)
    max_working_days = models.PositiveIntegerField("办理时限上限（工作日）", null=True, blank=True)
    public = models.BooleanField("涉及群众办事", null=True, blank=True)
    added = models.BooleanField("本级新增（上级清单没有）", default=False)
    certainty = models.CharField("确定程度", max_length=20, choices=Certainty.choices)
    basis = models.TextField("依据")

    class Meta:
        verbose_name = "清单事项"
        verbose_name_plural = "清单事项"
        ordering = ["reference", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["reference", "ordinal"], name="reference_row_unique_ordinal")]

    def __str__(self):
        return f"{self.number} {self.name or self.item_code}".strip()


class CatalogVersion(models.Model):
    """One row whose value moves with every change to the catalogue (catalog.version): a process
    that caches what an edition says compares it to see another process's change."""

    value = models.BigIntegerField("版本号", default=0)

    class Meta:
        verbose_name = "目录版本号"
        verbose_name_plural = "目录版本号"
