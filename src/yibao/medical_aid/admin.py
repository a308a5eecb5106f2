"""Back office: the aid parameters are edited here (sample values labelled 示例参数); the lists,
batches, grants and recognitions are shown read-only (they change only through their actions)."""
from django.contrib import admin

from yibao.core.admin import AuditedAdmin, ReadOnlyAdmin
from yibao.medical_aid.models import (
    AidClaim,
    AidParameters,
    Grant,
    Recognition,
    RecipientList,
    SubsidyBatch,
    SubsidyParameters,
)


@admin.register(SubsidyParameters)
class SubsidyParametersAdmin(AuditedAdmin):
    list_display = ["__str__", "region", "category", "mode", "amount", "effective_from", "sample"]
    list_filter = ["region", "category", "sample"]


@admin.register(AidParameters)
class AidParametersAdmin(AuditedAdmin):
    list_display = ["__str__", "region", "category", "threshold", "ratio", "yearly_cap", "effective_from", "sample"]
    list_filter = ["region", "category", "sample"]


for model in (RecipientList, SubsidyBatch, Grant, Recognition, AidClaim):
    admin.site.register(model, ReadOnlyAdmin)
