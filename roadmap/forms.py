"""Forms of the roadmap pages: updating a milestone, managing programmes and their communes."""

import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communes.models import Body, Commune, Province
from core import clock
from core.forms import (
    BootstrapMixin,
    DateField,
    DateInput,
    FileInput,
    ModelMultipleChoiceField,
    check_not_before,
    year_field_rules,
)
from core.uploads import ACCEPT_ATTR, check_upload
from roadmap.models import BudgetLine, Milestone, Participation, Programme, RoadmapTemplate
from roadmap.services import milestone_rule_errors, template_edition_error


class UploadField(forms.FileField):
    """A file checked by :func:`core.uploads.check_upload` (size, type by content)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", FileInput(attrs={"accept": ACCEPT_ATTR}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "size") and upload is not initial:
            upload.checked_content_type = check_upload(upload)
        return upload


class MilestoneUpdateForm(BootstrapMixin, forms.Form):
    """Status, actual date, note and an optional evidence file, with the version it was loaded at."""

    status = forms.ChoiceField(label=_("Status"), choices=Milestone.Status.choices)
    completed_on = DateField(
        label=_("Actual completion date"),
        required=False,
        help_text=_("dd/mm/yyyy; only when the step is done."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=Milestone._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the step is blocked."),
    )
    evidence = UploadField(
        label=_("Evidence file"),
        help_text=_("PDF, JPEG or PNG image, Word, Excel or OpenDocument file."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def for_milestone(cls, milestone: Milestone, data=None, files=None):
        initial = {
            "status": milestone.status,
            "completed_on": milestone.completed_on,
            "note": milestone.note,
            "version": milestone.version,
        }
        form = cls(data, files, initial=initial, auto_id=f"m{milestone.pk}-%s")
        form.milestone = milestone
        return form

    def clean_completed_on(self):
        """Not in the future, not before the programme started."""
        value = self.cleaned_data.get("completed_on")
        if value and value > clock.today():
            raise forms.ValidationError(_("A step cannot be done on a day still to come."))
        milestone = getattr(self, "milestone", None)
        if milestone is not None:
            check_not_before(
                value,
                milestone.participation.programme.start_date,
                _("The programme started on %(date)s; a step cannot be done before it."),
            )
        return value

    def clean_note(self):
        return (self.cleaned_data.get("note") or "").strip()

    def clean(self):
        data = super().clean()
        if "status" in data and "completed_on" in data:
            errors = milestone_rule_errors(
                status=data["status"], completed_on=data["completed_on"], note=data.get("note", "")
            )
            for name, message in errors.items():
                self.add_error(name, message)
        return data


class ProgrammeForm(BootstrapMixin, forms.ModelForm):
    """A new wave of the rollout."""

    class Meta:
        model = Programme
        fields = [
            "name",
            "province",
            "year_start",
            "year_end",
            "plan_number",
            "plan_date",
            "decision_number",
            "decision_date",
            "standard",
            "consultant",
            "start_date",
            "budget",
        ]
        widgets = {
            "plan_date": DateInput(),
            "decision_date": DateInput(),
            "start_date": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = Province.objects.current().in_territory()
        self.fields["province"].queryset = provinces
        if not self.is_bound and len(provinces) == 1:
            self.initial.setdefault("province", provinces[0].pk)
        for name in ("year_start", "year_end"):
            year_field_rules(self.fields[name])
            self.fields[name].localize = False
            self.fields[name].widget.is_localized = False


class ParticipationForm(BootstrapMixin, forms.ModelForm):
    """A commune joining a programme, with its kind, budget, start date and QMS people."""

    class Meta:
        model = Participation
        fields = [
            "commune",
            "kind",
            "budget_allocated",
            "start_date",
            "qms_representative",
            "iso_secretary",
        ]
        widgets = {"start_date": DateInput()}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["commune"].queryset = (
            Commune.objects.current()
            .filter(province_id=programme.province_id)
            .exclude(participations__programme=programme)
            .select_related("district")
            .order_by("district__code", "code")
        )
        self.fields["commune"].label_from_instance = lambda c: (
            f"{c.name} ({c.district.name if c.district else ''}, {c.code})"
        )
        if not self.is_bound:
            self.initial.setdefault("start_date", programme.start_date)


class ParticipationBulkForm(BootstrapMixin, forms.Form):
    """Several communes joining a programme with the same kind, start date and budget."""

    communes = ModelMultipleChoiceField(
        label=_("Communes"),
        queryset=Commune.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Participation.Kind.choices)
    start_date = DateField(label=_("Start date"))
    budget_allocated = forms.DecimalField(
        label=_("Budget allocated to each (VND)"), min_value=0, decimal_places=0, initial=0
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["communes"]
        field.queryset = (
            Commune.objects.current()
            .filter(province_id=programme.province_id)
            .exclude(participations__programme=programme)
            .select_related("district")
            .order_by("district__code", "code")
        )
        field.label_from_instance = lambda c: (
            f"{c.district.name if c.district else ''} – {c.name} ({c.code})"
        )
        if not self.is_bound:
            self.initial.setdefault("start_date", programme.start_date)


class ApplyTemplateForm(BootstrapMixin, forms.Form):
    """A roadmap template for the programme: only those of its edition (or of either)."""

    template = forms.ModelChoiceField(
        label=_("Roadmap template"), queryset=RoadmapTemplate.objects.all()
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = RoadmapTemplate.objects.for_standard(programme.standard)


class OfficerAssignForm(BootstrapMixin, forms.Form):
    """Create a commune officer's account, or attach an existing commune officer to a commune."""

    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none())
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("An existing commune officer's user name moves them to this commune."),
    )
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_(
            "Required for a new account: the welcome mail with the password link goes there."
        ),
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = (
            Commune.objects.filter(participations__programme=programme)
            .select_related("district")
            .order_by("district__code", "code")
        )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        existing = User.objects.filter(username=username).first()
        if existing is not None and existing.role != User.Role.COMMUNE_OFFICER:
            raise forms.ValidationError(
                _("This user name belongs to someone who is not a commune officer.")
            )
        self.existing_user = existing
        return username

    def clean(self):
        data = super().clean()
        if "username" in data and self.existing_user is None and not data.get("email"):
            self.add_error(
                "email",
                _(
                    "A new account needs an e-mail address: the officer receives a link there "
                    "to choose their password."
                ),
            )
        return data


