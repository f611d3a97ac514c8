"""Form helpers every app's forms use: Bootstrap classes and accessible errors, dd/mm/yyyy dates."""

from django import forms
from django.utils.translation import gettext_lazy as _

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
