"""Forms of the audit pages: audits, findings, corrective actions, announcements of conformity."""

import datetime

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from audits.models import (
    Announcement,
    Answer,
    Art36,
    Audit,
    ChecklistAnswer,
    CorrectiveAction,
    Finding,
    InspectionPlan,
    PlannedInspection,
    ProvinceDuties,
    add_months,
    clause_error,
    split_person,
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
            "signer_title",
            "signer_name",
            "recipients",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "issued_on": DateInput(),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year_field_rules(self.fields["year"])
        provinces = Province.objects.in_territory().filter(programmes__isnull=False).distinct()
        self.fields["province"].queryset = provinces
        if not self.instance.pk and provinces:
            self.fields["province"].initial = provinces[0].pk
        if not self.instance.pk and not self.is_bound:
            # The signer of last year's plan, to change before generating.
            last = InspectionPlan.objects.exclude(signer_name="").order_by("-year").first()
            if last:
                self.initial.setdefault("signer_title", last.signer_title)
                self.initial.setdefault("signer_name", last.signer_name)


class PlanApprovalForm(BootstrapMixin, forms.ModelForm):
    """How the province's People's Committee approved the plan (TT 26/2014 Art. 34.1.b): its own
    Kế hoạch, or a decision approving the Sở's; number and date typed as issued."""

    class Meta:
        model = InspectionPlan
        fields = [
            "approval_kind",
            "approval_number",
            "approval_date",
            "approval_signer_title",
            "approval_signer_name",
        ]
        widgets = {"approval_date": DateInput()}

    def clean(self):
        data = super().clean()
        kind, number, day = (
            data.get(k) for k in ("approval_kind", "approval_number", "approval_date")
        )
        if (number or day) and not kind:
            self.add_error(
                "approval_kind",
                _(
                    "Say whether the People's Committee issued its own plan or approved it by a decision."
                ),
            )
        plan = self.instance
        if day and plan.issued_on and day < plan.issued_on:
            self.add_error(
                "approval_date",
                _("The approval (%(date)s) cannot come before the Sở's plan (%(plan)s).")
                % {"date": f"{day:%d/%m/%Y}", "plan": f"{plan.issued_on:%d/%m/%Y}"},
            )
        if day and plan.year and day.year not in (plan.year - 1, plan.year):
            self.add_error(
                "approval_date",
                _("The plan of %(year)s is approved in %(year)s or at the end of the year before.")
                % {"year": plan.year},
            )
        return data


class PlanRequestForm(BootstrapMixin, forms.ModelForm):
    """The Sở's letter asking the bodies of the plan for their reports (TT 26/2014 Art. 35.2)."""

    class Meta:
        model = InspectionPlan
        fields = ["request_number", "request_date", "request_due"]
        widgets = {"request_date": DateInput(), "request_due": DateInput()}

    def clean(self):
        data = super().clean()
        sent, due = data.get("request_date"), data.get("request_due")
        plan = self.instance
        if sent and plan.approval_date and sent < plan.approval_date:
            self.add_error(
                "request_date",
                _("The request follows the approved plan: it cannot be dated before %(date)s.")
                % {"date": f"{plan.approval_date:%d/%m/%Y}"},
            )
        if sent and due and due <= sent:
            self.add_error("request_due", _("The reports are due after the request is sent."))
        if sent and plan.year and sent.year != plan.year:
            self.add_error(
                "request_date",
                _("The date %(date)s is outside the plan's year %(year)s.")
                % {"date": f"{sent:%d/%m/%Y}", "year": plan.year},
            )
        return data


def clean_people(text: str, *, required_post: bool = True) -> str:
    """Check a list typed one person a line, "name – post": every line names someone and, when
    ``required_post``, their post. Returns the text, one "name – post" a line."""
    lines = []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        person = split_person(line)
        if not person.name:
            raise forms.ValidationError(
                _("Line %(n)s: write the person's name before the dash.") % {"n": n}
            )
        if required_post and not person.post:
            raise forms.ValidationError(
                _(
                    "Line %(n)s: write the name and the post, separated by a dash: “Nguyễn Văn A – Chuyên viên”."
                )
                % {"n": n}
            )
        lines.append(str(person))
    return "\n".join(lines)


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
        fields = [
            "decision_number",
            "decision_date",
            "planned_on",
            "team_lead",
            "team_lead_post",
            "team_members",
        ]
        widgets = {
            "decision_date": DateInput(),
            "planned_on": DateInput(),
            "team_members": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_team_members(self):
        return clean_people(self.cleaned_data.get("team_members"))

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
        if data.get("team_lead") and not data.get("team_lead_post"):
            self.add_error("team_lead_post", _("Write the post of the head of the team."))
        return data


class TimeInput(forms.TimeInput):
    """A text box for hh:mm (24 hours)."""

    def __init__(self, attrs=None):
        base = {"placeholder": "hh:mm", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**base, **(attrs or {})}, format="%H:%M")


TIME_ERROR = _("Type the hour as hh:mm, e.g. 08:30.")


def time_field(label, *, required=False) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        widget=TimeInput(),
        input_formats=["%H:%M", "%Hh%M", "%H:%M:%S"],
        error_messages={"invalid": TIME_ERROR, "required": _("Type the hour.")},
    )


