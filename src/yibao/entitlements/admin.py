from django.contrib import admin

from yibao.core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline
from yibao.entitlements.models import (
    Disease,
    Entitlement,
    EntitlementHistory,
    Expert,
    ExpertReview,
    RecognitionSite,
)

# The disease lists and the expert pool are edited here (recorded); the register and the reviews
# are written by entitlements/actions.py only.


@admin.register(Disease)
class DiseaseAdmin(AuditedAdmin):
    list_display = ["__str__", "kind", "region", "validity_months", "min_level", "public_only", "effective_from",
                    "active", "sample"]
    list_filter = ["region", "scheme", "kind", "sample", "active"]
    search_fields = ["code", "name"]


@admin.register(RecognitionSite)
class RecognitionSiteAdmin(AuditedAdmin):
    list_display = ["provider", "kind", "region", "valid_from", "valid_to", "sample"]
    list_filter = ["region", "kind", "sample"]


@admin.register(Expert)
class ExpertAdmin(AuditedAdmin):
    list_display = ["name", "specialty", "institution", "region", "active"]
    list_filter = ["region", "active"]


class HistoryInline(ReadOnlyInline, admin.TabularInline):
    model = EntitlementHistory
    readonly_fields = ["action", "status", "note", "case", "actor", "channel", "at"]


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnlyAdmin):
    list_display = ["person", "disease", "valid_from", "valid_to", "status", "provider_name", "case"]
    list_filter = ["region", "kind", "status"]
    search_fields = ["person__id_number", "disease_code"]
    inlines = [HistoryInline]


@admin.register(ExpertReview)
class ExpertReviewAdmin(ReadOnlyAdmin):
    list_display = ["case", "expert", "mode", "opinion", "assigned_at"]
    list_filter = ["mode", "opinion"]
