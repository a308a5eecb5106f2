"""The case page's panels for the reimbursement and recognition items: the claim's 核算明细 with
the 初审 form (line adjustments, each with its reason) and the 财务复核 button; the recognition's
expert draw (four modes) and the expert's opinion. Each POST parses, then calls one domain action."""
import re

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from yibao.cases.exceptions import CaseError
from yibao.cases.interface import bundle_cases
from yibao.cases.states import CaseState
from yibao.claims import actions as claims
from yibao.claims import queries as claim_queries
from yibao.claims.handlers import explanation_table
from yibao.core.models import Channel
from yibao.entitlements import actions as entitlements
from yibao.entitlements.models import ExpertOpinion, ExpertReview, ReviewMode
from yibao.maternity import models as maternity_models
from yibao.maternity import queries as maternity_queries
from yibao.medical_aid import queries as aid_queries
from yibao.people import policy
from yibao.workbench.access import case_for, may, staff_required

W = Channel.WINDOW
CLAIM_CODES = ("outpatient-reimbursement", "inpatient-reimbursement")
RECOGNITION_CODES = ("chronic-disease", "two-diseases", "special-drugs")
MATERNITY_CODES = maternity_models.ITEMS


def panel(case, user):
    """What the case page shows and offers for the domain of `case` (None for other items)."""
    if case.item_code in CLAIM_CODES:
        try:
            table = claim_queries.explanation_of(case)
        except CaseError as exc:
            return {"kind": "claim", "error": exc.message}
        if table is None:
            return None
        claim = claim_queries.claim_of(case)
        return {
            "kind": "claim", "table": explanation_table(table), "fixed": table["fixed"], "payable": table["payable"],
            "reviews": claim_queries.reviews(claim).order_by("at", "id"),
            "may_first_review": case.state == CaseState.UNDER_REVIEW and may(user, "approve", region_id=case.region_id),
            "may_finance_check": case.state == CaseState.APPROVED and may(user, "pay", region_id=case.region_id),
        }
    if case.item_code in MATERNITY_CODES:
        try:
            found = maternity_queries.explanation_of(case)
        except maternity_queries.CannotCalculate as exc:
            found = {"error": str(exc)}
        return {"kind": "maternity", **(found or {}), "bundle": bundle_cases(case)}
    if case.item_code == "aid-reimbursement":
        found = aid_queries.explanation_of(case)
        return {"kind": "aid", **found} if found else None
    if case.item_code == "aid-contribution-subsidy":
        grant = aid_queries.grant_of(case)
        return {"kind": "aid_grant", "grant": grant} if grant else None
    if case.item_code in RECOGNITION_CODES:
        review = ExpertReview.objects.filter(case=case).select_related("expert").first()
        reviewing = case.state == CaseState.UNDER_REVIEW and may(user, "approve", region_id=case.region_id)
        return {"kind": "recognition", "review": review, "modes": ReviewMode.choices,
                "may_assign": reviewing and review is None,
                "may_opinion": reviewing and review is not None and review.opinion == ExpertOpinion.PENDING}
    return None


ADJUSTMENT = re.compile(r"^\s*(\S+?#\d+)\s*[,，]\s*([^,，]+?)\s*[,，]\s*(.*)$")


def parse_adjustments(text):
    """票据号#行号,核定金额,理由 — one a line; (adjustments, error)."""
    out = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        found = ADJUSTMENT.match(raw)
        if not found:
            return [], f"核减第{number}行应写作“票据号#行号,核定金额,理由”"
        out.append({"ref": found.group(1), "admitted": found.group(2), "reason": found.group(3)})
    return out, ""


def _done(request, case, action, text):
    try:
        action()
    except (CaseError, policy.NotAllowed) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, f"{case.receipt_no}：{text}")
    return redirect("workbench:case", receipt_no=case.receipt_no)


@staff_required
@require_POST
def first_review(request, receipt_no):
    case = case_for(request, receipt_no)
    adjustments, error = parse_adjustments(request.POST.get("adjustments", ""))
    if error:
        messages.error(request, error)
        return redirect("workbench:case", receipt_no=case.receipt_no)
    return _done(request, case, lambda: claims.first_review(
        case, request.user, channel=W, adjustments=adjustments, comment=request.POST.get("comment", "")),
        "初审已记录，已按核减重新核算")


@staff_required
@require_POST
def finance_check(request, receipt_no):
    case = case_for(request, receipt_no)
    return _done(request, case, lambda: claims.finance_check(case, request.user, channel=W,
                                                            comment=request.POST.get("comment", "")),
                 "财务复核已记录")


@staff_required
@require_POST
def assign_expert(request, receipt_no):
    case = case_for(request, receipt_no)
    return _done(request, case, lambda: entitlements.assign_expert(case, request.user, mode=request.POST.get("mode", ""),
                                                                  channel=W), "已抽取审核专家")


@staff_required
@require_POST
def expert_opinion(request, receipt_no):
    case = case_for(request, receipt_no)
    return _done(request, case, lambda: entitlements.record_opinion(
        case, request.user, opinion=request.POST.get("opinion", ""), text=request.POST.get("text", ""), channel=W),
        "专家意见已录入")
