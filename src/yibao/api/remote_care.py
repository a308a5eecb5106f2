"""异地就医备案 over JSON: the lookup every other system asks ("was this person filed for care in
place X on date D, and by which filing?"), the public verification of a 备案凭证 by its code, the
filed person's own filings and the 凭证 PDF.

Who may look up: a designated provider's login (it treats patients from anywhere), staff and
partner systems (their service account) of the insuring region, and the person themself. Anyone
else gets the same 404 as a person who does not exist. Answers carry masked personal data only.
"""
import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from ninja import Query, Router, Schema

from yibao.api.auth import AUTH, optional_caller
from yibao.api.errors import ERRORS, Invalid, NotFound
from yibao.api.registers import CODE_FORMAT
from yibao.core.masking import mask_id_number, mask_name
from yibao.enrollment.models import Person
from yibao.people import policy
from yibao.people.identity import normalise
from yibao.people.models import ApplicantKind
from yibao.remote_care.documents import filing_pdf, filing_verify_url, public_view
from yibao.remote_care.models import PROVINCES, Filing
from yibao.remote_care.queries import by_verify_code, filing_on, filings_of

router = Router(tags=["异地就医备案"])

NOT_FOUND = "未找到该参保人员，或您无权查询"
FILING_NOT_FOUND = "未找到该备案，或您无权查看"
PDF_DOC = {"responses": {200: {"content": {"application/pdf": {}}}}}


class FilingOut(Schema):
    number: str
    kind: str
    filing_class: str
    scope: str  # 省内 / 跨省
    province: str
    city: str
    start_on: str
    end_on: str | None  # none for a long-term filing
    ended_on: str | None  # the day a change or cancellation took effect
    status: str
    region: str  # the insuring region


class LookupOut(Schema):
    filed: bool
    on: str
    province: str
    city: str
    person: str  # masked name and ID number
    filing: FilingOut | None


class LookupQuery(Schema):
    id_number: str
    province: str
    city: str = ""
    on: datetime.date | None = None


class VerifyOut(Schema):
    valid: bool
    number: str
    issuer: str
    name: str  # masked
    id_number: str  # masked
    kind: str
    filing_class: str
    scope: str
    place: str
    start_on: str
    end_on: str | None
    ended_on: str | None
    status: str
    validity: str
    covers_today: bool
    submitted_by_provider: str
    verify_url: str


def _out(filing):
    return {"number": filing.number, "kind": filing.get_kind_display(), "filing_class": filing.get_filing_class_display(),
            "scope": filing.scope, "province": filing.province, "city": filing.city,
            "start_on": filing.start_on.isoformat(), "end_on": filing.end_on.isoformat() if filing.end_on else None,
            "ended_on": filing.ended_on.isoformat() if filing.ended_on else None,
            "status": filing.get_status_display(), "region": filing.region.name}


def _regions_readable(caller, person):
    """None: every region (a provider, or the person themself); else the region ids whose filings
    the caller (staff, a partner's service account) may read; empty: none."""
    applicant = caller.applicant
    if applicant is not None and applicant.kind == ApplicantKind.PROVIDER:
        return None
    if applicant is not None and applicant.kind == ApplicantKind.PERSON and applicant.id_number == person.id_number:
        return None
    regions = set(person.enrollments.values_list("region_id", flat=True)) | {person.region_id}
    return {region_id for region_id in regions if _staff_of(caller, region_id)}


@router.get("/remote-care/lookup", response={200: LookupOut, **ERRORS}, auth=AUTH,
            summary="某人某日在某地是否已办理异地就医备案")
def lookup(request, query: Query[LookupQuery]):
    """定点医药机构、合作系统和参保地工作人员查询：参保人员在某日是否已备案到某省（市），依据哪一备案。
    备案覆盖某日：开始日期不晚于该日、（临时备案）截止日期不早于该日，且变更或取消的生效日期晚于该日。"""
    caller = request.auth
    caller.require_user()
    if query.province not in PROVINCES:
        raise Invalid(f"就医地省份“{query.province}”不正确，应为省级行政区全称，如 海南省", field="province")
    person = Person.objects.filter(id_number=normalise(query.id_number)).first()
    readable = _regions_readable(caller, person) if person is not None else set()
    if person is None or readable == set():
        raise NotFound(NOT_FOUND, field="id_number")
    on = query.on or timezone.localdate()
    filing = filing_on(person, on, province=query.province, city=query.city.strip())
    if filing is not None and readable is not None and filing.region_id not in readable:
        filing = None  # a filing of a region the caller cannot read is not theirs to see
    return {"filed": filing is not None, "on": on.isoformat(), "province": query.province, "city": query.city.strip(),
            "person": f"{mask_name(person.name)}（{mask_id_number(person.id_number)}）",
            "filing": _out(filing) if filing else None}


@router.get("/remote-care/confirmations/{code}", response={200: VerifyOut, **ERRORS}, summary="核验异地就医备案凭证（公开）")
def verify(request, code: str):
    """任何人凭备案凭证上的核验码核验：备案的参保地、类型、就医地、有效期和当前状态（姓名、证件号码脱敏）。"""
    optional_caller(request)
    filing = by_verify_code(code) if CODE_FORMAT.fullmatch(code) else None
    if filing is None:
        raise NotFound("核验码不存在：该备案凭证不是本系统出具的，或核验码有误", field="code")
    return {"valid": True, **public_view(filing),
            "verify_url": filing_verify_url(filing.verify_code, request.build_absolute_uri("/"))}


@router.get("/persons/me/filings", response={200: list[FilingOut], **ERRORS}, auth=AUTH, summary="本人的异地就医备案")
def my_filings(request):
    """参保人员本人的全部备案（含已变更、取消、过期的），最新的在前。"""
    applicant = request.auth.applicant
    if applicant is None or applicant.kind != ApplicantKind.PERSON:
        raise NotFound("当前账号不是参保人员本人账号")
    person = Person.objects.filter(id_number=applicant.id_number).first()
    return [_out(f) for f in filings_of(person)] if person else []


@router.get("/remote-care/filings/{number}/pdf", response=ERRORS, auth=AUTH, openapi_extra=PDF_DOC,
            summary="异地就医备案凭证（PDF，本人或参保地工作人员）")
def filing_document(request, number: str):
    caller = request.auth
    caller.require_user()
    filing = Filing.objects.select_related("region", "person").filter(number=number.strip()).first()
    applicant = caller.applicant
    own = filing is not None and applicant is not None and applicant.kind == ApplicantKind.PERSON \
        and applicant.id_number == filing.person.id_number
    if filing is None or not (own or _staff_of(caller, filing.region_id)):
        raise NotFound(FILING_NOT_FOUND, field="number")
    response = HttpResponse(filing_pdf(filing, site_url=request.build_absolute_uri("/")), content_type="application/pdf")
    response.headers["Content-Disposition"] = content_disposition_header(True, f"异地就医备案凭证-{filing.number}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _staff_of(caller, region_id):
    if not caller.in_scope(region_id):
        return False
    try:
        policy.check(caller.user, "view", region_id=region_id)
    except policy.NotAllowed:
        return False
    return True
