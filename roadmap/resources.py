"""The spreadsheets of the roadmap: milestone status in bulk (import, and the milestone list's
export), the communes of a programme (import).

Rows are found by natural keys: the commune's GSO code, the step's order or name, the programme's
name or decision number; never by database id.
"""

from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export.fields import Field

from communes.models import Commune
from communes.resources import COMMUNE, COMMUNE_NAME, communes_by_code, find_commune
from core import clock
from core.bulk import Statement, history_records
from core.resources import (
    SAMPLE_CODE,
    SKIP,
    UPDATE,
    CellError,
    Plan,
    RowReport,
    SpreadsheetResource,
    register_import,
)
from core.spreadsheets import Column, ExportList, choice_label, field_label, register_export
from core.widgets import (
    AmountWidget,
    ChoiceWidget,
    DateWidget,
    TextWidget,
    as_text,
    fold,
    is_blank,
)
from roadmap.models import (
    Milestone,
    Participation,
    ParticipationKind,
    Programme,
    RoadmapStep,
    RoadmapTemplate,
    milestone_days_late,
)
from roadmap.totals import totals_refresh

# The columns of the consultant's progress spreadsheet and of a programme's communes.
PROGRAMME = "Chương trình"
STEP = "Bước"
STATUS = "Trạng thái"
COMPLETED_ON = "Ngày hoàn thành"
NOTE = "Ghi chú"
KIND = "Loại"
BUDGET = "Kinh phí (đồng)"
START_DATE = "Ngày bắt đầu"
REPRESENTATIVE = "Đại diện lãnh đạo"
SECRETARY = "Thư ký ISO"
TEMPLATE = "Lộ trình"

# Other spellings met in the offices' files (accepted, never written): the labels written are
# the models' own choices.
MILESTONE_STATUS_SYNONYMS = {
    "Đã hoàn thành": Milestone.Status.DONE,
    "Chưa thực hiện": Milestone.Status.NOT_STARTED,
}
PARTICIPATION_KIND_SYNONYMS = {
    "Mở rộng": ParticipationKind.EXTENSION,
    "Chuyển đổi": ParticipationKind.CONVERSION,
    "Chuyển đổi 2008 sang 2015": ParticipationKind.CONVERSION,  # the label until 12/2026
    "Hợp nhất": ParticipationKind.CONSOLIDATION,
}


def programme_matches(programme: Programme, text: str) -> bool:
    key = fold(text)
    return key in (fold(programme.name), fold(programme.decision_number or "\0"))


def step_matches(step, text: str) -> bool:
    """A step named by its order (``3``), its order and name (``3. Đào tạo``) or its name."""
    return step_key(text) in step_keys(step)


def step_key(text: str) -> tuple:
    """What ``text`` names a step by: its order when it is a number, else its name."""
    key = fold(text)
    return ("order", int(key)) if key.isdigit() else ("name", key)


def step_keys(step) -> set[tuple]:
    """The :func:`step_key` of every way to name ``step``."""
    return {
        ("order", step.order),
        ("name", fold(step.name)),
        ("name", fold(f"{step.order}. {step.name}")),
    }


class StepField(Field):
    def get_value(self, instance):
        return f"{instance.step.order}. {instance.step.name}"


