"""The public guide site: read-only pages over the catalogue. Views parse the request, ask
queries.py for data and render; nothing here changes state."""
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from yibao.catalog.codes import BY_CODE, GROUPS, ITEM_CODES
from yibao.catalog.audit import audit_page
from yibao.catalog.models import Guide, Region, ServiceItem
from yibao.catalog.neighbours import compare_pairs
from yibao.catalog.neighbours import verdicts as neighbour_verdicts
from yibao.maternity.models import ITEMS as MATERNITY_ITEMS
from yibao.portal import queries
from yibao.portal.compare import build_rows, note_text
from yibao.portal.display import field_label
from yibao.portal.links import item_urls


def home(request):
    return render(request, "portal/home.html", {"cards": queries.home_cards()})


def choose_region(request):
    """Target of the header's region chooser, so that it works without JavaScript."""
    code = request.GET.get("region", "").strip()
    if not code:
        return redirect("portal:home")
    return redirect("portal:region", region_code=code)


def region(request, region_code):
    region = queries.region_or_404(region_code)
    return _guide_page(request, region, queries.in_force_guide(region), current=True)


def guide(request, guide_id):
    guide = queries.guide_or_404(guide_id)
    return _guide_page(request, guide.region, guide, current=queries.is_in_force(guide))


def _guide_page(request, region, guide, *, current):
    items = queries.listed_items(guide) if guide else []
    urls = item_urls(items, [guide] if current and guide else [])
    for item in items:
        item.url = urls[item.pk]
    return render(
        request,
        "portal/region.html",
        {
            "region": region,
            "guide": guide,
            "current": current,
            "groups": queries.grouped(items),
            "item_count": len(items),
            "edition_count": region.guides.count(),
        },
    )


def region_editions(request, region_code):
    region = queries.region_or_404(region_code)
    current = queries.in_force_guide(region)
    return render(
        request,
        "portal/editions.html",
        {
            "region": region,
            "editions": queries.editions(region),
            "current_id": current.pk if current else None,
            "today": timezone.localdate(),
        },
    )


def region_item(request, region_code, item_code):
    region = queries.region_or_404(region_code)
    guide = queries.in_force_guide(region)
    if guide is None:
        raise Http404(f"{region.name}暂无现行办事指南")
    return _item_page(request, queries.item_detail(guide, code=item_code), current=True)


def guide_item(request, guide_id, ordinal):
    guide = queries.guide_or_404(guide_id)
    return _item_page(request, queries.item_detail(guide, ordinal=ordinal), current=queries.is_in_force(guide))


def _item_page(request, item, *, current):
    guide = item.guide
    missing = [field_label(k) for k in item.missing_fields or []]
    return render(
        request,
        "portal/item.html",
        {
            "item": item,
            "guide": guide,
            "region": guide.region,
            "current": current,
            "area_code": guide.region.area_code,
            "materials": item.materials.all(),
            "stages": item.stages.all(),
            "limits": item.time_limits.all(),
            "channels": item.channels.all(),
            "offices": item.offices.all(),
            "notes": [t for t in (note_text(n).strip() for n in item.notes or []) if t],
            "missing": missing,
            "import_note_count": len(item.warnings or []) + len(missing),
            "comparable": item.code in BY_CODE,
            "maternity_codes": MATERNITY_ITEMS,
        },
    )


def offices_index(request):
    """Which region's office directory: the header's 经办机构 link when no region is chosen."""
    return render(request, "portal/offices_index.html", {"cards": queries.home_cards()})


def region_offices(request, region_code):
    region = queries.region_or_404(region_code)
    return _offices_page(request, region, queries.in_force_guide(region), current=True)


def guide_offices(request, guide_id):
    guide = queries.guide_or_404(guide_id)
    return _offices_page(request, guide.region, guide, current=queries.is_in_force(guide))


