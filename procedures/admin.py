from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin
from core.forms import CleanTextAdminMixin
from procedures.models import Catalogue, Field, Procedure, ScopeItem


@admin.register(Field)
class FieldAdmin(ScopedAdminMixin, CleanTextAdminMixin, admin.ModelAdmin):
    shared_reference_data = True  # the national catalogue
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Procedure)
class ProcedureAdmin(ScopedAdminMixin, CleanTextAdminMixin, SimpleHistoryAdmin):
    shared_reference_data = True  # the national catalogue
    list_display = [
        "name",
        "national_code",
        "field",
        "processing_days",
        "amended_on",
        "abolished_on",
    ]
    list_filter = ["field"]
    list_select_related = ["field"]
    search_fields = ["name", "national_code"]
    autocomplete_fields = ["field", "replaced_by"]


@admin.register(ScopeItem)
class ScopeItemAdmin(ScopedAdminMixin, CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "commune",
        "procedure",
        "process_code",
        "revision",
        "issued_on",
        "state",
    ]
    list_filter = ["state", "commune__district"]
    list_select_related = ["commune", "procedure"]
    search_fields = ["commune__name", "procedure__name", "process_code"]
    autocomplete_fields = ["commune", "procedure"]


@admin.register(Catalogue)
class CatalogueAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ["name", "valid_from", "decision"]
    search_fields = ["name", "decision"]
    autocomplete_fields = ["procedures"]
