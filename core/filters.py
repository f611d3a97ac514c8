"""Declared list filters: a django-filter ``FilterSet`` base whose form the one filter bar
(``templates/core/_filter_bar.html``) renders, so no list writes its filter markup again.

A list view builds its FilterSet from ``request.GET`` and the user's queryset, orders
``filterset.qs`` and paginates it; the template includes the bar with ``filterset``. Field ids
are ``f-<name>`` (the bar's live search listens to ``#f-q``). A value that is not one of a
filter's choices filters nothing, as before.
"""

import django_filters
from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.forms import CleanTextMixin
from core.search import search_q


class SearchInput(forms.TextInput):
    input_type = "search"


def _attrs(attrs: dict) -> str:
    """HTML attributes as ``django/forms/widgets/attrs.html`` writes them."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A drop-down written in Python, the HTML of Django's ``select.html`` to the character: a
    filter bar's few drop-downs rendered three templates an option (4 ms of a list page).
    Grouped choices go through the templates."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group for group, _options, _index in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = "".join(
            f'\n  <option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>\n"
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        )
        return mark_safe(  # noqa: S308 (every value escaped above)
            f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>{options}\n</select>'
        )


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
                if type(widget) is forms.Select:  # not a subclass: its own template
                    widget.__class__ = QuickSelect
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