def _offices_page(request, region, guide, *, current):
    offices = queries.offices_with_items(guide) if guide else []
    entries = [e for office in offices for e in office.item_entries.all()]
    urls = item_urls([e.item for e in entries], [guide] if current and guide else [])
    for entry in entries:
        entry.item.url = urls[entry.item.pk]
    return render(
        request,
        "portal/offices.html",
        {"region": region, "guide": guide, "current": current, "offices": offices, "area_code": region.area_code},
    )


def compare_index(request):
    guides = queries.in_force_guides()
    having = queries.regions_by_code(guides)
    groups = []
    for group in GROUPS:
        codes = [(c, having.get(c.code, [])) for c in ITEM_CODES if c.group == group.code]
        if codes:
            groups.append((group.name, codes))
    _, summaries = neighbour_verdicts()
    return render(
        request, "portal/compare_index.html",
        {"groups": groups, "region_count": len(guides), "summaries": [s for s in summaries if s.shared]},
    )


def compare(request, item_code):
    code = BY_CODE.get(item_code)
    if code is None:
        raise Http404(f"没有事项代码“{item_code}”")
    all_editions = request.GET.get("editions") == "all"
    current = queries.in_force_guides()
    if all_editions:
        guides = list(
            Guide.objects.select_related("region").order_by(
                "region__sort_order", "region__code", "-effective_from", "-id"
            )
        )
    else:
        guides = current
    found = queries.items_by_code(item_code, guides)
    items = [found.get(g.pk) for g in guides]
    urls = item_urls([i for i in items if i], current)
    current_ids = {g.pk for g in current}
    columns = [
        {"guide": g, "item": i, "url": urls.get(i.pk) if i else "", "current": g.pk in current_ids}
        for g, i in zip(guides, items)
    ]
    # Verdicts between the guides in force only, from the items already fetched.
    verdicts, summaries = compare_pairs([(g, found[g.pk]) for g in current if g.pk in found])
    return render(
        request,
        "portal/compare.html",
        {
            "code": code,
            "verdicts": verdicts,
            "verdicts_compared": any(s.shared for s in summaries),
            "columns": columns,
            "rows": build_rows(items),
            "all_editions": all_editions,
            "listed_count": sum(1 for i in items if i),
        },
    )


def search(request):
    question = request.GET.get("q", "").strip()
    region_code = request.GET.get("region", "").strip()
    regions = list(Region.objects.all())
    names = {r.code: r.name for r in regions}
    results = []
    if question:
        # Imported here: the search engine (jieba and its dictionary) loads only when someone searches.
        from yibao.catalog.search import search as find

        hits = find(question, region=region_code or None, limit=settings.YIBAO_SEARCH_LIMIT)
        items = {
            i.pk: i
            for i in ServiceItem.objects.filter(pk__in=[h["item_id"] for h in hits])
            .select_related("guide__region")
            .prefetch_related("time_limits")
        }
        urls = item_urls(items.values(), queries.in_force_guides())
        for hit in hits:
            item = items.get(hit["item_id"])
            if item is not None:
                # The engine lists each item once; the other regions whose guide has it are links.
                also = [(code, names.get(code, code)) for code in hit.get("regions", []) if code != hit["region"]]
                results.append(
                    {**hit, "item": item, "url": urls[item.pk], "also": also, "comparable": item.code in BY_CODE}
                )
    context = {
        "q": question,
        "region_code": region_code,
        "regions": regions,
        "results": results,
    }
    if request.headers.get("HX-Request"):
        return render(request, "portal/_search_results.html", context)
    return render(request, "portal/search.html", context)


def audit(request):
    """清单对标, public for transparency: where each guide in force exceeds the service lists."""
    region_code = request.GET.get("region", "").strip()
    regions = list(Region.objects.all())
    if region_code and region_code not in {r.code for r in regions}:
        raise Http404(f"未找到统筹地区“{region_code}”")
    return render(request, "portal/audit.html", audit_page(region_code or None, regions))
