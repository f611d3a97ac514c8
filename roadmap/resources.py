"""Spreadsheet resources of the roadmap: milestone status in bulk, the communes of a programme.

Rows are found by natural keys: the commune's GSO code, the step's order or name, the programme's
name or decision number; never by database id.
"""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from communes.models import Commune
from imports.resources import SpreadsheetResource
from imports.widgets import (
    AmountWidget,
    ChoiceWidget,
    DateWidget,
    TextWidget,
    as_text,
    clean_code,
    fold,
    is_blank,
)
from roadmap.models import (
    Milestone,
    Participation,
    ParticipationKind,
    Programme,
    RoadmapTemplate,
)

COMMUNE = "Mã xã"
COMMUNE_NAME = "Tên xã"
PROGRAMME = "Chương trình"

MILESTONE_STATUS_VI = {
    "Chưa bắt đầu": Milestone.Status.NOT_STARTED,
    "Đang thực hiện": Milestone.Status.IN_PROGRESS,
    "Hoàn thành": Milestone.Status.DONE,
    "Vướng mắc": Milestone.Status.BLOCKED,
    "Không áp dụng": Milestone.Status.NOT_APPLICABLE,
    "Đã hoàn thành": Milestone.Status.DONE,
    "Chưa thực hiện": Milestone.Status.NOT_STARTED,
}
PARTICIPATION_KIND_VI = {
    "Xây dựng mới": ParticipationKind.NEW_BUILD,
    "Mở rộng": ParticipationKind.EXTENSION,
    "Chuyển đổi": ParticipationKind.CONVERSION,
}


def find_commune(value, column=COMMUNE, cache: dict | None = None) -> Commune:
    """The commune with GSO code ``value`` (the current unit first), or ValidationError.

    ``cache`` (a dict kept by the resource for one import) saves a query per repeated code.
    """
    try:
        code = clean_code(value, 5)
    except ValueError as exc:
        raise ValidationError({column: str(exc)}) from None
    if cache is not None and code in cache:
        commune = cache[code]
    else:
        commune = (
            Commune.objects.filter(code=code)
            .select_related("district")
            .order_by(F("valid_until").desc(nulls_first=True))
            .first()
        )
        if cache is not None:
            cache[code] = commune
    if commune is None:
        raise ValidationError(
            {column: _("No commune has the GSO code “%(code)s”.") % {"code": code}}
        )
    return commune


def programme_matches(programme: Programme, text: str) -> bool:
    key = fold(text)
    return key in (fold(programme.name), fold(programme.decision_number or "\0"))


