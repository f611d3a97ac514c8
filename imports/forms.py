from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import CleanTextMixin, DateField, FileInput


class UploadForm(CleanTextMixin, forms.Form):
    """A spreadsheet to import: .xlsx or .csv, at most ``IMPORT_MAX_MB``; and what the kind asks
    besides (``upload_options`` of its resource, name -> required): the date a national list
    or a conversion table takes effect, the act it follows."""

    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        allow_empty_file=True,
        widget=FileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, options: dict[str, bool] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        options = options or {}
        if "effective" in options:
            self.fields["effective"] = DateField(
                label=_("Effective date"),
                required=options["effective"],
                help_text=_(
                    "The file is then the whole list from that day: units missing from it end "
                    "the day before."
                )
                if not options["effective"]
                else _("Old codes are the units in force the day before, new codes those from it."),
            )
        if "list_date" in options:
            self.fields["list_date"] = DateField(
                label=_("Date of the list"),
                required=False,
                help_text=_(
                    "The day the list describes (a list of 2017: 18/08/2017). Its units are "
                    "matched with the units in force that day only, so a code reused later is "
                    "left alone and no ended unit comes back. Empty: the date in the file's "
                    "name, else today; a list naming units that have ended is then refused."
                ),
            )
        if "legal_basis" in options:
            self.fields["legal_basis"] = forms.CharField(
                label=_("Legal basis"),
                required=options["legal_basis"],
                max_length=255,
                help_text=_("The act, as you would cite it (its number and date)."),
            )
        if "create_missing" in options:
            self.fields["create_missing"] = forms.BooleanField(
                label=_("Create the missing former units"),
                required=False,
                help_text=_(
                    "An old code no unit carried the day before (a commune created after the "
                    "last list imported) is created with the row's district and province and "
                    "an empty name, to type afterwards; the preview lists them."
                ),
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
        for name in ("effective", "list_date", "legal_basis"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-control"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(max)s MB; split it or remove unused sheets.")
                % {"max": settings.IMPORT_MAX_MB}
            )
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(
                _("Only Excel (.xlsx) and CSV (.csv) files can be imported.")
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload

    def options(self) -> dict:
        """The options given, as the session keeps them (the date as yyyy-mm-dd)."""
        found = {}
        if self.cleaned_data.get("effective"):
            found["effective"] = self.cleaned_data["effective"].isoformat()
        if self.cleaned_data.get("list_date"):
            found["list_date"] = self.cleaned_data["list_date"].isoformat()
        if self.cleaned_data.get("legal_basis"):
            found["legal_basis"] = self.cleaned_data["legal_basis"].strip()
        if self.cleaned_data.get("create_missing"):
            found["create_missing"] = True
        return found
