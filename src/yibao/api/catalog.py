"""The catalogue over JSON: regions and their guide in force, items, one item across regions,
导办 search and the export. Read-only. Errors: {"code": ..., "message": "<中文>"}, 404 for an
unknown region, item or code, 422 for a bad parameter.

Parameters are parsed here rather than by ninja's type coercion so that a bad value gets a
Chinese message in the same error shape as every other error of this router.
"""
from datetime import date

from django.conf import settings
from django.db.models import Count, Prefetch
from ninja import Router, Schema, Status

from yibao.api.errors import Error  # the one error shape of the whole API
from yibao.catalog.queries import item_code_for
from yibao.catalog.codes import BY_CODE, GROUP_NAMES
from yibao.catalog.models import Guide, ItemChannel, ItemOffice, Region, ServiceItem
from yibao.core.numbers import whole_number

router = Router(tags=["办事指南"])

MAX_SEARCH_LIMIT = 50
MAX_QUESTION_LENGTH = 200


def _not_found(message):
    return Status(404, {"code": "not_found", "message": message})


def _invalid(message):
    return Status(422, {"code": "invalid", "message": message})


def _int_param(value, low, high):
    """The integer in `value`, or None when it is not a whole number within [low, high]."""
    return whole_number(value, low, high)


# ---- schemas


class RegionRef(Schema):
    code: str
    name: str


class Edition(Schema):
    guide_id: int
    edition: str
    title: str
    source: str
    effective_from: date


class RegionOut(Schema):
    code: str
    name: str
    full_name: str
    area_code: str
    is_template: bool
    edition: Edition | None  # the guide in force today; None when the region has none
    item_count: int


class TimeLimitOut(Schema):
    when: str  # empty: every case
    working_days: int
    text: str


class ChannelOut(Schema):
    code: str
    name: str
    online: bool
    conditional: bool  # 有条件的统筹地区可通过…
    applies_to: str
    text: str


class ItemSummary(Schema):
    id: int
    code: str
    catalogue_code: str | None  # 12-digit 事项编码 when the agency has given it
    title: str
    group: str
    group_name: str
    time_limits: list[TimeLimitOut]
    online_channels: list[ChannelOut]


class RegionItems(Schema):
    region: RegionRef
    edition: Edition | None
    items: list[ItemSummary]


class MaterialOut(Schema):
    name: str
    when: str
    sub_items: list
    seal_required: bool
    commitment_fallback: bool
    text: str


class StageOut(Schema):
    name: str
    text: str


class OfficeOut(Schema):
    name: str
    address: str
    hours: str
    consult_phones: list
    complaint_phones: list
    online: str


class ItemOut(Schema):
    id: int
    code: str
    catalogue_code: str | None  # 12-digit 事项编码 when the agency has given it
    title: str
    published_title: str
    name: str
    group: str
    group_name: str
    region: RegionRef
    edition: Edition
    in_force: bool
    service_objects: str
    acceptance_unit: str
    channels_text: str
    materials_text: str
    time_limit_text: str
    stages_text: str
    query_text: str
    evaluation_text: str
    supervision_text: str
    materials: list[MaterialOut]
    stages: list[StageOut]
    time_limits: list[TimeLimitOut]
    channels: list[ChannelOut]
    offices: list[OfficeOut]
    notes: list
    missing_fields: list[str]  # fields the guide leaves empty: shown as 未载明, never invented


class CompareEntry(Schema):
    region: RegionRef
    edition: Edition
    item: ItemSummary | None  # None: this region's guide does not publish the item
    service_objects: str
    materials: list[str]
    stages: list[str]


class CompareOut(Schema):
    code: str
    name: str
    group: str
    group_name: str
    regions: list[CompareEntry]
    differences: list[str]  # the aspects in which the publishing regions disagree


class SearchHit(Schema):
    code: str
    title: str
    region: str
    region_name: str
    item_id: int
    guide_id: int
    group: str
    score: float
    regions: list[str]  # every region whose guide in force has a matching item of this code


class SearchOut(Schema):
    q: str
    region: str | None
    results: list[SearchHit]


# ---- shaping


