"""Designated providers over JSON: the public list per region and the designation query (public),
the provider's own register record, the agreement's review steps (staff), and settlement: the claim
file upload (the provider), the preliminary result, the line-by-line answer, the re-review (staff),
the head's approval and the statement as PDF and xlsx.

Who may read a settlement: the provider itself and staff of its region (through a client in
scope); anyone else gets the 404 of a settlement that does not exist."""
import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from yibao.api.auth import AUTH
from yibao.api.errors import ERRORS, Invalid, NotFound
from yibao.cases.actions import submit_case
from yibao.cases.snapshot import item_in_force
from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.people import policy
from yibao.people.models import ApplicantKind
from yibao.providers import actions, queries
from yibao.providers.audit import RULES
from yibao.providers.documents import statement_pdf, statement_xlsx
from yibao.providers.models import Agreement, ClaimSubmission, ProviderKind

router = Router(tags=["定点医药机构"])
API = Channel.API
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CLAIM_BYTES = 2 * 1024 * 1024 * 1024
PROVIDER_NOT_FOUND = "未找到该定点医药机构，或您无权查看"
SETTLEMENT_NOT_FOUND = "未找到该结算申报，或您无权查看"


class ListedOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    level: str
    level_label: str
    ownership: str
    ownership_label: str
    address: str
    scopes: list[str]
    starts_on: str | None
    ends_on: str | None


class PublicList(Schema):
    region: str
    count: int
    results: list[ListedOut]


class DesignationOut(Schema):
    code: str
    name: str
    on: str
    designated: bool
    state: str
    state_label: str
    kind: str
    kind_label: str
    level: str
    level_label: str
    ownership: str
    ownership_label: str
    scopes: list[str]
    region: str


class EventOut(Schema):
    on: str
    action: str
    from_state: str
    to_state: str
    comment: str
    case: str | None


class AgreementOut(Schema):
    id: int
    state: str
    state_label: str
    starts_on: str | None
    ends_on: str | None
    publicity_from: str | None
    publicity_until: str | None
    signed_on: str | None
    scopes: list[str]
    suspensions: int
    evaluation: dict
    events: list[EventOut]


class ProviderOut(Schema):
    code: str
    name: str
    kind: str
    level: str
    ownership: str
    licence_kind: str
    licence_no: str
    legal_representative: str
    address: str
    bank_name: str
    bank_account: str  # masked
    region: str
    agreement: AgreementOut | None


class EvaluationIn(Schema):
    panel: list[str]
    onsite_on: datetime.date
    score: int
    passed: bool
    opinion: str
    publicised_on: datetime.date | None = None


class ObjectionIn(Schema):
    text: str
    upheld: bool = False
    finding: str = ""


class SignIn(Schema):
    starts_on: datetime.date
    signed_on: datetime.date | None = None
    notes: str = ""


class ReasonIn(Schema):
    reason: str


class ReleaseIn(Schema):
    year: int
    score: Decimal


class ReleaseOut(Schema):
    id: int
    provider: str
    year: int
    score: str
    held: str
    released: str
    withheld: str
    state: str
    state_label: str
    case: str | None
    parameters_label: str


class FlaggedOut(Schema):
    line_no: int
    patient: str  # masked
    visit_no: str
    visit_on: str
    item_code: str
    item_name: str
    catalogue_class: str
    amount: str
    fund_share: str
    rules: list[str]
    rule_labels: list[str]
    verdict: str
    answer: str
    review_note: str
    note: str  # what the audit found: the filing looked for, the earlier month that holds the line


class SettlementOut(Schema):
    id: int
    provider: str
    provider_name: str
    period: str
    state: str
    state_label: str
    case: str | None
    case_state: str | None
    lines: int
    total_amount: str
    claimed: str
    rejected_preliminary: str
    rejected_final: str | None
    approved: str | None
    deposit: str | None
    payable: str | None
    parameters_label: str
    by_rule: dict
    flagged: list[FlaggedOut]


class AnswerIn(Schema):
    line_no: int
    kind: str  # accept / dispute
    reason: str = ""


class AnswersIn(Schema):
    answers: list[AnswerIn]


class DecisionIn(Schema):
    line_no: int
    kind: str  # uphold / restore
    note: str


class ReviewIn(Schema):
    decisions: list[DecisionIn] = []


# ---------------------------------------------------------------- public


