from django.contrib import admin, messages

from yibao.catalog import flow
from yibao.catalog.models import (
    Guide,
    ItemChannel,
    ItemOffice,
    Material,
    Office,
    ReferenceList,
    ReferenceRow,
    Region,
    ServiceItem,
    Stage,
    TimeLimit,
)
from yibao.core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ["ordinal", "name", "when", "seal_required", "commitment_fallback"]


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["ordinal", "name", "text"]


class TimeLimitInline(admin.TabularInline):
    model = TimeLimit
    extra = 0
    fields = ["ordinal", "when", "working_days", "text"]


class ChannelInline(admin.TabularInline):
    model = ItemChannel
    extra = 0
    fields = ["ordinal", "code", "name", "online", "conditional", "applies_to", "text"]


class ItemOfficeInline(admin.TabularInline):
    model = ItemOffice
    extra = 0
    fields = ["ordinal", "office", "address", "hours", "consult_phones", "complaint_phones"]


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "full_name", "area_code", "is_template", "sort_order"]
    search_fields = ["code", "name", "full_name"]


@admin.register(Guide)
class GuideAdmin(AuditedAdmin):
    list_display = ["region", "edition", "source", "effective_from", "imported_at", "family"]
    list_filter = ["region"]
    readonly_fields = ["content_hash", "imported_at", "raw_text", "report", "source", "family"]


@admin.register(ServiceItem)
class ServiceItemAdmin(AuditedAdmin):
    list_display = ["display_title", "code", "catalogue_code", "group", "guide", "ordinal", "has_review", "pays",
                    "flow_source", "flow_check"]
    list_filter = ["guide__region", "group", "guide", "pays", "flow_source"]
    search_fields = ["name", "title", "code", "catalogue_code"]
    readonly_fields = ["flow_source"]
    inlines = [MaterialInline, TimeLimitInline, StageInline, ChannelInline, ItemOfficeInline]

    @admin.display(description="流程核对")
    def flow_check(self, obj):
        return "；".join(flow.problems(obj)) or "一致"

    def save_model(self, request, obj, form, change):
        # A flow set by hand says so: the import's derivation no longer speaks for it.
        if change and {"has_review", "pays"} & set(form.changed_data):
            obj.flow_source = flow.FlowSource.ADMIN
        super().save_model(request, obj, form, change)
        for problem in flow.problems(obj):
            messages.warning(request, f"{obj}：{problem}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET":
            for problem in flow.problems(obj):
                messages.warning(request, problem)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Office)
class OfficeAdmin(AuditedAdmin):
    list_display = ["name", "guide", "address", "hours"]
    list_filter = ["guide__region"]
    search_fields = ["name", "address"]


class ReferenceRowInline(ReadOnlyInline, admin.TabularInline):
    model = ReferenceRow
    fields = ["number", "item_code", "name", "catalogue_code", "max_materials", "max_working_days", "public",
              "added", "certainty", "basis"]
    readonly_fields = fields


@admin.register(ReferenceList)
class ReferenceListAdmin(ReadOnlyAdmin):
    """Lists change only by loading a file (yibao catalog reference load), which is recorded."""

    list_display = ["name", "level", "province", "date", "complete", "loaded_at"]
    inlines = [ReferenceRowInline]
