"""Freezing the item version a case is opened under, and reading what the engine needs from it.

A case is judged by the item as it stood at submission: a later edition never changes it.
"""
from django.utils import timezone

from yibao.cases.exceptions import ItemNotAvailable
from yibao.catalog.models import Guide, ServiceItem

REVIEW_WORDS = ("审核", "审批", "审查")
PAYMENT_WORDS = ("拨付", "支付")


def item_in_force(region, code, on=None):
    """The item `code` as the guide of `region` in force on `on` publishes it."""
    guide = Guide.objects.filter(region=region).in_force(on).first()
    item = ServiceItem.objects.filter(guide=guide, code=code).order_by("ordinal").first() if guide else None
    if item is None:
        raise ItemNotAvailable(f"{region.name}现行办事指南中没有该事项", region=region.code, code=code)
    return item


def check_in_force(item):
    """Raise unless `item` belongs to the edition of its region's guide in force today."""
    guide = item.guide
    if guide.region.is_template:
        raise ItemNotAvailable("模板指南未注明地区，不能据此受理办件", code=item.code)
    current = Guide.objects.filter(region_id=guide.region_id).in_force().first()
    if current is None or current.pk != guide.pk:
        raise ItemNotAvailable("该事项版本已不是现行版本，请按现行办事指南申请", code=item.code)


def freeze(item):
    """Everything about `item` a case needs later, as plain JSON."""
    guide = item.guide
    return {
        "item_id": item.pk,
        "guide_id": guide.pk,
        "edition": guide.edition or guide.source,
        "effective_from": guide.effective_from.isoformat(),
        "region": guide.region.code,
        "code": item.code,
        "title": item.display_title,
        "service_objects": item.service_objects,
        "acceptance_unit": item.acceptance_unit,
        "query_text": item.query_text,
        "evaluation_text": item.evaluation_text,
        "materials": [
            {
                "key": str(m.ordinal),
                "name": m.name,
                "when": m.when,
                "sub_items": m.sub_items,
                "seal_required": m.seal_required,
                "commitment_fallback": m.commitment_fallback,
            }
            for m in item.materials.all()
        ],
        "time_limits": [
            {"when": t.when, "working_days": t.working_days, "text": t.text} for t in item.time_limits.all()
        ],
        "stages": [{"name": s.name, "text": s.text} for s in item.stages.all()],
        "channels": [{"code": c.code, "name": c.name, "online": c.online} for c in item.channels.all()],
        "frozen_at": timezone.now().isoformat(),
    }


def _stage_has(snapshot, words):
    return any(w in s["name"] for s in snapshot.get("stages", []) for w in words)


def has_review(snapshot):
    """Items whose published flow has no 审核 step (查询, 电话号码, 电子凭证) skip review.
    A guide that publishes no flow at all is reviewed: that is the safe side."""
    if not snapshot.get("stages"):
        return True
    return _stage_has(snapshot, REVIEW_WORDS)


def is_payment(snapshot):
    """Items whose flow has a 拨付 step must be paid before 办结."""
    return _stage_has(snapshot, PAYMENT_WORDS)


def material(snapshot, key):
    return next((m for m in snapshot.get("materials", []) if m["key"] == str(key)), None)
