"""Issued documents: the PDF of a notice for those who may see the case, and the public
verification page (电子证照核验) for anyone holding a document's code."""
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from yibao.cases.models import Notice
from yibao.cases.pdf import render_notice_pdf
from yibao.core.masking import mask_name
from yibao.core.pdf import agency_name
from yibao.people import policy
from yibao.portal.downloads import CODE_FORMAT, pdf_response


def _notice(**lookup):
    return Notice.objects.select_related("case__region", "case__applicant", "case__agent").filter(**lookup).first()


@require_safe
def notice_pdf(request, notice_id):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    notice = _notice(pk=notice_id)
    if notice is None:
        raise Http404("未找到该文书")
    case = notice.case
    try:
        policy.check(request.user, "view", region_id=case.region_id, office=case.office,
                     applicant_user_id=case.applicant.user_id,
                     agent_user_id=case.agent.user_id if case.agent_id else None)
    except policy.NotAllowed:
        raise Http404("未找到该文书") from None  # the same answer as a missing one: ids are not probed
    return pdf_response(render_notice_pdf(notice, site_url=request.build_absolute_uri("/")),
                        f"{case.receipt_no}-{notice.get_kind_display()}.pdf")


@require_safe
def verify(request, code):
    notice = _notice(verify_code=code) if CODE_FORMAT.fullmatch(code) else None
    if notice is None:
        response = render(request, "portal/documents/verify.html", {"found": False}, status=404)
    else:
        content, case = notice.content, notice.case
        response = render(request, "portal/documents/verify.html", {
            "found": True,
            "region": case.region,
            "document": {
                "kind": notice.get_kind_display(),
                "title": content.get("title") or notice.get_kind_display(),
                "issuer": agency_name(case.region),
                "office": content.get("office") or case.office,
                "receipt_no": content.get("receipt_no") or case.receipt_no,
                "item": content.get("item") or case.title,
                "edition": content.get("edition", ""),
                "issued_on": timezone.localdate(notice.issued_at),
                "applicant": mask_name(content.get("applicant") or case.applicant.name),
                "applicant_id": content.get("applicant_id") or case.applicant.masked_id,
            },
        })
    response.headers["Cache-Control"] = "no-store"
    return response
