"""Writing a parsed guide to the catalogue as one edition of its region, atomically and once."""
from collections import Counter

from django.db import transaction

from yibao.catalog.codes import group_of
from yibao.catalog.flow import derive
from yibao.catalog.models import (
    Guide,
    ItemChannel,
    ItemOffice,
    Material,
    Office,
    Region,
    ServiceItem,
    Stage,
    TimeLimit,
)
from yibao.core.audit import record
from yibao.core.models import Channel


def _most_common(values):
    """The value most entries give (first seen wins a tie); None when all are empty."""
    values = [v for v in values if v not in ("", [], None)]
    if not values:
        return None
    counted = Counter(repr(v) for v in values)
    best = counted.most_common(1)[0][0]
    return next(v for v in values if repr(v) == best)


def _report(parsed):
    empty = Counter(f for item in parsed.items for f in item.missing_fields)
    return {
        "family": parsed.family,
        "items": len(parsed.items),
        "unknown_items": [i.title or i.name for i in parsed.items if i.code.startswith("unknown-")],
        "empty_fields": dict(sorted(empty.items())),
        "noise": parsed.noise,
        "warnings": parsed.warnings
        + [{"item": i.ordinal, "message": w} for i in parsed.items for w in i.warnings],
    }


@transaction.atomic
def save_guide(parsed, region, *, edition="", effective_from=None, actor=None, channel=Channel.COMMAND):
    """Store `parsed` as an edition of `region`. Returns (guide, created); the same text twice
    changes nothing."""
    existing = Guide.objects.filter(region=region, content_hash=parsed.content_hash).first()
    if existing:
        return existing, False
    guide = Guide(
        region=region,
        title=parsed.title,
        edition=edition or parsed.edition,
        source=parsed.source,
        content_hash=parsed.content_hash,
        family=parsed.family,
        raw_text=parsed.text,
        report=_report(parsed),
    )
    if effective_from:
        guide.effective_from = effective_from
    guide.save()

    by_name = {}
    for item in parsed.items:
        for off in item.offices:
            by_name.setdefault(off.name, []).append(off)
    offices = Office.objects.bulk_create(
        Office(
            guide=guide,
            ordinal=ordinal,
            name=name,
            address=_most_common([e.address for e in entries]) or "",
            hours=_most_common([e.hours for e in entries]) or "",
            consult_phones=_most_common([e.consult_phones for e in entries]) or [],
            complaint_phones=_most_common([e.complaint_phones for e in entries]) or [],
        )
        for ordinal, (name, entries) in enumerate(by_name.items(), start=1)
    )
    offices = {o.name: o for o in offices}

    # One INSERT per table, not per item: a guide has ~40 items and ~1,000 rows under them.
    items = ServiceItem.objects.bulk_create(
        ServiceItem(
            guide=guide,
            ordinal=p.ordinal,
            code=p.code,
            group=group_of(p.code),
            title=p.title,
            name=p.name,
            service_objects=p.service_objects,
            acceptance_unit=p.acceptance_unit,
            channels_text=p.channels_text,
            materials_text=p.materials_text,
            time_limit_text=p.time_limit_text,
            stages_text=p.stages_text,
            query_text=p.query_text,
            evaluation_text=p.evaluation_text,
            supervision_text=p.supervision_text,
            notes=p.notes,
            missing_fields=p.missing_fields,
            warnings=p.warnings,
            fields=p.fields,
            **dict(zip(("has_review", "pays", "flow_source"), derive(p.code, [s.name for s in p.stages]))),
        )
        for p in parsed.items
    )
    pairs = list(zip(items, parsed.items))
    Material.objects.bulk_create(
        Material(
            item=item, ordinal=n, name=m.name[:500], when=m.when, sub_items=m.sub_items,
            seal_required=m.seal_required, commitment_fallback=m.commitment_fallback, text=m.text,
        )
        for item, p in pairs
        for n, m in enumerate(p.materials, start=1)
    )
    Stage.objects.bulk_create(
        Stage(item=item, ordinal=n, name=s.name[:100], text=s.text)
        for item, p in pairs
        for n, s in enumerate(p.stages, start=1)
    )
    TimeLimit.objects.bulk_create(
        TimeLimit(item=item, ordinal=n, when=t.when, working_days=t.working_days, text=t.text[:300])
        for item, p in pairs
        for n, t in enumerate(p.time_limits, start=1)
    )
    ItemChannel.objects.bulk_create(
        ItemChannel(
            item=item, ordinal=n, code=c.code, name=c.name[:100], online=c.online,
            conditional=c.conditional, applies_to=c.applies_to, text=c.text[:500],
        )
        for item, p in pairs
        for n, c in enumerate(p.channels, start=1)
    )
    ItemOffice.objects.bulk_create(
        ItemOffice(
            item=item, office=offices[o.name], ordinal=n, address=o.address, hours=o.hours,
            consult_phones=o.consult_phones, complaint_phones=o.complaint_phones, online=o.online,
        )
        for item, p in pairs
        for n, o in enumerate(p.offices, start=1)
    )
    record(
        actor=actor,
        channel=channel,
        action="导入指南",
        obj=guide,
        summary=f"{region.name} {guide.edition or guide.source}：{len(parsed.items)}个事项",
        changes={"source": parsed.source, "items": len(parsed.items)},
    )
    return guide, True


def get_or_create_region(code, name="", **defaults):
    region, _ = Region.objects.get_or_create(code=code, defaults={"name": name or code, **defaults})
    return region
