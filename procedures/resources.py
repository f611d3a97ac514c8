"""The spreadsheets of the procedure catalogue (import and export) and of a commune's QMS scope.

A procedure is found by its national code, or by its field and name when it has none; a scope
row by the commune's GSO code and the procedure. The catalogue exports in its import layout, so
an exported list can be edited and imported back.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export.fields import Field
from import_export.widgets import Widget

from communes.resources import COMMUNE, find_commune
from core.resources import SAMPLE_CODE, SpreadsheetResource, register_import
from core.spreadsheets import Column, ExportList, register_export
from core.widgets import (
    ChoiceWidget,
    DateWidget,
    TextWidget,
    WholeNumberWidget,
    as_text,
    fold,
)
from procedures.models import Field as ProcedureField
from procedures.models import Procedure, ScopeItem

# The catalogue's columns, as the province's announcements lay them out.
CODE = "Mã TTHC"
NAME = "Tên thủ tục"
FIELD = "Lĩnh vực"
PROCESSING_DAYS = "Thời hạn giải quyết (ngày làm việc)"
LEGAL_BASIS = "Căn cứ pháp lý"
ANNOUNCED_BY = "Quyết định công bố"
ANNOUNCED_ON = "Ngày công bố"
AMENDED_ON = "Ngày sửa đổi"
ABOLISHED_ON = "Ngày bãi bỏ"

# Other spellings of the scope states met in the offices' files (accepted, never written).
SCOPE_STATE_SYNONYMS = {
    "Dự kiến": ScopeItem.State.PLANNED,
    "Đang soạn thảo": ScopeItem.State.DRAFTED,
}


class FieldWidget(Widget):
    """A field (lĩnh vực) typed by its name or its code."""

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if not text:
            raise ValueError(_("The field is required."))
        for field in ProcedureField.objects.all():
            if fold(text) in (fold(field.name), fold(field.code)):
                return field
        raise ValueError(_("No field is named “%(value)s”.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


def procedure_key(row) -> tuple | None:
    code = as_text(row.get(CODE))
    if code:
        return ("code", fold(code))
    name = as_text(row.get(NAME))
    return ("name", fold(as_text(row.get(FIELD))), fold(name)) if name else None


class ProcedureResource(SpreadsheetResource):
    """The procedure catalogue as the province announces it: one row per procedure."""

    title = gettext_lazy("Administrative procedure catalogue")
    required_columns = (CODE, NAME, FIELD)
    key_columns = (CODE,)
    example = {
        CODE: SAMPLE_CODE,
        NAME: "Thủ tục mẫu (dòng mẫu)",
        FIELD: "Hộ tịch",
        PROCESSING_DAYS: 0,
        LEGAL_BASIS: "Luật Hộ tịch 2014",
        ANNOUNCED_BY: "",
        ANNOUNCED_ON: "12/06/2017",
        AMENDED_ON: "",
        ABOLISHED_ON: "",
    }

    national_code = Field(attribute="national_code", column_name=CODE, widget=TextWidget(20))
    name = Field(attribute="name", column_name=NAME, widget=TextWidget(400))
    procedure_field = Field(attribute="field", column_name=FIELD, widget=FieldWidget())
    processing_days = Field(
        attribute="processing_days", column_name=PROCESSING_DAYS, widget=WholeNumberWidget()
    )
    legal_basis = Field(attribute="legal_basis", column_name=LEGAL_BASIS, widget=TextWidget())
    announced_by = Field(attribute="announced_by", column_name=ANNOUNCED_BY, widget=TextWidget(100))
    announced_on = Field(attribute="announced_on", column_name=ANNOUNCED_ON, widget=DateWidget())
    amended_on = Field(attribute="amended_on", column_name=AMENDED_ON, widget=DateWidget())
    abolished_on = Field(attribute="abolished_on", column_name=ABOLISHED_ON, widget=DateWidget())

    class Meta(SpreadsheetResource.Meta):
        model = Procedure
        fields = (
            "national_code",
            "name",
            "procedure_field",
            "processing_days",
            "legal_basis",
            "announced_by",
            "announced_on",
            "amended_on",
            "abolished_on",
        )

    def row_key(self, row):
        return procedure_key(row)

    def get_or_init_instance(self, instance_loader, row):
        code = as_text(row.get(CODE))
        name = as_text(row.get(NAME))
        if not name:
            raise ValidationError({NAME: _("The procedure's name is required.")})
        if code:
            found = Procedure.objects.filter(national_code=code).first()
            if found:
                return found, False
        try:
            field = FieldWidget().clean(row.get(FIELD))
        except ValueError as exc:
            raise ValidationError({FIELD: str(exc)}) from None
        found = Procedure.objects.filter(
            name=name, field=field, national_code__in=["", code]
        ).first()
        if found:
            return found, False
        return Procedure(), True


class ScopeResource(SpreadsheetResource):
    """A commune's QMS scope: which procedures it covers and the process document for each."""

    title = gettext_lazy("QMS scope of communes")
    required_columns = (COMMUNE, CODE)
    key_columns = (COMMUNE, CODE, NAME)
    example = {
        COMMUNE: SAMPLE_CODE,
        CODE: SAMPLE_CODE,
        NAME: "Thủ tục mẫu (dòng mẫu)",
        "Mã quy trình": "QT-HT-01",
        "Lần ban hành": 1,
        "Ngày ban hành": "20/10/2017",
        "Tình trạng": "Đã ban hành",
    }

    commune = Field(attribute="commune__code", column_name=COMMUNE, readonly=True)
    procedure_code = Field(attribute="procedure__national_code", column_name=CODE, readonly=True)
    procedure_name = Field(attribute="procedure__name", column_name=NAME, readonly=True)
    process_code = Field(
        attribute="process_code", column_name="Mã quy trình", widget=TextWidget(40)
    )
    # An empty cell leaves the revision and the state as they are (a new item: 0, planned).
    revision = Field(
        attribute="revision",
        column_name="Lần ban hành",
        widget=WholeNumberWidget(),
        saves_null_values=False,
    )
    issued_on = Field(attribute="issued_on", column_name="Ngày ban hành", widget=DateWidget())
    state = Field(
        attribute="state",
        column_name="Tình trạng",
        widget=ChoiceWidget(ScopeItem.State, SCOPE_STATE_SYNONYMS),
        saves_null_values=False,
    )

    class Meta(SpreadsheetResource.Meta):
        model = ScopeItem
        fields = (
            "commune",
            "procedure_code",
            "procedure_name",
            "process_code",
            "revision",
            "issued_on",
            "state",
        )

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.communes = {}

    def get_or_init_instance(self, instance_loader, row):
        commune = find_commune(row.get(COMMUNE), cache=self.communes, user=self.user)
        code = as_text(row.get(CODE))
        name = as_text(row.get(NAME))
        if code:
            procedure = Procedure.objects.filter(national_code=code).first()
            if procedure is None:
                raise ValidationError(
                    {CODE: _("No procedure has the national code “%(code)s”.") % {"code": code}}
                )
        elif name:
            matches = list(Procedure.objects.filter(name=name)[:2])
            if len(matches) != 1:
                raise ValidationError(
                    {NAME: _("No single procedure is named “%(name)s”.") % {"name": name}}
                )
            procedure = matches[0]
        else:
            raise ValidationError({CODE: _("Give the procedure's national code or its name.")})
        item = (
            ScopeItem.objects.filter(commune=commune, procedure=procedure)
            .select_related("commune", "procedure")
            .first()
        )
        if item is not None:
            return item, False
        return ScopeItem(commune=commune, procedure=procedure), True

    def describe(self, instance):
        return f"{instance.commune} – {instance.procedure.name}" if instance is not None else ""


# The catalogue's export: the columns of its import, so an export can be imported back.
PROCEDURE_COLUMNS = [
    Column(CODE, "national_code"),
    Column(NAME, "name"),
    Column(FIELD, "field.name"),
    Column(PROCESSING_DAYS, "processing_days"),
    Column(LEGAL_BASIS, "legal_basis"),
    Column(ANNOUNCED_BY, "announced_by"),
    Column(ANNOUNCED_ON, "announced_on"),
    Column(AMENDED_ON, "amended_on"),
    Column(ABOLISHED_ON, "abolished_on"),
]


def _procedures_to_export():
    return Procedure.objects.select_related("field")


register_import(
    "procedures",
    ProcedureResource,
    filename=pgettext_lazy("file name", "procedure-catalogue"),
    position=30,
)
register_import(
    "scope", ScopeResource, filename=pgettext_lazy("file name", "qms-scope"), position=40
)
register_export(
    "procedures",
    ExportList(
        PROCEDURE_COLUMNS,
        pgettext_lazy("file name", "procedure-catalogue"),
        _procedures_to_export,
    ),
)
