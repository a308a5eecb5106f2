from django.contrib import admin

from yibao.core.admin import ReadOnlyAdmin, ReadOnlyInline
from yibao.payments.models import PaymentEvent, PaymentOrder


class EventInline(ReadOnlyInline, admin.TabularInline):
    model = PaymentEvent
    readonly_fields = ["at", "actor", "channel", "action", "from_state", "to_state", "comment"]


@admin.register(PaymentOrder)
class PaymentOrderAdmin(ReadOnlyAdmin):
    """Read only: orders change through payments/actions.py (maker-checker), never by hand."""

    list_display = ["order_no", "region", "masked_payee", "account_kind", "masked_account", "amount", "state"]
    list_filter = ["region", "state", "account_kind"]
    search_fields = ["order_no"]
    exclude = ["account_no"]
    readonly_fields = ["masked_account"]
    inlines = [EventInline]
