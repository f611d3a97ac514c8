"""Form helpers every app's forms use: Bootstrap classes and accessible errors, dd/mm/yyyy dates,
file inputs that speak the page's language, choice fields that refuse malformed ids quietly."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# No date the application records comes before the first programmes (2017); 2000 catches typos.
EARLIEST_YEAR = 2000
DATE_INVALID = _("Enter a date as dd/mm/yyyy, for example 15/12/2017.")

# Django 6's label for an empty choice, absent from Django's Vietnamese catalogue: marked here so
# that ``makemessages`` puts it in ours (Django looks it up in every catalogue).
BLANK_CHOICE_LABEL = _("- Select an option -")


class BootstrapMixin:
    """Gives each widget Bootstrap's class, and marks invalid fields for screen readers too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(field, forms.DateField):
                date_field_rules(field)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class DateInput(forms.DateInput):
    """A text box for dd/mm/yyyy (the browser's date picker would show the US order)."""

    def __init__(self, attrs=None):
        base = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


def not_before_2000(value):
    """Refuse a year before :data:`EARLIEST_YEAR` (a typo such as 15/12/0217 or 15/12/1917)."""
    if isinstance(value, datetime.date) and value.year < EARLIEST_YEAR:
        raise ValidationError(
            _("The year %(year)s is before %(earliest)s: check the year you typed."),
            code="too_early",
            params={"year": value.year, "earliest": EARLIEST_YEAR},
        )


def date_field_rules(field: forms.DateField) -> forms.DateField:
    """Every date field: says which format it expects, refuses years before 2000."""
    field.error_messages["invalid"] = DATE_INVALID
    if not_before_2000 not in field.validators:
        field.validators.append(not_before_2000)
    if type(field.widget) is forms.DateInput:
        field.widget = DateInput(attrs=field.widget.attrs)
    return field


class DateField(forms.DateField):
    """A dd/mm/yyyy date field; the invalid message names the format."""

    widget = DateInput
    default_error_messages = {"invalid": DATE_INVALID}
    default_validators = [not_before_2000]


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, but an id too large for the database is refused like any other wrong id."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        field = self.queryset.model._meta.get_field(key) if key != "pk" else None
        field = field or self.queryset.model._meta.pk
        if isinstance(field, models.AutoField | models.IntegerField):
            for pk in value:
                if str(pk).strip().lstrip("-").isdigit() and abs(int(pk)) >= 2**63:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


class FileInput(forms.ClearableFileInput):
    """A file input whose button and "no file chosen" are ours (translated), not the browser's.

    The native input stays in the page (keyboard and screen readers use it); its own button,
    which speaks the browser's language, is hidden behind a label styled as a button.
    ``static/js/file-input.js`` writes the chosen file's name.
    """

    template_name = "core/widgets/file_input.html"


def check_not_before(value, earliest, message) -> None:
    """Raise ``message`` (formatted with ``date`` = ``earliest`` as dd/mm/yyyy) when ``value`` is
    before ``earliest``; either may be empty."""
    if value and earliest and value < earliest:
        raise ValidationError(message % {"date": f"{earliest:%d/%m/%Y}"}, code="too_early")
