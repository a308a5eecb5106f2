"""合并申请 of the maternity items (R52): one submission by the insured employee or her employer
opens the cases the guide in force pays together, through the engine's submit_bundle. The birth
facts are given once and copied into each case's data; the materials handed in once (by name)
count for every case whose item lists them; each case keeps its own receipt, limit and rating.

Who is the applicant of which case: the insured person of the cost items and the employer of the
allowance (R58). The other side, when it is the one submitting, is the case's agent: an employer
submitting for its employee's costs, the employee submitting with her employer's allowance."""
from yibao.cases.interface import item_in_force, submit_bundle
from yibao.maternity import queries
from yibao.maternity.exceptions import NotInBundle
from yibao.maternity.models import ALLOWANCE, COST_ITEMS
from yibao.people.models import Applicant, ApplicantKind

FACTS = ("event", "event_date", "difficult_birth", "babies", "pregnancy_months", "care", "sealed", "left_job_on",
         "spouse_uninsured", "birth_certificate", "settled_online", "non_budget_staff")


def _account(kind, id_number, label):
    found = Applicant.objects.filter(kind=kind, id_number=(id_number or "").strip().upper()).first()
    if found is None:
        raise NotInBundle(f"未找到{label}的账户", field=label)
    return found


def submit(*, region, items, person, employer=None, facts, costs=None, allowance=None, materials=None,
           actor, channel, office="", comment=""):
    """Open the bundle. `person` and `employer`: Applicant accounts (the employer is needed for the
    allowance); `facts`: the birth facts; `costs`: {item code: {"invoices", "bank_name",
    "account_no"}}; `allowance`: the allowance's own data (declared wage, account); `materials`:
    {material name: document|commitment}. Returns (bundle, cases)."""
    items = list(dict.fromkeys(items or []))
    group = queries.paid_together(region)
    outside = [c for c in items if c not in group]
    if len(items) > 1 and outside:
        names = "、".join(COST_ITEMS.get(c, "生育津贴") for c in outside)
        raise NotInBundle(f"{region.name}现行办事指南未规定{names}与其他生育保险待遇合并支付，请单独申请", field="items",
                          items=outside, paid_together=sorted(group))
    costs = costs or {}
    shared = {k: facts[k] for k in FACTS if k in facts}
    submitter = person if person is not None else employer
    parts = []
    for code in items:
        item = item_in_force(region, code)
        if code == ALLOWANCE:
            if employer is None:
                raise NotInBundle("生育津贴由参保单位申请：请注明参保单位", field="employer")
            data = {**shared, **(allowance or {}), "insured_id_number": person.id_number}
            agent = person if submitter is person and actor is not None and _is(actor, person) else None
            parts.append({"item": item, "applicant": employer, "agent": agent, "data": data})
        elif code in COST_ITEMS:
            agent = employer if employer is not None and actor is not None and _is(actor, employer) else None
            parts.append({"item": item, "applicant": person, "agent": agent, "data": {**shared, **costs.get(code, {})}})
        else:
            raise NotInBundle(f"{code}不是生育保险待遇事项", field="items")
    return submit_bundle(parts, actor=actor, channel=channel, office=office, materials=materials, comment=comment)


def _is(actor, applicant):
    return getattr(actor, "pk", None) is not None and actor.pk == applicant.user_id


def accounts(person_id_number, employer_uscc=""):
    """The Applicant accounts of the insured person and (optionally) the employer."""
    person = _account(ApplicantKind.PERSON, person_id_number, "参保职工")
    employer = _account(ApplicantKind.EMPLOYER, employer_uscc, "参保单位") if employer_uscc else None
    return person, employer
