"""The catalogue as plain data: every imported guide, every edition, the one in force marked.
Shared by `yibao catalog export` and the API."""
from django.db.models import Prefetch

from yibao.catalog.models import Guide, ItemOffice, ServiceItem


def _item(item):
    return {
        "code": item.code,
        "catalogue_code": item.catalogue_code or None,  # 事项编码; null until the agency gives it
        "title": item.display_title,
        "published_title": item.title,
        "name": item.name,
        "group": item.group,
        "service_objects": item.service_objects,
        "channels": [
            {
                "code": c.code, "name": c.name, "online": c.online, "conditional": c.conditional,
                "applies_to": c.applies_to or None, "text": c.text,
            }
            for c in item.channels.all()
        ],
        "materials": [
            {
                "name": m.name, "when": m.when or None, "sub_items": m.sub_items, "seal_required": m.seal_required,
                "commitment_fallback": m.commitment_fallback, "text": m.text,
            }
            for m in item.materials.all()
        ],
        "stages": [{"name": s.name, "text": s.text} for s in item.stages.all()],
        "time_limits": [{"when": t.when or None, "working_days": t.working_days} for t in item.time_limits.all()],
        "time_limit_text": item.time_limit_text,
        "query": item.query_text,
        "evaluation": item.evaluation_text,
        "notes": item.notes,
        "offices": [
            {
                "name": o.office.name, "address": o.address, "hours": o.hours,
                "consult_phones": o.consult_phones, "complaint_phones": o.complaint_phones,
            }
            for o in item.offices.all()
        ],
        "missing_fields": item.missing_fields,
        "warnings": item.warnings,
    }


def export_catalog(region=None):
    """{"guides": [...]} for every guide (of `region`, a code, when given), newest edition first
    within a region; `in_force` marks the edition in force today."""
    guides = Guide.objects.select_related("region").order_by("region__sort_order", "region__code", "effective_from", "id")
    if region:
        guides = guides.filter(region__code=region)
    in_force = set(Guide.objects.in_force().values_list("pk", flat=True))
    items = ServiceItem.objects.order_by("ordinal").prefetch_related(
        "channels", "materials", "stages", "time_limits",
        Prefetch("offices", queryset=ItemOffice.objects.select_related("office").order_by("ordinal")),
    )
    guides = guides.prefetch_related(Prefetch("items", queryset=items))
    return {
        "guides": [
            {
                "source": g.source,
                "region": {"code": g.region.code, "name": g.region.name},
                "edition": g.edition,
                "effective_from": g.effective_from.isoformat(),
                "in_force": g.pk in in_force,
                "title": g.title,
                "family": g.family,
                "items": [_item(i) for i in g.items.all()],
            }
            for g in guides
        ]
    }
