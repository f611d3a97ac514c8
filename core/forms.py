"""Form helpers every app's forms use: Bootstrap classes and accessible errors, text cleaned of
control characters, dd/mm/yyyy dates and years within 2000–2100, amounts not negative, file inputs that speak the
page's language, choice fields that refuse malformed ids quietly."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from core.text import clean_text

# No date the application records comes before the first programmes (2017); 2000 catches typos.
EARLIEST_YEAR = 2000
# Nor after 2100: a year such as 20017 or 9999 is a typo, and date arithmetic would overflow.
LATEST_YEAR = 2100
DATE_INVALID = _("Enter a date as dd/mm/yyyy, for example 15/12/2017.")

# Django 6's label for an empty choice, absent from Django's Vietnamese catalogue: marked here so
# that ``makemessages`` puts it in ours (Django looks it up in every catalogue).
BLANK_CHOICE_LABEL = _("- Select an option -")


def clean_data(data):
    """A form's submitted ``data`` with every text cleaned (:func:`core.text.clean_text`)."""

    def clean(value):
        return clean_text(value) if isinstance(value, str) else value

    if isinstance(data, MultiValueDict):  # a request's QueryDict: a mutable copy
        cleaned = data.copy()
        for key, values in data.lists():
            cleaned.setlist(key, [clean(v) for v in values])
        return cleaned
    return {
        key: [clean(v) for v in value] if isinstance(value, list | tuple) else clean(value)
        for key, value in data.items()
    }


class CleanTextMixin:
    """Text typed into the form reaches its fields in NFC without control characters, so no
    ``\\x01`` pasted into a field is ever stored (it would break every Word file showing it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = clean_data(self.data)


def with_clean_text(form_class: type) -> type:
    """``form_class`` cleaning its text (:class:`CleanTextMixin`), for forms built elsewhere."""
    if issubclass(form_class, CleanTextMixin):
        return form_class
    return type(form_class.__name__, (CleanTextMixin, form_class), {})


class CleanTextAdminMixin:
    """A ``ModelAdmin`` whose change forms, inline formsets and list-editable forms clean the
    text they are given, as every form of the pages does: put it first in each admin's bases."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        return with_clean_text(super().get_form(request, obj, change=change, **kwargs))

    def get_changelist_form(self, request, **kwargs):
        return with_clean_text(super().get_changelist_form(request, **kwargs))

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if kwargs.get("data") is not None:
            kwargs["data"] = clean_data(kwargs["data"])
        return kwargs


class BootstrapMixin(CleanTextMixin):
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
            elif isinstance(field, forms.DecimalField):
                amount_field_rules(field)

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


def not_after_2100(value):
    """Refuse a year after :data:`LATEST_YEAR` (a typo such as 15/12/20017 or 31/12/9999)."""
    if isinstance(value, datetime.date) and value.year > LATEST_YEAR:
        raise ValidationError(
            _("The year %(year)s is after %(latest)s: check the year you typed."),
            code="too_late",
            params={"year": value.year, "latest": LATEST_YEAR},
        )


def year_in_range(value):
    """Refuse a year outside :data:`EARLIEST_YEAR`–:data:`LATEST_YEAR` (0, 217, 99999) on the
    field, so that a page never works with it (``datetime.date(0, 1, 1)`` is an error)."""
    if value is not None and value < EARLIEST_YEAR:
        raise ValidationError(
            _(
                "The year cannot be before 2000: the QMS rules for state bodies date from "
                "2014 (QĐ 19/2014/QĐ-TTg)."
            ),
            code="too_early",
        )
    if value is not None and value > LATEST_YEAR:
        raise ValidationError(
            _("The year %(year)s is after %(latest)s: check the year you typed."),
            code="too_late",
            params={"year": value, "latest": LATEST_YEAR},
        )


def year_field_rules(field: forms.IntegerField) -> forms.IntegerField:
    """A year field: refuses a year outside 2000–2100 with a message that says so."""
    if year_in_range not in field.validators:
        field.validators.append(year_in_range)
    field.widget.attrs.update(min=EARLIEST_YEAR, max=LATEST_YEAR)
    return field


def not_negative(value):
    """Refuse a negative amount (a budget in VND)."""
    if value is not None and value < 0:
        raise ValidationError(_("The budget cannot be negative."), code="negative")


def amount_field_rules(field: forms.DecimalField) -> forms.DecimalField:
    """Every amount (the forms' decimal fields are sums in VND): refuses a negative one on the
    field, before the database's constraint would (or, where the form leaves the constraint
    unchecked, the database itself, as a server error)."""
    if not_negative not in field.validators:
        field.validators.append(not_negative)
    field.widget.attrs.setdefault("min", 0)
    return field


def date_field_rules(field: forms.DateField) -> forms.DateField:
    """Every date field: says which format it expects, refuses years before 2000 or after 2100."""
    field.error_messages["invalid"] = DATE_INVALID
    for rule in (not_before_2000, not_after_2100):
        if rule not in field.validators:
            field.validators.append(rule)
    if type(field.widget) is forms.DateInput:
        field.widget = DateInput(attrs=field.widget.attrs)
    return field


class DateField(forms.DateField):
    """A dd/mm/yyyy date field; the invalid message names the format."""

    widget = DateInput
    default_error_messages = {"invalid": DATE_INVALID}
    default_validators = [not_before_2000, not_after_2100]


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
