"""The form of the API tokens page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin

MAX_DAYS = 3650


class ApiTokenForm(BootstrapMixin, forms.Form):
    """A new personal token: a name saying what uses it, and how many days it lasts."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, e.g. “provincial portal”."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=365,
        help_text=_("After this many days the token stops working."),
    )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())
