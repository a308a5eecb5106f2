"""The staff workbench (工作台). Views parse and authorise, then call one action; the rules live in
yibao.cases (and yibao.people). An action refused by the engine is shown on the page in its own
Chinese words, and the case is re-read: what the page shows is what the database holds.
"""
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yibao.cases import actions as case_actions
from yibao.cases.checklist import checklist
from yibao.cases.exceptions import CaseError, ConcurrentUpdate
from yibao.cases.handlers import handler_for
from yibao.cases.models import FollowUp, Level, Notification
from yibao.cases.queries import is_instant, next_steps, region_offices
from yibao.cases.snapshot import has_review, is_payment
from yibao.cases.states import Action
from yibao.catalog.audit import audit_page
from yibao.core import charts
from yibao.core.masking import mask_name
from yibao.core.models import Channel
from yibao.core.numbers import is_digits
from yibao.core.schemaforms import describe
from yibao.enrollment.actions import EMPLOYER_FIELDS, PERSON_FIELDS
from yibao.enrollment.sheets import SheetInvalid
from yibao.payments.queries import orders_for_case
from yibao.people.actions import RegistrationRefused
from yibao.people.identity import InvalidIdentity, InvalidPhone
from yibao.people.policy import NotAllowed
from yibao.people.verbs import VERBS
from yibao.providers.actions import PROVIDER_FIELDS
from yibao.workbench import documents, domain_views, forms, queries
from yibao.workbench.access import case_for, forbidden, may, staff_required
from yibao.workbench.actions import (
    STAFF_CHANNELS, Identity, find_applicant, mark_notifications_read, take_window_application,
)
from yibao.workbench.bulk_views import base_rows
from yibao.workbench.payment_views import order_panel
from yibao.workdays.calendar import current

W = Channel.WINDOW
PAGE_SIZE = 20
# What the information-change items' 变更内容 may name, so staff can write 单位名称=… in Chinese.
# Items whose case data an employer may hand in as an Excel sheet.
SHEET_ITEMS = {"contribution-base": "缴费基数申报表（Excel）"}
CHANGE_KEYS = {"unit-info-change": EMPLOYER_FIELDS, "employee-info-change": PERSON_FIELDS,
               "resident-info-change": PERSON_FIELDS, "provider-info-change": PROVIDER_FIELDS}


# ---------------------------------------------------------------- queue


QUEUE_COUNT_CAP = 10_000


@staff_required
def queue(request):
    region = request.staff.region
    items = sorted(queries.item_titles(region).items(), key=lambda kv: kv[1])
    form = forms.QueueFilterForm(request.GET or None, offices=queries.office_choices(region), items=items)
    filters = queries.QueueFilters(**form.cleaned_data) if form.is_valid() else queries.QueueFilters()
    today, calendar = timezone.localdate(), current()
    # Counted exactly up to QUEUE_COUNT_CAP (then "more than", the exact figure on request): a
    # count grows with the region's open cases, the page of rows does not.
    exact = request.GET.get("exact") == "1"
    cases = queries.queue(region, filters, today=today, calendar=calendar,
                          count_cap=None if exact else QUEUE_COUNT_CAP)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "workbench/queue.html", {
        "form": form,
        "page": page,
        "rows": queries.rows(page.object_list, today=today, calendar=calendar),
        "query": params.urlencode(),
        "today": today,
        "capped": cases.capped,
        "count_cap": QUEUE_COUNT_CAP,
    })  # fmt: skip


# ---------------------------------------------------------------- window intake


@staff_required
def intake(request):
    region = request.staff.region
    if not may(request.user, "accept", region_id=region.pk):
        return forbidden(request, "您无权受理申请：需要“窗口受理”角色")
    items = queries.in_force_items(region)
    item = None
    chosen = request.POST.get("item") or request.GET.get("item")
    if chosen:
        item = get_object_or_404(items.prefetch_related("materials", "time_limits", "channels"), pk=chosen)
    if item is None:
        return render(request, "workbench/intake_pick.html", {"items": items})
    form = forms.IntakeForm(request.POST or None, request.FILES or None, materials=item.materials.all(),
                            schema=handler_for(item.code).schema, keys=CHANGE_KEYS.get(item.code),
                            sheet_label=SHEET_ITEMS.get(item.code, ""))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case_data = form.case_data()
        if data.get("sheet"):
            try:
                case_data["rows"] = base_rows(data["sheet"])
            except SheetInvalid as exc:
                form.add_error("sheet", [str(e) for e in exc.errors])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agent = None
        if data["agent_id_number"].strip():
            agent = Identity(data["agent_id_type"] or "resident_id", data["agent_id_number"], data["agent_name"],
                             data["agent_phone"], role="代理人")
        try:
            case, registered = take_window_application(
                clerk=request.user, office=request.staff.office, item=item,
                applicant=Identity(data["id_type"], data["id_number"], data["name"], data["phone"]),
                agent=agent, conditions=form.conditions(), materials=forms.supplied(data), data=case_data,
                comment=data["comment"], channel=data["channel"],
            )  # fmt: skip
        except (InvalidIdentity, InvalidPhone, RegistrationRefused) as exc:
            field = getattr(exc, "field", None)
            if agent is not None and field and f"agent_{field}" in form.fields and "代理人" in str(exc):
                field = f"agent_{field}"
            form.add_error(field if field in form.fields else None, str(exc))
        except (CaseError, NotAllowed) as exc:
            if isinstance(exc, CaseError):
                form.add_data_errors(exc)
            form.add_error(None, _message(exc))
        else:
            if registered:
                messages.info(request, f"已为{'、'.join(registered)}当场注册账户；凭受理编号和证件号码即可查询办理进度。")
            messages.success(request, f"已提交申请，受理编号 {case.receipt_no}。")
            return redirect("workbench:case", receipt_no=case.receipt_no)
    return render(request, "workbench/intake.html", {
        "item": item,
        "form": form,
        "conditions": _condition_hints(item),
        "limits": list(item.time_limits.all()),
        "guide_channels": list(item.channels.all()),
        "channels": queries.intake_channels(item, STAFF_CHANNELS),
        "engine_channels": "、".join(Channel(c).label for c in Channel if c in case_actions.APPLICATION_CHANNELS),
    }, status=400 if request.method == "POST" else 200)  # fmt: skip


