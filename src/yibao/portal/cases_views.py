"""The public side of cases: apply online, my cases, supply, withdraw, rate, and the progress
query. Views parse and authorise, then call one action (yibao.portal.actions composes an engine
action with its files); every rule of the case is the engine's."""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from yibao.cases import attachments
from yibao.cases.actions import rate_case, withdraw_case
from yibao.cases.checklist import checklist
from yibao.cases.deadlines import DUE_LABELS, due_status
from yibao.cases.exceptions import CaseError, CaseNotFound
from yibao.cases.handlers import handler_for
from yibao.cases.models import Case, Evaluation, NoticeKind
from yibao.cases.notices import HOW_TO_FOLLOW
from yibao.cases.queries import NOT_FOUND, case_progress, cases_of, expected_limit, progress
from yibao.cases.receipts import normalise
from yibao.cases.snapshot import freeze
from yibao.cases.snapshot import material as frozen_material
from yibao.cases.states import RATABLE_STATES, Action, CaseState, allowed
from yibao.catalog.models import ServiceItem
from yibao.core.models import Channel
from yibao.people.policy import NotAllowed
from yibao.portal import actions, domain_views, queries
from yibao.portal.forms import ApplyForm, RateForm, SupplyForm, TrackForm, WithdrawForm
from yibao.portal.links import item_urls
from yibao.remote_care.queries import filings_of_case
from yibao.workdays.calendar import current as current_calendar


def _applicant(user):
    try:
        return user.applicant
    except ObjectDoesNotExist:
        return None


def _message(exc):
    return exc.message if isinstance(exc, CaseError) else str(exc)


# ---------------------------------------------------------------- apply


def _apply_item(item_id):
    items = ServiceItem.objects.select_related("guide__region").prefetch_related(
        "materials", "time_limits", "stages", "channels",
        "offices__office",
    )
    return get_object_or_404(items, pk=item_id)


def _unavailable_reason(item, applicant):
    """Why this account cannot apply for this item online here, or "" when it can."""
    guide = item.guide
    if guide.region.is_template:
        return "该指南为模板，未注明地区，不能据此申请。请选择您参保地的办事指南。"
    if not queries.is_in_force(guide):
        return "该事项属于已不再执行的指南版本，请按现行办事指南申请。"
    if not any(c.online for c in item.channels.all()):
        return "该事项的办事指南未列出网上办理渠道，请通过以下渠道办理。"
    if applicant is None:
        return "工作人员账户不能在网上申请。窗口代办请在工作台受理。"
    return ""


@login_required
def apply(request, item_id):
    item = _apply_item(item_id)
    applicant = _applicant(request.user)
    reason = _unavailable_reason(item, applicant)
    if reason:
        url = item_urls([item], queries.in_force_guides()).get(item.pk, "")
        return render(request, "portal/cases/apply_unavailable.html",
                      {"item": item, "region": item.guide.region, "reason": reason, "item_url": url,
                       "channels": item.channels.all(), "offices": item.offices.all()},
                      status=403 if applicant is None else 200)
    frozen = freeze(item)
    offices = [e.office.name for e in item.offices.all()]
    posted = request.method == "POST"
    form = ApplyForm(
        request.POST if posted else None, request.FILES if posted else None, materials=frozen["materials"], limits=frozen["time_limits"],
        offices=offices, schema=handler_for(item.code).schema, applicant=applicant,
    )
    if posted and form.is_valid():
        principal = form.principal
        try:
            case = actions.apply_online(
                item=item, applicant=principal or applicant, agent=applicant if principal else None,
                actor=request.user, uploads=form.uploads(), commitments=form.commitments(),
                office=form.cleaned_data.get("office", ""), conditions=form.conditions(), data=form.case_data(),
                comment=form.cleaned_data["comment"],
            )
        except (CaseError, NotAllowed) as exc:
            if isinstance(exc, CaseError):
                form.add_case_error(exc)
            else:
                form.add_error(None, str(exc))
        else:
            return redirect("portal:case_receipt", receipt_no=case.receipt_no)
    return render(request, "portal/cases/apply.html", {
        "item": item, "region": item.guide.region, "form": form, "frozen": frozen,
        "rows": form.material_rows_bound(),
        "max_size": attachments.limit_label(),
    })


# ---------------------------------------------------------------- my cases


def _my_case(request, receipt_no):
    """The case if the logged-in account is its applicant or agent; 404 otherwise (never 403:
    a receipt number must not tell whether the case exists)."""
    applicant = _applicant(request.user)
    if applicant is None:
        raise Http404(NOT_FOUND)
    case = (
        Case.objects.select_related("applicant", "agent", "region")
        .filter(receipt_no=normalise(receipt_no))
        .filter(Q(applicant=applicant) | Q(agent=applicant))
        .first()
    )
    if case is None:
        raise Http404(NOT_FOUND)
    return case, applicant


@login_required
def my_cases(request):
    applicant = _applicant(request.user)
    cases = list(cases_of(applicant)) if applicant else []
    calendar = current_calendar()
    for case in cases:
        case.role = "代理人" if applicant and case.agent_id == applicant.pk else "申请人"
        case.due_label = DUE_LABELS.get(due_status(case, calendar=calendar), "")
    # the messages the engine and the registers left for this account (受理, 办结, a filing made, R38)
    notifications = list(request.user.case_notifications.select_related("case")[:20])
    return render(request, "portal/cases/my_cases.html",
                  {"cases": cases, "applicant": applicant, "notifications": notifications})


@login_required
def case_receipt(request, receipt_no):
    case, _ = _my_case(request, receipt_no)
    return render(request, "portal/cases/receipt.html", {
        "case": case, "region": case.region, "limit_days": expected_limit(case), "how_to_follow": HOW_TO_FOLLOW,
        "materials": checklist(case),
        "attachments": attachments.current(case),
    })


