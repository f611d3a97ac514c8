from django.contrib import admin

from api.models import ApiToken
from core.admin import ScopedAdminMixin


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Tokens by user; the key itself is never stored, so never shown. Revoke by ticking."""

    scope_via = ("user",)
    list_display = ["name", "user", "prefix", "created", "last_used_at", "expires_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["user", "prefix", "created", "last_used_at"]
    fields = ["user", "name", "prefix", "created", "last_used_at", "expires_at", "revoked"]

    def has_add_permission(self, request):
        return False