@router.get("/providers", response={200: PublicList, **ERRORS}, summary="定点医药机构名单")
def public_list(request, region: str = Query(..., max_length=40), kind: str = Query("", max_length=20)):
    """某统筹地区协议履行中的定点医药机构（医院等级、公立/民营、异地就医直接结算开通范围）。"""
    found = Region.objects.filter(code=region, is_template=False).first()
    if found is None:
        raise NotFound("未找到该统筹地区", field="region")
    if kind and kind not in ProviderKind.values:
        raise Invalid("机构类别应为：" + "、".join(ProviderKind.values), field="kind")
    rows = queries.public_list(found, kind=kind or None)
    return {"region": found.code, "count": len(rows), "results": rows}


@router.get("/providers/{code}/designation", response={200: DesignationOut, **ERRORS}, summary="定点资格查询")
def designation(request, code: str, on: datetime.date | None = None):
    """某日某机构是否为定点医药机构，及其等级、性质、类别和直接结算范围（公开信息）。"""
    fact = queries.designation(code, on)
    if fact is None:
        raise NotFound(PROVIDER_NOT_FOUND, field="code")
    return {**fact.as_dict(), "on": (on or datetime.date.today()).isoformat()}


# ---------------------------------------------------------------- the provider's own record


def _agreement_out(agreement):
    if agreement is None:
        return None
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {
        "id": agreement.pk, "state": agreement.state, "state_label": agreement.get_state_display(),
        "starts_on": iso(agreement.starts_on), "ends_on": iso(agreement.ends_on),
        "publicity_from": iso(agreement.publicity_from), "publicity_until": iso(agreement.publicity_until),
        "signed_on": iso(agreement.signed_on), "scopes": agreement.scopes, "suspensions": agreement.suspensions,
        "evaluation": agreement.evaluation,
        "events": [{"on": e.on.isoformat(), "action": e.get_action_display(), "from_state": e.from_state,
                    "to_state": e.to_state, "comment": e.comment, "case": e.case.receipt_no if e.case_id else None}
                   for e in agreement.events.select_related("case").order_by("at", "id")],
    }


def _provider_out(provider):
    agreement = provider.agreements.order_by("-created_at", "-id").first()
    return {"code": provider.code, "name": provider.name, "kind": provider.kind, "level": provider.level,
            "ownership": provider.ownership, "licence_kind": provider.licence_kind, "licence_no": provider.licence_no,
            "legal_representative": provider.legal_representative, "address": provider.address,
            "bank_name": provider.bank_name, "bank_account": provider.masked_account, "region": provider.region.code,
            "agreement": _agreement_out(agreement)}


def _own_provider(caller):
    applicant = caller.applicant
    if applicant is None or applicant.kind != ApplicantKind.PROVIDER:
        raise NotFound("当前账户不是定点医药机构账户")
    provider = queries.provider_of_account(applicant)
    if provider is None:
        raise NotFound("本机构尚未登记，请先申请定点")
    return provider


@router.get("/providers/me", response={200: ProviderOut, **ERRORS}, auth=AUTH, summary="本机构登记信息与协议")
def my_provider(request):
    """定点医药机构账户：本机构的登记信息（银行账号已脱敏）、协议及其全部记录。"""
    return _provider_out(_own_provider(request.auth))


def _staff_provider(caller, code):
    """The provider and its latest agreement, for staff of its region (404 for anyone else)."""
    caller.require_user()
    agreement = (Agreement.objects.select_related("provider", "region").filter(provider__code=code.upper())
                 .order_by("-created_at", "-id").first())
    if agreement is None or not caller.in_scope(agreement.region_id):
        raise NotFound(PROVIDER_NOT_FOUND, field="code")
    try:
        policy.check(caller.user, "view", region_id=agreement.region_id)
    except policy.NotAllowed:
        raise NotFound(PROVIDER_NOT_FOUND, field="code") from None
    return agreement


@router.get("/providers/{code}", response={200: ProviderOut, **ERRORS}, auth=AUTH, summary="定点医药机构登记信息（工作人员）")
def provider_detail(request, code: str):
    return _provider_out(_staff_provider(request.auth, code).provider)


@router.post("/providers/{code}/agreement/evaluation", response={200: AgreementOut, **ERRORS}, auth=AUTH,
             summary="录入评估结果（审核）")
