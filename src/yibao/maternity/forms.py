"""The maternity bundle as a web form sends it (the workbench's window intake and the portal's
online form share it): which fields there are, and the form's POST turned into bundles.submit's
arguments. Validation is the handlers' (schemas) and the engine's; this only reshapes."""
from yibao.catalog.models import Guide, ServiceItem
from yibao.maternity import queries
from yibao.maternity.models import ALLOWANCE, COST_ITEMS, ITEMS

FLAGS = ("difficult_birth", "spouse_uninsured", "settled_online", "non_budget_staff")
INVOICE = ("invoice_no", "provider_name", "provider_level", "care_date", "diagnosis")


def offered(region):
    """[(code, title)] of the items the guide in force pays together (or, where it names none
    together, every maternity item it publishes, one at a time), and the material names of those
    items once each: [(name, commitment allowed)]."""
    guide = Guide.objects.filter(region=region).in_force().first()
    items = list(ServiceItem.objects.filter(guide=guide, code__in=ITEMS).prefetch_related("materials")
                 .order_by("ordinal")) if guide else []
    together = queries.paid_together(region)
    materials = {}
    for item in items:
        for m in item.materials.all():
            materials[m.name] = materials.get(m.name, False) or m.commitment_fallback
    return [(i.code, i.display_title, i.code in together) for i in items], sorted(materials.items())


def parse(post):
    """bundles.submit's items, facts, costs, allowance and materials from a form's POST."""
    items = [c for c in post.getlist("items") if c in ITEMS]
    facts = {k: post.get(k, "").strip() for k in ("event", "event_date", "care", "birth_certificate", "left_job_on",
                                                    "babies", "pregnancy_months")}
    facts = {k: v for k, v in facts.items() if v}
    facts.update({k: post.get(k) == "on" for k in FLAGS})
    facts["sealed"] = post.get("unsealed") != "on"
    costs = {}
    for code in COST_ITEMS:
        if code in items:
            invoice = {k: post.get(f"{code}-{k}", "").strip() for k in INVOICE}
            invoice["lines"] = post.get(f"{code}-lines", "")
            costs[code] = {"invoices": [invoice], "bank_name": post.get("bank_name", "").strip(),
                           "account_no": post.get("account_no", "").strip()}
    allowance = {}
    if ALLOWANCE in items:
        if post.get("declared_average_wage", "").strip():
            allowance["declared_average_wage"] = post["declared_average_wage"].strip()
        allowance["wage_evidence"] = post.get("wage_evidence") == "on"
    materials = {}
    for name in post.getlist("materials"):
        materials[name] = "commitment" if name in post.getlist("commitments") else "document"
    return {"items": items, "facts": facts, "costs": costs, "allowance": allowance, "materials": materials}
