from django.contrib import admin

from yibao.core.audit import diff, record, snapshot
from yibao.core.models import AuditEntry, Channel


class ReadOnlyAdmin(admin.ModelAdmin):
    """A register shown in the back office but never edited by hand: it changes only through its
    actions, so that every change has its event and evidence."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline:
    """Mixin for a TabularInline/StackedInline of history rows under a read-only register."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose every add, change and delete is written to the audit trail."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        after = snapshot(obj)
        record(
            actor=request.user,
            channel=Channel.ADMIN,
            action="修改" if change else "新增",
            obj=obj,
            summary=str(obj),
            changes=diff(before, after),
        )

    def save_formset(self, request, form, formset, change):
        # Inline rows (materials, limits ...) are edits too: record each one that changed.
        before = {o.pk: snapshot(o) for o in formset.get_queryset()} if change else {}
        deleted = [f.instance for f in formset.deleted_forms if f.instance.pk]
        deleted = [(type(o), o.pk, str(o)) for o in deleted]
        super().save_formset(request, form, formset, change)
        for obj in [*formset.new_objects, *(o for o, _ in formset.changed_objects)]:
            record(
                actor=request.user,
                channel=Channel.ADMIN,
                action="修改" if obj.pk in before else "新增",
                obj=obj,
                summary=str(obj),
                changes=diff(before.get(obj.pk, {}), snapshot(obj)),
            )
        for model, pk, label in deleted:
            record(
                actor=request.user,
                channel=Channel.ADMIN,
                action="删除",
                object_type=f"{model._meta.app_label}.{model._meta.model_name}",
                object_id=str(pk),
                summary=label,
                changes={"deleted": before.get(pk, {})},
            )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def delete_model(self, request, obj):
        before = snapshot(obj)
        pk = obj.pk
        super().delete_model(request, obj)
        record(
            actor=request.user,
            channel=Channel.ADMIN,
            action="删除",
            object_type=f"{obj._meta.app_label}.{obj._meta.model_name}",
            object_id=str(pk),
            summary=str(obj),
            changes={"deleted": before},
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "channel", "action", "object_type", "object_id", "summary"]
    list_filter = ["channel", "action", "object_type"]
    search_fields = ["object_id", "summary", "actor_label"]
