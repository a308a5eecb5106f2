"""在线申请：生育保险待遇合并申请. The insured employee (or her employer) submits once online,
where the guide in force offers the items online (攀枝花's does; 达州's and 松潘's are window
items): the cases the guide pays together are opened, the files given once (one per material)
are kept by each case that lists the material. All or nothing."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render

from yibao.cases.exceptions import CaseError
from yibao.cases.interface import attach_bundle_material
from yibao.catalog.models import Guide, Region, ServiceItem
from yibao.core.models import Channel
from yibao.maternity import bundles, forms
from yibao.maternity.exceptions import MaternityError
from yibao.people.models import ApplicantKind
from yibao.people.policy import NotAllowed
from yibao.portal.cases_views import _applicant


def _online(region, codes):
    """The chosen items whose guide in force lists no online channel (named), or []."""
    found = ServiceItem.objects.filter(guide__in=Guide.objects.filter(region=region).in_force(), code__in=codes)
    return [i.display_title for i in found.prefetch_related("channels") if not any(c.online for c in i.channels.all())]


@login_required
def bundle(request, region_code):
    region = get_object_or_404(Region, code=region_code, is_template=False)
    applicant = _applicant(request.user)
    if applicant is None or applicant.kind not in (ApplicantKind.PERSON, ApplicantKind.EMPLOYER):
        return render(request, "portal/maternity_bundle.html", {"region": region, "refused": (
            "生育保险待遇由参保职工本人或参保单位申请；工作人员请在工作台窗口受理。")}, status=403)
    items, materials = forms.offered(region)
    window_only = _online(region, [c for c, _, _ in items])
    error = ""
    if request.method == "POST":
        parsed = forms.parse(request.POST)
        files = {name: request.FILES[f"file-{n}"] for n, (name, _) in enumerate(materials)
                 if f"file-{n}" in request.FILES}
        parsed["materials"].update({name: "document" for name in files})
        try:
            if _online(region, parsed["items"]):
                raise MaternityError(f"{'、'.join(_online(region, parsed['items']))}的办事指南未列出网上办理渠道，请到经办窗口办理")
            if applicant.kind == ApplicantKind.EMPLOYER:
                person, employer = bundles.accounts(request.POST.get("insured_id_number", ""))[0], applicant
            else:
                uscc = request.POST.get("employer_uscc", "").strip()
                person, employer = applicant, (bundles.accounts(applicant.id_number, uscc)[1] if uscc else None)
            with transaction.atomic():
                bundle_, cases = bundles.submit(region=region, person=person, employer=employer, actor=request.user,
                                                channel=Channel.PORTAL, **parsed)
                for name, upload in files.items():
                    attach_bundle_material(bundle_, request.user, channel=Channel.PORTAL, name=name, upload=upload)
        except (CaseError, NotAllowed) as exc:
            error = getattr(exc, "message", str(exc))
        else:
            messages.success(request, f"合并申请{bundle_.bundle_no}已提交：" + "、".join(
                f"{c.receipt_no}（{c.title}）" for c in cases))
            return redirect("portal:my_cases")
    return render(request, "portal/maternity_bundle.html", {
        "region": region, "items": items, "materials": list(enumerate(materials)), "error": error,
        "post": request.POST, "window_only": window_only, "applicant": applicant,
        "cost_items": [(c, t) for c, t, _ in items if c != "maternity-allowance"]})