class PresenceForm(BootstrapMixin, forms.ModelForm):
    """The announcement of the decision to the body (TT 26/2014 Art. 37.2.a): its day, hour and
    place, and the body's people present (the team is the decision's)."""

    announced_at = time_field(_("Hour"))

    class Meta:
        model = PlannedInspection
        fields = [
            "announced_on",
            "announced_at",
            "place",
            "commune_representative",
            "commune_representative_post",
            "attendees",
        ]
        widgets = {"announced_on": DateInput(), "attendees": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("announced_on", "announced_at", "place", "commune_representative"):
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = _("This field is required.")

    def clean_attendees(self):
        return clean_people(self.cleaned_data.get("attendees"))

    def clean(self):
        data = super().clean()
        item, day = self.instance, data.get("announced_on")
        if day and item.decision_date and day < item.decision_date:
            self.add_error(
                "announced_on",
                _("The decision is announced after it is signed (%(date)s).")
                % {"date": f"{item.decision_date:%d/%m/%Y}"},
            )
        if day and day.year != item.plan.year:
            self.add_error(
                "announced_on",
                _("The date %(date)s is outside the plan's year %(year)s.")
                % {"date": f"{day:%d/%m/%Y}", "year": item.plan.year},
            )
        if data.get("commune_representative") and not data.get("commune_representative_post"):
            self.add_error(
                "commune_representative_post", _("Write the post of the body's representative.")
            )
        return data


class RecordsLetterForm(BootstrapMixin, forms.ModelForm):
    """The letter asking a body checked through its records to fix what was found (TT 26/2014
    Art. 37.1.a); number and date typed as issued."""

    class Meta:
        model = PlannedInspection
        fields = ["letter_number", "letter_date"]
        widgets = {"letter_date": DateInput()}

    def clean_letter_date(self):
        day = self.cleaned_data.get("letter_date")
        audit = self.instance.audit
        if day and audit and day < audit.date:
            raise forms.ValidationError(
                _("The letter follows the check of the records (%(date)s).")
                % {"date": f"{audit.date:%d/%m/%Y}"}
            )
        return day


class AnswerForm(BootstrapMixin, forms.Form):
    """The Sở's answer to a body's corrective actions (TT 26/2014 Art. 37.2.d): the letter's
    number and date, and for each reported action: accepted or not, and why not."""

    answer_number = forms.CharField(
        label=_("Letter's number and symbol"), max_length=60, required=False
    )
    answer_date = DateField(label=_("Letter's date"), widget=DateInput())

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        choices = [("", _("No answer yet")), *Answer.choices]
        for a in self.actions:
            self.fields[f"a{a.pk}"] = forms.ChoiceField(
                label=a.description, choices=choices, required=False, initial=a.answer
            )
            self.fields[f"w{a.pk}"] = forms.CharField(
                label=_("Reason"), required=False, initial=a.answer_note, max_length=2000
            )

    def clean_answer_date(self):
        return _not_in_future(self.cleaned_data.get("answer_date"))

    def clean(self):
        data = super().clean()
        day = data.get("answer_date")
        given = 0
        for a in self.actions:
            answer = data.get(f"a{a.pk}")
            if not answer:
                continue
            given += 1
            if a.done_on is None:
                self.add_error(f"a{a.pk}", _("The body has not reported this action yet."))
            elif day and day < a.done_on:
                self.add_error(
                    f"a{a.pk}",
                    _("The answer cannot come before the body's report (%(date)s).")
                    % {"date": f"{a.done_on:%d/%m/%Y}"},
                )
            if answer == Answer.REFUSED and not data.get(f"w{a.pk}"):
                self.add_error(f"w{a.pk}", _("Say why the action is not accepted."))
        if not given and not self.errors:
            raise forms.ValidationError(_("Answer at least one corrective action."))
        return data

    def answers(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            a.pk: (data.get(f"a{a.pk}") or "", data.get(f"w{a.pk}") or "") for a in self.actions
        }

    def rows(self):
        return [(a, self[f"a{a.pk}"], self[f"w{a.pk}"]) for a in self.actions]


class MinutesForm(BootstrapMixin, forms.Form):
    """The minutes of an inspection (Mẫu 21. BBKT): the Art. 36 checklist, one row an item."""

    date = forms.DateField(label=_("Date of the minutes"), widget=DateInput())
    lead = forms.CharField(label=_("Head of the inspection team"), max_length=120)
    commune_representative = forms.CharField(
        label=_("Representative of the commune"), max_length=120, required=False
    )
    lead_post = forms.CharField(
        label=_("Post of the head of the team"), max_length=160, required=False
    )
    commune_representative_post = forms.CharField(
        label=_("Post of the commune's representative"), max_length=160, required=False
    )
    attendees = forms.CharField(
        label=_("The body's people present"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: name – post (besides its representative)."),
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    started_at = time_field(_("Began at"))
    ended_at = time_field(_("Ended at"))
    summary = forms.CharField(
        label=_("Conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args,
        answers: dict[str, tuple[str, str]] | None = None,
        onsite: bool = False,
        **kwargs,
    ):
        # Its own ids: the inspection's page also shows the announcement's form (PresenceForm),
        # whose fields share these names.
        kwargs.setdefault("auto_id", "minutes_%s")
        super().__init__(*args, **kwargs)
        self.onsite = onsite
        if not onsite:  # a check of records has no visit: no place, no hours, no one present
            for name in ("place", "started_at", "ended_at", "attendees"):
                del self.fields[name]
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

    def clean_attendees(self):
        return clean_people(self.cleaned_data.get("attendees"))

    def clean(self):
        data = super().clean()
        for key, _label in Art36.choices:
            if data.get(f"r_{key}") == ChecklistAnswer.Result.DOES_NOT and not data.get(f"n_{key}"):
                self.add_error(f"n_{key}", _("Say what does not conform."))
        if self.onsite:
            self._clean_visit(data)
        return data

    def _clean_visit(self, data) -> None:
        """Minutes of a visit (Mẫu 21) say where, from what hour to what hour, and who."""
        for name in ("place", "started_at", "ended_at"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("The minutes of a visit need it (Mẫu 21. BBKT)."))
        start, end = data.get("started_at"), data.get("ended_at")
        if start and end and end <= start:
            self.add_error("ended_at", _("The inspection ends after it begins."))
        if not data.get("commune_representative"):
            self.add_error("commune_representative", _("Name the body's representative who signs."))
        for name, post in (
            ("lead", "lead_post"),
            ("commune_representative", "commune_representative_post"),
        ):
            if data.get(name) and not data.get(post):
                self.add_error(post, _("Write the post."))

    def answers(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [(key, data[f"r_{key}"], data.get(f"n_{key}", "")) for key, _ in Art36.choices]

    def checklist_rows(self):
        return [(key, label, self[f"r_{key}"], self[f"n_{key}"]) for key, label in Art36.choices]

    def header_fields(self):
        """The fields above the checklist: the date, the people, the place and hours."""
        return [self[name] for name in self.fields if name[:2] not in ("r_", "n_")]


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


class ProvinceDutiesForm(BootstrapMixin, forms.ModelForm):
    """The Sở's dates for its bodies: TCVN ISO 9001:2015 by when; communes obliged from when."""

    class Meta:
        model = ProvinceDuties
        fields = ["province", "edition_deadline", "edition_basis", "communes_obliged_from"]
        widgets = {"edition_deadline": DateInput(), "communes_obliged_from": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.in_territory()

    def clean_edition_deadline(self):
        day = self.cleaned_data.get("edition_deadline")
        if day and day < EDITION_2015_PUBLISHED:
            raise forms.ValidationError(
                _("TCVN ISO 9001:2015 replaced the 2008 edition on 31/12/2015: set a later date.")
            )
        return day

    def validate_unique(self):
        pass  # one record a province: the view updates the province's record

    def save_for_province(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "province"}
        duties, _created = ProvinceDuties.objects.update_or_create(
            province=self.cleaned_data["province"], defaults=data
        )
        return duties


# TCVN ISO 9001:2015 replaced the 2008 edition on this day (the domain brief).
EDITION_2015_PUBLISHED = datetime.date(2015, 12, 31)
