from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.admin import ScopedAdminMixin
from core.forms import CleanTextAdminMixin


@admin.register(User)
class UserAdmin(ScopedAdminMixin, CleanTextAdminMixin, BaseUserAdmin):
    list_display = [
        "username",
        "get_full_name",
        "role",
        "district",
        "commune",
        "consultant",
    ]
    list_filter = ["role", "is_active", "district"]
    list_select_related = ["district", "commune", "consultant"]
    autocomplete_fields = ["district", "commune", "consultant"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            _("Role and scope"),
            {"fields": ["role", "district", "commune", "consultant"]},
        ),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (
            _("Role and scope"),
            {"fields": ["role", "district", "commune", "consultant"]},
        ),
    ]
