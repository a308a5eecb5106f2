"""Payment orders (支付指令) for the payers of a region: the queue, and 复核, 确认支付, 支付失败 and
作废, each one call of payments.actions. The maker-checker rule and the order's transitions are
the domain's; their named errors arrive as 403 (maker_checker, not_allowed) or 409.
"""
from datetime import datetime

from ninja import Field, Query, Router, Schema

from yibao.api.auth import AUTH
from yibao.api.errors import ERRORS, Forbidden, Invalid, NotFound
from yibao.core.models import Channel
from yibao.payments import actions, queries
from yibao.payments.models import OrderState, PaymentOrder
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
