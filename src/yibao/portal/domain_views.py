"""The applicant's side of reimbursement and recognition: a claim's 核算明细 on the case page, and
the person's own entitlements (R03: the result is published to the applicant and queryable)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import render

from yibao.cases.exceptions import CaseError
from yibao.claims import queries as claim_queries
from yibao.claims.handlers import explanation_table
from yibao.enrollment.models import Person
from yibao.maternity import queries as maternity_queries
from yibao.entitlements import queries as entitlement_queries
from yibao.entitlements.models import Entitlement
from yibao.medical_aid import queries as aid_queries


def explanation(case):
    """The claim's (or maternity case's) table for the case page (None for other items)."""
    if case.item_code == "aid-reimbursement":
        return aid_queries.explanation_of(case)
    try:
        table = claim_queries.explanation_of(case)
        if table is None:
            return maternity_queries.explanation_of(case)
    except CaseError as exc:
        return {"error": exc.message}
    except maternity_queries.CannotCalculate as exc:
        return {"error": str(exc)}
    return {"table": explanation_table(table), "fixed": table["fixed"], "payable": table["payable"]}


@login_required
def my_entitlements(request):
    try:
        applicant = request.user.applicant
    except ObjectDoesNotExist:
        applicant = None
    person = Person.objects.filter(id_number=applicant.id_number).first() if applicant else None
    rows = []
    if person is not None:
        rows = list(Entitlement.objects.filter(person=person).select_related("disease", "case", "region")
                    .order_by("-valid_from", "-id"))
    return render(request, "portal/entitlements.html", {
        "applicant": applicant, "entitlements": rows,
        "active": list(entitlement_queries.active_entitlements(person)) if person else []})