class MilestoneResource(SpreadsheetResource):
    """The consultant's progress spreadsheet: one row per commune and step.

    Only existing milestones are updated; the rules are those of the page (done needs an actual
    date not in the future, blocked needs a note, a date only for done); each change bumps the
    version and records who made it.
    """

    title = gettext_lazy("Milestone progress (the consultant's spreadsheet)")
    required_columns = (COMMUNE, STEP, STATUS)
    key_columns = (COMMUNE, STEP, PROGRAMME)
    ignore_unknown_columns = True  # an exported milestone list has more columns
    example = {
        COMMUNE: SAMPLE_CODE,
        COMMUNE_NAME: "Xã Mẫu (dòng mẫu)",
        STEP: "3",
        STATUS: "Hoàn thành",
        COMPLETED_ON: "15/09/2017",
        NOTE: "Đã tập huấn 25 cán bộ",
        PROGRAMME: "",
    }

    commune = Field(attribute="participation__commune__code", column_name=COMMUNE, readonly=True)
    commune_name = Field(
        attribute="participation__commune__name", column_name=COMMUNE_NAME, readonly=True
    )
    step = StepField(column_name=STEP, readonly=True)
    status = Field(
        attribute="status",
        column_name=STATUS,
        widget=ChoiceWidget(Milestone.Status, MILESTONE_STATUS_SYNONYMS),
    )
    completed_on = Field(attribute="completed_on", column_name=COMPLETED_ON, widget=DateWidget())
    note = Field(attribute="note", column_name=NOTE, widget=TextWidget())
    programme = Field(
        attribute="participation__programme__name", column_name=PROGRAMME, readonly=True
    )

    class Meta(SpreadsheetResource.Meta):
        model = Milestone
        # The import changes status, date and note only: the rules on them are checked in
        # validate_instance; the model's other constraints (checked by full_clean with one
        # query each) cannot be broken by it.
        clean_model_instances = False
        fields = ("commune", "commune_name", "step", "status", "completed_on", "note", "programme")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.load(dataset[COMMUNE] if COMMUNE in dataset.headers else [])

    def load(self, values) -> None:
        """Read the communes of ``values`` (their GSO codes), their participations, milestones
        and steps: four queries, each object read once."""
        self.communes: dict[str, Commune | None] = communes_by_code(values, user=self.user)
        self.milestones: dict[str, list[Milestone]] = {}
        ids = [c.pk for c in self.communes.values() if isinstance(c, Commune)]
        participations = self.in_scope(Participation.objects.filter(commune_id__in=ids))
        participations = participations.select_related("commune__district", "programme")
        participations = {p.pk: p for p in participations}
        milestones = self.in_scope(Milestone.objects.filter(participation__commune_id__in=ids))
        milestones = list(milestones.filter(participation_id__in=list(participations)))
        steps = RoadmapStep.objects.in_bulk({m.step_id for m in milestones})
        self.step_keys = {pk: step_keys(step) for pk, step in steps.items()}
        for milestone in milestones:
            milestone.participation = participations[milestone.participation_id]
            milestone.step = steps[milestone.step_id]
            self.milestones.setdefault(milestone.participation.commune.code, []).append(milestone)

    def get_or_init_instance(self, instance_loader, row):
        commune = find_commune(row.get(COMMUNE), cache=self.communes, user=self.user)
        candidates = self.milestones.get(commune.code, [])
        if not candidates:
            raise ValidationError(
                {COMMUNE: _("%(commune)s has no roadmap yet.") % {"commune": commune}}
            )
        programme = as_text(row.get(PROGRAMME))
        if programme:
            candidates = [
                m for m in candidates if programme_matches(m.participation.programme, programme)
            ]
            if not candidates:
                raise ValidationError(
                    {
                        PROGRAMME: _("%(commune)s takes no part in the programme “%(programme)s”.")
                        % {"commune": commune, "programme": programme}
                    }
                )
        step = as_text(row.get(STEP))
        if not step:
            raise ValidationError({STEP: _("Name the step by its number or its name.")})
        key = step_key(step)
        found = [m for m in candidates if key in self.step_keys[m.step_id]]
        if not found:
            raise ValidationError(
                {
                    STEP: _("The roadmap of %(commune)s has no step “%(step)s”.")
                    % {"commune": commune, "step": step}
                }
            )
        if len({m.participation_id for m in found}) > 1:
            raise ValidationError(
                {
                    COMMUNE: _(
                        "%(commune)s takes part in several programmes: add a column "
                        "“%(column)s” with the programme's name or decision number."
                    )
                    % {"commune": commune, "column": PROGRAMME}
                }
            )
        return found[0], False

    def import_instance(self, instance, row, **kwargs):
        if is_blank(row.get(STATUS)):
            raise ValidationError({"status": _("The status is required.")})
        super().import_instance(instance, row, **kwargs)
        instance.note = (instance.note or "").strip()
        if instance.status != Milestone.Status.DONE and COMPLETED_ON not in row:
            instance.completed_on = None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        from roadmap.services import milestone_rule_errors

        errors = dict(import_validation_errors or {})
        if "status" not in errors and "completed_on" not in errors:
            for key, message in milestone_rule_errors(
                status=instance.status,
                completed_on=instance.completed_on,
                note=instance.note,
                starts=instance.participation.programme.start_date,
            ).items():
                errors.setdefault(key, ValidationError(message))
        super().validate_instance(instance, errors, validate_unique=False)

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        instance.updated_by = self.user
        instance.version += 1

    def describe(self, instance):
        if instance is None:
            return ""
        return f"{instance.participation.commune} – {instance.step.order}. {instance.step.name}"

    # The bulk path ---------------------------------------------------------------------------

    plans = True
    #: The columns a confirmed import writes (with the history in bulk).
    WRITTEN = ("status", "completed_on", "note", "updated_by", "version", "updated_at")

    def plan_rows(self, rows, plan: Plan) -> None:
        """Each row's milestone and its change, from the two queries of :meth:`load`."""
        self.load(row.get(COMMUNE) for _number, row in rows)
        self.planned_rows: dict[int, tuple[int, str]] = {}
        for index, (number, row) in enumerate(rows, start=1):
            try:
                before, changed = self.planned(index, row)
            except ValidationError as error:
                plan.report.errors.extend(self.row_errors(number, error))
                continue
            label = self.describe(changed)
            self.planned_rows[changed.pk] = (number, label)
            plan.versions[str(changed.pk)] = changed.version
            changes = self.changes_between(before, changed, UPDATE)
            plan.report.add_row(RowReport(number, UPDATE if changes else SKIP, label, changes))
            if changes:
                plan.changes.append(changed)

    def planned(self, index: int, row: dict) -> tuple[SimpleNamespace, Milestone]:
        """The row's milestone as it was (its written fields) and as the row leaves it (the
        milestone read for this plan, changed in memory); ValidationError when the row breaks a
        rule (those of the page: :func:`roadmap.services.milestone_rule_errors`)."""
        error = self.duplicate_error(index)
        if error is not None:
            raise error
        milestone, _new = self.get_or_init_instance(None, row)
        if milestone.pk in self.planned_rows:
            raise ValidationError(
                {
                    STEP: _("This row repeats row %(row)s.")
                    % {"row": self.planned_rows[milestone.pk][0]}
                }
            )
        before = SimpleNamespace(
            status=milestone.status, completed_on=milestone.completed_on, note=milestone.note
        )
        self.validate_instance(milestone, self.read_row(milestone, row))
        return before, milestone

    def read_row(self, milestone: Milestone, row: dict) -> dict | None:
        """Set the row's status, date and note on ``milestone`` as :meth:`import_instance` does,
        without import-export's per-field machinery; the errors by field, or None."""
        if is_blank(row.get(STATUS)):
            return {"status": ValidationError(_("The status is required."))}
        errors, values = {}, {}
        for name, column in (("status", STATUS), ("completed_on", COMPLETED_ON), ("note", NOTE)):
            if column not in row:
                continue
            try:
                values[name] = self.fields[name].widget.clean(row[column])
            except ValueError as error:
                errors[name] = ValidationError(str(error), code="invalid")
        if errors:
            return errors
        for name, value in values.items():
            setattr(milestone, name, value)
        milestone.note = (milestone.note or "").strip()
        if milestone.status != Milestone.Status.DONE and COMPLETED_ON not in row:
            milestone.completed_on = None
        return None

    def changes_between(self, original, instance, action) -> list[tuple[str, str, str]]:
        """The status, date and note ``instance`` changes from ``original``: (column, old, new)."""
        changes = []
        for name in ("status", "completed_on", "note"):
            old, new = getattr(original, name), getattr(instance, name)
            if old != new:
                widget = self.fields[name].widget
                column = self.fields[name].column_name
                changes.append((column, as_text(widget.render(old)), as_text(widget.render(new))))
        return changes

    def apply_plan(self, plan: Plan, *, seen: dict[str, int] | None) -> list[CellError]:
        """Write the changed milestones and their history in bulk, in one short transaction,
        unless a milestone the rows name changed since the preview (``seen``) or since ``plan``
        was read: then the errors, and nothing written.

        The statements are prepared before the transaction opens: on SQLite it holds the write
        lock, which a commune officer saving a milestone meanwhile waits for."""
        at = timezone.now()
        for milestone in plan.changes:
            milestone.updated_by = self.user
            milestone.updated_at = at
            milestone.version = plan.versions[str(milestone.pk)] + 1
        update = Statement.update(Milestone, self.WRITTEN, plan.changes)
        history = history_records(
            Milestone, plan.changes, user=self.user, reason=self.change_reason(), at=at
        )
        update.stage(), history.stage()
        try:
            with transaction.atomic():
                errors = self.stale_rows(plan, seen)
                if errors or not plan.changes:
                    return errors
                update.run()
                history.run()
                totals_refresh({m.participation_id for m in plan.changes})
        finally:
            update.discard(), history.discard()
        return []

    def stale_rows(self, plan: Plan, seen: dict[str, int] | None) -> list[CellError]:
        """An error for each row whose milestone's version is no longer the one the preview
        (``seen``) and ``plan`` read; the rows are locked until the transaction ends."""
        keys = list(plan.versions)
        codes = [code for code, commune in self.communes.items() if isinstance(commune, Commune)]
        now = dict(
            Milestone.objects.select_for_update(of=("self",))
            .filter(participation__commune__code__in=codes)
            .values_list("pk", "version")
        )
        return sorted(
            (
                self.changed_error(int(key))
                for key in keys
                if now.get(int(key)) != plan.versions[key]
                or (seen is not None and seen.get(key) != plan.versions[key])
            ),
            key=lambda e: e.row or 0,
        )

    def changed_error(self, pk: int) -> CellError:
        number, label = self.planned_rows[pk]
        return CellError(
            number,
            "",
            _(
                "Row %(row)s: someone changed the milestone %(milestone)s after the preview. "
                "Nothing was imported: preview the file again."
            )
            % {"row": number, "milestone": label},
        )


