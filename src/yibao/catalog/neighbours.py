"""The regions of one province side by side: for the same item, which region is slower or asks
for more kinds of material than a neighbour does (the compare page's verdicts and summary).

A region is "slower" when its longest time limit is over the fastest neighbour's for that item,
and "asks for more" when it asks for more kinds of material (counted as the audit counts them)
than the neighbour that asks for the fewest. Regions without a province (the template) and items
that only one region of the province publishes are not compared.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from yibao.catalog.audit import longest_limit, material_kinds
from yibao.catalog.catalogue_codes import province_of
from yibao.catalog.models import Guide, ServiceItem


@dataclass
class Verdict:
    region: str  # region code
    region_name: str
    item: str  # item code
    title: str
    kind: str  # "slower" | "more_materials"
    value: int
    neighbour: str  # the neighbour's region name
    neighbour_value: int

    @property
    def text(self):
        if self.kind == "slower":
            return f"比{self.neighbour}慢：{self.value}个工作日，{self.neighbour}{self.neighbour_value}个工作日"
        return f"材料比{self.neighbour}多：{self.value}种，{self.neighbour}{self.neighbour_value}种"


@dataclass
class RegionSummary:
    region: str
    region_name: str
    province: str
    shared: int = 0  # items this region publishes that a neighbour publishes too
    slower: list = field(default_factory=list)
    more_materials: list = field(default_factory=list)


def _in_force_items(code=None):
    items = ServiceItem.objects.order_by("ordinal").prefetch_related("materials", "time_limits")
    if code:
        items = items.filter(code=code)
    guides = (
        Guide.objects.in_force().select_related("region").defer("raw_text", "report")
        .order_by("region__sort_order", "region__code").prefetch_related(Prefetch("items", queryset=items))
    )
    return [g for g in guides if province_of(g.region)]


def verdicts(code=None):
    """(verdicts, summaries): the Verdicts for every item (or one item code) shared by regions of a
    province, and a RegionSummary per region, in region order."""
    return compare_pairs([(guide, item) for guide in _in_force_items(code) for item in guide.items.all()])


def compare_pairs(pairs):
    """verdicts() over given (guide in force, item) pairs, items with their materials and limits
    prefetched (the compare page has them already): no query of its own."""
    by_province = defaultdict(list)
    for guide, item in pairs:
        province = province_of(guide.region)
        if province:
            by_province[province].append((guide, item))
    found, summaries = [], {}
    for province, members in by_province.items():
        # item code -> {guide: item}: a guide listing an item twice (模板 #30) counts the first.
        published = defaultdict(dict)
        for guide, item in members:
            summaries.setdefault(guide.region.code, RegionSummary(guide.region.code, guide.region.name, province))
            published[item.code].setdefault(guide.pk, (guide, item))
        for item_code, entries in published.items():
            entries = list(entries.values())
            if len(entries) < 2:
                continue
            limits = {g.pk: longest_limit(i) for g, i in entries}
            kinds = {g.pk: material_kinds(i)[0] for g, i in entries}
            for guide, item in entries:
                summary = summaries[guide.region.code]
                summary.shared += 1
                others = [(g, i) for g, i in entries if g.pk != guide.pk]
                timed = [(limits[g.pk], g) for g, _ in others if limits[g.pk] is not None]
                if limits[guide.pk] is not None and timed:
                    fastest, neighbour = min(timed, key=lambda t: (t[0], t[1].region.sort_order))
                    if limits[guide.pk] > fastest:
                        v = Verdict(guide.region.code, guide.region.name, item_code, item.display_title, "slower",
                                    limits[guide.pk], neighbour.region.name, fastest)
                        found.append(v)
                        summary.slower.append(v)
                fewest, neighbour = min(((kinds[g.pk], g) for g, _ in others),
                                        key=lambda t: (t[0], t[1].region.sort_order))
                if kinds[guide.pk] > fewest:
                    v = Verdict(guide.region.code, guide.region.name, item_code, item.display_title, "more_materials",
                                kinds[guide.pk], neighbour.region.name, fewest)
                    found.append(v)
                    summary.more_materials.append(v)
    order = {guide.region.code: (guide.region.sort_order, guide.region.code) for guide, _ in pairs}
    return found, sorted(summaries.values(), key=lambda s: order[s.region])
