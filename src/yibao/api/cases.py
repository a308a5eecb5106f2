"""Cases over JSON: submit (idempotent), upload materials, follow, hand in, withdraw and rate for
applicants; accept, correct, refuse, review, approve, deny, pay and complete for staff (one route per
row of the verb table, people.verbs).

Each endpoint parses, authorises what it reads, and calls ONE action of the engine
(yibao.cases.actions) or of this app (api.actions); the engine's rules and its named exceptions
decide, and api.errors turns them into structured answers. A case the caller may not see is
404, exactly as a case that does not exist.
"""
import hashlib
import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from ninja import File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, Field, model_validator

from yibao.api import actions as api_actions
from yibao.api import ratelimit
from yibao.api.auth import AUTH, optional_caller
from yibao.api.errors import ERRORS, Forbidden, Invalid, NotFound
from yibao.cases import actions, queries
from yibao.cases.exceptions import CaseNotFound
from yibao.cases.handlers import status as handler_status
from yibao.cases.models import Case, Level
from yibao.cases.receipts import normalise as normalise_receipt
from yibao.cases.snapshot import item as cached_item
from yibao.cases.snapshot import item_in_force
from yibao.cases.states import CaseState
from yibao.catalog.queries import item_code_for
from yibao.catalog.models import Region
from yibao.core.masking import mask_name
from yibao.core.models import Channel
from yibao.people.identity import normalise as normalise_id
from yibao.people.models import Applicant
from yibao.people.verbs import VERBS
from yibao.people.throttle import client_ip

router = Router(tags=["办件"])

MAX_ID = 2**62
LEVELS = {**{label: value for value, label in Level.choices}, **{value: value for value in Level.values}}
NOT_FOUND = "未找到该办件，或您无权查看"


# ---------------------------------------------------------------- input


MAX_DEPTH = 12  # case data is a few levels of dicts and lists; deeper is refused before anything reads it
MAX_NODES = 100_000


def _clean(value, path="请求", depth=0, budget=None):
    """Refuse what the databases cannot store or the hash cannot serialise: NUL characters
    (PostgreSQL text and jsonb), non-finite numbers (JSON has none), nesting deeper than
    MAX_DEPTH and more than MAX_NODES values."""
    budget = budget if budget is not None else [MAX_NODES]
    budget[0] -= 1
    if budget[0] < 0:
        raise ValueError(f"请求内容过多（不超过{MAX_NODES}项）")
    if depth > MAX_DEPTH:
        raise ValueError(f"{path}嵌套层级过深（不超过{MAX_DEPTH}层）")
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(f"{path}不能包含空字符（\\u0000）")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path}不能是 NaN 或无穷大")
    elif isinstance(value, dict):
        for key, item in value.items():
            _clean(key, path, depth + 1, budget)
            _clean(item, f"{path}.{key}" if depth < 3 else path, depth + 1, budget)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _clean(item, path, depth + 1, budget)
    return value


class In(BaseModel):
    """A request body: plain pydantic (ninja's Schema would wrap every body in a DjangoGetter for
    reading model instances, which a body never is; the OpenAPI document is the same)."""

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, value):
        # Before validation: pydantic and the idempotency hash never see a body too deep to serialise.
        raw = getattr(value, "_obj", value)  # a DjangoGetter around the dict, if a Schema subclass is mixed in
        if isinstance(raw, dict):
            _clean(raw)
        return value


MaterialKeys = list[int | str] | dict[str, str]
Version = Field(..., ge=1, le=2**31, description="调用方读到的办件版本号（version）；办件已被他人更新时返回 409 conflict")
OptionalVersion = Field(None, ge=1, le=2**31, description="可选：调用方读到的办件版本号")


class SubmitIn(In):
    item_id: int | None = Field(None, ge=1, le=MAX_ID, description="事项编号（/api/catalog 中的 id）")
    region: str | None = Field(None, max_length=40, description="地区代码；与 item_code 一起代替 item_id")
    item_code: str | None = Field(None, max_length=60, description="事项代码，如 account-withdrawal；或12位事项编码")
    applicant_id_number: str | None = Field(
        None, max_length=32, description="申请人证件号码：工作人员、合作系统或代理人代为申请时填写；本人申请可省略")
    agent_id_number: str | None = Field(None, max_length=32, description="代理人证件号码（帮办代办）")
    office: str = Field("", max_length=200, description="受理的经办机构")
    conditions: dict[str, Any] = Field(default_factory=dict, description="申请情形：applicant_kind、sub_type、special_groups、commitments")
    data: dict[str, Any] = Field(default_factory=dict, description="申请信息（按事项要求）")
    materials: MaterialKeys = Field(
        default_factory=list, description="已提交的材料：序号列表，或 {序号: document|commitment}（个人承诺书）")
    comment: str = Field("", max_length=1000)


