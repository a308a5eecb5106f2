"""Documents staff download from a case: the record a query returned (PDF, read live from the
registers) and the 《参保凭证》 issued. Staff of the case's region only (case_for answers 404
otherwise), and every download of personal data is put on record."""
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from yibao.cases.states import Action, CaseState
from yibao.contributions.documents import certificate_pdf, record_pdf
from yibao.contributions.models import Certificate
from yibao.contributions.queries import person_record, unit_record
from yibao.enrollment.models import Employer, Person
from yibao.remote_care.queries import filings_of_case
from yibao.workbench.access import case_for, staff_required
from yibao.workbench.actions import note_download

QUERIES = {"person-info-query": "参保人员参保信息查询结果（PDF）", "unit-info-query": "参保单位参保信息查询结果（PDF）"}


def _certificate_no(case):
    # The 办结 step itself: a rating or a follow-up later also leaves an event in the 办结 state.
    event = case.events.filter(action=Action.COMPLETE).order_by("-id").first()
    return ((event.payload or {}).get("effect") or {}).get("certificate") if event else None


def for_case(case):
    """[(label, url)] of the documents a completed case offers."""
    if case.state != CaseState.COMPLETED:
        return []
    if case.item_code in QUERIES:
        return [(QUERIES[case.item_code], reverse("workbench:case_record_pdf", args=[case.receipt_no]))]
    if case.item_code == "insurance-certificate" and _certificate_no(case):
        return [("《参保凭证》（PDF）", reverse("workbench:case_certificate_pdf", args=[case.receipt_no]))]
    # 备案凭证: the portal's PDF answers the region's staff as well as the filed person
    return [(f"《异地就医备案凭证》{f.number}（PDF）", reverse("portal:filing_pdf", args=[f.number]))
            for f in filings_of_case(case)]


def _pdf(content, file_name):
    response = HttpResponse(content, content_type="application/pdf")
    response.headers["Content-Disposition"] = content_disposition_header(True, file_name)
    response.headers["Cache-Control"] = "private, no-store"  # personal data
    return response


@staff_required
@require_safe
def case_record_pdf(request, receipt_no):
    case = case_for(request, receipt_no)
    if case.item_code not in QUERIES or case.state != CaseState.COMPLETED:
        raise Http404("该办件没有查询结果")
    number = case.applicant.id_number
    if case.item_code == "person-info-query":
        subject = Person.objects.filter(id_number=number).first()
        data = person_record(subject) if subject else None
    else:
        subject = Employer.objects.filter(uscc=number).first()
        data = unit_record(subject) if subject else None
    if data is None:
        raise Http404("未找到查询对象的登记信息")
    note_download(request.user, subject, what="下载查询结果", summary=f"{case.receipt_no} {subject}")
    return _pdf(record_pdf(data, case.region, office=case.office), f"{case.receipt_no}-查询结果.pdf")


@staff_required
@require_safe
def case_certificate_pdf(request, receipt_no):
    case = case_for(request, receipt_no)
    certificate = Certificate.objects.select_related("region").filter(number=_certificate_no(case) or "").first()
    if certificate is None or certificate.region_id != case.region_id:
        raise Http404("未找到该参保凭证")
    return _pdf(certificate_pdf(certificate, site_url=request.build_absolute_uri("/")),
                f"参保凭证-{certificate.number}.pdf")
