from django.contrib import admin

from yibao.payments.models import PaymentEvent, PaymentOrder


class EventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "channel", "action", "from_state", "to_state", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PaymentOrder)
class PaymentOrderAdmin(admin.ModelAdmin):
    """Read only: orders change through payments/actions.py (maker-checker), never by hand."""

    list_display = ["order_no", "region", "masked_payee", "account_kind", "masked_account", "amount", "state"]
    list_filter = ["region", "state", "account_kind"]
    search_fields = ["order_no"]
    exclude = ["account_no"]
    readonly_fields = ["masked_account"]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
