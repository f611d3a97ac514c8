"""Multi-model workflows of the procedures: a catalogue of commune-level procedures imported
from the national procedure database's export."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communes.models import nfc
from core.resources import CellError, Report
from core.spreadsheets import Sheet
from core.text import fold
from core.widgets import as_text
from procedures.models import Catalogue, Field, Procedure

# The columns of the national procedure database's export (Cơ sở dữ liệu quốc gia về thủ tục
# hành chính), with the other spellings met in provinces' files; compared folded.
CATALOGUE_COLUMNS = {
    "code": ("Mã thủ tục", "Mã TTHC", "Mã số"),
    "name": ("Tên thủ tục", "Tên thủ tục hành chính", "Tên TTHC"),
    "field": ("Lĩnh vực",),
    "level": ("Cấp thực hiện",),
}
COMMUNE_LEVEL = "cap xa"  # "Cấp Xã", folded; a row may name several levels


@dataclass
class CatalogueRow:
    """One row of the export, read."""

    number: int
    code: str
    name: str
    field: str
    level: str


@dataclass
class CatalogueImport:
    """What an import of a catalogue did (or, with errors, why it wrote nothing)."""

    report: Report
    catalogue: Catalogue | None = None
    created: list[str] = field(default_factory=list)
    other_levels: int = 0


def _columns(sheet: Sheet, report: Report) -> dict[str, int]:
    folded = [fold(as_text(h)) for h in sheet.headers]
    found = {}
    for key, names in CATALOGUE_COLUMNS.items():
        index = next((folded.index(fold(n)) for n in names if fold(n) in folded), None)
        if index is None:
            report.add_error(
                CellError(
                    None, names[0], _("The column “%(name)s” is missing.") % {"name": names[0]}
                )
            )
        found[key] = index
    return found


def _read_rows(sheet: Sheet, report: Report) -> list[CatalogueRow]:
    columns = _columns(sheet, report)
    if report.errors:
        return []

    def cell(values, key):
        i = columns[key]
        return nfc(as_text(values[i])) if i < len(values) else ""

    return [
        CatalogueRow(number, *(cell(values, k) for k in ("code", "name", "field", "level")))
        for number, values in sheet.rows
    ]


def _check(rows: list[CatalogueRow], report: Report) -> list[CatalogueRow]:
    """The rows of the commune level, each with a name, a field and a code met once."""
    seen = {}
    kept = []
    for row in rows:
        if COMMUNE_LEVEL not in fold(row.level):
            continue
        for value, column, message in (
            (row.name, "Tên thủ tục", _("The procedure's name is required.")),
            (row.field, "Lĩnh vực", _("The field is required.")),
        ):
            if not value:
                report.add_error(CellError(row.number, column, message))
        if row.code and row.code in seen:
            report.add_error(
                CellError(
                    row.number,
                    "Mã thủ tục",
                    _("The code “%(code)s” is already on row %(row)s.")
                    % {"code": row.code, "row": seen[row.code]},
                )
            )
        seen.setdefault(row.code or f"#{row.number}", row.number)
        kept.append(row)
    return kept


def _procedure_of(row: CatalogueRow, report: Report) -> Procedure | None:
    """The procedure of ``row``: by its code, else by its field and name; a row without a code
    names a procedure already known (the export always gives one)."""
    if row.code:
        found = Procedure.objects.filter(national_code=row.code).first()
        if found:
            return found
    found = Procedure.objects.filter(
        name=row.name, field__name=row.field, national_code__in=["", row.code]
    ).first()
    if found or row.code:
        return found
    report.add_error(
        CellError(
            row.number,
            "Mã thủ tục",
            _("No code and no procedure named “%(name)s” in the field “%(field)s”.")
            % {"name": row.name, "field": row.field},
        )
    )
    return None


def _field_named(name: str) -> Field:
    found = next((f for f in Field.objects.all() if fold(f.name) == fold(name)), None)
    if found:
        return found
    code = slugify(fold(name))[:40] or "linh-vuc"
    return Field.objects.create(code=code, name=name)


@transaction.atomic
def catalogue_import(
    *,
    sheet: Sheet,
    name: str,
    valid_from: datetime.date | None,
    decision: str = "",
    note: str = "",
    by=None,
) -> CatalogueImport:
    """Read the national database's export into the catalogue ``name`` in force from
    ``valid_from``: the rows of the commune level (``Cấp thực hiện`` names ``Cấp Xã``), each
    procedure found by its code (else by its field and name) or created; the catalogue's list
    replaced. One bad row and nothing is written; ``by`` is the author the procedures' histories
    name."""
    result = CatalogueImport(report=Report(title=str(_("Procedure catalogue")), filename=""))
    report = result.report
    rows = _read_rows(sheet, report)
    kept = _check(rows, report)
    result.other_levels = len(rows) - len(kept)
    if not report.errors and not kept:
        report.add_error(CellError(None, "Cấp thực hiện", _("No row is of the commune level.")))
    procedures = [_procedure_of(row, report) for row in kept] if not report.errors else []
    if report.errors:
        return result
    members = []
    for row, found in zip(kept, procedures, strict=True):
        if found is None:
            found = Procedure(national_code=row.code, name=row.name, field=_field_named(row.field))
            found._history_user = by
            found.save()
            result.created.append(row.name)
        members.append(found)
    catalogue, _created = Catalogue.objects.update_or_create(
        name=nfc(name), defaults={"valid_from": valid_from, "decision": decision, "note": note}
    )
    catalogue.procedures.set(members)
    result.catalogue = catalogue
    return result
