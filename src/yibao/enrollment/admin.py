"""The registers in the back office: read-only (every change goes through a case or an action,
so that it has its history and evidence), personal data masked in the lists; the policy
parameters, edited and audited."""
from django.contrib import admin
from django.utils import timezone

from yibao.core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline
from yibao.enrollment.models import (
    SAMPLE_LABEL,
    Employer,
    EmployerLink,
    Enrollment,
    EnrollmentChange,
    FieldChange,
    Person,
    PersonPhone,
    PolicyParameters,
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


@admin.register(PolicyParameters)
class PolicyParametersAdmin(AuditedAdmin):
    """A version in force is history: cases were judged by it. Change policy by adding a version
    with a later effective date; a version not yet in force may still be corrected."""

    list_display = ["region", "scheme", "effective_from", "employer_rate", "personal_rate", "base_floor",
                    "base_ceiling", "flexible_rate", "sample_label"]
    list_filter = ["region", "scheme", "sample"]
    readonly_fields = ["created_at", "created_by"]
    fieldsets = [
        (None, {"fields": ["region", "scheme", "effective_from", "sample", "basis"]}),
        ("职工缴费", {"fields": ["employer_rate", "personal_rate", "base_floor", "base_ceiling", "notice_due_days"]}),
        ("灵活就业人员", {"fields": ["flexible_rate", "flexible_base_floor", "flexible_base_ceiling"]}),
        ("趸缴与退休", {"fields": ["lump_sum_years_male", "lump_sum_years_female", "lump_sum_base", "lump_sum_rate",
                              "retirement_age_male", "retirement_age_female"]}),
        ("录入", {"fields": ["created_at", "created_by"]}),
    ]

    @admin.display(description="示例")
    def sample_label(self, obj):
        return SAMPLE_LABEL if obj.sample else ""

    def _in_force(self, obj):
        return obj is not None and obj.pk is not None and obj.effective_from <= timezone.localdate()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._in_force(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._in_force(obj)

    def save_model(self, request, obj, form, change):
        # Recorded now: cases submitted before this moment keep the figures they were judged by.
        obj.created_at, obj.created_by = timezone.now(), request.user
        super().save_model(request, obj, form, change)
