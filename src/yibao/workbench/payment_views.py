"""Payment orders (支付指令) on the workbench: the payers' queue of the region and the steps of
payments/actions.py. The maker-checker rule is the action's: the page offers what
payments.queries.next_steps allows, and a refusal is shown in the action's own words. Batches:
组批, 批次审核, the 批量代发 file and its cover sheet, the bank's return file and the 对账."""
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yibao.cases.exceptions import CaseError
from yibao.core.models import Channel
from yibao.payments import actions as payments
from yibao.payments.models import AccountKind, OrderState, PaymentBatch, PaymentOrder
from yibao.payments.queries import (
    batch_next_steps,
    batchable,
    next_steps,
    reconciliation,
    region_batches,
    region_orders,
)
from yibao.people.policy import NotAllowed
from yibao.workbench import forms
from yibao.workbench.access import forbidden, may, staff_required

# step -> (button, done message)
ORDER_STEPS = {"approve": ("复核通过", "已复核"), "pay": ("确认支付", "已确认支付"),
               "fail": ("登记支付失败", "已登记支付失败"), "cancel": ("作废", "已作废")}
RULE = ("三人分离：制单人（办理拨付者）不得复核本人的支付指令；制单人和复核人不得确认支付结果；"
        "审核该办件的人员不参与拨付。批次由组批人以外的拨付人员审核，回盘文件由支付确认人导入。")


def order_steps(order, user):
    """[{name, label, form}] of the steps `user` may take on `order` now."""
    if not may(user, "pay", region_id=order.region_id):
        return []
    return [{"name": s, "label": ORDER_STEPS[s][0], "form": forms.OrderStepForm(step=s, prefix=s)}
            for s in next_steps(order, user)]


def held_back(order, user):
    """Is `user` the maker or checker of an approved order (so someone else must settle it)?"""
    return order.state == OrderState.APPROVED and user.pk in (order.created_by_id, order.approved_by_id)


def order_panel(order, user):
    """What the case page shows of its order."""
    if order is None:
        return None
    return {"order": order, "steps": order_steps(order, user), "rule": RULE, "held": held_back(order, user),
            "events": order.events.select_related("actor").order_by("at", "id")}


def _order(request, order_no):
    order = PaymentOrder.objects.select_related("case").filter(order_no=order_no).first()
    if order is None or order.region_id != request.staff.region_id:
        raise Http404("未找到该支付指令")
    return order


@staff_required
def orders(request):
    region = request.staff.region
    if not may(request.user, "pay", region_id=region.pk):
        return forbidden(request, "支付指令仅供拨付人员办理：需要“拨付”角色")
    show_all = request.GET.get("state") == "all"
    rows = region_orders(region.pk, states=OrderState.values if show_all else (OrderState.CREATED,
                                                                               OrderState.APPROVED))
    rows = rows.select_related("created_by", "approved_by")[:200]
    return render(request, "workbench/orders.html", {
        "rows": [(o, order_steps(o, request.user), held_back(o, request.user)) for o in rows],
        "show_all": show_all, "rule": RULE,
    })


@staff_required
@require_POST
def order_step(request, order_no, step):
    order = _order(request, order_no)
    back = request.POST.get("back") == "case"
    target = redirect("workbench:case", receipt_no=order.case.receipt_no) if back else redirect("workbench:orders")
    form = forms.OrderStepForm(request.POST, step=step, prefix=step)
    if step not in ORDER_STEPS or not form.is_valid():
        messages.error(request, f"{order.order_no}：未知的操作或填写有误")
        return target
    d, common = form.cleaned_data, {"channel": Channel.WINDOW}
    try:
        if step == "approve":
            payments.approve_order(order, request.user, comment=d.get("comment", ""), **common)
        elif step == "pay":
            payments.mark_paid(order, request.user, bank_reference=d.get("bank_reference", ""), **common)
        elif step == "fail":
            payments.mark_failed(order, request.user, reason=d.get("reason", ""), **common)
        else:
            payments.cancel_order(order, request.user, reason=d.get("reason", ""), **common)
    except CaseError as exc:
        messages.error(request, f"{order.order_no}：{exc.message}")
    except NotAllowed as exc:
        messages.error(request, f"{order.order_no}：{exc}")
    else:
        messages.success(request, f"{order.order_no}：{ORDER_STEPS[step][1]}")
    return target


# ---------------------------------------------------------------- batches


def _payer_region(request):
    region = request.staff.region
    return region if may(request.user, "pay", region_id=region.pk) else None


