"""《异地就医备案凭证》 pages: the public verification page for anyone holding a filing's code (电子证照
核验: a provider at the place of care, another agency), and the PDF for the filed person or the
insuring region's staff."""
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from yibao.people import policy
from yibao.portal.certificate_views import CODE_FORMAT
from yibao.remote_care.documents import filing_pdf as render_filing
from yibao.remote_care.documents import public_view
from yibao.remote_care.models import Filing
from yibao.remote_care.queries import by_verify_code


@require_safe
def verify(request, code):
    filing = by_verify_code(code) if CODE_FORMAT.fullmatch(code) else None
    context = {"found": filing is not None, "filing": public_view(filing) if filing else None}
    response = render(request, "portal/filings/verify.html", context, status=200 if filing else 404)
    response.headers["Cache-Control"] = "no-store"
    return response


@require_safe
def filing_pdf(request, number):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    filing = Filing.objects.select_related("region", "person").filter(number=number).first()
    if filing is None:
        raise Http404("未找到该备案")
    own = getattr(getattr(request.user, "applicant", None), "id_number", None) == filing.person.id_number
    if not own:
        try:
            policy.check(request.user, "view", region_id=filing.region_id)
        except policy.NotAllowed:
            raise Http404("未找到该备案") from None  # the same answer as a missing one
    response = HttpResponse(render_filing(filing, site_url=request.build_absolute_uri("/")),
                            content_type="application/pdf")
    response.headers["Content-Disposition"] = content_disposition_header(False, f"异地就医备案凭证-{filing.number}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response
