"""Maternity benefits over JSON: which items the guide in force pays together (R52), one bundle
submitted once (the insured employee or her employer; each case keeps its own receipt), the
bundle's cases, and a maternity case's 核算明细 (the allowance's days, wage and rate; the cost
items' lines as the policy engine computed them).

Who may read a bundle or a table: whoever may view its cases; anyone else gets the same 404 as
for a bundle that does not exist."""
import hashlib
import json

from ninja import Field as NinjaField
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from yibao.api import actions as api_actions
from yibao.api.auth import AUTH
from yibao.api.cases import IDEMPOTENCY_KEY, _case, _summary
from yibao.api.errors import ERRORS, Invalid, NotFound
from yibao.cases.interface import attach_bundle_material
from yibao.cases.models import Bundle
from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.maternity import bundles, queries
from yibao.maternity.models import COST_ITEMS, ITEMS
from yibao.people.models import ApplicantKind

router = Router(tags=["生育保险待遇"])
NO_BUNDLE = "未找到该合并申请"


class BundleIn(Schema):
    region: str = NinjaField(..., max_length=40, description="统筹地区代码，如 dazhou、panzhihua")
    items: list[str] = NinjaField(..., min_length=1, max_length=4, description="合并办理的事项代码")
    insured_id_number: str = NinjaField("", max_length=32, description="生育职工的身份证号码（单位提交时必填）")
    employer_uscc: str = NinjaField("", max_length=32, description="参保单位统一社会信用代码（职工提交且含生育津贴时必填）")
    facts: dict = NinjaField(..., description="生育情况：event 分娩/流产, event_date, difficult_birth, babies, "
                                             "pregnancy_months, care 门诊/住院, left_job_on, spouse_uninsured, "
                                             "birth_certificate 数据共享/申请人提供/个人承诺书, settled_online …")
    costs: dict = NinjaField(default_factory=dict, description="各费用事项：{事项代码: {invoices, bank_name, account_no}}")
    allowance: dict = NinjaField(default_factory=dict, description="生育津贴：declared_average_wage, wage_evidence, "
                                                                   "bank_name, account_no（单位登记无账户时）")
    materials: dict[str, str] = NinjaField(default_factory=dict, description="一次性提供的材料：{材料名称: document|commitment}")
    office: str = NinjaField("", max_length=200)
    comment: str = NinjaField("", max_length=500)


class BundleOut(Schema):
    bundle_no: str
    region: str
    cases: list[dict]


class TableOut(Schema):
    receipt_no: str
    fixed: bool  # true once 审核通过 fixed the amount (the table is then the one paid)
    payable: str
    table: dict  # title, headers, rows, notes (示例参数 said so)
    explanation: dict  # the calculation as stored


class TogetherOut(Schema):
    region: str
    paid_together: list[str]


def _out(bundle, caller):
    cases = list(bundle.cases.select_related("applicant", "agent").order_by("id"))
    if not cases or not all(caller.may_view(c) for c in cases):
        raise NotFound(NO_BUNDLE)
    return {"bundle_no": bundle.bundle_no, "region": cases[0].snapshot.get("region", ""),
            "cases": [_summary(c) for c in cases]}


def _region(code):
    region = Region.objects.filter(code=code, is_template=False).first()
    if region is None:
        raise NotFound(f"未找到统筹地区“{code}”", field="region")
    return region


@router.get("/maternity/paid-together", response={200: TogetherOut, **ERRORS}, summary="生育保险待遇合并支付的事项")
def paid_together(request, region: str):
    """现行办事指南规定合并支付、一次性提供材料的生育保险待遇事项。"""
    return {"region": region, "paid_together": sorted(queries.paid_together(_region(region)))}


@router.post("/maternity/bundles", response={201: BundleOut, 200: BundleOut, **ERRORS}, auth=AUTH,
             summary="生育保险待遇合并申请")
