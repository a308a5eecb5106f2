"""The registers over JSON: a person's record (enrolments, contribution years, accounts), an
employer's record and roster, their PDFs, the employer's 增减 Excel sheet, and the 《参保凭证》
(public verification, the holder's PDF).

Who may read: the person themself (or the employer itself), and staff of a region where the
record is kept; anyone else gets the same 404 as a record that does not exist. Personal data
arrives masked as the domain's queries mask it (contributions.queries); only the employer's own
roster.xlsx carries full particulars, because the unit edits it and hands it back.
"""
import io
import re
from zipfile import BadZipFile

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from openpyxl.utils.exceptions import InvalidFileException

from yibao.accounts.queries import statement
from yibao.api.auth import AUTH, optional_caller
from yibao.api.errors import ERRORS, Invalid, NotFound
from yibao.contributions.documents import certificate_pdf, certificate_verify_url, record_pdf
from yibao.contributions.models import Certificate
from yibao.contributions.queries import enrollments_of, person_record, record_subject, unit_record
from yibao.core.masking import mask_id_number, mask_name
from yibao.core.models import Channel
from yibao.core.pdf import agency_name
from yibao.enrollment import sheets
from yibao.enrollment.models import Employer
from yibao.people import policy
from yibao.people.identity import normalise
from yibao.people.models import ApplicantKind

router = Router(tags=["参保登记信息"])

PERSON_NOT_FOUND = "未找到该参保人员的登记信息，或您无权查看"
EMPLOYER_NOT_FOUND = "未找到该参保单位的登记信息，或您无权查看"
CERTIFICATE_NOT_FOUND = "未找到该参保凭证，或您无权查看"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHEET_BYTES = 50 * 1024 * 1024
# Codes are secrets.token_urlsafe output; anything else is not looked up at all.
CODE_FORMAT = re.compile(r"[A-Za-z0-9_-]{16,64}")


# ---------------------------------------------------------------- output


class PersonOut(Schema):
    kind: str
    person: dict  # particulars, ID and phone masked
    enrollments: list[dict]  # each with its status history
    contributions: dict  # contribution time: {"months", "text", "by_source"}
    recent_assessments: list[dict]
    unpaid_notices: list[dict]
    e_credential: dict | None
    remote_care: list[str]  # the remote-care filings in force today, one line each
    accounts: list[dict]  # personal accounts: balance (yuan, text) and latest entries


class EmployerOut(Schema):
    kind: str
    employer: dict  # particulars, bank account and phone masked
    lineage: list[dict]
    employees: dict  # count by enrolment status
    employees_open: int
    roster: list[dict]  # open enrolments, ID numbers masked
    roster_truncated: bool
    bases: dict | None
    unpaid_notices: list[dict]


class CertificateOut(Schema):
    valid: bool
    number: str
    issuer: str
    issued_on: str
    name: str  # masked
    id_number: str  # masked
    enrollments: list[dict]
    contributions: str
    verify_url: str


class CertificateRow(Schema):
    number: str
    verify_code: str
    issued_on: str
    issuer: str


class SheetOut(Schema):
    receipt_no: str  # the 职工参保登记 case the sheet became
    state: str
    due_date: str | None
    employer: str
    rows: int
    adds: int  # 增加 rows, enrolled when the case completes
    reduces: int  # 减少 rows


# ---------------------------------------------------------------- who may read


def _may_read(caller, region_ids, *, own):
    """True for the record's own party, or staff of one of `region_ids` (through a client in scope)."""
    if caller.user is None:
        return False
    if own:
        return True
    for region_id in region_ids:
        if not caller.in_scope(region_id):
            continue
        try:
            policy.check(caller.user, "view", region_id=region_id)
        except policy.NotAllowed:
            continue
        return True
    return False


def _person(caller, id_number):
    """The person (read for the record) and their enrolments, which the record shows anyway: read
    once for the check (the regions where the record is kept) and the record."""
    person = record_subject(id_number=normalise(id_number))
    applicant = caller.applicant
    own = person is not None and applicant is not None and applicant.kind == ApplicantKind.PERSON \
        and applicant.id_number == person.id_number
    enrollments = enrollments_of(person) if person is not None else []
    if person is None or not _may_read(caller, {person.region_id, *(e.region_id for e in enrollments)}, own=own):
        raise NotFound(PERSON_NOT_FOUND, field="id_number")
    return person, enrollments