def _batch(request, batch_no):
    batch = PaymentBatch.objects.select_related("region", "created_by", "approved_by").filter(batch_no=batch_no).first()
    if batch is None or batch.region_id != request.staff.region_id:
        raise Http404("未找到该支付批次")
    return batch


@staff_required
def batches(request):
    """The approved orders waiting for a batch (by account kind and bank) and the region's batches."""
    region = _payer_region(request)
    if region is None:
        return forbidden(request, "支付批次仅供拨付人员办理：需要“拨付”角色")
    groups = [{"kind": k, "kind_label": AccountKind(k).label, "bank": b, "count": n, "total": t,
               "form": forms.BatchCreateForm(initial={"account_kind": k, "bank_name": b})}
              for k, b, n, t in batchable(region.pk)]
    return render(request, "workbench/batches.html", {
        "groups": groups, "batches": region_batches(region.pk)[:100], "rule": RULE})


@staff_required
@require_POST
def batch_create(request):
    region = _payer_region(request)
    if region is None:
        return forbidden(request, "支付批次仅供拨付人员办理：需要“拨付”角色")
    form = forms.BatchCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "组批：账户类型或开户银行填写有误")
        return redirect("workbench:batches")
    try:
        batch = payments.create_batch(region.pk, account_kind=form.cleaned_data["account_kind"],
                                      bank_name=form.cleaned_data["bank_name"], actor=request.user,
                                      channel=Channel.WINDOW)
    except (CaseError, NotAllowed) as exc:
        messages.error(request, f"组批：{getattr(exc, 'message', exc)}")
        return redirect("workbench:batches")
    messages.success(request, f"已组批 {batch.batch_no}：{batch.order_count}笔，{batch.total}元，待其他拨付人员审核")
    return redirect("workbench:batch", batch_no=batch.batch_no)


@staff_required
def batch_detail(request, batch_no):
    if _payer_region(request) is None:
        return forbidden(request, "支付批次仅供拨付人员办理：需要“拨付”角色")
    batch = _batch(request, batch_no)
    return render(request, "workbench/batch.html", {
        "batch": batch, "orders": batch.orders.select_related("case").order_by("pk")[:500],
        "recon": reconciliation(batch), "steps": batch_next_steps(batch, request.user),
        "returns": batch.returns.select_related("imported_by").order_by("imported_at", "id"),
        "upload": forms.ReturnFileForm(), "rule": RULE})


@staff_required
@require_POST
def batch_approve(request, batch_no):
    batch = _batch(request, batch_no)
    try:
        payments.approve_batch(batch, request.user, channel=Channel.WINDOW)
    except (CaseError, NotAllowed) as exc:
        messages.error(request, f"{batch.batch_no}：{getattr(exc, 'message', exc)}")
    else:
        messages.success(request, f"{batch.batch_no}：批次已审核，可导出批量代发文件")
    return redirect("workbench:batch", batch_no=batch.batch_no)


@staff_required
def batch_export(request, batch_no, fmt):
    batch = _batch(request, batch_no)
    try:
        filename, content, content_type = payments.export_batch(batch, request.user, channel=Channel.WINDOW, fmt=fmt)
    except (CaseError, NotAllowed) as exc:
        messages.error(request, f"{batch.batch_no}：{getattr(exc, 'message', exc)}")
        return redirect("workbench:batch", batch_no=batch.batch_no)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@staff_required
@require_POST
def batch_import(request, batch_no):
    batch = _batch(request, batch_no)
    form = forms.ReturnFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, f"{batch.batch_no}：请选择银行回盘文件（xlsx 或 CSV）")
        return redirect("workbench:batch", batch_no=batch.batch_no)
    upload = form.cleaned_data["file"]
    try:
        imported, created = payments.import_return(batch, upload.read(), request.user, channel=Channel.WINDOW,
                                                   filename=upload.name)
    except (CaseError, NotAllowed) as exc:
        messages.error(request, f"回盘文件未导入：{getattr(exc, 'message', exc)}")
    else:
        if created:
            messages.success(request, f"已导入回盘文件：成功{imported.paid}笔，失败{imported.failed}笔，"
                                      f"已处理过{imported.unchanged}笔")
        else:
            at = timezone.localtime(imported.imported_at)
            messages.info(request, f"该回盘文件已于{at:%Y-%m-%d %H:%M}导入，本次未作任何变更")
    return redirect("workbench:batch", batch_no=batch.batch_no)
