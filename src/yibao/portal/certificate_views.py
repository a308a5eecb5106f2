"""《参保凭证》 pages: the public verification page for anyone holding a certificate's code (电子证照
核验), and the PDF for its holder or the region's staff."""
import re

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from yibao.contributions.documents import certificate_pdf as render_certificate
from yibao.contributions.models import Certificate
from yibao.core.masking import mask_id_number, mask_name
from yibao.core.pdf import agency_name
from yibao.people import policy

# Codes are secrets.token_urlsafe output; anything else is not looked up at all.
CODE_FORMAT = re.compile(r"[A-Za-z0-9_-]{16,64}")


@require_safe
def verify(request, code):
    certificate = (Certificate.objects.select_related("region").filter(verify_code=code).first()
                   if CODE_FORMAT.fullmatch(code) else None)
    context = {"found": certificate is not None}
    if certificate is not None:
        c = certificate.content
        context["certificate"] = {
            "number": certificate.number, "issuer": agency_name(certificate.region),
            "issued_on": timezone.localdate(certificate.issued_at),
            "name": mask_name(c.get("name", "")), "id_number": mask_id_number(c.get("id_number", "")),
            "enrollments": c.get("enrollments", []), "contributions": c.get("contributions", {}).get("text", ""),
        }
    response = render(request, "portal/certificates/verify.html", context, status=200 if certificate else 404)
    response.headers["Cache-Control"] = "no-store"
    return response


@require_safe
def certificate_pdf(request, number):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    certificate = Certificate.objects.select_related("region", "person").filter(number=number).first()
    if certificate is None:
        raise Http404("未找到该参保凭证")
    own = getattr(getattr(request.user, "applicant", None), "id_number", None) == certificate.person.id_number
    if not own:
        try:
            policy.check(request.user, "view", region_id=certificate.region_id)
        except policy.NotAllowed:
            raise Http404("未找到该参保凭证") from None  # the same answer as a missing one
    response = HttpResponse(render_certificate(certificate, site_url=request.build_absolute_uri("/")),
                            content_type="application/pdf")
    response.headers["Content-Disposition"] = content_disposition_header(False, f"参保凭证-{certificate.number}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response
