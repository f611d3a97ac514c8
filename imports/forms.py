from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import FileInput


class UploadForm(forms.Form):
    """A spreadsheet to import: .xlsx or .csv, at most ``IMPORT_MAX_MB``."""

    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        allow_empty_file=True,
        widget=FileInput(attrs={"accept": ".xlsx,.csv"}),
    )

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
