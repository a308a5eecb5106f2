from django.contrib import admin

from yibao.core.admin import ReadOnlyAdmin, ReadOnlyInline
from yibao.payments.models import PaymentBatch, PaymentEvent, PaymentOrder, ReturnImport


class EventInline(ReadOnlyInline, admin.TabularInline):
    model = PaymentEvent
    readonly_fields = ["at", "actor", "channel", "action", "from_state", "to_state", "comment"]


@admin.register(PaymentOrder)
class PaymentOrderAdmin(ReadOnlyAdmin):
    """Read only: orders change through payments/actions.py (maker-checker), never by hand."""

    list_display = ["order_no", "region", "masked_payee", "account_kind", "masked_account", "amount", "state", "batch"]
    list_filter = ["region", "state", "account_kind"]
    search_fields = ["order_no"]
    exclude = ["account_no"]
    readonly_fields = ["masked_account"]
    inlines = [EventInline]


class ReturnInline(ReadOnlyInline, admin.TabularInline):
    model = ReturnImport
    readonly_fields = ["imported_at", "imported_by", "filename", "rows", "paid", "failed", "unchanged", "sha256"]


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ReadOnlyAdmin):
    """Read only: batches change through payments/actions.py (组批, 批次审核, 导出, 回盘)."""

    list_display = ["batch_no", "region", "account_kind", "bank_name", "order_count", "total", "state", "created_by",
                    "approved_by"]
    list_filter = ["region", "state", "account_kind"]
    search_fields = ["batch_no"]
    inlines = [ReturnInline]
