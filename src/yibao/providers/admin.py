from django.contrib import admin

from yibao.core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline
from yibao.providers.models import (
    Agreement,
    AgreementEvent,
    ClaimSubmission,
    DepositRelease,
    FlaggedLine,
    Provider,
    SettlementEvent,
    SettlementParameters,
)

# The registers are written by providers/actions.py only: shown here, never edited by hand. The
# settlement parameters are the administrator's (every edit recorded).


class AgreementEventInline(ReadOnlyInline, admin.TabularInline):
    model = AgreementEvent
    readonly_fields = ["on", "action", "from_state", "to_state", "actor", "channel", "case", "comment"]


@admin.register(Provider)
class ProviderAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "level", "ownership", "region"]
    list_filter = ["region", "kind", "level", "ownership"]
    search_fields = ["code", "name"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["provider", "region", "state", "starts_on", "ends_on", "scope_provincial", "scope_national"]
    list_filter = ["region", "state"]
    search_fields = ["provider__code", "provider__name"]
    inlines = [AgreementEventInline]


class FlaggedInline(ReadOnlyInline, admin.TabularInline):
    model = FlaggedLine
    readonly_fields = ["line_no", "visit_on", "item_name", "fund_share", "rules", "verdict", "answer", "review_note", "note"]


class SettlementEventInline(ReadOnlyInline, admin.TabularInline):
    model = SettlementEvent
    readonly_fields = ["at", "action", "from_state", "to_state", "actor", "channel", "comment"]


@admin.register(ClaimSubmission)
class ClaimSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["provider", "period", "state", "lines", "claimed", "rejected_preliminary", "approved", "payable"]
    list_filter = ["region", "state", "period"]
    search_fields = ["provider__code", "provider__name"]
    inlines = [SettlementEventInline, FlaggedInline]


@admin.register(SettlementParameters)
class SettlementParametersAdmin(AuditedAdmin):
    list_display = ["__str__", "quarterly", "claim_due_day", "deposit_rate", "release_score", "line_ceiling",
                    "publicity_days", "sample"]
    list_filter = ["region", "sample"]


@admin.register(DepositRelease)
class DepositReleaseAdmin(ReadOnlyAdmin):
    list_display = ["provider", "year", "score", "held", "released", "withheld", "state", "case"]
    list_filter = ["region", "state", "year"]
    search_fields = ["provider__code", "provider__name"]