class SuccessorWaveForm(ProgrammeForm):
    """A wave for the units that succeeded others: the programme, and a roadmap template for
    each starting point (consolidate, extend, build new)."""

    template_consolidate = forms.ModelChoiceField(
        RoadmapTemplate.objects.order_by("name"),
        label=_("Template where every predecessor announced (consolidate)"),
    )
    template_extend = forms.ModelChoiceField(
        RoadmapTemplate.objects.order_by("name"),
        label=_("Template where some predecessors announced (extend)"),
    )
    template_new = forms.ModelChoiceField(
        RoadmapTemplate.objects.order_by("name"),
        label=_("Template where no predecessor announced (build new)"),
    )

    def clean(self):
        """Each template chosen is of the wave's edition (or of either)."""
        data = super().clean()
        standard = data.get("standard")
        for key in ("consolidate", "extend", "new"):
            template = data.get(f"template_{key}")
            if standard and template and not template.fits(standard):
                self.add_error(f"template_{key}", template_edition_error(template, standard))
        return data

    def templates(self) -> dict:
        """Starting point -> the template chosen for it."""
        data = self.cleaned_data
        return {key: data[f"template_{key}"] for key in ("consolidate", "extend", "new")}


def _overlaps_year(year: int) -> Q:
    """Units and bodies in force on some day of ``year``."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=last)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=first)
    )


class BudgetLineForm(BootstrapMixin, forms.ModelForm):
    """One year's line of TT 116/2015 Art. 4 for one body: a commune-level unit or a registered
    body (consultancy, own work, maintenance), or the Sở itself (its inspection)."""

    class Meta:
        model = BudgetLine
        fields = ["province", "year", "line", "commune", "body", "allocated", "spent", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        year_field_rules(self.fields["year"])
        self.fields["year"].localize = False
        self.fields["year"].widget.is_localized = False
        provinces = Province.objects.in_territory().filter(_overlaps_year(year))
        self.fields["province"].queryset = provinces
        communes = Commune.objects.filter(province__in=provinces).filter(_overlaps_year(year))
        self.fields["commune"].queryset = communes.order_by("sort_key", "code")
        self.fields["body"].queryset = Body.objects.filter(province__in=provinces).filter(
            _overlaps_year(year)
        )
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("year", year)
            day = min(clock.today(), datetime.date(year, 12, 31))
            province = Province.objects.territory_province(on=day)
            if province is not None:
                self.initial.setdefault("province", province.pk)

    def clean(self):
        data = super().clean()
        line, commune, body = data.get("line"), data.get("commune"), data.get("body")
        if line == BudgetLine.Line.INSPECTION and (commune or body):
            self.add_error(
                "line",
                _("The Sở's inspection is the Sở's own line: leave the unit and the body empty."),
            )
        elif line and line != BudgetLine.Line.INSPECTION and bool(commune) == bool(body):
            self.add_error(
                "commune", _("Choose one commune-level unit or one registered body, not both.")
            )
        self._check_in_year(data)
        allocated, spent = data.get("allocated"), data.get("spent")
        if allocated is not None and spent is not None and spent > allocated:
            self.add_error("spent", _("The amount spent cannot exceed the amount allocated."))
        return data

    def _check_in_year(self, data) -> None:
        """The unit or body existed in the year, in the line's province."""
        year, province = data.get("year"), data.get("province")
        for name in ("commune", "body"):
            unit = data.get(name)
            if unit is None or year is None:
                continue
            if not type(unit).objects.filter(pk=unit.pk).filter(_overlaps_year(year)).exists():
                self.add_error(
                    name,
                    _("%(name)s did not exist in %(year)s.") % {"name": unit.name, "year": year},
                )
            elif province is not None and unit.province_id != province.pk:
                self.add_error(
                    name,
                    _("%(name)s is not in %(province)s.")
                    % {"name": unit.name, "province": province.name},
                )