class ParticipationResource(SpreadsheetResource):
    """The communes of a programme: one row per commune, created or updated.

    A new participation gets its milestones from the roadmap template named in the row, or from
    the only template for its kind when there is exactly one.
    """

    title = gettext_lazy("Communes of a programme")
    required_columns = (PROGRAMME, COMMUNE, KIND)
    key_columns = (PROGRAMME, COMMUNE)
    example = {
        PROGRAMME: "Đợt mẫu",
        COMMUNE: SAMPLE_CODE,
        COMMUNE_NAME: "Xã Mẫu (dòng mẫu)",
        KIND: "Mở rộng",
        BUDGET: 45000000,
        START_DATE: "08/08/2017",
        REPRESENTATIVE: "Nguyễn Văn A",
        SECRETARY: "Trần Thị B",
        TEMPLATE: "",
    }

    programme = Field(attribute="programme__name", column_name=PROGRAMME, readonly=True)
    commune = Field(attribute="commune__code", column_name=COMMUNE, readonly=True)
    commune_name = Field(attribute="commune__name", column_name=COMMUNE_NAME, readonly=True)
    kind = Field(
        attribute="kind",
        column_name=KIND,
        widget=ChoiceWidget(ParticipationKind, PARTICIPATION_KIND_SYNONYMS),
    )
    # An empty budget or start date leaves it as it is (a new participation: 0, and the
    # programme's start date).
    budget_allocated = Field(
        attribute="budget_allocated",
        column_name=BUDGET,
        widget=AmountWidget(),
        saves_null_values=False,
    )
    start_date = Field(
        attribute="start_date",
        column_name=START_DATE,
        widget=DateWidget(),
        saves_null_values=False,
    )
    qms_representative = Field(
        attribute="qms_representative",
        column_name=REPRESENTATIVE,
        widget=TextWidget(max_length=120),
    )
    iso_secretary = Field(
        attribute="iso_secretary", column_name=SECRETARY, widget=TextWidget(max_length=120)
    )
    template = Field(attribute="template__name", column_name=TEMPLATE, readonly=True)

    class Meta(SpreadsheetResource.Meta):
        model = Participation
        fields = (
            "programme",
            "commune",
            "commune_name",
            "kind",
            "budget_allocated",
            "start_date",
            "qms_representative",
            "iso_secretary",
            "template",
        )

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.programmes = list(self.in_scope(Programme.objects.all()))
        self.templates = list(RoadmapTemplate.objects.all())
        self.communes: dict[str, Commune | None] = {}

    def find_programme(self, text) -> Programme:
        text = as_text(text)
        if not text:
            raise ValidationError({PROGRAMME: _("Name the programme or its decision number.")})
        found = [p for p in self.programmes if programme_matches(p, text)]
        if len(found) != 1:
            raise ValidationError(
                {
                    PROGRAMME: _("No programme is named “%(value)s” or has that decision number.")
                    % {"value": text}
                }
            )
        return found[0]

    def get_or_init_instance(self, instance_loader, row):
        programme = self.find_programme(row.get(PROGRAMME))
        commune = find_commune(row.get(COMMUNE), cache=self.communes, user=self.user)
        instance = (
            Participation.objects.filter(programme=programme, commune=commune)
            .select_related("programme", "commune", "template")
            .first()
        )
        if instance is not None:
            return instance, False
        return Participation(programme=programme, commune=commune), True

    def import_instance(self, instance, row, **kwargs):
        if is_blank(row.get(KIND)):
            raise ValidationError({"kind": _("The kind is required.")})
        super().import_instance(instance, row, **kwargs)
        if instance.start_date is None and instance.pk is None:
            instance.start_date = instance.programme.start_date
        name = as_text(row.get(TEMPLATE))
        self.pending_template = None
        if name:
            found = [t for t in self.templates if fold(t.name) == fold(name)]
            if not found:
                raise ValidationError(
                    {TEMPLATE: _("No roadmap template is named “%(value)s”.") % {"value": name}}
                )
            self.pending_template = found[0]
        elif instance.pk is None:
            of_kind = [t for t in self.templates if t.kind == instance.kind]
            if len(of_kind) == 1:
                self.pending_template = of_kind[0]

    def before_save_instance(self, instance, row, **kwargs):
        """The template is set before the one save, so that the participation's history holds
        one entry for the row (applying the template then saves nothing more)."""
        super().before_save_instance(instance, row, **kwargs)
        template = getattr(self, "pending_template", None)
        self.template_changed = template is not None and template.pk != instance.template_id
        if self.template_changed:
            instance.template = template

    def after_save_instance(self, instance, row, **kwargs):
        from roadmap.services import participation_apply_template

        if kwargs.get("dry_run"):
            return  # the preview writes nothing: the milestones come with the confirmation
        if getattr(self, "template_changed", False):
            participation_apply_template(
                participation=instance, template=instance.template, by=self.user
            )

    def describe(self, instance):
        return f"{instance.commune} – {instance.programme}" if instance is not None else ""


