"""Changes to the catalogue's lists and codes. Each is one atomic action, recorded in the audit
trail; a refused change stores nothing."""
from django.db import transaction

from yibao.catalog.catalogue_codes import CatalogueCodeError, check_catalogue_code
from yibao.catalog.models import Guide, ReferenceList, ReferenceRow, Region, ServiceItem
from yibao.core.audit import record
from yibao.core.models import Channel


class CatalogueCodeRefused(ValueError):
    def __init__(self, message, where=""):
        super().__init__(f"{where}：{message}" if where else message)
        self.message = message


def load_reference_list(plan, *, actor=None, channel=Channel.COMMAND):
    """Store a checked ListPlan (reference.read_reference_file), replacing the list of the same
    level and province; returns (list, created)."""
    with transaction.atomic():
        existing = (
            ReferenceList.objects.select_for_update().filter(level=plan.level, province=plan.province).first()
        )
        before = None
        if existing is not None:
            before = {"name": existing.name, "source": existing.source, "date": existing.date,
                      "rows": existing.rows.count()}
            existing.rows.all().delete()
        reference, created = ReferenceList.objects.update_or_create(
            level=plan.level, province=plan.province,
            defaults={"name": plan.name, "source": plan.source, "date": plan.date, "complete": plan.complete,
                      "file_name": plan.file_name},
        )
        ReferenceRow.objects.bulk_create(
            ReferenceRow(
                reference=reference, ordinal=n, number=r.number, item_code=r.item_code, name=r.name,
                catalogue_code=r.catalogue_code, max_materials=r.max_materials,
                max_working_days=r.max_working_days, public=r.public, added=r.added,
                certainty=r.certainty, basis=r.basis,
            )
            for n, r in enumerate(plan.rows, start=1)
        )
        record(
            actor=actor, channel=channel, action="导入事项清单", obj=reference,
            summary=f"{reference.name}（{reference.date}）{len(plan.rows)}行，来自 {plan.file_name}",
            changes={"before": before, "after": {"name": plan.name, "source": plan.source, "date": plan.date,
                                                  "rows": len(plan.rows)}},
        )
    return reference, created


def set_catalogue_code(item, code, *, actor=None, channel=Channel.COMMAND):
    """Give `item` its 事项编码 ("" clears it); the shape and province are checked first."""
    with transaction.atomic():
        item = ServiceItem.objects.select_for_update().select_related("guide__region").get(pk=item.pk)
        new = ""
        if code:
            try:
                new = check_catalogue_code(code, item.guide.region)
            except CatalogueCodeError as exc:
                raise CatalogueCodeRefused(exc.message) from exc
        old = item.catalogue_code
        if old == new:
            return item
        item.catalogue_code = new
        item.save(update_fields=["catalogue_code"])
        record(
            actor=actor, channel=channel, action="设置事项编码", obj=item,
            summary=f"{item.guide.region.name} {item.display_title}：{new or '（清除）'}",
            changes={"catalogue_code": [old, new]},
        )
    return item


def load_catalogue_codes(entries, *, file_name="", actor=None, channel=Channel.COMMAND):
    """Set the codes of a file the agency provides: entries are dicts with region (code), item
    (item code) and catalogue_code, and optionally source (the guide file; default the edition in
    force). Every entry is checked before any is stored; returns the number of items changed."""
    plans = []
    for n, entry in enumerate(entries, start=1):
        where = f"{file_name} 第{n}条".strip()
        if not isinstance(entry, dict):
            raise CatalogueCodeRefused("每一条应含 region、item、catalogue_code", where)
        region = Region.objects.filter(code=str(entry.get("region") or "").strip()).first()
        if region is None:
            raise CatalogueCodeRefused(f"未知的地区代码“{entry.get('region')}”", where)
        source = str(entry.get("source") or "").strip()
        guides = Guide.objects.filter(region=region)
        guide = guides.filter(source=source).order_by("-id").first() if source else guides.in_force().first()
        if guide is None:
            raise CatalogueCodeRefused(f"{region.name}没有{'指南 ' + source if source else '现行办事指南'}", where)
        item_code = str(entry.get("item") or "").strip()
        item = ServiceItem.objects.filter(guide=guide, code=item_code).order_by("ordinal").first()
        if item is None:
            raise CatalogueCodeRefused(f"{region.name}的指南 {guide.source} 中没有事项“{item_code}”", where)
        try:
            code = check_catalogue_code(str(entry.get("catalogue_code") or ""), region)
        except CatalogueCodeError as exc:
            raise CatalogueCodeRefused(exc.message, where) from exc
        plans.append((item, code))
    changed = 0
    with transaction.atomic():
        for item, code in sorted(plans, key=lambda p: p[0].pk):
            before = item.catalogue_code
            if set_catalogue_code(item, code, actor=actor, channel=channel).catalogue_code != before:
                changed += 1
    return changed


def load_shipped_lists(*, actor=None, channel=Channel.SYSTEM):
    """Load the lists shipped in seeds/reference/ that are not loaded yet: a list the administrator
    loaded (same level and province) is kept. Returns the lists loaded."""
    from yibao.catalog.reference import read_reference_file, shipped_lists

    loaded = []
    for path in shipped_lists():
        plan = read_reference_file(path)
        if not ReferenceList.objects.filter(level=plan.level, province=plan.province).exists():
            loaded.append(load_reference_list(plan, actor=actor, channel=channel)[0])
    return loaded
