"""The registers in the back office: read-only (every change goes through a case or an action,
so that it has its history and evidence), personal data masked in the lists."""
from django.contrib import admin

from yibao.core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline
from yibao.enrollment.models import (
    Employer,
    EmployerLink,
    Enrollment,
    EnrollmentChange,
    FieldChange,
    Person,
    PersonPhone,
    SharedDeath,
    SheetImport,
)


class ChangeInline(ReadOnlyInline, admin.TabularInline):
    model = EnrollmentChange
    fields = ["kind", "from_status", "to_status", "on", "reason", "case", "sheet_row", "channel", "created_at"]
    readonly_fields = fields


@admin.register(Employer)
class EmployerAdmin(ReadOnlyAdmin):
    list_display = ["name", "uscc", "kind", "region", "collection_agency", "status", "masked_bank_account"]
    list_filter = ["region", "kind", "status", "collection_agency"]
    search_fields = ["name", "uscc"]
    exclude = ["bank_account"]
    readonly_fields = ["masked_bank_account"]


@admin.register(EmployerLink)
class EmployerLinkAdmin(ReadOnlyAdmin):
    list_display = ["predecessor", "successor", "kind", "on"]
    list_filter = ["kind"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "region", "sex", "birth_date", "status", "masked_phone"]
    list_filter = ["region", "status"]
    search_fields = ["=id_number"]
    exclude = ["id_number", "phone", "name"]
    readonly_fields = ["__str__", "masked_id", "masked_phone"]


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ["person", "scheme", "employer", "region", "status", "start_on", "end_on"]
    list_filter = ["region", "scheme", "status"]
    search_fields = ["=person__id_number", "employer__uscc"]
    list_select_related = ["person", "employer", "region"]
    inlines = [ChangeInline]


@admin.register(FieldChange)
class FieldChangeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "employer", "person", "label", "key", "evidence", "case", "channel"]
    list_filter = ["key", "field"]
    exclude = ["old_value", "new_value"]  # may hold an ID or a bank account: see the subject's own record


@admin.register(PersonPhone)
class PersonPhoneAdmin(ReadOnlyAdmin):
    list_display = ["person", "since", "channel", "case"]


@admin.register(SheetImport)
class SheetImportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "employer", "file_name", "rows", "enrolled", "reduced", "channel"]


@admin.register(SharedDeath)
class SharedDeathAdmin(AuditedAdmin):
    """Deaths received through data sharing may be keyed in by hand when the feed is down."""

    list_display = ["__str__", "died_on", "source", "received_at"]
    search_fields = ["=id_number"]