def _edition(guide):
    return {
        "guide_id": guide.pk,
        "edition": guide.edition,
        "title": guide.title,
        "source": guide.source,
        "effective_from": guide.effective_from,
    }


def _region_ref(region):
    return {"code": region.code, "name": region.name}


def _summary(item):
    return {
        "id": item.pk,
        "code": item.code,
        "catalogue_code": item.catalogue_code or None,
        "title": item.display_title,
        "group": item.group,
        "group_name": item.group_name,
        "time_limits": list(item.time_limits.all()),
        "online_channels": [c for c in item.channels.all() if c.online],
    }


def _in_force_guides():
    """{region_id: guide} of the guides in force today (without their raw text), each with
    `item_count`."""
    guides = Guide.objects.defer("raw_text", "report").in_force().annotate(item_count=Count("items"))
    return {g.region_id: g for g in guides}


_SUMMARY_PREFETCH = (
    "time_limits",
    Prefetch("channels", queryset=ItemChannel.objects.order_by("ordinal")),
)


# ---- endpoints


@router.get("/regions", response=list[RegionOut], summary="统筹地区及其现行指南")
def list_regions(request):
    in_force = _in_force_guides()
    rows = []
    for region in Region.objects.all():
        guide = in_force.get(region.pk)
        rows.append(
            {
                "code": region.code,
                "name": region.name,
                "full_name": region.full_name,
                "area_code": region.area_code,
                "is_template": region.is_template,
                "edition": _edition(guide) if guide else None,
                "item_count": guide.item_count if guide else 0,
            }
        )
    return rows


@router.get(
    "/regions/{code}/items", response={200: RegionItems, 404: Error}, summary="一个地区现行指南的服务事项"
)
def region_items(request, code: str):
    region = Region.objects.filter(code=code).first()
    if region is None:
        return _not_found(f"未找到统筹地区“{code}”")
    guide = Guide.objects.filter(region=region).defer("raw_text", "report").in_force().first()
    items = []
    if guide is not None:
        items = [
            _summary(item)
            for item in ServiceItem.objects.filter(guide=guide).order_by("ordinal").prefetch_related(*_SUMMARY_PREFETCH)
        ]
    return {"region": _region_ref(region), "edition": _edition(guide) if guide else None, "items": items}


@router.get("/items/{item_id}", response={200: ItemOut, 404: Error, 422: Error}, summary="服务事项详情")
def item_detail(request, item_id: str):
    pk = _int_param(item_id, 1, 2**62)
    if pk is None:
        return _invalid("事项编号应为正整数")
    item = (
        ServiceItem.objects.filter(pk=pk)
        .select_related("guide__region")
        .defer("guide__raw_text", "guide__report")
        .prefetch_related(
            "materials",
            "stages",
            "time_limits",
            Prefetch("channels", queryset=ItemChannel.objects.order_by("ordinal")),
            Prefetch("offices", queryset=ItemOffice.objects.select_related("office").order_by("ordinal")),
        )
        .first()
    )
    if item is None:
        return _not_found(f"未找到编号为 {pk} 的服务事项")
    guide = item.guide
    return {
        "id": item.pk,
        "code": item.code,
        "catalogue_code": item.catalogue_code or None,
        "title": item.display_title,
        "published_title": item.title,
        "name": item.name,
        "group": item.group,
        "group_name": item.group_name,
        "region": _region_ref(guide.region),
        "edition": _edition(guide),
        "in_force": guide.is_in_force,
        "service_objects": item.service_objects,
        "acceptance_unit": item.acceptance_unit,
        "channels_text": item.channels_text,
        "materials_text": item.materials_text,
        "time_limit_text": item.time_limit_text,
        "stages_text": item.stages_text,
        "query_text": item.query_text,
        "evaluation_text": item.evaluation_text,
        "supervision_text": item.supervision_text,
        "materials": list(item.materials.all()),
        "stages": list(item.stages.all()),
        "time_limits": list(item.time_limits.all()),
        "channels": list(item.channels.all()),
        "offices": [
            {
                "name": o.office.name,
                "address": o.address,
                "hours": o.hours,
                "consult_phones": o.consult_phones,
                "complaint_phones": o.complaint_phones,
                "online": o.online,
            }
            for o in item.offices.all()
        ],
        "notes": item.notes if isinstance(item.notes, list) else [item.notes],
        "missing_fields": item.missing_fields,
    }


