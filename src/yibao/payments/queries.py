"""Reading payment orders and batches (for the staff screens and the API: the account stays masked)."""
from django.db.models import Count, Q, Sum

from yibao.core.money import yuan
from yibao.payments.models import BatchState, OrderState, PaymentBatch, PaymentOrder


def order_for_case(case):
    """The case's current payment order (the latest: a re-issued one after a failure), or None."""
    return PaymentOrder.objects.filter(case=case).order_by("-pk").first()


def orders_for_case(case):
    """Every order of the case, first to last (a failed one and its re-issue)."""
    return PaymentOrder.objects.filter(case=case).order_by("pk")


def region_orders(region_id, states=(OrderState.CREATED, OrderState.APPROVED)):
    """A region's orders in `states` (by default those waiting for a payer), oldest first."""
    return (PaymentOrder.objects.filter(region_id=region_id, state__in=states)
            .select_related("case", "batch").order_by("created_at", "id"))


def next_steps(order, user):
    """The steps `user` may take on `order` now (for a screen to offer): the three-person rule
    decides, not the screen. A batched order is settled by the bank's return file."""
    uid = getattr(user, "pk", None)
    if order.state == OrderState.CREATED:
        return ["cancel"] if uid == order.created_by_id else ["approve", "cancel"]
    if order.state == OrderState.APPROVED and order.batch_id is None:
        settle = [] if uid in (order.created_by_id, order.approved_by_id) else ["pay", "fail"]
        return [*settle, "cancel"]
    return []


def batchable(region_id):
    """[(account kind, bank name, count, total)] of the approved, unbatched orders of a region."""
    rows = (PaymentOrder.objects.filter(region_id=region_id, state=OrderState.APPROVED, batch=None)
            .values("account_kind", "bank_name").annotate(n=Count("id"), total=Sum("amount"))
            .order_by("account_kind", "bank_name"))
    return [(r["account_kind"], r["bank_name"], r["n"], yuan(r["total"])) for r in rows]


def region_batches(region_id):
    return PaymentBatch.objects.filter(region_id=region_id).select_related("created_by", "approved_by")


def reconciliation(batch):
    """对账: paid + failed + pending = total, in count and in yuan (`balanced` says it holds)."""
    zero = yuan(0)
    agg = batch.orders.aggregate(
        paid_n=Count("id", filter=Q(state=OrderState.PAID)), paid=Sum("amount", filter=Q(state=OrderState.PAID)),
        failed_n=Count("id", filter=Q(state=OrderState.FAILED)),
        failed=Sum("amount", filter=Q(state=OrderState.FAILED)),
        pending_n=Count("id", filter=Q(state=OrderState.APPROVED)),
        pending=Sum("amount", filter=Q(state=OrderState.APPROVED)),
        n=Count("id"), total=Sum("amount"))
    # SQLite sums decimals as floats: back to yuan with 2 places before anyone compares or shows them.
    out = {
        "count": batch.order_count, "total": yuan(batch.total),
        "paid_count": agg["paid_n"], "paid": yuan(agg["paid"] or zero),
        "failed_count": agg["failed_n"], "failed": yuan(agg["failed"] or zero),
        "pending_count": agg["pending_n"], "pending": yuan(agg["pending"] or zero),
    }
    out["balanced"] = (out["paid_count"] + out["failed_count"] + out["pending_count"] == batch.order_count == agg["n"]
                       and out["paid"] + out["failed"] + out["pending"] == out["total"] == yuan(agg["total"] or zero))
    return out


def batch_next_steps(batch, user):
    uid = getattr(user, "pk", None)
    if batch.state == BatchState.CREATED:
        return [] if uid == batch.created_by_id else ["approve"]
    if batch.state == BatchState.APPROVED:
        return ["export"]
    # exported or settled: a return file may come (again: the same file changes nothing)
    return ["export", "import_return"]
