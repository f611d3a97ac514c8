"""Forms of the audit pages: audits, findings, corrective actions, announcements of conformity."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from audits.models import (
    Announcement,
    Art36,
    Audit,
    ChecklistAnswer,
    CorrectiveAction,
    Finding,
    InspectionPlan,
    PlannedInspection,
    add_months,
    clause_error,
)
from communes.models import Province
from core import clock
from core.forms import (
    BootstrapMixin,
    CleanTextMixin,
    DateField,
    DateInput,
    check_not_before,
    year_field_rules,
)
from procedures.models import Procedure
from roadmap.clauses import clause_belongs, clause_label, clause_range, clauses
from roadmap.forms import UploadField
from roadmap.models import Standard


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

    def __init__(self, *args, may_inspect: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_inspect:
            inspections = {Audit.Kind.INSPECTION_ONSITE, Audit.Kind.INSPECTION_RECORDS}
            self.fields["kind"].choices = [
                c for c in self.fields["kind"].choices if c[0] not in inspections
            ]

    def clean_date(self):
        return _not_in_future(self.cleaned_data.get("date"))


class ClauseInput(forms.TextInput):
    """A clause typed or picked from the list of its edition's clauses (an HTML datalist)."""

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = list(choices)

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or name}-clauses"
        attrs = {**(attrs or {}), "list": list_id, "autocomplete": "off"}
        field = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}">{}</option>', ((n, clause_label(n, t)) for n, t in self.choices)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