def evaluation(request, code: str, payload: EvaluationIn):
    """专家评估（含现场评估）结果；通过的自公示开始日起公示，不通过的不予定点。"""
    agreement = _staff_provider(request.auth, code)
    agreement = actions.record_evaluation(agreement, request.auth.user, channel=API, panel=payload.panel,
                                          onsite_on=payload.onsite_on, score=payload.score, passed=payload.passed,
                                          opinion=payload.opinion, publicised_on=payload.publicised_on)
    return _agreement_out(agreement)


@router.post("/providers/{code}/agreement/objections", response={200: AgreementOut, **ERRORS}, auth=AUTH,
             summary="登记公示异议")
def objection(request, code: str, payload: ObjectionIn):
    agreement = actions.record_objection(_staff_provider(request.auth, code), request.auth.user, channel=API,
                                         text=payload.text, upheld=payload.upheld, finding=payload.finding)
    return _agreement_out(agreement)


@router.post("/providers/{code}/agreement/negotiation", response={200: AgreementOut, **ERRORS}, auth=AUTH,
             summary="公示期满，进入协商谈判")
def negotiation(request, code: str):
    return _agreement_out(actions.end_publicity(_staff_provider(request.auth, code), request.auth.user, channel=API))


@router.post("/providers/{code}/agreement/signature", response={200: AgreementOut, **ERRORS}, auth=AUTH,
             summary="签订医保服务协议")
def signature(request, code: str, payload: SignIn):
    agreement = actions.sign_agreement(_staff_provider(request.auth, code), request.auth.user, channel=API,
                                       starts_on=payload.starts_on, signed_on=payload.signed_on, notes=payload.notes)
    return _agreement_out(agreement)


@router.post("/providers/{code}/agreement/suspension", response={200: AgreementOut, **ERRORS}, auth=AUTH,
             summary="经办机构暂停（中止）协议")
def suspension(request, code: str, payload: ReasonIn):
    agreement = _staff_provider(request.auth, code)
    return _agreement_out(actions.suspend(agreement.provider, request.auth.user, API, reason=payload.reason))


@router.post("/providers/{code}/agreement/termination", response={200: AgreementOut, **ERRORS}, auth=AUTH,
             summary="经办机构解除协议")
def termination(request, code: str, payload: ReasonIn):
    agreement = _staff_provider(request.auth, code)
    return _agreement_out(actions.terminate(agreement.provider, request.auth.user, API, reason=payload.reason))


@router.post("/providers/{code}/deposit-releases", response={201: ReleaseOut, **ERRORS}, auth=AUTH,
             summary="质量保证金返还（年度考核后）")
def deposit_release(request, code: str, payload: ReleaseIn):
    """按年度考核得分返还该年度已结算月份预留的质量保证金：达到参数规定分数全额返还，否则按得分比例返还；
    返还金额经结算办件审核、拨付后到账。"""
    agreement = _staff_provider(request.auth, code)
    r = actions.release_deposit(agreement.provider, payload.year, payload.score, request.auth.user, channel=API)
    return 201, {"id": r.pk, "provider": r.provider.code, "year": r.year, "score": str(r.score), "held": str(r.held),
                 "released": str(r.released), "withheld": str(r.withheld), "state": r.state,
                 "state_label": r.get_state_display(), "case": r.case.receipt_no if r.case_id else None,
                 "parameters_label": r.parameters_label}


# ---------------------------------------------------------------- settlement


def _settlement_out(s):
    money = lambda v: None if v is None else str(v)  # noqa: E731
    return {
        "id": s.pk, "provider": s.provider.code, "provider_name": s.provider.name, "period": s.period,
        "state": s.state, "state_label": s.get_state_display(), "case": s.case.receipt_no if s.case_id else None,
        "case_state": s.case.state if s.case_id else None, "lines": s.lines, "total_amount": str(s.total_amount),
        "claimed": str(s.claimed), "rejected_preliminary": str(s.rejected_preliminary),
        "rejected_final": money(s.rejected_final), "approved": money(s.approved), "deposit": money(s.deposit),
        "payable": money(s.payable), "parameters_label": s.parameters_label, "by_rule": s.by_rule,
        "flagged": [{"line_no": f.line_no, "patient": f.masked_patient, "visit_no": f.visit_no,
                     "visit_on": f.visit_on.isoformat(), "item_code": f.item_code, "item_name": f.item_name,
                     "catalogue_class": f.catalogue_class, "amount": str(f.amount), "fund_share": str(f.fund_share),
                     "rules": f.rules, "rule_labels": [RULES.get(r, r) for r in f.rules], "verdict": f.verdict,
                     "answer": f.answer, "review_note": f.review_note, "note": f.note}
                    for f in s.flagged.order_by("line_no")[:2000]],
    }


