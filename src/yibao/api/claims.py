"""Reimbursement and entitlements over JSON: a claim's calculation table (核算明细) for the applicant
and staff; 初审 with line adjustments, 财务复核; the expert draw and opinion of a recognition; the
disease lists (public) and a person's own entitlements.

Who may read a case's table: whoever may view the case (the applicant, the agent, staff of its
region); anyone else gets the same 404 as a case that does not exist. The staff steps are the
domains' actions; the amount itself is never an input.
"""
from django.utils import timezone
from ninja import Router, Schema
from ninja import Field as NinjaField

from yibao.api.auth import AUTH
from yibao.api.cases import _case
from yibao.api.errors import ERRORS, NotFound
from yibao.catalog.models import Region
from yibao.claims import actions as claims
from yibao.claims import queries as claim_queries
from yibao.core.masking import mask_id_number
from yibao.core.models import Channel
from yibao.enrollment.models import Person, Scheme
from yibao.entitlements import actions as entitlements
from yibao.entitlements import queries as entitlement_queries
from yibao.entitlements.models import SAMPLE_LABEL, ExpertReview

router = Router(tags=["报销与待遇认定"])
NO_CLAIM = "该办件不是报销办件，没有核算明细"


class ExplanationOut(Schema):
    receipt_no: str
    fixed: bool  # true once 复核 fixed the amount (the table is then the one paid)
    payable: str  # yuan, 2 places
    totals: dict  # amount, excluded, self_paid, eligible, deductible, capped, payable
    lines: list[dict]  # every line: amount, excluded and why, self-paid, deductible, ratio, cap left, payable
    buckets: list[dict]  # per benefit and year: deductible used, paid, cap left
    tariffs: list[str]  # the parameter versions applied
    sample: bool  # the parameters are samples (示例参数)
    reviews: list[dict]  # 初审 / 复核 / 财务复核 with their adjustments


class Adjustment(Schema):
    ref: str = NinjaField(..., max_length=80, description="费用明细编号：票据号#行号，如 FP2026001#2")
    admitted: str = NinjaField(..., max_length=20, description="核定该明细可纳入的金额（元），不超过明细金额")
    reason: str = NinjaField(..., max_length=200, description="核减理由（必填）")


class FirstReviewIn(Schema):
    adjustments: list[Adjustment] = NinjaField(default_factory=list, max_length=500)
    comment: str = NinjaField("", max_length=500)


class CommentIn(Schema):
    comment: str = NinjaField("", max_length=500)


class ExpertIn(Schema):
    mode: str = NinjaField(..., description="online 线上审核 / onsite 现场审核 / routine 日常审核 / central 集中审核")


class OpinionIn(Schema):
    opinion: str = NinjaField(..., description="agree 同意认定 / disagree 不同意认定")
    text: str = NinjaField("", max_length=500, description="意见说明；不同意认定时必填")


class ReviewOut(Schema):
    receipt_no: str
    level: str
    payable: str | None


class ExpertOut(Schema):
    receipt_no: str
    expert: str
    mode: str
    opinion: str
    opinion_text: str


def _explanation(case):
    table = claim_queries.explanation_of(case)
    if table is None:
        raise NotFound(NO_CLAIM)
    claim = claim_queries.claim_of(case)
    reviews = [{"level": r.get_level_display(), "at": r.at.isoformat(), "payable": str(r.payable or ""),
                "adjustments": r.adjustments, "comment": r.comment} for r in claim_queries.reviews(claim).order_by("at", "id")]
    return {"receipt_no": case.receipt_no, "reviews": reviews, **{k: table[k] for k in (
        "fixed", "payable", "totals", "lines", "buckets", "tariffs", "sample")}}


@router.get("/cases/{receipt_no}/explanation", response={200: ExplanationOut, **ERRORS}, auth=AUTH,
            summary="报销核算明细")
def explanation(request, receipt_no: str):
    """每行费用：金额、不予支付部分及原因、乙类自付、起付线、支付比例、封顶余额、应付；合计。复核前为按当前政策的试算。"""
    return _explanation(_case(request.auth, receipt_no))


@router.post("/cases/{receipt_no}/first-review", response={200: ExplanationOut, **ERRORS}, auth=AUTH,
             summary="报销初审（逐项核减）", tags=["办件（经办）"])
def first_review(request, receipt_no: str, payload: FirstReviewIn):
    """初审：按明细核减（须注明理由），系统重新核算；金额不可直接填写。复核即“审核通过”，须由另一审核人员办理。"""
    case = _case(request.auth, receipt_no)
    claims.first_review(case, request.auth.require_user(), channel=Channel.API,
                        adjustments=[a.dict() for a in payload.adjustments], comment=payload.comment)
    return _explanation(case)