class FindingForm(BootstrapMixin, forms.ModelForm):
    """A finding of an audit: the clause comes from the edition of the audit's QMS (TCVN ISO
    9001:2008 clauses 4–8, 2015 clauses 4–10), checked here and in :meth:`Finding.clean`."""

    class Meta:
        model = Finding
        fields = ["clause", "severity", "procedure", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard = audit.standard
        self.fields["procedure"].queryset = Procedure.objects.filter(
            scope_items__commune=audit.commune
        ).order_by("name")
        self.fields["procedure"].help_text = _("Optional: the procedure of the commune's scope.")
        clause = self.fields["clause"]
        clause.widget = ClauseInput(choices=clauses(self.standard), attrs=clause.widget.attrs)
        clause.help_text = (
            _("A clause of %(standard)s (%(range)s), or one of its sub-clauses such as 7.5.1.")
            % {"standard": Standard(self.standard).label, "range": clause_range(self.standard)}
            if self.standard
            else _("A clause of TCVN ISO 9001, such as 7 or 7.5.1.")
        )

    def clean_clause(self):
        clause = " ".join(self.cleaned_data.get("clause", "").split())
        if clause and not clause_belongs(self.standard, clause):
            raise forms.ValidationError(clause_error(self.standard, clause))
        return clause


class CorrectiveActionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["description", "owner", "due_date"]
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def clean_due_date(self):
        """After an inspection, actions are reported within two months of the minutes
        (TT 26/2014 Art. 37.2.c); no action is due before its finding was made."""
        due = self.cleaned_data.get("due_date")
        finding = getattr(self.instance, "finding", None) if self.instance.finding_id else None
        if due is None or finding is None:
            return due
        audit = finding.audit
        if due < audit.date:
            raise forms.ValidationError(
                _("The due date cannot come before the audit (%(date)s).")
                % {"date": audit.date.strftime("%d/%m/%Y")}
            )
        if audit.is_inspection and due > add_months(audit.date, 2):
            raise forms.ValidationError(
                _(
                    "After an inspection, corrective actions are due within two months of the "
                    "minutes (TT 26/2014 Art. 37.2.c): by %(date)s at the latest."
                )
                % {"date": add_months(audit.date, 2).strftime("%d/%m/%Y")}
            )
        return due


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
            "signer_title",
            "signer_name",
            "standard",
            "scope_size",
            "sent_to_dost_on",
            "posted_at_office_on",
            "posted_online_on",
            "override_reason",
        ]
        widgets = {
            "decision_date": DateInput(),
            "sent_to_dost_on": DateInput(),
            "posted_at_office_on": DateInput(),
            "posted_online_on": DateInput(),
            "override_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "scope_size": _(
                "Taken from the scope on the decision date when the scope is recorded."
            ),
            "override_reason": _(
                "Only when a major finding of the last internal audit is still open (DOST staff)."
            ),
        }

    def __init__(self, *args, commune, may_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commune = commune
        if not may_override:
            del self.fields["override_reason"]

    def clean(self):
        data = super().clean()
        decided = data.get("decision_date")
        for name in ("posted_at_office_on", "posted_online_on"):
            day = data.get(name)
            if day and decided and day < decided:
                self.add_error(name, _("It cannot be posted before the decision is signed."))
            elif day:
                _not_in_future(day)
        return data

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

    def clean_decision_number(self):
        number = (self.cleaned_data.get("decision_number") or "").strip()
        if not number:  # the model allows a blank (records whose number is unknown), a form not
            raise forms.ValidationError(_("The decision number is required."))
        return number

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        exclude.discard("commune")
        return exclude


# The DOST's yearly inspections (TT 26/2014 Arts. 33–39) ---------------------------------------


class InspectionPlanForm(BootstrapMixin, forms.ModelForm):
    """A year's inspection plan (Mẫu 19. KHKT): its number and date are typed as issued."""

    class Meta:
        model = InspectionPlan
        fields = [
            "province",
            "year",
            "inspecting_unit",
            "period_start",
            "period_end",
            "budget",
            "number",
            "issued_on",
            "approval_number",
            "approval_date",
            "signer_title",
            "signer_name",
            "recipients",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "issued_on": DateInput(),
            "approval_date": DateInput(),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year_field_rules(self.fields["year"])
        provinces = Province.objects.in_territory().filter(programmes__isnull=False).distinct()
        self.fields["province"].queryset = provinces
        if not self.instance.pk and provinces:
            self.fields["province"].initial = provinces[0].pk


class PlanItemsForm(CleanTextMixin, forms.Form):
    """The form of each commune's check in the plan (empty: not in the plan)."""

    def __init__(self, *args, communes, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Not in the plan")), *PlannedInspection.Form.choices]
        self.communes = communes
        for commune in communes:
            self.fields[f"c{commune.pk}"] = forms.ChoiceField(
                label=commune.name,
                choices=choices,
                required=False,
                initial=current.get(commune.pk, ""),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def forms_by_commune(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}", "") for c in self.communes}

    def rows(self):
        return [(commune, self[f"c{commune.pk}"]) for commune in self.communes]


class InspectionDecisionForm(BootstrapMixin, forms.ModelForm):
    """The decision to inspect a commune at its office (TT 26/2014 Art. 35, Mẫu 20. QĐKT)."""

    class Meta:
        model = PlannedInspection
        fields = ["decision_number", "decision_date", "planned_on", "team_lead", "team_members"]
        widgets = {
            "decision_date": DateInput(),
            "planned_on": DateInput(),
            "team_members": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        year = self.instance.plan.year
        for name in ("decision_date", "planned_on"):
            day = data.get(name)
            if day and day.year != year:
                self.add_error(
                    name,
                    _("The date %(date)s is outside the plan's year %(year)s.")
                    % {"date": day.strftime("%d/%m/%Y"), "year": year},
                )
        decided, planned = data.get("decision_date"), data.get("planned_on")
        if decided and planned and planned < decided:
            self.add_error(
                "planned_on", _("The visit cannot come before the decision that orders it.")
            )
        return data


class MinutesForm(BootstrapMixin, forms.Form):
    """The minutes of an inspection (Mẫu 21. BBKT): the Art. 36 checklist, one row an item."""

    date = forms.DateField(label=_("Date of the minutes"), widget=DateInput())
    lead = forms.CharField(label=_("Head of the inspection team"), max_length=120)
    commune_representative = forms.CharField(
        label=_("Representative of the commune"), max_length=120, required=False
    )
    summary = forms.CharField(
        label=_("Conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, answers: dict[str, tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        answers = answers or {}
        for key, label in Art36.choices:
            result, note = answers.get(key, (ChecklistAnswer.Result.CONFORMS, ""))
            self.fields[f"r_{key}"] = forms.ChoiceField(
                label=label,
                choices=ChecklistAnswer.Result.choices,
                initial=result,
                widget=forms.RadioSelect,
            )
            self.fields[f"n_{key}"] = forms.CharField(
                label=_("Note"),
                required=False,
                initial=note,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def clean_date(self):
        return _not_in_future(self.cleaned_data.get("date"))

    def clean(self):
        data = super().clean()
        for key, _label in Art36.choices:
            if data.get(f"r_{key}") == ChecklistAnswer.Result.DOES_NOT and not data.get(f"n_{key}"):
                self.add_error(f"n_{key}", _("Say what does not conform."))
        return data

    def answers(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [(key, data[f"r_{key}"], data.get(f"n_{key}", "")) for key, _ in Art36.choices]

    def checklist_rows(self):
        return [(label, self[f"r_{key}"], self[f"n_{key}"]) for key, label in Art36.choices]


class PlanSummaryForm(BootstrapMixin, forms.ModelForm):
    """The November summary of the year's results and proposals (TT 26/2014 Art. 38)."""

    class Meta:
        model = InspectionPlan
        fields = ["summary_number", "summary_on", "summary", "summary_recipients"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "summary_on": DateInput(),
            "summary_recipients": forms.Textarea(attrs={"rows": 3}),
        }