def _condition_hints(item):
    """The conditions the guide names for this item (materials and limits), for the clerk to pick."""
    words = [m.when for m in item.materials.all()] + [t.when for t in item.time_limits.all()]
    return list(dict.fromkeys(w for w in words if w))


@staff_required
@require_POST
def lookup_applicant(request):
    """htmx: is the ID number typed at the window a registered applicant? (masked answer)"""
    found = find_applicant(request.POST.get(request.POST.get("field", "id_number"), ""))
    return render(request, "workbench/_applicant_found.html", {"found": found})


# ---------------------------------------------------------------- the case page

# The case page's steps, from the verb table (people.verbs): step key -> verb.
STEPS = {verb.step_key: verb for verb in VERBS}


def _offered(request, case):
    """The steps this user may take on this case now: the table, the item's flow, the policy."""
    names = [a for a in next_steps(case) if a in STEPS]
    if Action.ACCEPT in names and is_instant(case):
        names.insert(names.index(Action.ACCEPT), "instant")
    return [n for n in names if may(request.user, STEPS[n].needs, region_id=case.region_id, office=case.office)]


def _run(step, case, user, form):
    """Call the one engine function behind `step` with what the form parsed."""
    return STEPS[step].run(case, user, channel=W, expected_version=form.cleaned_data["version"], **form.engine_args())


def _message(exc):
    if isinstance(exc, CaseError):
        return exc.message
    return str(exc)


def _step_form(step, case, entries, offices, data=None):
    form_class = forms.STEP_FORMS[STEPS[step].form]
    return form_class(data, case=case, entries=entries, offices=offices, prefix=str(step))


def _case_page(request, case, *, bound=None, error="", status=200):
    entries = checklist(case)
    offices = [o for o in region_offices(case.region_id) if o != case.office]
    steps = []
    for step in _offered(request, case):
        if step == Action.REASSIGN and not offices:
            continue
        form = bound[1] if bound and bound[0] == step else _step_form(step, case, entries, offices)
        if step in (Action.RESUBMIT, Action.SUPPLY) and not form.material_fields:
            continue  # nothing outstanding to record
        steps.append({"name": str(step), "label": STEPS[step].button_label, "form": form})
    calendar = current()
    today = timezone.localdate()
    orders = list(orders_for_case(case).select_related("reissue_of", "batch"))
    return render(request, "workbench/case.html", {
        "case": case,
        "entries": entries,
        "events": _events(case),
        "notices": case.notices.order_by("issued_at", "id"),
        "steps": steps,
        "error": error,
        "due": queries.rows([case], today=today, calendar=calendar)[0],
        "review": has_review(case.snapshot),
        "payment": is_payment(case.snapshot),
        "instant": is_instant(case),
        "case_data": describe(*handler_for(case.item_code).displayed(case)),
        "effect": _effect(case),
        "order": order_panel(orders[-1] if orders else None, request.user),
        "earlier_orders": orders[:-1],  # a failed or cancelled order before its re-issue
        "documents": documents.for_case(case),
        "domain": domain_views.panel(case, request.user),
    }, status=status)  # fmt: skip


def _events(case):
    """The case's history; an applicant or agent shown by masked name, never by the account's
    internal username (applicant-…)."""
    names = {case_actions.APPLICANT_ROLE: mask_name(case.applicant.name),
             case_actions.AGENT_ROLE: mask_name(case.agent.name) if case.agent_id else ""}
    events = list(case.events.select_related("actor").order_by("at", "id"))
    for event in events:
        if names.get(event.actor_role):
            event.actor_label = names[event.actor_role]
    return events


