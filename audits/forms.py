"""Forms of the audit pages: audits, findings, corrective actions, announcements of conformity."""

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models import Announcement, Audit, CorrectiveAction, Finding
from core.forms import BootstrapMixin, DateField, DateInput, check_not_before
from procedures.models import Procedure
from qms_rollout import clock
from roadmap.forms import UploadField


def _not_in_future(value):
    if value and value > clock.today():
        raise forms.ValidationError(_("This date cannot be in the future."))
    return value


class AuditForm(BootstrapMixin, forms.ModelForm):
    """An internal audit, management review, DOST inspection or consultant assessment."""

    report = UploadField(
        label=_("Report file"),
        help_text=_("PDF, JPEG or PNG image, Word, Excel or OpenDocument file."),
    )

    class Meta:
        model = Audit
        fields = ["kind", "date", "lead", "summary"]
        widgets = {"date": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, may_inspect: bool, commune=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune
        if not may_inspect:
            inspections = {Audit.Kind.INSPECTION_ONSITE, Audit.Kind.INSPECTION_RECORDS}
            self.fields["kind"].choices = [
                c for c in self.fields["kind"].choices if c[0] not in inspections
            ]

    def clean_date(self):
        value = _not_in_future(self.cleaned_data.get("date"))
        if self.commune is not None:
            check_not_before(
                value,
                self.commune.valid_from,
                _("The commune exists since %(date)s; it cannot have been audited before."),
            )
        return value


class FindingForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["clause", "severity", "procedure", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = Procedure.objects.filter(
            scope_items__commune=commune
        ).order_by("name")
        self.fields["procedure"].help_text = _("Optional: the procedure of the commune's scope.")


class CorrectiveActionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["description", "owner", "due_date"]
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}


class ActionDoneForm(BootstrapMixin, forms.Form):
    """The commune marks a corrective action done, with the evidence that it was done."""

    done_on = DateField(label=_("Done on"))
    evidence = UploadField(
        label=_("Evidence file"),
        help_text=_("PDF, JPEG or PNG image, Word, Excel or OpenDocument file."),
    )

    def __init__(self, *args, action: CorrectiveAction, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if not action.evidence:
            self.fields["evidence"].required = True

    def clean_done_on(self):
        value = _not_in_future(self.cleaned_data.get("done_on"))
        check_not_before(
            value,
            self.action.finding.audit.date,
            _("The finding was recorded on %(date)s; its action cannot be done before."),
        )
        return value


class AnnouncementForm(BootstrapMixin, forms.ModelForm):
    """The chairman's decision announcing conformity; it completes the roadmap's announcement."""

    class Meta:
        model = Announcement
        fields = [
            "kind",
            "decision_number",
            "decision_date",
            "standard",
            "scope_size",
            "sent_to_dost_on",
        ]
        widgets = {"decision_date": DateInput(), "sent_to_dost_on": DateInput()}

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commune = commune

    def clean_decision_date(self):
        value = _not_in_future(self.cleaned_data.get("decision_date"))
        check_not_before(
            value,
            self.instance.commune.valid_from,
            _("The commune exists since %(date)s; it cannot have announced before."),
        )
        return value

    def clean_sent_to_dost_on(self):
        return _not_in_future(self.cleaned_data.get("sent_to_dost_on"))

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        exclude.discard("commune")
        return exclude
