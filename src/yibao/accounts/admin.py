from django.contrib import admin

from yibao.accounts.models import AccountEntry, AccountParameters, PersonalAccount, TransferSheet
from yibao.core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline

# Registers written by accounts/actions.py only: shown here, never edited by hand.


class EntryInline(ReadOnlyInline, admin.TabularInline):
    model = AccountEntry
    readonly_fields = ["on", "kind", "amount", "case", "reference", "note", "actor", "channel"]


@admin.register(PersonalAccount)
class PersonalAccountAdmin(ReadOnlyAdmin):
    list_display = ["person", "region", "opened_on", "balance"]
    list_filter = ["region"]
    search_fields = ["person__id_number"]
    inlines = [EntryInline]

    @admin.display(description="余额（元）")
    def balance(self, obj):
        return obj.balance

    def get_queryset(self, request):
        return super().get_queryset(request).with_balance().select_related("person", "region")


@admin.register(TransferSheet)
class TransferSheetAdmin(ReadOnlyAdmin):
    list_display = ["sheet_no", "from_region_name", "to_region_name", "scheme", "issued_on", "imported"]
    list_filter = ["imported", "scheme"]
    search_fields = ["sheet_no"]
    exclude = ["id_number", "phone"]


@admin.register(AccountParameters)
class AccountParametersAdmin(AuditedAdmin):
    list_display = ["__str__", "withdrawal_threshold", "sample", "basis"]
    list_filter = ["region", "sample"]
