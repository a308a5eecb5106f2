"""Back office for the policy parameters (edited, audited) and the contributions and credentials
registers (read only: they change through their actions)."""
from django.contrib import admin
from django.utils import timezone

from yibao.core.admin import AuditedAdmin, ReadOnlyAdmin
from yibao.enrollment.contributions import Assessment, ContributionBase, ContributionPeriod, PaymentNotice
from yibao.enrollment.credentials import Certificate, ECredential
from yibao.enrollment.parameters import SAMPLE_LABEL, PolicyParameters


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


@admin.register(PaymentNotice)
class PaymentNoticeAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "region", "employer", "person", "total", "issued_on", "due_on", "state",
                    "parameters_label"]
    list_filter = ["kind", "state", "region"]
    search_fields = ["number"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["person", "employer", "month", "base", "amount", "state"]
    list_filter = ["state", "region"]
    raw_id_fields = ["person", "employer", "notice", "case", "parameters"]


@admin.register(ContributionBase)
class ContributionBaseAdmin(ReadOnlyAdmin):
    list_display = ["employer", "person", "year", "base"]
    list_filter = ["year"]


@admin.register(ContributionPeriod)
class ContributionPeriodAdmin(ReadOnlyAdmin):
    list_display = ["person", "source", "months", "region", "origin", "recorded_at"]
    list_filter = ["source", "region"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "person", "region", "issued_at"]
    search_fields = ["number"]
    exclude = ["content"]


@admin.register(ECredential)
class ECredentialAdmin(ReadOnlyAdmin):
    list_display = ["person", "masked_number", "status", "activated_at"]
    list_filter = ["status"]
    exclude = ["number"]
