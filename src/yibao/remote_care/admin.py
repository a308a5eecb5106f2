from django.contrib import admin

from yibao.core.admin import AuditedAdmin, ReadOnlyAdmin
from yibao.remote_care.models import Coordination, Filing, FilingEvent, RemoteCareParameters


@admin.register(Filing)
class FilingAdmin(ReadOnlyAdmin):
    list_display = ("number", "person", "region", "kind", "cross_province", "province", "city", "start_on", "end_on",
                    "status")
    list_filter = ("region", "kind", "filing_class", "cross_province", "status")
    search_fields = ("number", "person__id_number")


@admin.register(FilingEvent)
class FilingEventAdmin(ReadOnlyAdmin):
    list_display = ("filing", "action", "on", "channel", "actor", "at")
    list_filter = ("action",)


@admin.register(Coordination)
class CoordinationAdmin(ReadOnlyAdmin):
    list_display = ("case", "source", "provider", "fed_back_on")
    list_filter = ("source",)


@admin.register(RemoteCareParameters)
class RemoteCareParametersAdmin(AuditedAdmin):
    """Edited by an administrator (recorded in 操作记录); the model's clean() refuses a temporary
    validity below the national floor."""

    list_display = ("__str__", "temporary_months", "commitment_lock_months", "sample", "basis")
    list_filter = ("region", "sample")
