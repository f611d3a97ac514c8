"""Forms of the reports pages: the annual report's header and narrative sections."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin, DateInput, year_field_rules
from reports.models import AnnualReport


class AnnualReportForm(BootstrapMixin, forms.ModelForm):
    """What the user writes before generating the report: its number and date as issued, the
    signer, the recipients, and the narrative sections (QĐ 19/2014 Phụ lục II)."""

    class Meta:
        model = AnnualReport
        fields = [
            "achievements",
            "problems",
            "proposals",
            "number",
            "issued_on",
            "signer_title",
            "signer_name",
            "recipients",
        ]
        widgets = {
            "achievements": forms.Textarea(attrs={"rows": 5}),
            "problems": forms.Textarea(attrs={"rows": 4}),
            "proposals": forms.Textarea(attrs={"rows": 4}),
            "issued_on": DateInput(),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }


class AnnualReportCreateForm(BootstrapMixin, forms.ModelForm):
    """Open the report of a year (one per province and year)."""

    class Meta:
        model = AnnualReport
        fields = ["province", "year"]
        labels = {"year": _("Year")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year_field_rules(self.fields["year"])