def _supply_materials(case):
    """The materials the applicant may hand in now: those the last 一次性告知书 names, or those
    owed under 容缺受理. None when there is nothing to supply in this state."""
    if case.state == CaseState.CORRECTION_REQUESTED:
        notice = case.notices.filter(kind=NoticeKind.CORRECTION).order_by("-issued_at", "-id").first()
        keys = [i["key"] for i in notice.content.get("items", [])] if notice else []
    elif allowed(case.state, Action.SUPPLY) and case.owed:
        keys = [o["key"] for o in case.owed]
    else:
        return None
    return [m for m in (frozen_material(case.snapshot, k) for k in keys) if m]


def _notice_pdf_available():
    try:
        reverse("portal:notice_pdf", args=[1])
    except NoReverseMatch:
        return False
    return True


def _case_page(request, case, *, supply_form=None, withdraw_form=None, rate_form=None, error="", status=200):
    materials = _supply_materials(case)
    if materials is not None and supply_form is None:
        supply_form = SupplyForm(materials=materials, initial={"version": case.version})
    if withdraw_form is None and allowed(case.state, Action.WITHDRAW):
        withdraw_form = WithdrawForm(initial={"version": case.version})
    evaluation = Evaluation.objects.filter(case=case).first()
    if rate_form is None and case.state in RATABLE_STATES and evaluation is None:
        rate_form = RateForm()
    files = list(case.attachments.order_by("material", "uploaded_at", "id"))
    latest = {a.pk for a in attachments.current(case).values()}
    return render(request, "portal/cases/case.html", {
        "case": case, "region": case.region,
        "progress": case_progress(case),
        "notices": list(case.notices.order_by("issued_at", "id")),
        "notice_pdf": _notice_pdf_available(),
        "checklist": checklist(case) if case.is_open else [],
        "files": [(f, f.pk in latest) for f in files],
        "supply_form": supply_form if materials is not None else None,
        "supply_rows": supply_form.material_rows_bound() if materials is not None else [],
        "withdraw_form": withdraw_form if allowed(case.state, Action.WITHDRAW) else None,
        "rate_form": rate_form if evaluation is None and case.state in RATABLE_STATES else None,
        "evaluation": evaluation,
        "limit_days": case.limit_days if case.accepted_on else expected_limit(case),
        "filings": filings_of_case(case),
        "explanation": domain_views.explanation(case),
        "error": error,
    }, status=status)


@login_required
def my_case(request, receipt_no):
    case, _ = _my_case(request, receipt_no)
    return _case_page(request, case)


@login_required
@require_POST
def case_supply(request, receipt_no):
    case, _ = _my_case(request, receipt_no)
    materials = _supply_materials(case)
    if materials is None:
        return _case_page(request, case, error="该办件当前无需补正或补交材料", status=409)
    form = SupplyForm(request.POST, request.FILES, materials=materials)
    if form.is_valid():
        try:
            actions.supply_online(case, request.user, uploads=form.uploads(), commitments=form.commitments(),
                                  expected_version=form.cleaned_data["version"])
        except (CaseError, NotAllowed) as exc:
            form.add_case_error(exc) if isinstance(exc, CaseError) else form.add_error(None, str(exc))
        else:
            return redirect("portal:my_case", receipt_no=case.receipt_no)
    return _case_page(request, case, supply_form=form, status=400)


@login_required
@require_POST
def case_withdraw(request, receipt_no):
    case, _ = _my_case(request, receipt_no)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            withdraw_case(case, request.user, channel=Channel.PORTAL, reason=form.cleaned_data["reason"],
                          expected_version=form.cleaned_data["version"])
        except (CaseError, NotAllowed) as exc:
            return _case_page(request, case, error=_message(exc), status=400)
        return redirect("portal:my_case", receipt_no=case.receipt_no)
    return _case_page(request, case, withdraw_form=form, status=400)


@login_required
@require_POST
def case_rate(request, receipt_no):
    case, _ = _my_case(request, receipt_no)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            rate_case(case, request.user, level=form.cleaned_data["level"], channel=Channel.PORTAL,
                      text=form.cleaned_data["text"])
        except (CaseError, NotAllowed) as exc:
            return _case_page(request, case, error=_message(exc), status=400)
        return redirect("portal:my_case", receipt_no=case.receipt_no)
    return _case_page(request, case, rate_form=form, status=400)


@login_required
def case_file(request, receipt_no, attachment_id):
    case, _ = _my_case(request, receipt_no)
    attachment = get_object_or_404(case.attachments, pk=attachment_id)
    path = attachments.path_of(attachment.stored_name)
    if not path.is_file():
        raise Http404("文件不存在")
    response = FileResponse(open(path, "rb"), content_type=attachment.content_type, as_attachment=True,
                            filename=attachment.original_name or path.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"  # personal documents
    return response


# ---------------------------------------------------------------- public progress query


def track(request):
    """进度查询 by receipt number and ID number, limited per address. A wrong pair and a missing
    case get the same answer."""
    form = TrackForm(request.POST if request.method == "POST" else None)
    result, error, status = None, "", 200
    if request.method == "POST":
        if not actions.record_track_attempt(request.META.get("REMOTE_ADDR")):
            error, status = f"查询过于频繁，请{settings.YIBAO_PORTAL_TRACK_MINUTES}分钟后再试", 429
        elif form.is_valid():
            try:
                result = progress(form.cleaned_data["receipt_no"], form.cleaned_data["id_number"])
            except CaseNotFound as exc:
                error = exc.message
        else:
            error = NOT_FOUND
    return render(request, "portal/cases/track.html", {"form": form, "result": result, "error": error},
                  status=status)