def submit_bundle(request, payload: BundleIn, idempotency_key: str = IDEMPOTENCY_KEY):
    """职工本人或参保单位一次提交：按现行指南合并支付的事项各立一件（各有受理编号、时限和评价），
    一次性提供的材料各办件共用。生育津贴以参保单位为申请人、划入单位账户；医疗费用划入职工本人账户。
    必须带 Idempotency-Key：重试返回同一合并申请。"""
    caller = request.auth
    user = caller.require_user()
    region = _region(payload.region)
    if not caller.in_scope(region.pk):
        raise Invalid("该客户端只能办理其地区范围内的事项", field="region")
    unknown = [c for c in payload.items if c not in ITEMS]
    if unknown:
        raise Invalid(f"不是生育保险待遇事项：{'、'.join(unknown)}", field="items")
    me = caller.applicant
    if me is not None and me.kind == ApplicantKind.EMPLOYER:
        person, employer = bundles.accounts(payload.insured_id_number)[0], me
    elif me is not None:
        person = me
        employer = bundles.accounts(me.id_number, payload.employer_uscc)[1] if payload.employer_uscc else None
    else:  # staff or a partner system: both parties named
        if not payload.insured_id_number:
            raise Invalid("请注明生育职工的身份证号码", field="insured_id_number")
        person, employer = bundles.accounts(payload.insured_id_number, payload.employer_uscc)
    costs = {k: v for k, v in payload.costs.items() if k in COST_ITEMS}
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    bundle, created = api_actions.submit_bundle_once(
        caller=caller.idempotency_scope, key=idempotency_key, request_hash=hashlib.sha256(canonical.encode()).hexdigest(),
        client=caller.client, user=user,
        submit=lambda: bundles.submit(region=region, items=payload.items, person=person, employer=employer,
                                      facts=payload.facts, costs=costs, allowance=payload.allowance,
                                      materials=payload.materials, actor=user, channel=Channel.API,
                                      office=payload.office, comment=payload.comment))
    return Status(201 if created else 200, _out(bundle, caller))


@router.get("/maternity/bundles/{bundle_no}", response={200: BundleOut, **ERRORS}, auth=AUTH, summary="合并申请的办件")
def bundle_detail(request, bundle_no: str):
    bundle = Bundle.objects.filter(bundle_no=(bundle_no or "").strip().upper()).first()
    if bundle is None:
        raise NotFound(NO_BUNDLE)
    return _out(bundle, request.auth)


class SharedFileOut(Schema):
    material: str
    cases: list[str]  # the receipt numbers that keep the file
    sha256: str


@router.post("/maternity/bundles/{bundle_no}/attachments", response={201: SharedFileOut, **ERRORS}, auth=AUTH,
             summary="上传合并申请材料（一次上传，各办件共用）")
def attach(request, bundle_no: str, material: str = Form(..., max_length=500), file: UploadedFile = File(...)):
    """multipart/form-data：material 为材料名称（如“有效身份证件或医保电子凭证或社会保障卡”），file 为 PDF、JPEG
    或 PNG。合并申请中列有该材料的每个办件都留存此文件。"""
    caller = request.auth
    bundle = Bundle.objects.filter(bundle_no=(bundle_no or "").strip().upper()).first()
    if bundle is None:
        raise NotFound(NO_BUNDLE)
    _out(bundle, caller)  # the caller must see every case of it (else the same 404)
    made = attach_bundle_material(bundle, caller.require_user(), channel=Channel.API, name=material, upload=file)
    return Status(201, {"material": made[0].material_name, "cases": [a.case.receipt_no for a in made],
                        "sha256": made[0].sha256})


@router.get("/cases/{receipt_no}/maternity-explanation", response={200: TableOut, **ERRORS}, auth=AUTH,
            summary="生育保险待遇核算明细")
def explanation(request, receipt_no: str):
    """生育津贴：计发天数（产假、难产、多胞胎、地方延长）、上年度单位职工月平均工资及来源、日津贴公式、金额；
    生育医疗费用：每行费用的不予支付部分及原因、起付线、支付比例、封顶余额、应付。审核通过前为试算。"""
    case = _case(request.auth, receipt_no)
    try:
        found = queries.explanation_of(case)
    except queries.CannotCalculate as exc:
        raise Invalid(str(exc)) from None
    if found is None:
        raise NotFound("该办件不是生育保险待遇办件，没有核算明细")
    return {"receipt_no": case.receipt_no, **{k: found[k] for k in ("fixed", "payable", "table", "explanation")}}
