from django.contrib import admin

from communes.models import Commune, District, Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "valid_from", "valid_until", "merged_into"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["merged_into"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "valid_until", "merged_into"]
    list_filter = ["kind", "province"]
    list_select_related = ["province", "merged_into"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["province", "merged_into"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "district",
        "province",
        "valid_until",
        "merged_into",
    ]
    list_filter = ["kind", "province"]
    list_select_related = ["district", "province", "merged_into"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["district", "province", "merged_into"]
