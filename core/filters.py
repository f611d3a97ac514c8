"""Declared list filters: a django-filter ``FilterSet`` base whose form the one filter bar
(``templates/core/_filter_bar.html``) renders, so no list writes its filter markup again.

A list view builds its FilterSet from ``request.GET`` and the user's queryset, orders
``filterset.qs`` and paginates it; the template includes the bar with ``filterset``. Field ids
are ``f-<name>`` (the bar's live search listens to ``#f-q``). A value that is not one of a
filter's choices filters nothing, as before.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanTextMixin
from core.search import search_q


class SearchInput(forms.TextInput):
    input_type = "search"


class FilterForm(CleanTextMixin, forms.Form):
    """The form of a filter bar: ids ``f-<name>``, Bootstrap's small controls."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(*args, **kwargs)
        self.order_fields(["q"])  # the search box first, before inherited filters
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)


def search_filter(placeholder) -> django_filters.CharFilter:
    """The search box: every word, accents and case aside, in one of ``search_fields``."""
    widget = SearchInput(attrs={"placeholder": placeholder})
    return django_filters.CharFilter(label=_("Search"), method="filter_search", widget=widget)


def choice_filter(label, choices=(), **kwargs) -> django_filters.ChoiceFilter:
    """A drop-down with "All" first; ``choices`` may be filled per request in ``__init__``."""
    return django_filters.ChoiceFilter(label=label, choices=choices, empty_label=_("All"), **kwargs)


def checkbox_filter(label, method: str) -> django_filters.BooleanFilter:
    """A tick box sent as ``name=1``; ``method`` gets ``True`` or ``False``."""
    return django_filters.BooleanFilter(label=label, method=method, widget=forms.CheckboxInput)


class ListFilterSet(django_filters.FilterSet):
    """The filters of a list page. ``search_fields``: the folded columns that ``q`` searches."""

    search_fields: tuple[str, ...] = ()

    class Meta:
        form = FilterForm

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_q(value, *self.search_fields))

    @property
    def is_filtered(self) -> bool:
        """Whether a filter or the search narrows the list: an empty list then says "nothing
        matches these filters", not "nothing exists" (``templates/core/_empty_row.html``)."""
        return any(str(self.data.get(name, "")).strip() for name in self.filters)

    def set_choices(self, name: str, choices) -> None:
        """Give the ``name`` filter its choices for this request (before the form is built)."""
        self.filters[name].extra["choices"] = list(choices)