def _settlement(caller, pk):
    caller.require_user()
    s = ClaimSubmission.objects.select_related("provider", "case", "region").filter(pk=pk).first()
    if s is None or not caller.in_scope(s.region_id):
        raise NotFound(SETTLEMENT_NOT_FOUND)
    applicant = caller.applicant
    if applicant is not None and applicant.id_number == s.provider.code:
        return s
    try:
        policy.check(caller.user, "view", region_id=s.region_id)
    except policy.NotAllowed:
        raise NotFound(SETTLEMENT_NOT_FOUND) from None
    return s


@router.post("/settlements", response={201: SettlementOut, **ERRORS}, auth=AUTH, summary="申报结算（上传结算清单）")
def submit_settlement(request, period: str = Form(..., max_length=7), file: UploadedFile = File(...)):
    """定点医药机构上传某结算期的结算清单（CSV或xlsx），系统逐条初审并立案；同一期只能申报一次。"""
    caller = request.auth
    user = caller.require_user()
    provider = _own_provider(caller)
    if not caller.in_scope(provider.region_id):
        raise NotFound(PROVIDER_NOT_FOUND)
    if file.size is not None and file.size > MAX_CLAIM_BYTES:
        raise Invalid("申报文件过大", field="file")

    def open_case(code, data):
        item = item_in_force(provider.region, code)
        return submit_case(item=item, applicant=caller.applicant, actor=user, channel=API, data=data,
                           materials={str(m.ordinal): "document" for m in item.materials.all() if not m.when})

    submission = actions.submit_claims(provider, period, file.file, file.name or "", user, channel=API,
                                       open_case=open_case)
    return 201, _settlement_out(submission)


@router.get("/settlements/{pk}", response={200: SettlementOut, **ERRORS}, auth=AUTH, summary="结算申报与初审结果")
def settlement_detail(request, pk: int):
    return _settlement_out(_settlement(request.auth, pk))


@router.post("/settlements/{pk}/answers", response={200: SettlementOut, **ERRORS}, auth=AUTH, summary="逐条反馈初审意见")
def answer(request, pk: int, payload: AnswersIn):
    """定点医药机构对初审拒付明细逐条反馈：accept 认可 / dispute 有异议（须说明理由）。"""
    s = _settlement(request.auth, pk)
    if not payload.answers:
        raise Invalid("请逐条填写反馈意见", field="answers")
    s = actions.answer_lines(s, {a.line_no: (a.kind, a.reason) for a in payload.answers}, request.auth.user,
                             channel=API)
    return _settlement_out(s)


@router.post("/settlements/{pk}/review", response={200: SettlementOut, **ERRORS}, auth=AUTH, summary="复审")
def review(request, pk: int, payload: ReviewIn):
    """审核人员对有异议的明细逐条复审：uphold 维持拒付 / restore 予以支付；形成审核结果与应拨付金额。"""
    s = _settlement(request.auth, pk)
    s = actions.re_review(s, {d.line_no: (d.kind, d.note) for d in payload.decisions}, request.auth.user, channel=API)
    return _settlement_out(s)


@router.post("/settlements/{pk}/approval", response={200: SettlementOut, **ERRORS}, auth=AUTH, summary="负责人核准")
def approval(request, pk: int):
    s = _settlement(request.auth, pk)
    return _settlement_out(actions.approve_settlement(s, request.auth.user, channel=API))


def _download(content, content_type, name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@router.get("/settlements/{pk}/statement.pdf", auth=AUTH, response={200: None, **ERRORS}, summary="结算单（PDF）")
def statement_as_pdf(request, pk: int):
    s = _settlement(request.auth, pk)
    return _download(statement_pdf(s), "application/pdf", f"结算单-{s.provider.code}-{s.period}.pdf")


@router.get("/settlements/{pk}/statement.xlsx", auth=AUTH, response={200: None, **ERRORS}, summary="结算单（xlsx）")
def statement_as_xlsx(request, pk: int):
    s = _settlement(request.auth, pk)
    return _download(statement_xlsx(s), XLSX, f"结算单-{s.provider.code}-{s.period}.xlsx")
