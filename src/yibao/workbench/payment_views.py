"""Payment orders (支付指令) on the workbench: the payers' queue of the region and the steps of
payments/actions.py. The maker-checker rule is the action's: the page offers what
payments.queries.next_steps allows, and a refusal is shown in the action's own words."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yibao.cases.exceptions import CaseError
from yibao.core.models import Channel
from yibao.payments import actions as payments
from yibao.payments.models import OrderState, PaymentOrder
from yibao.payments.queries import next_steps, region_orders
from yibao.people.policy import NotAllowed
from yibao.workbench import forms
from yibao.workbench.access import forbidden, may, staff_required

# step -> (button, done message)
ORDER_STEPS = {"approve": ("复核通过", "已复核"), "pay": ("确认支付", "已确认支付"),
               "fail": ("登记支付失败", "已登记支付失败"), "cancel": ("作废", "已作废")}
RULE = "制单人（办理拨付者）和复核人不得确认支付结果；确认支付须由第三名拨付人员办理。"


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
