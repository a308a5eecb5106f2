"""Addresses of item pages.

An item of a region's in-force guide lives at the stable /r/<region>/items/<code>/ (the address
stays the same when a new edition comes out); any other item, and a second item with the same
code in one guide, at /g/<guide>/items/<ordinal>/.
"""
from django.db.models import Min
from django.urls import reverse

from yibao.catalog.models import ServiceItem


def guide_item_url(item):
    return reverse("portal:guide_item", args=[item.guide_id, item.ordinal])


def item_urls(items, current_guides):
    """{item.pk: url} for `items`; `current_guides` are the in-force guides (region loaded)
    among theirs. One query, whatever the number of items."""
    current = {g.pk: g for g in current_guides}
    candidates = [i for i in items if i.guide_id in current]
    first = {}
    if candidates:
        rows = (
            ServiceItem.objects.filter(
                guide__in={i.guide_id for i in candidates}, code__in={i.code for i in candidates}
            )
            .values("guide_id", "code")
            .annotate(first=Min("ordinal"))
        )
        first = {(r["guide_id"], r["code"]): r["first"] for r in rows}
    urls = {}
    for item in items:
        if item.guide_id in current and first.get((item.guide_id, item.code)) == item.ordinal:
            region_code = current[item.guide_id].region.code
            urls[item.pk] = reverse("portal:region_item", args=[region_code, item.code])
        else:
            urls[item.pk] = guide_item_url(item)
    return urls
