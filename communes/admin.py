from django.contrib import admin

from communes.models import (
    Body,
    Commune,
    District,
    Province,
    ProvinceSuccession,
    Succession,
)
from core.admin import ScopedAdminMixin
from core.forms import CleanTextAdminMixin


class SuccessionInline(admin.TabularInline):
    model = Succession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]


class ProvinceSuccessionInline(admin.TabularInline):
    model = ProvinceSuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]


@admin.register(Province)
class ProvinceAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "valid_from", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    inlines = [ProvinceSuccessionInline]


@admin.register(District)
class DistrictAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "valid_until"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["province"]


@admin.register(Commune)
class CommuneAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district", "province", "valid_from", "valid_until"]
    list_filter = ["kind", "province"]
    list_select_related = ["district", "province"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["district", "province"]
    inlines = [SuccessionInline]


@admin.register(Succession)
class SuccessionAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    scope_via = ("predecessor", "successor")
    list_display = ["predecessor", "successor", "effective_on", "whole", "legal_basis"]
    list_select_related = ["predecessor", "successor"]
    search_fields = ["predecessor__code", "predecessor__name", "successor__code", "successor__name"]
    autocomplete_fields = ["predecessor", "successor"]
    date_hierarchy = "effective_on"


@admin.register(ProvinceSuccession)
class ProvinceSuccessionAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    scope_via = ("predecessor", "successor")
    list_display = ["predecessor", "successor", "effective_on", "whole", "legal_basis"]
    list_select_related = ["predecessor", "successor"]
    autocomplete_fields = ["predecessor", "successor"]


@admin.register(Body)
class BodyAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "level",
        "province",
        "applying_since",
        "edition",
        "announced_on",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["level", "edition", "province"]
    list_select_related = ["province"]
    search_fields = ["name"]
    autocomplete_fields = ["province", "parent", "district"]