class CommentIn(In):
    version: int = Version
    comment: str = Field("", max_length=1000)

    def engine_args(self):
        """What the engine function behind the verb takes from this body (people.verbs)."""
        return {"comment": self.comment}


class AcceptIn(CommentIn):
    complete: bool = Field(False, description="即时办结：受理、审核、办结一次完成")

    def engine_args(self):
        return {**super().engine_args(), "complete": self.complete}


class DefectIn(In):
    key: str = Field(..., max_length=10, description="材料序号")
    problem: str = Field(..., max_length=500, description="存在的问题")
    how: str = Field("", max_length=500, description="补正方式（可省略）")


class CorrectionIn(CommentIn):
    defects: list[DefectIn] = Field(default_factory=list, description="有问题的材料；未提交的材料自动列入")
    supply_by: date | None = Field(None, description="补正期限（默认5个工作日）")

    def engine_args(self):
        return {**super().engine_args(), "defects": [d.model_dump() for d in self.defects], "supply_by": self.supply_by}


class ReasonIn(CommentIn):
    reason: str = Field(..., max_length=1000, description="理由（必填）")

    def engine_args(self):
        return {**super().engine_args(), "reason": self.reason}


class ApproveIn(CommentIn):
    amount: str | None = Field(None, max_length=20, description="核定金额（元，字符串，如 \"1234.50\"），拨付事项必填")

    def engine_args(self):
        return {**super().engine_args(), "amount": self.amount}


class PayeeIn(In):
    payee_name: str = Field("", max_length=200, description="收款人")
    account_kind: str = Field("bank", max_length=10, description="bank / ssc / employer")
    account_no: str = Field("", max_length=40, description="收款账号")
    bank_name: str = Field("", max_length=100, description="开户银行")


class PayIn(CommentIn):
    reference: str = Field("", max_length=100, description="拨付凭证号")
    payee: PayeeIn | None = Field(None, description="收款账户；事项的业务模块按申请信息确定收款账户时不填")

    def engine_args(self):
        return {**super().engine_args(), "reference": self.reference,
                "payee": self.payee.model_dump() if self.payee else None}


class SupplyIn(In):
    version: int | None = OptionalVersion
    materials: MaterialKeys = Field(default_factory=list, description="补正或补交的材料")
    data: dict[str, Any] | None = Field(None, description="补正时更正的申请信息")
    conditions: dict[str, Any] | None = Field(None, description="补正时更正的申请情形")
    comment: str = Field("", max_length=1000)


class WithdrawIn(In):
    version: int | None = OptionalVersion
    reason: str = Field("", max_length=1000)


class RateIn(In):
    level: str = Field(..., max_length=30, description="非常满意、满意、基本满意、不满意、非常不满意（或其代码）")
    text: str = Field("", max_length=1000)


class TrackIn(In):
    receipt_no: str = Field(..., max_length=48)
    id_number: str = Field(..., max_length=32, description="申请人或代理人的证件号码")


# ---------------------------------------------------------------- output


class CaseOut(BaseModel):  # built from _summary's dict: plain pydantic (see ProgressOut below)
    receipt_no: str
    item_code: str
    item: str
    region: str
    state: str
    state_label: str
    version: int
    channel: str
    office: str
    applicant: str  # masked
    agent: str | None  # masked
    submitted_at: datetime
    accepted_on: date | None
    due_date: date | None
    amount: Decimal | None
    closed_at: datetime | None
    next_steps: list[str]  # what the case's state and flow allow now (who may: people policy)


class CaseList(BaseModel):
    count: int
    results: list[CaseOut]


# The progress query's answer is a dict of plain values (cases.queries.case_progress): plain
# pydantic models validate it; ninja's Schema would first wrap every object of it for attribute
# access (DjangoGetter), several times the cost (~80 against ~12 µs).
class StageOut(BaseModel):
    stage: str
    date: str | None
    result: str