def _effect(case):
    """What 办结 did to the registers, as the handler summed it up (None before 办结)."""
    event = case.events.filter(action=Action.COMPLETE).order_by("-id").first()
    return (event.payload or {}).get("effect") if event else None


@staff_required
def case_detail(request, receipt_no):
    return _case_page(request, case_for(request, receipt_no))


@staff_required
@require_POST
def case_step(request, receipt_no, step):
    case = case_for(request, receipt_no)
    if step not in STEPS:
        return _case_page(request, case, error="未知的操作", status=400)
    entries = checklist(case)
    offices = region_offices(case.region_id)
    form = _step_form(step, case, entries, offices, data=request.POST)
    if not form.is_valid():
        if "version" in form.errors:
            return _case_page(request, case, error="页面已过期，请刷新后重试", status=400)
        return _case_page(request, case, bound=(step, form), error="请检查填写的内容", status=400)
    try:
        case = _run(step, case, request.user, form)
    except ConcurrentUpdate as exc:
        # Someone moved the case since this page was drawn: show it as it is now.
        return _case_page(request, case_for(request, receipt_no), error=exc.message, status=409)
    except NotAllowed as exc:
        return _case_page(request, case_for(request, receipt_no), error=str(exc), status=403)
    except CaseError as exc:
        return _case_page(request, case_for(request, receipt_no), bound=(step, form), error=exc.message,
                          status=400)
    messages.success(request, f"{case.receipt_no}：{STEPS[step].done_message}（{case.get_state_display()}）")
    return redirect("workbench:case", receipt_no=case.receipt_no)


# ---------------------------------------------------------------- items status


@staff_required
def items_status(request):
    """Which items 办结 changes a register for, and which are only recorded (the generic handler)."""
    region = request.staff.region
    guide_items, codes = queries.item_status(region)
    return render(request, "workbench/items.html", {
        "guide_items": guide_items,
        "codes": codes,
        "with_effect": sum(c.effect for c in codes),
        "record_only": sum(not c.effect for c in codes),
        "guide_with_effect": sum(1 for _, c in guide_items if c and c.effect),
    })  # fmt: skip


# ---------------------------------------------------------------- supervisor


@staff_required
def dashboard(request):
    region = request.staff.region
    if not may(request.user, "dashboard", region_id=region.pk):
        return forbidden(request, "统计督办仅供科室负责人查看")
    start, end = queries.default_period()
    period = forms.PeriodForm(request.GET or {"start": start, "end": end})
    if period.is_valid():
        start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    figures = queries.figures(region, start, end)
    today = timezone.localdate()
    chart_sets = [
        (label, [
            charts.counts("申请量", figures[dim], "submitted"),
            charts.rates("按时办结率", figures[dim]),
            charts.satisfaction("好差评构成", figures[dim], Level.labels),
        ], figures[dim])
        for dim, label in queries.DIMENSIONS
    ]  # fmt: skip
    follow_ups = list(queries.open_follow_ups(region))
    return render(request, "workbench/dashboard.html", {
        "period": period,
        "start": start,
        "end": end,
        "total": queries.totals(figures),
        "chart_sets": chart_sets,
        "follow_ups": [(f, forms.FollowUpForm(prefix=f"f{f.pk}")) for f in follow_ups],
        "overdue": queries.rows(queries.overdue_cases(region, today=today), today=today, calendar=current()),
        "today": today,
    })  # fmt: skip


@staff_required
def list_audit(request):
    """清单对标 for supervisors: their region's guide in force against the service lists."""
    region = request.staff.region
    if not may(request.user, "dashboard", region_id=region.pk):
        return forbidden(request, "清单对标仅供科室负责人查看")
    context = audit_page(region.code, [region])
    return render(request, "workbench/audit.html", {**context, "region": region})


@staff_required
@require_POST
def close_follow_up(request, pk):
    follow_up = get_object_or_404(FollowUp.objects.select_related("case"), pk=pk, region=request.staff.region)
    form = forms.FollowUpForm(request.POST, prefix=f"f{pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            case_actions.close_follow_up(follow_up, request.user, outcome=d["outcome"], note=d["note"], channel=W,
                                         called_back_on=d["called_back_on"])
        except (CaseError, NotAllowed) as exc:
            messages.error(request, f"{follow_up.case.receipt_no}：{_message(exc)}")
        else:
            messages.success(request, f"{follow_up.case.receipt_no}：差评处理完毕")
    else:
        messages.error(request, "请检查填写的内容：" + "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(reverse("workbench:dashboard") + "#follow-ups")


# ---------------------------------------------------------------- notifications


@staff_required
def notifications(request):
    if request.method == "POST":
        ids = request.POST.getlist("id")
        count = mark_notifications_read(request.user, [int(i) for i in ids if is_digits(i)] if ids else None)
        messages.success(request, f"已将{count}条消息标为已读")
        return redirect("workbench:notifications")
    rows = Notification.objects.filter(recipient=request.user).select_related("case").order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-id")[:200]
    return render(request, "workbench/notifications.html", {"notifications": rows})

