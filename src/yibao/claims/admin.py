from django.contrib import admin

from yibao.claims.models import Claim, ClaimReview, ClaimUse, InvoiceUse, ReimbursementParameters
from yibao.core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline

# Parameters are edited here (recorded); claims, invoices, reviews and use are written by
# claims/actions.py only: shown, never edited by hand.


@admin.register(ReimbursementParameters)
class ReimbursementParametersAdmin(AuditedAdmin):
    list_display = ["__str__", "deductible", "deductible_per", "ratio_level1", "ratio_level2", "ratio_level3",
                    "class_b_share", "unfiled_reduction", "yearly_cap", "sample"]
    list_filter = ["region", "scheme", "benefit", "sample"]


class ReviewInline(ReadOnlyInline, admin.TabularInline):
    model = ClaimReview
    readonly_fields = ["level", "actor", "payable", "adjustments", "comment", "channel", "at"]


class UseInline(ReadOnlyInline, admin.TabularInline):
    model = ClaimUse
    readonly_fields = ["benefit", "year", "period", "deductible_used", "paid"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["case", "person", "scheme", "payable", "fixed", "calculated_at"]
    list_filter = ["scheme", "fixed"]
    search_fields = ["case__receipt_no"]
    inlines = [ReviewInline, UseInline]


@admin.register(InvoiceUse)
class InvoiceUseAdmin(ReadOnlyAdmin):
    list_display = ["number", "case", "released", "released_reason", "created_at"]
    list_filter = ["released"]
    search_fields = ["number", "case__receipt_no"]