class HistoryOut(BaseModel):
    at: str
    action: str
    office: str
    comment: str


class ProgressOut(BaseModel):
    receipt_no: str
    item: str
    applicant: str
    applicant_id: str
    state: str
    state_label: str
    holder: str
    stages: list[StageOut]
    history: list[HistoryOut]
    submitted_on: str
    accepted_on: str | None
    time_limit_days: int | None
    due_date: str | None
    due_provisional: bool
    due_status: str | None
    due_status_label: str
    owed_materials: list[dict]
    materials_missing: list[str]


class NoticeOut(Schema):
    kind: str
    title: str
    issued_at: datetime
    verify_code: str | None
    content: dict


class AttachmentOut(Schema):
    material: int
    material_name: str
    original_name: str
    content_type: str
    size: int
    round: int
    uploaded_at: datetime


class CaseDetail(Schema, ProgressOut):  # its attachments are model instances: Schema reads them
    version: int
    item_code: str
    region: str
    next_steps: list[str]
    notices: list[NoticeOut]
    attachments: list[AttachmentOut]
    evaluation: str | None  # the level given, once rated


class EvaluationOut(Schema):
    receipt_no: str
    level: str
    level_label: str
    follow_up: bool  # 差评: verified, rectified and called back within the limit


class ItemStatus(Schema):
    code: str
    handler: str
    effect: bool
    pays: bool | None  # the handler's declaration; null: it pays as the item's flow says
    flow_ok: bool  # every item of the code in force agrees with its handler
    flow_problems: list[str]


def _summary(case):
    return {
        "receipt_no": case.receipt_no,
        "item_code": case.item_code,
        "item": case.title,
        "region": case.snapshot.get("region", ""),
        "state": case.state,
        "state_label": case.get_state_display(),
        "version": case.version,
        "channel": case.channel,
        "office": case.office,
        "applicant": mask_name(case.applicant.name),
        "agent": mask_name(case.agent.name) if case.agent_id else None,
        "submitted_at": case.submitted_at,
        "accepted_on": case.accepted_on,
        "due_date": case.due_date,
        "amount": case.amount,
        "closed_at": case.closed_at,
        "next_steps": [str(a) for a in queries.next_steps(case)],
    }


def _notice(notice):
    content = dict(notice.content)
    if content.get("applicant"):
        content["applicant"] = mask_name(content["applicant"])
    if content.get("agent"):
        content["agent"] = mask_name(content["agent"])
    return {"kind": notice.kind, "title": notice.get_kind_display(), "issued_at": notice.issued_at,
            "verify_code": notice.verify_code, "content": content}


# ---------------------------------------------------------------- lookups


def _case(caller, receipt_no):
    """The case, if the caller may see it; otherwise the same 404 as a case that does not exist."""
    number = normalise_receipt(receipt_no)
    case = None
    if number and "\x00" not in number:
        case = Case.objects.select_related("applicant", "agent").filter(receipt_no=number).first()
    if case is None or not caller.may_view(case):
        raise CaseNotFound(NOT_FOUND)
    return case


def _item(payload, caller):
    if payload.item_id is not None:
        item = cached_item(payload.item_id)
        if item is None:
            raise NotFound(f"未找到编号为 {payload.item_id} 的服务事项", field="item_id")
    elif payload.region and payload.item_code:
        region = Region.objects.filter(code=payload.region).first()
        if region is None:
            raise NotFound(f"未找到统筹地区“{payload.region}”", field="region")
        item = item_in_force(region, item_code_for(payload.item_code, region))  # a 12-digit 事项编码 too
    else:
        raise Invalid("请注明事项：item_id，或 region 与 item_code", field="item_id")
    if not caller.in_scope(item.guide.region_id):
        raise Forbidden("该客户端只能办理其地区范围内的事项")
    return item


def _registered(number, field):
    applicant = Applicant.objects.select_related("user").filter(id_number=normalise_id(number)).first()
    if applicant is None:
        raise Invalid("该证件号码尚未注册账户，请先注册", field=field)
    return applicant