@router.post("/cases/{receipt_no}/finance-check", response={200: ReviewOut, **ERRORS}, auth=AUTH,
             summary="报销财务复核", tags=["办件（经办）"])
def finance_check(request, receipt_no: str, payload: CommentIn):
    """审核通过后、拨付前，财务人员再次核对票据（不得由参与初审、复核的人员办理）。"""
    case = _case(request.auth, receipt_no)
    review = claims.finance_check(case, request.auth.require_user(), channel=Channel.API, comment=payload.comment)
    return {"receipt_no": case.receipt_no, "level": review.get_level_display(), "payable": str(review.payable)}


def _expert(case, review):
    return {"receipt_no": case.receipt_no, "expert": review.expert.name, "mode": review.get_mode_display(),
            "opinion": review.get_opinion_display(), "opinion_text": review.opinion_text}


@router.post("/cases/{receipt_no}/expert", response={200: ExpertOut, **ERRORS}, auth=AUTH,
             summary="待遇认定：抽取审核专家", tags=["办件（经办）"])
def assign_expert(request, receipt_no: str, payload: ExpertIn):
    case = _case(request.auth, receipt_no)
    review = entitlements.assign_expert(case, request.auth.require_user(), mode=payload.mode, channel=Channel.API)
    return _expert(case, review)


@router.post("/cases/{receipt_no}/expert-opinion", response={200: ExpertOut, **ERRORS}, auth=AUTH,
             summary="待遇认定：录入专家意见", tags=["办件（经办）"])
def expert_opinion(request, receipt_no: str, payload: OpinionIn):
    case = _case(request.auth, receipt_no)
    review = entitlements.record_opinion(case, request.auth.require_user(), opinion=payload.opinion,
                                         text=payload.text, channel=Channel.API)
    return _expert(case, review)


@router.get("/cases/{receipt_no}/expert", response={200: ExpertOut, **ERRORS}, auth=AUTH,
            summary="待遇认定：专家审核情况")
def expert(request, receipt_no: str):
    case = _case(request.auth, receipt_no)
    review = ExpertReview.objects.filter(case=case).select_related("expert").first()
    if review is None:
        raise NotFound("该办件尚未抽取审核专家")
    return _expert(case, review)


class DiseaseOut(Schema):
    code: str
    name: str
    kind: str
    documents: list[str]
    validity_months: int
    min_level: str
    public_only: bool
    sample: bool
    sample_label: str


@router.get("/entitlements/diseases", response={200: list[DiseaseOut], **ERRORS}, summary="认定病种目录")
def diseases(request, region: str, scheme: str = Scheme.RESIDENT, kind: str = ""):
    """某统筹地区、险种当前可申请认定的病种，及各病种所需病历资料和认定有效期（示例参数如实标注）。"""
    found = Region.objects.filter(code=region, is_template=False).first()
    if found is None:
        raise NotFound(f"未找到统筹地区 {region}", field="region")
    if scheme not in Scheme.values:
        raise NotFound(f"险种应为 {'、'.join(Scheme.values)}", field="scheme")
    return [{"code": d.code, "name": d.name, "kind": d.get_kind_display(), "documents": d.documents,
             "validity_months": d.validity_months, "min_level": d.min_level, "public_only": d.public_only,
             "sample": d.sample, "sample_label": SAMPLE_LABEL if d.sample else ""}
            for d in entitlement_queries.diseases(found, scheme, timezone.localdate(), kind=kind or None)]


class EntitlementOut(Schema):
    person: str  # masked ID number
    disease_code: str
    disease: str
    kind: str
    valid_from: str
    valid_to: str
    status: str
    provider_name: str
    receipt_no: str


@router.get("/entitlements/mine", response={200: list[EntitlementOut], **ERRORS}, auth=AUTH,
            summary="我的待遇认定")
def my_entitlements(request):
    """登录参保人员本人的待遇认定结果（R03：认定结果可查询）。"""
    applicant = request.auth.applicant
    person = Person.objects.filter(id_number=applicant.id_number).first() if applicant else None
    if person is None:
        return []
    return [{"person": mask_id_number(person.id_number), "disease_code": e.disease_code, "disease": e.disease.name,
             "kind": e.get_kind_display(), "valid_from": e.valid_from.isoformat(), "valid_to": e.valid_to.isoformat(),
             "status": e.get_status_display(), "provider_name": e.provider_name, "receipt_no": e.case.receipt_no}
            for e in entitlement_queries.active_entitlements(person).select_related("case").order_by("valid_from")]