def step_matches(step, text: str) -> bool:
    """A step named by its order (``3``), its order and name (``3. Đào tạo``) or its name."""
    key = fold(text)
    if key.isdigit():
        return int(key) == step.order
    return key in (fold(step.name), fold(f"{step.order}. {step.name}"))


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
    required_columns = (COMMUNE, "Bước", "Trạng thái")
    key_columns = (COMMUNE, "Bước", PROGRAMME)
    ignore_unknown_columns = True  # an exported milestone list has more columns
    example = {
        COMMUNE: "28873",
        COMMUNE_NAME: "Xã Phú Phụng",
        "Bước": "3",
        "Trạng thái": "Hoàn thành",
        "Ngày hoàn thành": "15/09/2017",
        "Ghi chú": "Đã tập huấn 25 cán bộ",
        PROGRAMME: "",
    }

    commune = Field(attribute="participation__commune__code", column_name=COMMUNE, readonly=True)
    commune_name = Field(
        attribute="participation__commune__name", column_name=COMMUNE_NAME, readonly=True
    )
    step = StepField(column_name="Bước", readonly=True)
    status = Field(
        attribute="status",
        column_name="Trạng thái",
        widget=ChoiceWidget(Milestone.Status, MILESTONE_STATUS_VI),
    )
    completed_on = Field(
        attribute="completed_on", column_name="Ngày hoàn thành", widget=DateWidget()
    )
    note = Field(attribute="note", column_name="Ghi chú", widget=TextWidget())
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
        codes = set()
        for value in dataset[COMMUNE] if COMMUNE in dataset.headers else []:
            try:
                codes.add(clean_code(value, 5))
            except ValueError:
                continue
        self.milestones: dict[str, list[Milestone]] = {}
        self.communes: dict[str, Commune | None] = {}
        for milestone in Milestone.objects.filter(
            participation__commune__code__in=codes
        ).with_list_related():
            self.milestones.setdefault(milestone.participation.commune.code, []).append(milestone)

    def get_or_init_instance(self, instance_loader, row):
        commune = find_commune(row.get(COMMUNE), cache=self.communes)
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
        step = as_text(row.get("Bước"))
        if not step:
            raise ValidationError({"Bước": _("Name the step by its number or its name.")})
        found = [m for m in candidates if step_matches(m.step, step)]
        if not found:
            raise ValidationError(
                {
                    "Bước": _("The roadmap of %(commune)s has no step “%(step)s”.")
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
        if is_blank(row.get("Trạng thái")):
            raise ValidationError({"status": _("The status is required.")})
        super().import_instance(instance, row, **kwargs)
        instance.note = (instance.note or "").strip()
        if instance.status != Milestone.Status.DONE and "Ngày hoàn thành" not in row:
            instance.completed_on = None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        from roadmap.services import milestone_rule_errors

        errors = dict(import_validation_errors or {})
        if "status" not in errors and "completed_on" not in errors:
            for key, message in milestone_rule_errors(
                status=instance.status, completed_on=instance.completed_on, note=instance.note
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


class ParticipationResource(SpreadsheetResource):
    """The communes of a programme: one row per commune, created or updated.

    A new participation gets its milestones from the roadmap template named in the row, or from
    the only template for its kind when there is exactly one.
    """

    title = gettext_lazy("Communes of a programme")
    required_columns = (PROGRAMME, COMMUNE, "Loại")
    key_columns = (PROGRAMME, COMMUNE)
    example = {
        PROGRAMME: "1709/QĐ-UBND",
        COMMUNE: "28873",
        COMMUNE_NAME: "Xã Phú Phụng",
        "Loại": "Mở rộng",
        "Kinh phí (đồng)": 45000000,
        "Ngày bắt đầu": "08/08/2017",
        "Đại diện lãnh đạo": "Nguyễn Văn A",
        "Thư ký ISO": "Trần Thị B",
        "Lộ trình": "",
    }

    programme = Field(attribute="programme__name", column_name=PROGRAMME, readonly=True)
    commune = Field(attribute="commune__code", column_name=COMMUNE, readonly=True)
    commune_name = Field(attribute="commune__name", column_name=COMMUNE_NAME, readonly=True)
    kind = Field(
        attribute="kind",
        column_name="Loại",
        widget=ChoiceWidget(ParticipationKind, PARTICIPATION_KIND_VI),
    )
    # An empty budget or start date leaves it as it is (a new participation: 0, and the
    # programme's start date).
    budget_allocated = Field(
        attribute="budget_allocated",
        column_name="Kinh phí (đồng)",
        widget=AmountWidget(),
        saves_null_values=False,
    )
    start_date = Field(
        attribute="start_date",
        column_name="Ngày bắt đầu",
        widget=DateWidget(),
        saves_null_values=False,
    )
    qms_representative = Field(
        attribute="qms_representative",
        column_name="Đại diện lãnh đạo",
        widget=TextWidget(max_length=120),
    )
    iso_secretary = Field(
        attribute="iso_secretary", column_name="Thư ký ISO", widget=TextWidget(max_length=120)
    )
    template = Field(attribute="template__name", column_name="Lộ trình", readonly=True)

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
        self.programmes = list(Programme.objects.all())
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
        commune = find_commune(row.get(COMMUNE), cache=self.communes)
        instance = (
            Participation.objects.filter(programme=programme, commune=commune)
            .select_related("programme", "commune", "template")
            .first()
        )
        if instance is not None:
            return instance, False
        return Participation(programme=programme, commune=commune), True

    def import_instance(self, instance, row, **kwargs):
        if is_blank(row.get("Loại")):
            raise ValidationError({"kind": _("The kind is required.")})
        super().import_instance(instance, row, **kwargs)
        if instance.start_date is None and instance.pk is None:
            instance.start_date = instance.programme.start_date
        name = as_text(row.get("Lộ trình"))
        self.pending_template = None
        if name:
            found = [t for t in self.templates if fold(t.name) == fold(name)]
            if not found:
                raise ValidationError(
                    {"Lộ trình": _("No roadmap template is named “%(value)s”.") % {"value": name}}
                )
            self.pending_template = found[0]
        elif instance.pk is None:
            of_kind = [t for t in self.templates if t.kind == instance.kind]
            if len(of_kind) == 1:
                self.pending_template = of_kind[0]

    def after_save_instance(self, instance, row, **kwargs):
        from roadmap.services import participation_apply_template

        template = getattr(self, "pending_template", None)
        if template is not None and template.pk != instance.template_id:
            participation_apply_template(participation=instance, template=template, by=self.user)

    def describe(self, instance):
        return f"{instance.commune} – {instance.programme}" if instance is not None else ""
