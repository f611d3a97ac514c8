"""The administrative units in the layout the statistics office (GSO) publishes.

One row per commune: "Tỉnh / Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX",
"Cấp" (a district with no commune has its commune cells empty). The list of 1/7/2025 has no
districts: the same columns without the district pair, and the level may say "Đặc khu". Units are keyed by GSO code: a
unit whose name or kind changed is updated, not duplicated, and a second import of the same file
changes nothing. With an ``effective`` date the file is the whole list from that date on:
see ``communes.services.units_replace_list``. The import upserts in bulk (a whole country is some 12,000 rows); the kinds of
provinces and districts are read from the first words of their names.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field

from communes.models import Commune, District, Province
from communes.services import units_replace_list
from imports.files import Sheet
from imports.resources import (
    NEW,
    SKIP,
    UPDATE,
    CellError,
    Report,
    RowReport,
    check_headers,
    locate_header,
)
from imports.widgets import ChoiceWidget, as_text, clean_code, fold

PROVINCE, PROVINCE_CODE = "Tỉnh / Thành Phố", "Mã TP"
DISTRICT, DISTRICT_CODE = "Quận Huyện", "Mã QH"
COMMUNE, COMMUNE_CODE = "Phường Xã", "Mã PX"
LEVEL = "Cấp"
GSO_COLUMNS = (PROVINCE, PROVINCE_CODE, DISTRICT, DISTRICT_CODE, COMMUNE, COMMUNE_CODE, LEVEL)
GSO_2025_COLUMNS = (PROVINCE, PROVINCE_CODE, COMMUNE, COMMUNE_CODE, LEVEL)

# The first words of a name give the kind; longer prefixes are tried first.
PROVINCE_PREFIXES = [("thành phố", Province.Kind.CITY), ("tỉnh", Province.Kind.PROVINCE)]
DISTRICT_PREFIXES = [
    ("thành phố", District.Kind.CITY),
    ("thị xã", District.Kind.TOWN),
    ("huyện", District.Kind.RURAL),
    ("quận", District.Kind.URBAN),
]
COMMUNE_KIND_VI = {
    "Xã": Commune.Kind.COMMUNE,
    "Phường": Commune.Kind.WARD,
    "Thị trấn": Commune.Kind.TOWNSHIP,
    "Đặc khu": Commune.Kind.SPECIAL_ZONE,
}
BATCH = 1000


def kind_from_name(name: str, prefixes):
    key = fold(name)
    for prefix, kind in prefixes:
        if key.startswith(prefix + " "):
            return kind
    return None


class AdminUnitResource(resources.ModelResource):
    """Communes with their district and province, in the GSO layout, both ways."""

    title = gettext_lazy("Administrative units (GSO list)")
    required_columns = GSO_COLUMNS
    example = {
        PROVINCE: "Tỉnh Bến Tre",
        PROVINCE_CODE: "83",
        DISTRICT: "Huyện Chợ Lách",
        DISTRICT_CODE: "832",
        COMMUNE: "Xã Phú Phụng",
        COMMUNE_CODE: "28873",
        LEVEL: "Xã",
    }

    province_name = Field(attribute="province__name", column_name=PROVINCE)
    province_code = Field(attribute="province__code", column_name=PROVINCE_CODE)
    district_name = Field(attribute="district__name", column_name=DISTRICT)
    district_code = Field(attribute="district__code", column_name=DISTRICT_CODE)
    name = Field(attribute="name", column_name=COMMUNE)
    code = Field(attribute="code", column_name=COMMUNE_CODE)
    kind = Field(
        attribute="kind", column_name=LEVEL, widget=ChoiceWidget(Commune.Kind, COMMUNE_KIND_VI)
    )

    class Meta:
        model = Commune
        fields = (
            "province_name",
            "province_code",
            "district_name",
            "district_code",
            "name",
            "code",
            "kind",
        )

    def __init__(self, *, user=None, source: str = "", effective=None):
        super().__init__()
        self.user = user
        self.source = source
        self.effective = effective

    @classmethod
    def columns(cls) -> list[str]:
        return list(GSO_COLUMNS)

    # Import ----------------------------------------------------------------------------------

    def run(self, sheet: Sheet, *, dry_run: bool, progress=None) -> Report:
        """Check every row, then (unless ``dry_run``) create and update units in bulk.

        ``progress(done, total)`` is called as rows are checked and written. The caller owns the
        transaction: nothing is written when a row has an error.
        """
        report = Report(title=str(self.title), filename=self.source)
        sheet = locate_header(sheet, GSO_2025_COLUMNS)
        headers = {fold(h) for h in sheet.headers if h}
        has_districts = bool({fold(DISTRICT), fold(DISTRICT_CODE)} & headers)
        columns = GSO_COLUMNS if has_districts else GSO_2025_COLUMNS
        report.errors = check_headers(
            sheet.headers,
            required=columns,
            optional=[],
            ignore_unknown=True,
            row=sheet.header_row,
        )
        if report.errors:
            return report
        index = {fold(h): i for i, h in enumerate(sheet.headers) if h}
        position = {c: index[fold(c)] for c in columns}
        units = self._parse(sheet, position, report, progress)
        if report.errors:
            return report
        if self.effective is not None:
            units_replace_list(units=units, effective=self.effective, report=report)
            return report
        self._upsert(units, report, dry_run=dry_run, progress=progress)
        return report

    def _parse(self, sheet, position, report, progress):
        """The units the rows name, by level and code; errors go to ``report``."""
        provinces, districts, communes = {}, {}, {}
        first_row = {}  # (level, code) -> row where the unit first appears
        total = len(sheet.rows)
        level_widget = ChoiceWidget(Commune.Kind, COMMUNE_KIND_VI)

        def cell(values, column):
            i = position[column]
            return values[i] if i < len(values) else None

        def error(row, column, message):
            if len(report.errors) < 200:
                report.errors.append(CellError(row, column, message))

        def unit(row, values, level, name_col, code_col, width, required=True):
            """(code, name) of one level of the row, or None (an error is recorded if due)."""
            name, raw_code = as_text(cell(values, name_col)), cell(values, code_col)
            if not name and not as_text(raw_code):
                if required:
                    error(row, code_col, _("The code is missing."))
                return None
            try:
                code = clean_code(raw_code, width)
            except ValueError as exc:
                error(row, code_col, str(exc) if as_text(raw_code) else _("The code is missing."))
                return None
            if not name:
                error(row, name_col, _("The name is missing."))
                return None
            if len(name) > 100:
                error(row, name_col, _("The name is longer than 100 characters."))
                return None
            return code, name

        def same_unit(row, level, code, name, value, known, name_col):
            """False (with an error) when ``code`` already names another unit in the file."""
            if code not in known:
                first_row[(level, code)] = row
                return True
            if known[code][: len(value)] == value:
                return True
            error(
                row,
                name_col,
                _(
                    "Code %(code)s is “%(before)s” in row %(row)s and “%(now)s” here; one code, one unit."
                )
                % {
                    "code": code,
                    "before": known[code][0],
                    "row": first_row[(level, code)],
                    "now": name,
                },
            )
            return False

        for done, (row, values) in enumerate(sheet.rows, start=1):
            if progress and done % 500 == 0:
                progress(done, total * 2)
            p = unit(row, values, "p", PROVINCE, PROVINCE_CODE, 2)
            if p is None:
                continue
            kind = kind_from_name(p[1], PROVINCE_PREFIXES)
            if kind is None:
                error(
                    row,
                    PROVINCE,
                    _("“%(name)s” should start with “Tỉnh” or “Thành phố”.") % {"name": p[1]},
                )
                continue
            if not same_unit(row, "p", p[0], p[1], (p[1], kind), provinces, PROVINCE):
                continue
            provinces[p[0]] = (p[1], kind)

            d = None  # the list of 2025 has no districts
            if DISTRICT in position:
                d = unit(row, values, "d", DISTRICT, DISTRICT_CODE, 3)
                if d is None:
                    continue
                kind = kind_from_name(d[1], DISTRICT_PREFIXES)
                if kind is None:
                    error(
                        row,
                        DISTRICT,
                        _("“%(name)s” should start with “Huyện”, “Quận”, “Thị xã” or “Thành phố”.")
                        % {"name": d[1]},
                    )
                    continue
                if not same_unit(row, "d", d[0], d[1], (d[1], kind, p[0]), districts, DISTRICT):
                    continue
                districts[d[0]] = (d[1], kind, p[0])

            c = unit(row, values, "c", COMMUNE, COMMUNE_CODE, 5, required=d is None)
            if c is None:  # a district without communes
                continue
            if c[0] in communes:
                error(
                    row,
                    COMMUNE_CODE,
                    _("This row repeats row %(row)s.") % {"row": first_row[("c", c[0])]},
                )
                continue
            first_row[("c", c[0])] = row
            try:
                kind = level_widget.clean(cell(values, LEVEL))
            except ValueError as exc:
                error(row, LEVEL, str(exc))
                continue
            if kind is None:
                error(row, LEVEL, _("The level (Xã, Phường, Thị trấn or Đặc khu) is missing."))
                continue
            communes[c[0]] = (c[1], kind, d[0] if d else None, p[0], row)
        return provinces, districts, communes

    def _upsert(self, units, report, *, dry_run, progress):
        """Create the new units and update the changed ones, level by level, in batches."""
        provinces, districts, communes = units
        ids = {Province: {}, District: {}}  # code -> pk, for the next level's foreign keys

        def fields_of(model, value):
            fields = {"name": value[0], "kind": value[1]}
            if model is District:
                fields["province_id"] = ids[Province].get(value[2])
            elif model is Commune:
                fields["district_id"] = ids[District].get(value[2])
                fields["province_id"] = ids[Province].get(value[3])
            return fields

        total = (len(communes) or 1) * 2
        summaries, changes = [], []
        levels = [
            (Province, provinces, _("provinces")),
            (District, districts, _("districts")),
            (Commune, communes, _("communes")),
        ]
        for model, wanted, label in levels:
            existing = {}
            for unit in model.objects.filter(code__in=list(wanted)).order_by("-valid_until"):
                existing[unit.code] = unit  # the current unit (valid_until NULL) comes last
            if model in ids:
                ids[model].update({code: unit.pk for code, unit in existing.items()})
            to_create, to_update = [], []
            for code, value in wanted.items():
                unit = existing.get(code)
                fields = fields_of(model, value)
                if unit is None:
                    to_create.append(model(code=code, **fields))
                    if model is Commune:
                        report.rows.append(RowReport(value[4], NEW, f"{value[0]} ({code})"))
                    continue
                if dry_run:  # parents created by this file have no key yet
                    fields = {k: v for k, v in fields.items() if v is not None}
                diff = [
                    (k, getattr(unit, k), v) for k, v in fields.items() if getattr(unit, k) != v
                ]
                if not diff:
                    continue
                for k, _old, new in diff:
                    setattr(unit, k, new)
                to_update.append(unit)
                shown = [(k, as_text(o), as_text(n)) for k, o, n in diff if k in ("name", "kind")]
                if model is Commune:
                    report.rows.append(RowReport(value[4], UPDATE, f"{value[0]} ({code})", shown))
                else:
                    changes.append(
                        _("%(unit)s (%(code)s) changes: %(changes)s")
                        % {
                            "unit": value[0],
                            "code": code,
                            "changes": "; ".join(f"{o} → {n}" for _k, o, n in shown) or "—",
                        }
                    )
            counts = {
                NEW: len(to_create),
                UPDATE: len(to_update),
                SKIP: len(wanted) - len(to_create) - len(to_update),
            }
            for action, count in counts.items():
                report.counts[action] += count
            summaries.append(
                _("%(level)s: %(new)s new, %(update)s changed, %(skip)s unchanged")
                % {
                    "level": label,
                    "new": counts[NEW],
                    "update": counts[UPDATE],
                    "skip": counts[SKIP],
                }
            )
            if dry_run:
                continue
            for start in range(0, len(to_create), BATCH):
                model.objects.bulk_create(to_create[start : start + BATCH])
                if model is Commune and progress:
                    progress(min(total // 2 + start + BATCH, total), total)
            for start in range(0, len(to_update), BATCH):
                model.objects.bulk_update(to_update[start : start + BATCH], _fields_of(model))
            if model in ids:
                ids[model].update({u.code: u.pk for u in to_create})
        report.details = [f"· {line}" for line in summaries] + changes
        if progress:
            progress(total, total)
        report.written = not dry_run and report.changes_anything


def _fields_of(model):
    if model is Province:
        return ["name", "kind"]
    if model is District:
        return ["name", "kind", "province"]
    return ["name", "kind", "district", "province"]
