"""Payment orders (支付指令) and batches for the payers of a region: the queue, and 复核, 确认支付,
支付失败 and 作废; 组批, 批次审核, the 批量代发 file and the bank's return file, each one call of
payments.actions. The three-person rule and the transitions are the domain's; their named errors
arrive as 403 (maker_checker, not_allowed), 409 or 422 (a return file refused, its row named).
"""
from datetime import datetime

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from yibao.api.auth import AUTH
from yibao.api.errors import ERRORS, Forbidden, Invalid, NotFound
from yibao.core.models import Channel
from yibao.payments import actions, queries
from yibao.payments.models import OrderState, PaymentBatch, PaymentOrder
from yibao.people import policy
from yibao.people.models import Role

router = Router(tags=["支付指令"])

NOT_FOUND = "未找到该支付指令，或您无权查看"


class OrderOut(Schema):
    id: int
    order_no: str
    receipt_no: str
    state: str
    state_label: str
    payee: str  # masked
    account_kind: str
    account: str  # masked
    bank_name: str
    amount: str  # yuan, as text
    purpose: str
    bank_reference: str
    failure_reason: str
    created_at: datetime
    next_steps: list[str]  # what this caller may do now (the maker-checker rule decides)


class OrderList(Schema):
    count: int
    results: list[OrderOut]


class CommentIn(Schema):
    comment: str = Field("", max_length=300)


class PaidIn(Schema):
    bank_reference: str = Field(..., min_length=1, max_length=64, description="银行流水号")
    comment: str = Field("", max_length=300)


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300, description="原因（必填）")


def _out(order, user):
    return {**order.as_display(), "id": order.pk, "receipt_no": order.case.receipt_no, "payee": order.masked_payee,
            "bank_reference": order.bank_reference, "failure_reason": order.failure_reason,
            "created_at": order.created_at, "next_steps": queries.next_steps(order, user)}


def _payer_region(caller):
    """The region whose orders the caller pays (a payer's own region)."""
    user = caller.require_user()
    profile = policy.staff_profile(user)
    if profile is None:
        raise Forbidden("只有拨付人员可以查看和处理支付指令")
    policy.check(user, "pay", region_id=profile.region_id)
    if not caller.in_scope(profile.region_id):
        raise Forbidden("该客户端不能处理其地区范围以外的支付指令")
    return profile.region_id


def _order(caller, order_id):
    """The order, if it belongs to the caller's region; otherwise the same 404 as a missing one."""
    region_id = _payer_region(caller)
    order = PaymentOrder.objects.select_related("case").filter(pk=order_id).first()
    if order is None or (order.region_id != region_id and not policy.has_role(caller.user, Role.ADMIN)):
        raise NotFound(NOT_FOUND, field="id")
    return order


STATES = ",".join(OrderState.values)


@router.get("/payments", response={200: OrderList, **ERRORS}, auth=AUTH, summary="支付指令队列（本地区）")
def queue(request, state: str = Query("", max_length=60, description=f"逗号分隔：{STATES}；默认待复核和待支付"),
          limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=10**6)):
    """拨付人员所在地区的支付指令，最早的在前；next_steps 为当前调用者可办的下一步（制单人、复核人不能确认支付结果）。"""
    caller = request.auth
    region_id = _payer_region(caller)
    states = [s.strip() for s in state.split(",") if s.strip()] or [OrderState.CREATED, OrderState.APPROVED]
    unknown = [s for s in states if s not in OrderState.values]
    if unknown:
        raise Invalid(f"状态应为：{STATES}", field="state")
    orders = queries.region_orders(region_id, states=states)
    page = list(orders[offset:offset + limit])
    return {"count": orders.count(), "results": [_out(o, caller.user) for o in page]}


ACT = {"response": {200: OrderOut, **ERRORS}, "auth": AUTH}


@router.post("/payments/{order_id}/approve", summary="复核支付指令", **ACT)
def approve(request, order_id: int, payload: CommentIn):
    """第二人核对收款人、账户和金额后复核；复核后方可发送银行。"""
    caller = request.auth
    order = actions.approve_order(_order(caller, order_id), caller.user, channel=Channel.API, comment=payload.comment)
    return _out(order, caller.user)


@router.post("/payments/{order_id}/paid", summary="确认支付成功", **ACT)
def paid(request, order_id: int, payload: PaidIn):
    """银行确认到账后由第三人确认（制单人、复核人不得确认，返回 403）。"""
    caller = request.auth
    order = actions.mark_paid(_order(caller, order_id), caller.user, channel=Channel.API,
                              bank_reference=payload.bank_reference, comment=payload.comment)
    return _out(order, caller.user)


@router.post("/payments/{order_id}/failed", summary="登记支付失败", **ACT)
def failed(request, order_id: int, payload: ReasonIn):
    caller = request.auth
    order = actions.mark_failed(_order(caller, order_id), caller.user, channel=Channel.API, reason=payload.reason)
    return _out(order, caller.user)


@router.post("/payments/{order_id}/cancel", summary="作废支付指令", **ACT)
def cancel(request, order_id: int, payload: ReasonIn):
    caller = request.auth
    order = actions.cancel_order(_order(caller, order_id), caller.user, channel=Channel.API, reason=payload.reason)
    return _out(order, caller.user)