def _me(caller):
    applicant = caller.applicant
    if applicant is None or applicant.kind != ApplicantKind.PERSON:
        raise NotFound("当前账号不是参保人员本人账号；工作人员请使用 /api/persons/{证件号码}")
    return _person(caller, applicant.id_number)


def _employer(caller, uscc):
    employer = Employer.objects.select_related("region").filter(uscc=normalise(uscc)).first()
    applicant = caller.applicant
    own = employer is not None and applicant is not None and applicant.kind == ApplicantKind.EMPLOYER \
        and applicant.id_number == employer.uscc
    if employer is None or not _may_read(caller, {employer.region_id}, own=own):
        raise NotFound(EMPLOYER_NOT_FOUND, field="uscc")
    return employer, own


def _record(person, enrollments):
    return {**person_record(person, enrollments), "accounts": statement(person, limit=20)}


def _download(content, content_type, file_name):
    response = HttpResponse(content, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(True, file_name)
    response.headers["Cache-Control"] = "private, no-store"  # personal data
    return response


def _pdf(record, region, file_name):
    return _download(record_pdf(record, region), "application/pdf", file_name)


# ---------------------------------------------------------------- persons

PDF = ERRORS  # the 200 body is a file, described in openapi_extra
PDF_DOC = {"responses": {200: {"content": {"application/pdf": {}}}}}


@router.get("/persons/me", response={200: PersonOut, **ERRORS}, auth=AUTH, summary="本人参保信息")
def my_record(request):
    """参保人员本人：参保关系及其变动、累计缴费年限、近期核定、待缴通知单、医保电子凭证、个人账户余额。"""
    return _record(*_me(request.auth))


@router.get("/persons/me/record.pdf", response=PDF, auth=AUTH, summary="本人参保信息（PDF）", openapi_extra=PDF_DOC)
def my_record_pdf(request):
    person, enrollments = _me(request.auth)
    return _pdf(person_record(person, enrollments), person.region, "参保人员参保信息.pdf")


@router.get("/persons/me/certificates", response={200: list[CertificateRow], **ERRORS}, auth=AUTH,
            summary="本人的参保凭证")
def my_certificates(request):
    """已出具的《参保凭证》及其核验码，最新的在前。"""
    person, _ = _me(request.auth)
    return [{"number": c.number, "verify_code": c.verify_code, "issued_on": timezone.localdate(c.issued_at).isoformat(),
             "issuer": agency_name(c.region)} for c in person.certificates.select_related("region")]


@router.get("/persons/{id_number}", response={200: PersonOut, **ERRORS}, auth=AUTH, summary="参保人员参保信息（经办）")
def person_detail(request, id_number: str):
    """本人或参保地（含曾参保地）工作人员查看；其他人得到与查无此人相同的 404。"""
    return _record(*_person(request.auth, id_number))


@router.get("/persons/{id_number}/record.pdf", response=PDF, auth=AUTH, summary="参保人员参保信息（PDF）",
            openapi_extra=PDF_DOC)
def person_record_pdf(request, id_number: str):
    person, enrollments = _person(request.auth, id_number)
    return _pdf(person_record(person, enrollments), person.region, "参保人员参保信息.pdf")


# ---------------------------------------------------------------- employers


@router.get("/employers/{uscc}", response={200: EmployerOut, **ERRORS}, auth=AUTH, summary="参保单位参保信息")
def employer_detail(request, uscc: str):
    """单位本身或本地区工作人员查看：登记信息、沿革、在册职工（证件号码脱敏）、年度缴费基数、待缴通知单。"""
    employer, _ = _employer(request.auth, uscc)
    return unit_record(employer)


@router.get("/employers/{uscc}/record.pdf", response=PDF, auth=AUTH, summary="参保单位参保信息（PDF）",
            openapi_extra=PDF_DOC)
def employer_record_pdf(request, uscc: str):
    employer, _ = _employer(request.auth, uscc)
    return _pdf(unit_record(employer), employer.region, f"参保单位参保信息-{employer.uscc}.pdf")


@router.get("/employers/{uscc}/roster.xlsx", response=PDF, auth=AUTH, summary="职工花名册（Excel）",
            openapi_extra={"responses": {200: {"content": {XLSX: {}}}}})
def employer_roster(request, uscc: str):
    """在册职工，列与增减表相同（业务类型留空），可修改后作为增减表上传。"""
    employer, _ = _employer(request.auth, uscc)
    out = io.BytesIO()
    sheets.export_roster(employer, out)
    return _download(out.getvalue(), XLSX, f"职工花名册-{employer.uscc}.xlsx")


@router.post("/employers/{uscc}/sheets", response={201: SheetOut, **ERRORS}, auth=AUTH, summary="上传职工增减表（Excel）")
def upload_sheet(request, uscc: str, file: UploadedFile = File(...)):
    """multipart/form-data，file 为 .xlsx：列为 证件类型、证件号码、姓名、性别、出生日期、联系电话、业务类型（增加/减少）、
    变动日期。一张表即一件“职工参保登记”办件（一个受理编号，表中各行为其申请信息），与其他办件一样受理、审核、办结，
    办结时全部行一并生效（或全部不生效）。上传时逐行校验，有误时返回 422，details.errors 按行列出错误（至多100处，
    其余行数见 details.unchecked），且不生成办件。单位本身或本地区受理人员可上传。"""
    caller = request.auth
    user = caller.require_user()
    employer, own = _employer(caller, uscc)
    if not own:
        policy.check(user, "accept", region_id=employer.region_id)  # staff enter a unit's sheet as 受理 does
    if file.size is not None and file.size > MAX_SHEET_BYTES:
        raise Invalid("表格文件过大（不超过50MB）", field="file")
    try:
        case = sheets.import_sheet(file, employer_uscc=employer.uscc, actor=user, channel=Channel.API,
                                   file_name=file.name or "")
    except sheets.SheetInvalid as exc:
        raise Invalid(exc.message, field="file", errors=exc.details["errors"], unchecked=exc.unchecked) from None
    except (BadZipFile, InvalidFileException, OSError, ValueError, KeyError) as exc:  # not a workbook
        raise Invalid("无法读取该文件，请上传 Excel（.xlsx）表格", field="file") from exc
    rows = case.data["sheet"]["rows"]
    adds = sum(1 for _, cells in rows if sheets.KIND_WORDS.get(cells.get("业务类型", "")) == sheets.ADD)
    return Status(201, {"receipt_no": case.receipt_no, "state": case.state,
                        "due_date": case.due_date.isoformat() if case.due_date else None, "employer": employer.name,
                        "rows": len(rows), "adds": adds, "reduces": len(rows) - adds})


# ---------------------------------------------------------------- certificates


@router.get("/certificates/{code}", response={200: CertificateOut, **ERRORS}, summary="核验参保凭证（公开）")
def verify_certificate(request, code: str):
    """任何人凭凭证上的核验码核验：返回出具机构、日期和凭证所载参保情况（姓名、证件号码脱敏）。"""
    optional_caller(request)  # a bad token is refused; a good one is logged with its client
    certificate = None
    if CODE_FORMAT.fullmatch(code):
        certificate = Certificate.objects.select_related("region").filter(verify_code=code).first()
    if certificate is None:
        raise NotFound("核验码不存在：该凭证不是本系统出具的，或核验码有误", field="code")
    c = certificate.content
    return {"valid": True, "number": certificate.number, "issuer": agency_name(certificate.region),
            "issued_on": timezone.localdate(certificate.issued_at).isoformat(), "name": mask_name(c.get("name", "")),
            "id_number": mask_id_number(c.get("id_number", "")), "enrollments": c.get("enrollments", []),
            "contributions": c.get("contributions", {}).get("text", ""),
            "verify_url": certificate_verify_url(certificate.verify_code, request.build_absolute_uri("/"))}


@router.get("/certificates/{number}/pdf", response=PDF, auth=AUTH, summary="参保凭证（PDF，持证人或工作人员）",
            openapi_extra=PDF_DOC)
def certificate_document(request, number: str):
    """持证人本人或出具地区工作人员下载凭证 PDF（载有核验码和二维码）。"""
    caller = request.auth
    certificate = Certificate.objects.select_related("region", "person").filter(number=number.strip()).first()
    applicant = caller.applicant
    own = certificate is not None and applicant is not None and applicant.kind == ApplicantKind.PERSON \
        and applicant.id_number == certificate.person.id_number
    if certificate is None or not _may_read(caller, {certificate.region_id}, own=own):
        raise NotFound(CERTIFICATE_NOT_FOUND, field="number")
    pdf = certificate_pdf(certificate, site_url=request.build_absolute_uri("/"))
    return _download(pdf, "application/pdf", f"参保凭证-{certificate.number}.pdf")
