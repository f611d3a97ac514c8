"""Filters of the procedure catalogue."""

from django.utils.translation import gettext_lazy as _

from core.filters import ListFilterSet, checkbox_filter, choice_filter, search_filter
from procedures.models import Field


class ProcedureFilterSet(ListFilterSet):
    """Procedures by field; abolished ones only when asked."""

    search_fields = ("search_text", "field__search_text")

    q = search_filter(_("name or national code"))
    field = choice_filter(_("Field"), field_name="field__code")
    abolished = checkbox_filter(_("Include abolished"), "filter_abolished")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = Field.objects.order_by("sort_key").values_list("code", "name")
        self.set_choices("field", fields)

    def filter_abolished(self, queryset, name, value):
        return queryset if value else queryset.active()
