from django.contrib import admin

from yibao.core.admin import AuditedAdmin
from yibao.maternity.models import AllowanceParameters, MaternityTariff, SharedBirthCertificate


@admin.register(MaternityTariff)
class MaternityTariffAdmin(AuditedAdmin):
    list_display = ("item_code", "region", "effective_from", "deductible", "ratio_level2", "yearly_cap", "sample")
    list_filter = ("item_code", "region", "sample")


@admin.register(AllowanceParameters)
class AllowanceParametersAdmin(AuditedAdmin):
    list_display = ("region", "effective_from", "base_days", "regional_extra_days", "regional_extra_paid",
                    "rate_months", "rate_days", "sample")


@admin.register(SharedBirthCertificate)
class SharedBirthCertificateAdmin(AuditedAdmin):
    list_display = ("number", "issued_on", "source", "received_at")
    search_fields = ("number",)
