"""Questions the screens ask of medical aid, without changing anything."""
from yibao.cases.interface import CaseError
from yibao.medical_aid import actions
from yibao.medical_aid.models import AidClaim, Grant
from yibao.medical_aid.policy import explanation_table


def explanation_of(case):
    """{"table", "fixed", "payable"} of an aid reimbursement case (a trial calculation before
    approval; {"error"} while the person waits for recognition), or None for other cases."""
    claim = AidClaim.objects.filter(case=case).select_related("person").first()
    if claim is None:
        return None
    if claim.fixed:
        return {"table": explanation_table(claim.explanation), "fixed": True, "payable": str(claim.payable)}
    try:
        _, explanation = actions.calculate(case, claim)
    except CaseError as exc:
        return {"error": exc.message}
    data = explanation.as_json()
    return {"table": explanation_table(data), "fixed": False, "payable": data["payable"]}


def grant_of(case):
    return Grant.objects.filter(case=case).select_related("batch").first()
