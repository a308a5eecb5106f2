"""The entitlement register on the workbench (待遇认定登记): the region's recognitions in force, found
by ID number, name or disease code, each with its history; a staff member who may approve revokes
one (撤销) with a reason, which the register's history, the audit log and the insured's messages keep."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yibao.cases.exceptions import CaseError
from yibao.core.models import Channel
from yibao.entitlements import actions, queries
from yibao.entitlements.models import Entitlement
from yibao.people.policy import NotAllowed
from yibao.workbench.access import may, staff_required


@staff_required
def entitlements(request):
    region = request.staff.region
    search = request.GET.get("q", "")
    rows = queries.revocable(region, search=search)
    history = queries.history_of(rows)
    for row in rows:
        row.events = history.get(row.pk, [])
    return render(request, "workbench/entitlements.html", {
        "rows": rows, "q": search, "may_revoke": may(request.user, "approve", region_id=region.pk)})


@staff_required
@require_POST
def revoke(request, pk):
    entitlement = Entitlement.objects.select_related("region").filter(pk=pk).first()
    if entitlement is None or not may(request.user, "view", region_id=entitlement.region_id):
        raise Http404("未找到该待遇认定")
    try:
        actions.revoke(entitlement, request.user, reason=request.POST.get("reason", ""), channel=Channel.WINDOW)
    except (CaseError, NotAllowed) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, f"已撤销{entitlement.person}的{entitlement.disease.name}待遇认定")
    return redirect("workbench:entitlements")
