"""Freezing the item version a case is opened under, and reading what the engine needs from it.

A case is judged by the item as it stood at submission: a later edition never changes it.

Speed: what a submission reads of the catalogue (the edition in force in the region, the item's
frozen form, the administrator's notice rule) is kept per process and per edition in a
core.versioned.VersionedCache keyed on the catalogue's version (catalog.version): a change in
this process is seen at once, one in another process within YIBAO_CATALOG_RECHECK_SECONDS.
"""
import copy
import json

from django.utils import timezone

from yibao.cases.exceptions import ItemNotAvailable
from yibao.catalog import version as catalog_version
from yibao.catalog.flow import derive
from yibao.catalog.models import Guide, ServiceItem
from yibao.core.versioned import VersionedCache

_editions = VersionedCache(catalog_version.current, "YIBAO_CATALOG_RECHECK_SECONDS")
catalog_version.caches.append(_editions)


def cached(key, build):
    """What `build()` returns, kept with the editions (for the engine's own per-item rules, whose
    models are watched by catalog.version: cases.receivers)."""
    return _editions.get(key, build)


def item(pk):
    """The ServiceItem `pk` with its guide and region, or None (read once per catalogue version;
    each caller gets its own copy of the instance, sharing the guide and region it points to)."""

    def build():
        return next(iter(ServiceItem.objects.select_related("guide__region").defer("guide__raw_text", "guide__report")
                         .filter(pk=pk).order_by()[:1]), None)

    found = _editions.get(("item", pk), build)
    return copy.copy(found) if found is not None else None


def in_force_guide_id(region_id, on=None):
    """The pk of the region's guide in force on `on` (None when it has none)."""
    on = on or timezone.localdate()

    def build():
        guide = Guide.objects.filter(region_id=region_id).in_force(on).only("pk").first()
        return guide.pk if guide else None

    return _editions.get(("in-force", region_id, on), build)



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
    if in_force_guide_id(guide.region_id) != guide.pk:
        raise ItemNotAvailable("该事项版本已不是现行版本，请按现行办事指南申请", code=item.code)


def freeze(item, *, with_text=False):
    """Everything about `item` a case needs later, as plain JSON (a fresh copy each call: the
    case may change its own; built once per item and catalogue version). with_text: (the dict,
    its JSON text), the text made from the edition's kept one, for a new case's row without
    serialising the item again (core.compiled.insert's json_texts)."""
    text = _editions.get(("frozen", item.pk), lambda: json.dumps(_freeze(item), ensure_ascii=False))
    at = timezone.now().isoformat()
    frozen = json.loads(text)
    frozen["frozen_at"] = at
    if not with_text:
        return frozen
    return frozen, f'{text[:-1]}, "frozen_at": {json.dumps(at)}}}'  # the kept object is never empty


def notice_rule_days(code):
    """The administrator's 材料不全 notice period for items of `code` (cases.ItemRule), or None."""
    from yibao.cases.models import ItemRule  # the engine's own model: snapshot loads with the catalogue

    def build():
        rule = ItemRule.objects.filter(item_code=code).exclude(incompleteness_notice_days=None).first()
        return (rule.incompleteness_notice_days if rule else None,)  # "no rule" is cached too

    return _editions.get(("notice-rule", code), build)[0]


def _freeze(item):
    # Read from the database, not from `item`: the caller's instance may carry edits not saved.
    item = ServiceItem.objects.select_related("guide__region").defer("guide__raw_text", "guide__report").get(
        pk=item.pk)
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
        "flow": {"review": item.has_review, "pays": item.pays, "source": item.flow_source},
    }


def flow(snapshot):
    """The item's flow as frozen into the case ({"review", "pays", "source"}). Cases frozen before
    the flow was data got theirs in cases migration 0007; a snapshot without one (built by hand)
    takes its code's default, never the guide's wording."""
    frozen = snapshot.get("flow")
    if frozen is None:
        review, pays, source = derive(snapshot.get("code", ""), [])
        frozen = {"review": review, "pays": pays, "source": str(source)}
    return frozen


def has_review(snapshot):
    """Does the item have a 审核 step (queries, phone changes and e-credentials do not)?"""
    return bool(flow(snapshot)["review"])


def is_payment(snapshot):
    """Does the item pay (拨付 by a payment order before 办结)?"""
    return bool(flow(snapshot)["pays"])


def flow_refusal(snapshot, state, action):
    """The one answer to "may `action` come next in `state` for this item's flow?": None when
    it may, else why not (Chinese). The transition table says what a state allows at all; this
    says what the item's frozen flow removes. Used by the actions, next_steps, the workbench and
    the API alike."""
    from yibao.cases.states import Action, CaseState

    review, pays = has_review(snapshot), is_payment(snapshot)
    if action == Action.START_REVIEW and not review:
        return "该事项无审核环节，受理后直接办结"
    if action == Action.COMPLETE and state == CaseState.ACCEPTED and review:
        return "该事项须经审核后方可办结"
    if action == Action.COMPLETE and pays and state != CaseState.PAID:
        return "需拨付的事项须支付成功（已拨付）后方可办结"
    if action in (Action.PAY, Action.PAYMENT_PAID, Action.PAYMENT_FAILED) and not pays:
        return "该事项无拨付环节"
    return None


def material(snapshot, key):
    return next((m for m in snapshot.get("materials", []) if m["key"] == str(key)), None)