# The milestone list's export: its first seven columns are those of the milestone import, so an
# export can be edited and imported back.
MILESTONE_COLUMNS = [
    Column(COMMUNE, "participation.commune.code"),
    Column(COMMUNE_NAME, "participation.commune.name"),
    Column(STEP, lambda m: f"{m.step.order}. {m.step.name}"),
    Column(STATUS, lambda m: choice_label(Milestone.Status, m.status)),
    Column(COMPLETED_ON, "completed_on"),
    Column(NOTE, "note"),
    Column(PROGRAMME, "participation.programme.name"),
    Column(field_label(Commune, "district"), lambda m: m.participation.commune.district or ""),
    Column(field_label(Milestone, "planned_start"), "planned_start"),
    Column(field_label(Milestone, "due_date"), "due_date"),
    Column("Số ngày trễ", "days_late"),
    Column(field_label(Milestone, "updated_by"), lambda m: str(m.updated_by or "")),
]


def _milestones_to_export():
    return Milestone.objects.with_list_related()


def _export_lookups(milestones) -> tuple[dict, dict, dict]:
    """What the rows of ``milestones`` (a queryset) name, by id: participations (commune code
    and name, district, programme), steps ("order. name"), users (their name); three queries."""
    parts = Participation.objects.filter(pk__in=milestones.values("participation_id"))
    participations = {
        pk: (code, name, district or "", programme)
        for pk, code, name, district, programme in parts.values_list(
            "pk", "commune__code", "commune__name", "commune__district__name", "programme__name"
        )
    }
    steps = RoadmapStep.objects.filter(pk__in=milestones.values("step_id"))
    step_labels = {
        pk: f"{order}. {name}" for pk, order, name in steps.values_list("pk", "order", "name")
    }
    users = get_user_model().objects.filter(pk__in=milestones.values("updated_by_id"))
    return participations, step_labels, {u.pk: str(u) for u in users}


