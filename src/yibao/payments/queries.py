"""Reading payment orders (for the staff screens and the API: the account stays masked)."""
from yibao.payments.models import OrderState, PaymentOrder


def order_for_case(case):
    """The case's payment order, or None."""
    return PaymentOrder.objects.filter(case=case).first()


def region_orders(region_id, states=(OrderState.CREATED, OrderState.APPROVED)):
    """A region's orders in `states` (by default those waiting for a payer), oldest first."""
    return (PaymentOrder.objects.filter(region_id=region_id, state__in=states)
            .select_related("case").order_by("created_at", "id"))


def next_steps(order, user):
    """The steps `user` may take on `order` now (for a screen to offer): the maker-checker rule
    decides, not the screen."""
    uid = getattr(user, "pk", None)
    if order.state == OrderState.CREATED:
        return ["approve", "cancel"]
    if order.state == OrderState.APPROVED:
        settle = [] if uid in (order.created_by_id, order.approved_by_id) else ["pay", "fail"]
        return [*settle, "cancel"]
    return []
