"""《异地就医备案凭证》 pages: the public verification page for anyone holding a filing's code (电子证照
核验: a provider at the place of care, another agency), and the PDF for the filed person or the
insuring region's staff."""
from django.shortcuts import render
from django.views.decorators.http import require_safe

from yibao.portal.downloads import CODE_FORMAT, held_document_pdf
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
    filing = Filing.objects.select_related("region", "person").filter(number=number).first()
    return held_document_pdf(request, filing, "未找到该备案", render_filing,
                             f"异地就医备案凭证-{number}.pdf")
