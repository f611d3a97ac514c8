from django.contrib import admin

from core.admin import ScopedAdminMixin
from core.forms import CleanTextAdminMixin
from notifications.models import Digest, DigestFailure, NotificationPreference


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    scope_via = ("user",)
    list_display = ["user", "digest_enabled", "language"]
    list_filter = ["digest_enabled", "language"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(Digest)
class DigestAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    """What was mailed to whom and why: read-only, a record of fact."""

    scope_via = ("user",)
    list_display = ["sent_on", "user", "to_address", "subject", "sent_at"]
    list_filter = ["sent_on"]
    list_select_related = ["user"]
    search_fields = ["user__username", "to_address"]
    date_hierarchy = "sent_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DigestFailure)
class DigestFailureAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    """The digests the mail server refused, and why: read-only; the next run tries again."""

    scope_via = ("user",)
    list_display = ["sent_on", "user", "to_address", "error", "failed_at"]
    list_filter = ["sent_on"]
    list_select_related = ["user"]
    search_fields = ["user__username", "to_address"]
    date_hierarchy = "sent_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
