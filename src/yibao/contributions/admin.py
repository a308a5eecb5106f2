"""Back office for the contributions and credentials registers (read only: they change through
their actions)."""
from django.contrib import admin

from yibao.contributions.models import (
    Assessment,
    Certificate,
    ContributionBase,
    ContributionPeriod,
    ECredential,
    PaymentNotice,
)
from yibao.core.admin import ReadOnlyAdmin


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