def _parties(payload, caller):
    """(applicant, agent). A person naming someone else as applicant acts as their agent; the
    engine decides whether the caller may act for them."""
    me = caller.applicant
    applicant = _registered(payload.applicant_id_number, "applicant_id_number") if payload.applicant_id_number else me
    if applicant is None:
        raise Invalid("请注明申请人证件号码", field="applicant_id_number")
    agent = _registered(payload.agent_id_number, "agent_id_number") if payload.agent_id_number else None
    if me is not None and agent is None and applicant.pk != me.pk:
        agent = me
    return applicant, agent


def _request_hash(payload):
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# ---------------------------------------------------------------- applicant side

IDEMPOTENCY_KEY = Header(..., alias="Idempotency-Key", min_length=1, max_length=100, pattern=r"^[\x21-\x7e]+$",
                         description="每份申请一个唯一值（如 UUID）；重试时原样重发，不会产生第二个办件")


@router.post("/cases", response={201: CaseOut, 200: CaseOut, **ERRORS}, auth=AUTH, summary="提交申请")
def submit(request, payload: SubmitIn, idempotency_key: str = IDEMPOTENCY_KEY):
    """提交办件申请。必须带 Idempotency-Key：同一调用方以同一键重试，返回同一办件（200）而不会重复立案；
    同一键用于不同的申请内容返回 409。"""
    caller = request.auth
    user = caller.require_user()
    item = _item(payload, caller)
    applicant, agent = _parties(payload, caller)
    case, created = api_actions.submit_once(
        caller=caller.idempotency_scope, key=idempotency_key, request_hash=_request_hash(payload),
        client=caller.client, user=user,
        item=item, applicant=applicant, actor=user, channel=Channel.API, office=payload.office, agent=agent,
        conditions=payload.conditions, data=payload.data, materials=payload.materials, comment=payload.comment,
    )
    return Status(201 if created else 200, _summary(case))


@router.get("/cases", response={200: CaseList, **ERRORS}, auth=AUTH, summary="我的办件")
def my_cases(request, state: str = Query("", max_length=30), limit: int = Query(20, ge=1, le=100),
             offset: int = Query(0, ge=0, le=10**6)):
    """申请人：本人申请或代理的办件；工作人员、合作系统：经其提交的办件。最新的在前。"""
    caller = request.auth
    user = caller.require_user()
    if state and state not in CaseState.values:
        raise Invalid("状态应为：" + "、".join(CaseState.values), field="state")
    applicant = caller.applicant
    cases = queries.cases_of(applicant) if applicant else Case.objects.filter(submitted_by=user).order_by(
        "-submitted_at", "-id")
    if caller.region_id is not None:
        cases = cases.filter(region_id=caller.region_id)
    if state:
        cases = cases.filter(state=state)
    page = list(cases.select_related("applicant", "agent")[offset:offset + limit])
    return {"count": cases.count(), "results": [_summary(c) for c in page]}


@router.get("/cases/{receipt_no}", response={200: CaseDetail, **ERRORS}, auth=AUTH, summary="办件进度与文书")
def case_detail(request, receipt_no: str):
    """申请人、代理人或本地区工作人员查看：各环节日期、当前承办、办结期限、告知文书、已上传材料（个人信息已脱敏）。"""
    case = _case(request.auth, receipt_no)
    evaluation = case.evaluation.level if hasattr(case, "evaluation") else None
    return {
        **queries.case_progress(case),
        "version": case.version,
        "item_code": case.item_code,
        "region": case.snapshot.get("region", ""),
        "next_steps": [str(a) for a in queries.next_steps(case)],
        "notices": [_notice(n) for n in case.notices.order_by("issued_at", "id")],
        "attachments": list(case.attachments.order_by("material", "uploaded_at", "id")),
        "evaluation": evaluation,
    }


@router.post("/cases/{receipt_no}/attachments", response={201: AttachmentOut, **ERRORS}, auth=AUTH,
             summary="上传申请材料")
def attach(request, receipt_no: str, material: int = Form(..., ge=1, le=10**6), file: UploadedFile = File(...)):
    """multipart/form-data：material 为材料序号，file 为 PDF、JPEG 或 PNG 文件（按内容识别）。
    同一材料再次上传的文件取代之前的，旧文件留档。"""
    caller = request.auth
    attachment = actions.attach_material(_case(caller, receipt_no), caller.require_user(), channel=Channel.API,
                                         material=material, upload=file)
    return Status(201, attachment)