@router.get("/compare/{code}", response={200: CompareOut, 404: Error}, summary="同一事项在各地区的对比")
def compare(request, code: str):
    """code：事项代码（如 employee-enrollment）或12位事项编码。"""
    code = item_code_for(code)
    in_force = _in_force_guides()
    items = {}
    for item in (
        ServiceItem.objects.filter(code=code, guide_id__in=[g.pk for g in in_force.values()])
        .order_by("ordinal")
        .prefetch_related(*_SUMMARY_PREFETCH, "materials", "stages")
    ):
        items.setdefault(item.guide_id, item)  # a guide listing an item twice (模板 #30): the first
    if code not in BY_CODE and not items:
        return _not_found(f"未找到事项代码“{code}”")
    entries, published = [], []
    for region in Region.objects.all():
        guide = in_force.get(region.pk)
        if guide is None:
            continue
        item = items.get(guide.pk)
        entry = {
            "region": _region_ref(region),
            "edition": _edition(guide),
            "item": _summary(item) if item else None,
            "service_objects": item.service_objects if item else "",
            "materials": [m.name for m in item.materials.all()] if item else [],
            "stages": [s.name for s in item.stages.all()] if item else [],
        }
        entries.append(entry)
        if item:
            published.append((item, entry))
    first = published[0][0] if published else None
    group = first.group if first else BY_CODE[code].group
    return {
        "code": code,
        "name": BY_CODE[code].name if code in BY_CODE else first.display_title,
        "group": group,
        "group_name": GROUP_NAMES.get(group, "其他事项"),
        "regions": entries,
        "differences": _differences(published),
    }


def _differences(published):
    """The aspects (in Chinese) in which the regions that publish the item disagree."""
    aspects = {
        "事项名称": lambda item, entry: item.display_title,
        "办理时限": lambda item, entry: sorted((t.when, t.working_days) for t in item.time_limits.all()),
        "申请材料": lambda item, entry: entry["materials"],
        "办理流程": lambda item, entry: entry["stages"],
        "线上渠道": lambda item, entry: sorted(c.code for c in item.channels.all() if c.online),
        "服务对象": lambda item, entry: item.service_objects,
    }
    return [
        label
        for label, value in aspects.items()
        if len({repr(value(item, entry)) for item, entry in published}) > 1
    ]


@router.get(
    "/search", response={200: SearchOut, 404: Error, 422: Error}, summary="导办：用一句话查找服务事项"
)
def search_items(request, q: str = "", region: str = "", limit: str = ""):
    """q：群众的问题（如“生孩子的费用怎么报”）；region：只查这个地区（地区代码）；limit：返回条数（1–50）。
    每个事项代码只出现一次，regions 列出有该事项的地区。"""
    from yibao.catalog.search import search  # jieba loads only when someone searches

    if len(q) > MAX_QUESTION_LENGTH:
        return _invalid(f"问题太长，请不超过{MAX_QUESTION_LENGTH}个字")
    count = settings.YIBAO_SEARCH_LIMIT
    if limit.strip():
        count = _int_param(limit, 1, MAX_SEARCH_LIMIT)
        if count is None:
            return _invalid(f"limit 应为 1 到 {MAX_SEARCH_LIMIT} 之间的整数")
    region = region.strip() or None
    if region and not Region.objects.filter(code=region).exists():
        return _not_found(f"未找到统筹地区“{region}”")
    return {"q": q, "region": region, "results": search(q, region=region, limit=count)}


@router.get(
    "/export", response={200: dict, 404: Error}, summary="导出办事指南（与 yibao catalog export 相同）"
)
def export(request, region: str = ""):
    from yibao.catalog.export import export_catalog  # the catalogue engineer's export, shared with the command

    region = region.strip() or None
    if region and not Region.objects.filter(code=region).exists():
        return _not_found(f"未找到统筹地区“{region}”")
    return export_catalog(region=region)
