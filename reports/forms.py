"""Forms of the reports pages: the annual report's header, cut-off day and narrative sections."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core import clock
from core.forms import BootstrapMixin, DateInput, year_field_rules
from reports.models import AnnualReport


class AnnualReportForm(BootstrapMixin, forms.ModelForm):
    """What the user writes before generating the two documents: the cut-off day of the
    figures, the Sở's report's number, date, signer and recipients, the People's Committee's
    report's number, date and signer, and the narrative sections (QĐ 19/2014 Phụ lục II)."""

    class Meta:
        model = AnnualReport
        fields = [
            "figures_on",
            "achievements",
            "problems",
            "proposals",
            "number",
            "issued_on",
            "signer_title",
            "signer_name",
            "recipients",
            "province_number",
            "province_issued_on",
            "province_signer_title",
            "province_signer_name",
        ]
        widgets = {
            "figures_on": DateInput(),
            "achievements": forms.Textarea(attrs={"rows": 5}),
            "problems": forms.Textarea(attrs={"rows": 4}),
            "proposals": forms.Textarea(attrs={"rows": 4}),
            "issued_on": DateInput(),
            "recipients": forms.Textarea(attrs={"rows": 3}),
            "province_issued_on": DateInput(),
            "province_signer_title": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_figures_on(self):
        day = self.cleaned_data.get("figures_on")
        if day is None:
            return day
        year = self.instance.year
        if day.year != year:
            raise forms.ValidationError(
                _("The cut-off day must fall in the report's year, %(year)s."),
                code="other_year",
                params={"year": year},
            )
        today = clock.today()
        if day > today:
            raise forms.ValidationError(
                _("The cut-off day cannot be after today (%(today)s): figures are not known yet."),
                code="future",
                params={"today": f"{today:%d/%m/%Y}"},
            )
        return day

    def clean(self):
        data = super().clean()
        day = data.get("figures_on") or self.instance.cut_off
        for name in ("issued_on", "province_issued_on"):
            issued = data.get(name)
            if issued and day and day > issued:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _(
                            "A report cannot be issued before the cut-off day of its figures "
                            "(%(day)s)."
                        ),
                        code="before_cut_off",
                        params={"day": f"{day:%d/%m/%Y}"},
                    ),
                )
        so, province = data.get("issued_on"), data.get("province_issued_on")
        if so and province and province < so:
            self.add_error(
                "province_issued_on",
                forms.ValidationError(
                    _(
                        "The People's Committee's report follows the Sở's report (%(day)s): it "
                        "cannot be dated before it."
                    ),
                    code="before_so",
                    params={"day": f"{so:%d/%m/%Y}"},
                ),
            )
        return data


class AnnualReportCreateForm(BootstrapMixin, forms.ModelForm):
    """Open the report of a year (one per province and year); its figures are as of the day it
    is made (the year's last day for a year already over), which the user may change."""

    class Meta:
        model = AnnualReport
        fields = ["province", "year"]
        labels = {"year": _("Year")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year_field_rules(self.fields["year"])

    def save(self, commit=True):
        report = super().save(commit=False)
        today = clock.today()
        if report.year <= today.year:
            report.figures_on = min(today, datetime.date(report.year, 12, 31))
        if commit:
            report.save()
        return report