@router.post("/cases/{receipt_no}/supply", response={200: CaseOut, **ERRORS}, auth=AUTH, summary="补正或补交材料")
def supply(request, receipt_no: str, payload: SupplyIn):
    """办件待补正时按一次性告知书补正（可同时更正申请信息和情形）；已受理后补交容缺材料。"""
    caller = request.auth
    case = _case(caller, receipt_no)
    user = caller.require_user()
    # One button for the applicant: 补正 answers an open correction notice, otherwise it is 补交.
    # Either action checks the state again under its lock.
    if case.state == CaseState.CORRECTION_REQUESTED:
        case = actions.resubmit_case(case, user, channel=Channel.API, materials=payload.materials, data=payload.data,
                                     conditions=payload.conditions, comment=payload.comment,
                                     expected_version=payload.version)
    else:
        case = actions.supply_materials(case, user, channel=Channel.API, materials=payload.materials,
                                        comment=payload.comment, expected_version=payload.version)
    return _summary(case)


@router.post("/cases/{receipt_no}/withdraw", response={200: CaseOut, **ERRORS}, auth=AUTH, summary="撤回申请")
def withdraw(request, receipt_no: str, payload: WithdrawIn):
    caller = request.auth
    case = actions.withdraw_case(_case(caller, receipt_no), caller.require_user(), channel=Channel.API,
                                 reason=payload.reason, expected_version=payload.version)
    return _summary(case)


@router.post("/cases/{receipt_no}/rate", response={201: EvaluationOut, **ERRORS}, auth=AUTH, summary="好差评")
def rate(request, receipt_no: str, payload: RateIn):
    """办结、不予受理或审核不通过后，申请人或代理人评价一次，提交后不可更改。"""
    caller = request.auth
    level = LEVELS.get(payload.level.strip(), payload.level)
    evaluation = actions.rate_case(_case(caller, receipt_no), caller.require_user(), level=level,
                                   channel=Channel.API, text=payload.text)
    return Status(201, {"receipt_no": evaluation.case.receipt_no, "level": evaluation.level,
                        "level_label": evaluation.get_level_display(), "follow_up": evaluation.negative})


@router.post("/track", response={200: ProgressOut, **ERRORS}, summary="凭受理编号和证件号码查询进度")
def track(request, payload: TrackIn):
    """任何人凭受理编号和申请人（或代理人）证件号码查询；号码不匹配与办件不存在的答复相同。
    同一地址、同一受理编号每分钟查询次数有限（429）。"""
    optional_caller(request)  # a bad token is refused; a good one is logged with its client
    limit = int(settings.YIBAO_TRACK_LIMIT)
    ratelimit.count_requests([("track-ip", client_ip(request) or "-"),
                              ("track-receipt", normalise_receipt(payload.receipt_no))], limit=limit)
    return queries.progress(payload.receipt_no, payload.id_number)


# ---------------------------------------------------------------- office side


# The input kinds of the verb table (people.verbs) as request bodies.
BODIES = {"comment": CommentIn, "accept": AcceptIn, "correction": CorrectionIn, "reason": ReasonIn,
          "approve": ApproveIn, "pay": PayIn}
STAFF = {"response": {200: CaseOut, **ERRORS}, "auth": AUTH, "tags": ["办件（经办）"]}


def _verb_route(verb):
    """POST /cases/{receipt_no}/<route>: the verb's engine function with what its body parsed."""
    body = BODIES[verb.form]

    def endpoint(request, receipt_no: str, payload: body):
        caller = request.auth
        case = verb.run(_case(caller, receipt_no), caller.require_user(), channel=Channel.API,
                        expected_version=payload.version, **payload.engine_args())
        return _summary(case)

    endpoint.__name__ = endpoint.__qualname__ = verb.route.replace("-", "_")
    endpoint.__doc__ = verb.description or None
    return router.post(f"/cases/{{receipt_no}}/{verb.route}", summary=verb.summary or verb.button_label,
                       **STAFF)(endpoint)


for _verb in VERBS:
    if _verb.route:
        _verb_route(_verb)


# ---------------------------------------------------------------- items


@router.get("/items/status", response={200: list[ItemStatus], **ERRORS}, tags=["事项处理模块"],
            summary="各事项的处理模块（与 yibao items status --format json 相同）")
def items_status(request):
    return handler_status()
