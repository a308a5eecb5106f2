"""Back office for API clients: read-only lists (clients are made with `yibao api-token create`,
which shows the token once); disabling a client goes through api.actions.revoke_client (audited)."""
from django.contrib import admin, messages

from yibao.api import actions
from yibao.api.models import ApiCall, ApiClient, ApiToken
from yibao.core.admin import ReadOnlyAdmin
from yibao.core.models import Channel


@admin.register(ApiClient)
class ApiClientAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region", "user", "active", "created_at"]
    list_filter = ["kind", "active", "region"]
    search_fields = ["name"]
    actions = ["disable"]

    @admin.action(description="停用所选客户端并注销其全部令牌")
    def disable(self, request, queryset):
        for client in queryset.filter(active=True):
            actions.revoke_client(client, request.user, channel=Channel.ADMIN)
        messages.success(request, "已停用所选客户端")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "client", "user", "created_at", "expires_at", "revoked_at"]
    list_filter = ["client"]
    exclude = ["key_hash"]


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyAdmin):
    list_display = ["at", "client", "user", "via", "method", "path"]
    list_filter = ["via", "client"]
    date_hierarchy = "at"