# ---------------------------------------------------------------- batches


class BatchIn(Schema):
    account_kind: str = Field(..., max_length=10, description="bank 银行账户 / ssc 社会保障卡金融账户 / employer 单位银行账户")
    bank_name: str = Field("", max_length=100, description="开户银行（与支付指令的开户银行相同）")
    order_nos: list[str] | None = Field(None, max_length=100000,
                                        description="只组这些支付指令；不填则组该账户类型和银行的全部已复核指令")


class ReconOut(Schema):
    count: int
    total: str
    paid_count: int
    paid: str
    failed_count: int
    failed: str
    pending_count: int
    pending: str
    balanced: bool  # paid + failed + pending = total, in count and in yuan


class BatchOut(Schema):
    batch_no: str
    state: str
    state_label: str
    account_kind: str
    bank_name: str
    order_count: int
    total: str
    created_by: str
    approved_by: str
    reconciliation: ReconOut
    next_steps: list[str]


class BatchList(Schema):
    count: int
    results: list[BatchOut]


class ReturnOut(Schema):
    batch: BatchOut
    imported: bool  # False: the same file was imported before and nothing changed
    rows: int
    paid: int
    failed: int
    unchanged: int


def _batch_out(batch, user):
    recon = queries.reconciliation(batch)
    return {"batch_no": batch.batch_no, "state": batch.state, "state_label": batch.get_state_display(),
            "account_kind": batch.account_kind, "bank_name": batch.bank_name, "order_count": batch.order_count,
            "total": str(batch.total), "created_by": batch.created_by.get_username(),
            "approved_by": batch.approved_by.get_username() if batch.approved_by_id else "",
            "reconciliation": {k: (str(v) if not isinstance(v, (int, bool)) else v) for k, v in recon.items()},
            "next_steps": queries.batch_next_steps(batch, user)}


def _batch(caller, batch_no):
    region_id = _payer_region(caller)
    batch = PaymentBatch.objects.select_related("created_by", "approved_by", "region").filter(batch_no=batch_no).first()
    if batch is None or batch.region_id != region_id:
        raise NotFound("未找到该支付批次，或您无权查看", field="batch_no")
    return batch


BATCH = {"response": {200: BatchOut, **ERRORS}, "auth": AUTH}


@router.get("/payment-batches", response={200: BatchList, **ERRORS}, auth=AUTH, summary="支付批次（本地区）")
def batch_list(request, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=10**6)):
    caller = request.auth
    rows = queries.region_batches(_payer_region(caller))
    return {"count": rows.count(), "results": [_batch_out(b, caller.user) for b in rows[offset:offset + limit]]}


@router.post("/payment-batches", summary="组批", **BATCH)
def batch_create(request, payload: BatchIn):
    """把本地区同一账户类型、同一开户银行的已复核支付指令组成一个批次；须由组批人以外的拨付人员审核。"""
    caller = request.auth
    batch = actions.create_batch(_payer_region(caller), account_kind=payload.account_kind,
                                 bank_name=payload.bank_name, actor=caller.user, channel=Channel.API,
                                 order_nos=payload.order_nos)
    return _batch_out(batch, caller.user)


@router.get("/payment-batches/{batch_no}", summary="批次及对账", **BATCH)
def batch_detail(request, batch_no: str):
    caller = request.auth
    return _batch_out(_batch(caller, batch_no), caller.user)


@router.post("/payment-batches/{batch_no}/approve", summary="审核批次", **BATCH)
def batch_approve(request, batch_no: str):
    """组批人不得审核本人组的批次（403 maker_checker）。"""
    caller = request.auth
    batch = actions.approve_batch(_batch(caller, batch_no), caller.user, channel=Channel.API)
    return _batch_out(batch, caller.user)


@router.get("/payment-batches/{batch_no}/export", auth=AUTH, response={200: None, **ERRORS}, summary="导出批量代发文件")
def batch_export(request, batch_no: str, format: str = Query("xlsx", pattern="^(xlsx|csv|pdf)$")):
    """xlsx 或 CSV：序号、收款账号、收款人、开户银行、金额、用途、支付指令号，末行为笔数和合计；pdf 为签字用封面。"""
    caller = request.auth
    filename, content, content_type = actions.export_batch(_batch(caller, batch_no), caller.user,
                                                           channel=Channel.API, fmt=format)
    response = HttpResponse(content, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    response.headers["Cache-Control"] = "private, no-store"  # full account numbers
    return response


@router.post("/payment-batches/{batch_no}/return", response={200: ReturnOut, **ERRORS}, auth=AUTH,
             summary="导入银行回盘文件")
def batch_return(request, batch_no: str, file: UploadedFile = File(...)):
    """每行：指令号（或账号）、金额、成功/失败、银行流水号、失败原因。任何一行与本批次不符，整个文件不导入（422，
    details.row 指明行号）；同一文件重复导入不作变更（imported=false）。"""
    caller = request.auth
    batch = _batch(caller, batch_no)
    imported, created = actions.import_return(batch, file.read(), caller.user, channel=Channel.API,
                                              filename=file.name or "")
    batch.refresh_from_db()
    return {"batch": _batch_out(batch, caller.user), "imported": created, "rows": imported.rows,
            "paid": imported.paid, "failed": imported.failed, "unchanged": imported.unchanged}
