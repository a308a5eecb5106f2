"""Designated providers on the workbench: the region's agreements (in progress first), one
agreement's review steps (evaluation with the on-site visit, publicity objections, negotiation,
signing, and the office's own suspension or termination), and a settlement's re-review and the
head's approval. Views parse and authorise, then call one providers action; a refused step
changes nothing and says why."""
import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from yibao.cases.exceptions import CaseError
from yibao.core.models import Channel
from yibao.people.policy import NotAllowed
from yibao.providers import actions, queries
from yibao.providers.audit import RULES
from yibao.providers.documents import statement_pdf, statement_xlsx
from yibao.providers.models import LIVE_STATES, Agreement, AgreementState, ClaimSubmission, SettlementState
from yibao.workbench.access import may, staff_required

W = Channel.WINDOW
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(value, label):
    try:
        return datetime.date.fromisoformat((value or "").strip()) if value else None
    except ValueError:
        raise ValueError(f"{label}应为日期（YYYY-MM-DD）") from None


@staff_required
def providers(request):
    region = request.staff.region
    agreements = (Agreement.objects.filter(region=region).select_related("provider", "case")
                  .order_by("state", "provider__code"))
    submissions = (ClaimSubmission.objects.filter(region=region).exclude(state__in=(SettlementState.SETTLED,
                                                                                    SettlementState.VOID))
                   .select_related("provider", "case").order_by("period", "provider__code"))
    return render(request, "workbench/providers/index.html", {
        "in_progress": [a for a in agreements if a.state in LIVE_STATES and a.state not in
                        (AgreementState.IN_FORCE, AgreementState.SUSPENDED)],
        "current": [a for a in agreements if a.state in (AgreementState.IN_FORCE, AgreementState.SUSPENDED)],
        "ended": [a for a in agreements if a.state not in LIVE_STATES][:100],
        "submissions": submissions, "word": queries.suspension_word(region),
    })


def _agreement(request, pk):
    agreement = Agreement.objects.select_related("provider", "case", "region").filter(pk=pk).first()
    if agreement is None or not may(request.user, "view", region_id=agreement.region_id):
        raise Http404("未找到该协议")
    return agreement


@staff_required
def agreement_detail(request, pk):
    agreement = _agreement(request, pk)
    return render(request, "workbench/providers/agreement.html", {
        "a": agreement, "p": agreement.provider, "events": agreement.events.select_related("actor", "case"),
        "word": queries.suspension_word(agreement.region), "today": datetime.date.today(),
        "S": AgreementState, "releases": agreement.provider.deposit_releases.select_related("case"),
        "last_year": datetime.date.today().year - 1,
    })


STEPS = {
    "evaluation": lambda a, u, post: actions.record_evaluation(
        a, u, channel=W, panel=[x for x in post.get("panel", "").replace("，", ",").split(",")],
        onsite_on=_date(post.get("onsite_on"), "现场评估日期"), score=int(post.get("score") or -1),
        passed=post.get("passed") == "yes", opinion=post.get("opinion", ""),
        publicised_on=_date(post.get("publicised_on"), "公示开始日期")),
    "objection": lambda a, u, post: actions.record_objection(
        a, u, channel=W, text=post.get("text", ""), upheld=post.get("upheld") == "yes", finding=post.get("finding", "")),
    "negotiation": lambda a, u, post: actions.end_publicity(a, u, channel=W),
    "signature": lambda a, u, post: actions.sign_agreement(
        a, u, channel=W, starts_on=_date(post.get("starts_on"), "协议起始日期"),
        signed_on=_date(post.get("signed_on"), "签订日期"), notes=post.get("notes", "")),
    "suspension": lambda a, u, post: actions.suspend(a.provider, u, W, reason=post.get("reason", "").strip() or "未说明"),
    "termination": lambda a, u, post: actions.terminate(a.provider, u, W, reason=post.get("reason", "").strip() or "未说明"),
    "deposit_release": lambda a, u, post: actions.release_deposit(a.provider, post.get("year"), post.get("score"), u,
                                                                  channel=W),
}


@staff_required
@require_POST
def agreement_step(request, pk, step):
    agreement = _agreement(request, pk)
    if step not in STEPS:
        raise Http404("未知的操作")
    try:
        STEPS[step](agreement, request.user, request.POST)
    except (CaseError, NotAllowed, ValueError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, "已办理")
    return redirect("workbench:agreement", pk=agreement.pk)


def _submission(request, pk):
    s = ClaimSubmission.objects.select_related("provider", "case", "region").filter(pk=pk).first()
    if s is None or not may(request.user, "view", region_id=s.region_id):
        raise Http404("未找到该结算申报")
    return s


@staff_required
def settlement_detail(request, pk):
    s = _submission(request, pk)
    flagged = list(s.flagged.order_by("line_no")[:2000])
    for f in flagged:
        f.rule_labels = [RULES.get(r, r) for r in f.rules]
    return render(request, "workbench/providers/settlement.html", {
        "s": s, "flagged": flagged, "by_rule": [(RULES.get(c, c), v) for c, v in s.by_rule.items() if v["lines"]],
        "reviewable": s.state in (SettlementState.AUDITED, SettlementState.ANSWERED),
        "approvable": s.state == SettlementState.REVIEWED,
    })


@staff_required
@require_POST
def settlement_step(request, pk, step):
    s = _submission(request, pk)
    try:
        if step == "review":
            decisions = {}
            for f in s.flagged.all():
                kind = request.POST.get(f"kind-{f.line_no}", "")
                if kind:
                    decisions[f.line_no] = (kind, request.POST.get(f"note-{f.line_no}", ""))
            actions.re_review(s, decisions, request.user, channel=W)
        elif step == "approve":
            actions.approve_settlement(s, request.user, channel=W)
        else:
            raise Http404("未知的操作")
    except (CaseError, NotAllowed) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, "已办理")
    return redirect("workbench:settlement", pk=s.pk)


@staff_required
def settlement_statement(request, pk, fmt):
    s = _submission(request, pk)
    content, kind = (statement_pdf(s), "application/pdf") if fmt == "pdf" else (statement_xlsx(s), XLSX)
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"结算单-{s.provider.code}-{s.period}.{fmt}")
    return response
