"""清单对标: every item of every guide in force judged against the lists it must respect.

The national list is a floor that local guides may only cut (national-rules.md §1). A region's
guide is judged against the national list and, when one is loaded, its province's list. A finding
cites the guide's words and the list row; a list row says how sure it is (certainty, basis).

Kinds of finding:
- materials_over_limit: more kinds of material than the row allows (for an item that concerns the
  public). Kinds are counted as the list counts: one material with ①② alternatives or "A或B或C"
  is one kind; materials that apply only in one situation (在职职工, 委托办理 …) count for the
  situation that asks for the most, on top of those everyone brings.
- limit_over_list: a time limit (the longest the guide states) over the row's maximum.
- not_in_list: an item the list does not have: a local addition that must be filed. Judged only
  where it is established: the list says it is complete, or (for the national list) a loaded
  provincial list marks the item as its own addition.
- name_differs: the guide's title is not the row's name (compared without punctuation); only for
  rows whose name the source quotes.
- missing_from_guide: a row of the list the guide does not publish.
"""
from collections import defaultdict

from django.db.models import Prefetch

from yibao.catalog.codes import BY_CODE, title_key
from yibao.catalog.models import Guide, ReferenceList, ServiceItem
from yibao.catalog.reference import lists_for

KINDS = {
    "materials_over_limit": "材料种类超过清单",
    "limit_over_list": "办理时限长于清单",
    "not_in_list": "清单外事项（须报备）",
    "name_differs": "事项名称与清单不一致",
    "missing_from_guide": "指南缺少清单事项",
}


def list_key(reference):
    return "national" if reference.level == ReferenceList.Level.NATIONAL else f"provincial:{reference.province}"


def material_kinds(item):
    """(count, [material]) of the kinds one applicant may have to bring, as the list counts them."""
    materials = list(item.materials.all())
    everyone = [m for m in materials if not m.when]
    by_situation = defaultdict(list)
    for m in materials:
        if m.when:
            by_situation[m.when].append(m)
    worst = max(by_situation.values(), key=len, default=[])
    return len(everyone) + len(worst), everyone + worst


def longest_limit(item):
    limits = list(item.time_limits.all())
    return max((t.working_days for t in limits), default=None)


def _row_ref(row):
    return {
        "number": row.number, "item": row.item_code or None, "name": row.name or None,
        "certainty": row.certainty, "certainty_label": row.get_certainty_display(), "basis": row.basis,
    }


def _finding(guide, item_code, kind, guide_value, list_value, reference, text, row=None, item=None):
    return {
        "source": guide.source,
        "region": guide.region.code,
        "item": item_code,
        "kind": kind,
        "guide_value": guide_value,
        "list_value": list_value,
        "list": list_key(reference),
        "text": text,
        # Beyond the required keys: which list and row, and how sure the row is, for people to check.
        "list_name": f"{reference.name}（{reference.date}）",
        "row": _row_ref(row) if row is not None else None,
        "title": item.display_title if item is not None else (row.name or BY_CODE[row.item_code].name
                                                              if row is not None and row.item_code in BY_CODE
                                                              else item_code),
    }


def _judge_item(guide, item, reference, row):
    found = []
    if row.max_materials is not None and row.public is not False:
        count, _ = material_kinds(item)
        if count > row.max_materials:
            found.append(_finding(guide, item.code, "materials_over_limit", count, row.max_materials, reference,
                                  item.materials_text, row, item))
    if row.max_working_days is not None:
        longest = longest_limit(item)
        if longest is not None and longest > row.max_working_days:
            found.append(_finding(guide, item.code, "limit_over_list", longest, row.max_working_days, reference,
                                  item.time_limit_text, row, item))
    if row.name and title_key(item.display_title) != title_key(row.name):
        found.append(_finding(guide, item.code, "name_differs", item.display_title, row.name, reference,
                              item.name or item.title, row, item))
    return found


def judge_guide(guide, lists, loaded=None):
    """The findings for one guide against `lists` (the region's lists); `loaded` (every list
    loaded, default `lists`) gives the evidence of what the national list lacks."""
    items = list(guide.items.all())
    codes = {item.code for item in items}
    # What any loaded provincial list marks as its own addition is, by that mark, not in the
    # national list, whichever region's guide publishes it.
    added_by_province = {
        r.item_code: r for lst in (lists if loaded is None else loaded)
        if lst.level == ReferenceList.Level.PROVINCIAL for r in lst.rows.all() if r.added
    }
    findings = []
    for reference in lists:
        rows = list(reference.rows.all())
        by_code = {r.item_code: r for r in rows if r.item_code}
        by_catalogue = {r.catalogue_code: r for r in rows if r.catalogue_code}
        for item in items:
            row = by_code.get(item.code) or (by_catalogue.get(item.catalogue_code) if item.catalogue_code else None)
            if row is not None:
                findings.extend(_judge_item(guide, item, reference, row))
                continue
            evidence = None
            if reference.level == ReferenceList.Level.NATIONAL:
                evidence = added_by_province.get(item.code)
            if reference.complete or evidence is not None:
                findings.append(_finding(guide, item.code, "not_in_list", item.display_title, None, reference,
                                         item.name or item.title, evidence, item))
        for row in rows:
            if row.item_code and row.item_code not in codes:
                findings.append(_finding(guide, row.item_code, "missing_from_guide", None,
                                         row.name or BY_CODE[row.item_code].name, reference, "", row))
    return findings


def audit(region=None, on=None):
    """{"findings": [...]} for every guide in force (of `region`, a code, when given)."""
    guides = (
        Guide.objects.in_force(on).select_related("region").defer("raw_text", "report")
        .order_by("region__sort_order", "region__code")
    )
    if region:
        guides = guides.filter(region__code=region)
    guides = guides.prefetch_related(
        Prefetch("items", queryset=ServiceItem.objects.order_by("ordinal").prefetch_related("materials", "time_limits"))
    )
    lists = list(ReferenceList.objects.prefetch_related("rows").order_by("level", "province"))
    findings = []
    for guide in guides:
        findings.extend(judge_guide(guide, lists_for(guide.region, lists), lists))
    return {"findings": findings}


def summary(findings):
    """{(region, kind): count} for the pages' tables."""
    counts = defaultdict(int)
    for f in findings:
        counts[(f["region"], f["kind"])] += 1
    return dict(counts)


def audit_page(region=None, regions=None):
    """What the public page and the workbench's show (template catalog/_audit_body.html): the
    findings grouped by guide with counts per kind, and the lists judged against."""
    from yibao.catalog.models import Region

    regions = list(Region.objects.all()) if regions is None else regions
    names = {r.code: r.name for r in regions}
    findings = audit(region=region)["findings"]
    guides = []
    for f in findings:
        if not guides or guides[-1]["source"] != f["source"]:
            guides.append({"source": f["source"], "region": f["region"],
                           "region_name": names.get(f["region"], f["region"]), "findings": [], "counts": {}})
        f = {**f, "kind_label": KINDS[f["kind"]]}
        guides[-1]["findings"].append(f)
        guides[-1]["counts"][f["kind_label"]] = guides[-1]["counts"].get(f["kind_label"], 0) + 1
    return {
        "region_code": region or "",
        "regions": regions,
        "guides": guides,
        "total": len(findings),
        "lists": ReferenceList.objects.order_by("level", "province"),
        "kinds": KINDS,
    }
