"""《参保凭证》 pages: the public verification page for anyone holding a certificate's code (电子证照
核验), and the PDF for its holder or the region's staff."""
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from yibao.contributions.documents import certificate_pdf as render_certificate
from yibao.contributions.models import Certificate
from yibao.core.masking import mask_id_number, mask_name
from yibao.core.pdf import agency_name
from yibao.portal.downloads import CODE_FORMAT, held_document_pdf


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
    certificate = Certificate.objects.select_related("region", "person").filter(number=number).first()
    return held_document_pdf(request, certificate, "未找到该参保凭证", render_certificate, f"参保凭证-{number}.pdf")
