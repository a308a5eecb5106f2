"""What the portal's document views share: the shape of a verification code, and the PDF of a
document a person holds (a certificate, a filing) for that person or the region's staff."""
import re

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from yibao.people import policy

# Codes are secrets.token_urlsafe output; anything else is not looked up at all.
CODE_FORMAT = re.compile(r"[A-Za-z0-9_-]{16,64}")


def pdf_response(pdf, file_name):
    response = HttpResponse(pdf, content_type="application/pdf")
    response.headers["Content-Disposition"] = content_disposition_header(False, file_name)
    response.headers["Cache-Control"] = "private, no-store"  # personal data
    return response


def held_document_pdf(request, document, missing, render, file_name):
    """The PDF of `document` (with .person and .region_id) for the person it names or the
    region's staff; to anyone else the same 404 as a missing one, so numbers are not probed."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if document is None:
        raise Http404(missing)
    own = getattr(getattr(request.user, "applicant", None), "id_number", None) == document.person.id_number
    if not own:
        try:
            policy.check(request.user, "view", region_id=document.region_id)
        except policy.NotAllowed:
            raise Http404(missing) from None
    return pdf_response(render(document, site_url=request.build_absolute_uri("/")), file_name)
