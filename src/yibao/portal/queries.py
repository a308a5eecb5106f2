"""What the public pages read from the catalogue, each in a small fixed number of queries
(no query per item or per office)."""
from django.db.models import Count, Prefetch
from django.http import Http404

from yibao.catalog.codes import GROUPS
from yibao.catalog.models import Guide, ItemOffice, Office, Region, ServiceItem


def region_or_404(code):
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise Http404(f"没有找到地区“{code}”") from None


def guide_or_404(guide_id):
    try:
        return Guide.objects.select_related("region").get(pk=guide_id)
    except Guide.DoesNotExist:
        raise Http404("没有找到这一版办事指南") from None


def in_force_guides():
    """Every region's edition in force today, in the regions' display order."""
    return list(
        Guide.objects.in_force().select_related("region").order_by("region__sort_order", "region__code")
    )


def in_force_guide(region):
    """The region's edition in force today, or None when it has none yet."""
    return Guide.objects.filter(region=region).in_force().select_related("region").first()


def is_in_force(guide):
    current = in_force_guide(guide.region)
    return current is not None and current.pk == guide.pk


def listed_items(guide):
    """The guide's items with what the lists show: time limits and channels."""
    return list(ServiceItem.objects.filter(guide=guide).prefetch_related("time_limits", "channels"))


def grouped(items):
    """[(group name, items)] in the catalogue's group order; empty groups left out."""
    by_group = {}
    for item in items:
        by_group.setdefault(item.group, []).append(item)
    known = {g.code for g in GROUPS}
    ordered = [(g.name, by_group[g.code]) for g in GROUPS if g.code in by_group]
    stray = [i for code, items in by_group.items() if code not in known for i in items]
    if stray:  # a group code the catalogue does not know: still shown, never dropped
        ordered.append(("其他事项", stray))
    return ordered


def first_of_code(items):
    """The ids of items that are the first of their code in their guide: those are reachable
    by the region's stable item address; a repeated code is reached by its guide address."""
    seen, ids = set(), set()
    for item in sorted(items, key=lambda i: (i.guide_id, i.ordinal)):
        if (item.guide_id, item.code) not in seen:
            seen.add((item.guide_id, item.code))
            ids.add(item.pk)
    return ids


def item_detail(guide, *, code=None, ordinal=None):
    """One item of `guide` with everything its page shows; 404 when the guide has no such item."""
    items = ServiceItem.objects.filter(guide=guide).select_related("guide__region").prefetch_related(
        "materials",
        "stages",
        "time_limits",
        "channels",
        Prefetch("offices", queryset=ItemOffice.objects.select_related("office").order_by("ordinal")),
    )
    items = items.filter(code=code) if code is not None else items.filter(ordinal=ordinal)
    item = items.order_by("ordinal").first()
    if item is None:
        raise Http404("本指南没有这个事项")
    return item


def offices_with_items(guide):
    """The guide's offices, each with its item entries (and their items) in item order."""
    entries = ItemOffice.objects.select_related("item").order_by("item__ordinal", "ordinal")
    return list(
        Office.objects.filter(guide=guide).prefetch_related(Prefetch("item_entries", queryset=entries))
    )


def editions(region):
    """All editions of a region, newest first, with their item counts."""
    return list(region.guides.annotate(item_count=Count("items")).order_by("-effective_from", "-id"))


def home_cards():
    """[(region, in-force guide or None)] with the guide's item count, for the home page."""
    guides = {
        g.region_id: g
        for g in Guide.objects.in_force().annotate(item_count=Count("items"))
    }
    return [(region, guides.get(region.pk)) for region in Region.objects.all()]


def items_by_code(code, guides):
    """{guide_id: first item of `code`} among `guides`, with what the comparison shows."""
    items = (
        ServiceItem.objects.filter(code=code, guide__in=[g.pk for g in guides])
        .order_by("guide_id", "ordinal")
        .prefetch_related("materials", "stages", "time_limits", "channels")
    )
    found = {}
    for item in items:
        found.setdefault(item.guide_id, item)
    return found


def regions_by_code(guides):
    """{item code: [regions whose guide lists it]} for the comparison index."""
    rows = (
        ServiceItem.objects.filter(guide__in=[g.pk for g in guides])
        .values_list("code", "guide_id")
        .distinct()
    )
    region_of = {g.pk: g.region for g in guides}
    order = {g.pk: n for n, g in enumerate(guides)}
    found = {}
    for code, guide_id in sorted(rows, key=lambda r: order[r[1]]):
        found.setdefault(code, []).append(region_of[guide_id])
    return found