def milestone_export_rows(keys, day=None):
    """The values of :data:`MILESTONE_COLUMNS` for the milestones of ``keys`` (an ordered
    queryset), as they stood on ``day`` (default today; the status of that day,
    :meth:`MilestoneQuerySet.with_status_on`), row by row in that order, read in chunks: tuples
    from the database and three lookups in place of a model instance per row (120,000 rows in
    seconds)."""
    participations, steps, users = _export_lookups(keys.order_by())
    statuses = {value: choice_label(Milestone.Status, value) for value in Milestone.Status.values}
    as_of = day or clock.today()
    if "status_then" not in keys.query.annotations:
        keys = keys.with_status_on(as_of)
    fields = ("participation_id", "step_id", "status_then", "completed_then", "note")
    fields += ("planned_start",)
    rows = keys.values_list(*fields, "due_date", "updated_by_id")  # same filters and order
    for part, step, status, done, note, start, due, user in rows.iterator(chunk_size=5000):
        code, name, district, programme = participations[part]
        late = milestone_days_late(status, due, done, as_of)
        yield [
            *(code, name, steps[step], statuses[status], done, note, programme, district),
            *(start, due, late, users.get(user, "")),
        ]


register_import(
    "milestones",
    MilestoneResource,
    filename=pgettext_lazy("file name", "milestone-progress"),
    position=10,
)
register_import(
    "participations",
    ParticipationResource,
    filename=pgettext_lazy("file name", "programme-communes"),
    position=20,
)
register_export(
    "milestones",
    ExportList(
        MILESTONE_COLUMNS,
        pgettext_lazy("file name", "milestones"),
        _milestones_to_export,
        rows=milestone_export_rows,
    ),
)
