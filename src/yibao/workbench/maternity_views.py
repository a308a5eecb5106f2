"""窗口受理：生育保险待遇合并申请. The clerk files one bundle for the insured employee and her
employer (the guides of 达州 and 松潘 offer these items at the window only); the cases the guide
pays together are opened at once, each with its own receipt."""
from django.contrib import messages
from django.shortcuts import redirect, render

from yibao.cases.exceptions import CaseError
from yibao.core.models import Channel
from yibao.maternity import bundles, forms
from yibao.maternity.exceptions import MaternityError
from yibao.people.policy import NotAllowed
from yibao.workbench.access import forbidden, may, staff_required


@staff_required
def bundle(request):
    region = request.staff.region
    if not may(request.user, "accept", region_id=region.pk):
        return forbidden(request, "您无权受理申请：需要“窗口受理”角色")
    items, materials = forms.offered(region)
    error = ""
    if request.method == "POST":
        parsed = forms.parse(request.POST)
        try:
            person, employer = bundles.accounts(request.POST.get("insured_id_number", ""),
                                                request.POST.get("employer_uscc", ""))
            bundle_, cases = bundles.submit(region=region, person=person, employer=employer, actor=request.user,
                                            channel=Channel.WINDOW, office=request.staff.office, **parsed)
        except (CaseError, MaternityError, NotAllowed) as exc:
            error = getattr(exc, "message", str(exc))
        else:
            messages.success(request, f"合并申请{bundle_.bundle_no}已提交：" + "、".join(
                f"{c.receipt_no}（{c.title}）" for c in cases))
            return redirect("workbench:case", receipt_no=cases[0].receipt_no)
    return render(request, "workbench/maternity_bundle.html", {
        "region": region, "items": items, "materials": materials, "error": error, "post": request.POST,
        "cost_items": [(c, t) for c, t, _ in items if c != "maternity-allowance"]})
