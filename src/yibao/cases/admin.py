"""Back office for cases: read-mostly. Cases move only through cases.actions; history is read-only.
The 容缺 and item rules are configuration and are edited here (audited)."""
from django.contrib import admin

from yibao.cases.models import (
    Case,
    CaseEvent,
    DeferralRule,
    Evaluation,
    FollowUp,
    ItemRule,
    Notice,
    PaymentCeiling,
    Notification,
)
from yibao.core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline


class EventInline(ReadOnlyInline, admin.TabularInline):
    model = CaseEvent
    fields = ["at", "action", "from_state", "to_state", "actor_label", "actor_role", "office", "channel", "comment"]
    readonly_fields = fields
    ordering = ["at", "id"]


class NoticeInline(ReadOnlyInline, admin.TabularInline):
    model = Notice
    fields = ["kind", "issued_at", "issued_by", "content"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["receipt_no", "item_code", "region", "office", "channel", "state", "accepted_on", "due_date",
                    "overdue"]
    list_filter = ["state", "overdue", "channel", "region", "item_code"]
    search_fields = ["receipt_no", "item_code"]
    date_hierarchy = "submitted_at"
    inlines = [EventInline, NoticeInline]
    list_select_related = ["region"]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "case", "action", "from_state", "to_state", "actor_label", "actor_role", "channel"]
    list_filter = ["action", "channel"]
    search_fields = ["case__receipt_no", "actor_label"]
    list_select_related = ["case"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["issued_at", "case", "kind"]
    list_filter = ["kind"]
    search_fields = ["case__receipt_no"]
    list_select_related = ["case"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    # The rater is protected: not listed, not searchable.
    list_display = ["created_at", "case", "level", "channel", "item_code", "office"]
    list_filter = ["level", "channel", "item_code"]
    exclude = ["rater"]
    list_select_related = ["case"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["case", "region", "opened_on", "due_date", "outcome", "closed_at"]
    list_filter = ["outcome", "region"]
    list_select_related = ["case", "region"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at"]
    list_filter = ["kind"]


@admin.register(DeferralRule)
class DeferralRuleAdmin(AuditedAdmin):
    list_display = ["item_code", "region", "material", "working_days", "note"]
    list_filter = ["item_code", "region"]


@admin.register(ItemRule)
class ItemRuleAdmin(AuditedAdmin):
    list_display = ["item_code", "incompleteness_notice_days", "note"]


@admin.register(PaymentCeiling)
class PaymentCeilingAdmin(AuditedAdmin):
    """支付上限: a policy parameter; the shipped rows are 示例参数 until an agency sets its own."""

    list_display = ["item_code", "region", "effective_from", "ceiling", "sample", "note"]
    list_filter = ["item_code", "region", "sample"]
