"""The spreadsheets of the administrative units: the GSO list (import and export) and the lookup of a commune by its GSO code that the other imports share.

The GSO layout has one row per commune: "Tỉnh / Thành Phố", "Mã TP", "Quận Huyện", "Mã QH",
"Phường Xã", "Mã PX", "Cấp" (a district with no commune has its commune cells empty). Units are
keyed by GSO code: a unit whose name or kind changed is updated, not duplicated, and a second
import of the same file changes nothing. The import upserts in bulk (a whole country is some
12,000 rows); the kinds of provinces and districts are read from the first words of their names.
The list of 1/7/2025 has no districts: the same columns without the district pair, and the level
may say "Đặc khu". With an ``effective`` date the file is the whole list from that date on (see
``communes.services.units_replace_list``). Otherwise a list is matched with the units in force on
its date (the date given, else the one in the file's name); a list without a date whose codes are
carried by units that have ended is refused, since only its date says which unit each row is, so
an old list imported again never brings its units back.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export import resources
from import_export.fields import Field

from communes.models import Commune, District, Province, territory_codes
from communes.services import (
    SUCCESSION_COLUMNS,
    next_list_start,
    successions_import,
    units_around,
    units_ended_among,
    units_replace_list,
)
from core import clock
from core.resources import (
    NEW,
    SAMPLE_CODE,
    SKIP,
    UPDATE,
    CellError,
    Report,
    RowReport,
    canonical_headers,
    check_headers,
    drop_sample_rows,
    locate_header,
    register_import,
)
from core.scope import scope_of
from core.spreadsheets import Sheet
from core.widgets import ChoiceWidget, as_text, clean_code, fold

# The columns every spreadsheet naming a commune shares.
COMMUNE = "Mã xã"
COMMUNE_NAME = "Tên xã"

PROVINCE, PROVINCE_CODE = "Tỉnh / Thành Phố", "Mã TP"
DISTRICT, DISTRICT_CODE = "Quận Huyện", "Mã QH"
COMMUNE_GSO, COMMUNE_CODE = "Phường Xã", "Mã PX"
LEVEL = "Cấp"
GSO_COLUMNS = (PROVINCE, PROVINCE_CODE, DISTRICT, DISTRICT_CODE, COMMUNE_GSO, COMMUNE_CODE, LEVEL)
GSO_2025_COLUMNS = (PROVINCE, PROVINCE_CODE, COMMUNE_GSO, COMMUNE_CODE, LEVEL)

# The first words of a name give the kind; longer prefixes are tried first.
PROVINCE_PREFIXES = [("thành phố", Province.Kind.CITY), ("tỉnh", Province.Kind.PROVINCE)]
DISTRICT_PREFIXES = [
    ("thành phố", District.Kind.CITY),
    ("thị xã", District.Kind.TOWN),
    ("huyện", District.Kind.RURAL),
    ("quận", District.Kind.URBAN),
]
BATCH = 1000
FILE_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-?(\d\d)-?(\d\d)(?!\d)")


#: What :func:`communes_by_code` keeps for a code whose units all lie outside the user's scope.
OUTSIDE = object()


def communes_in_scope(user=None):
    """The communes an import run by ``user`` may name: :meth:`visible_to` (the one scope rule;
    with ``QMS_PROVINCE`` set, the territory), or every commune when no user is named (a command
    run by the operator)."""
    communes = Commune.objects.select_related("district")
    return communes if user is None else communes.visible_to(user)


def outside_error(code: str, column=COMMUNE) -> ValidationError:
    return ValidationError(
        {
            column: _(
                "The unit with the GSO code “%(code)s” lies outside your area of work: "
                "nothing of it is imported or shown."
            )
            % {"code": code}
        }
    )


def find_commune(value, column=COMMUNE, cache: dict | None = None, user=None) -> Commune:
    """The commune with GSO code ``value`` (the current unit first) among those ``user`` may
    see (:func:`communes_in_scope`), or ValidationError (one that says so for a commune
    outside the user's scope).

    ``cache`` (a dict kept by the resource for one import) saves a query per repeated code.
    """
    try:
        code = clean_code(value, 5)
    except ValueError as exc:
        raise ValidationError({column: str(exc)}) from None
    if cache is not None and code in cache:
        commune = cache[code]
    else:
        commune = communes_in_scope(user).by_code(code)
        if commune is None and user is not None and Commune.objects.filter(code=code).exists():
            commune = OUTSIDE
        if cache is not None:
            cache[code] = commune
    if commune is OUTSIDE:
        raise outside_error(code, column)
    if commune is None:
        raise ValidationError(
            {column: _("No commune has the GSO code “%(code)s”.") % {"code": code}}
        )
    return commune


def communes_by_code(values, user=None) -> dict[str, Commune | None]:
    """:func:`find_commune`'s cache for many codes, read in two queries: for each well-formed
    code among ``values``, the unit current today among those ``user`` may see, else the one
    that carried the code last, else :data:`OUTSIDE` (a unit outside the user's scope carries
    it) or None (as ``Commune.objects.by_code``)."""
    codes = set()
    for value in values:
        try:
            codes.add(clean_code(value, 5))
        except ValueError:
            continue
    today = clock.today()
    found: dict[str, Commune | None] = dict.fromkeys(codes)
    best: dict[str, tuple] = {}
    for commune in communes_in_scope(user).filter(code__in=codes):
        current = (commune.valid_from is None or commune.valid_from <= today) and (
            commune.valid_until is None or commune.valid_until >= today
        )
        rank = (current, commune.valid_until or datetime.date.min)
        if commune.code not in best or rank > best[commune.code]:
            best[commune.code] = rank
            found[commune.code] = commune
    missing = [code for code, commune in found.items() if commune is None]
    if user is not None and missing:
        for code in Commune.objects.filter(code__in=missing).values_list("code", flat=True):
            found[code] = OUTSIDE
    return found


def province_codes_in_scope(user=None) -> set[str] | None:
    """The codes of the provinces whose units an administrative-units list imported by ``user``
    may name and change: those of the provinces ``user`` may see (``visible_to``) and, with
    ``QMS_PROVINCE`` set, the territory's codes (a list may create its province); None (every
    province) for a user who sees everything, or when no user is named (a command)."""
    if user is None or scope_of(user).everything:
        return None
    codes = set(Province.objects.visible_to(user).values_list("code", flat=True))
    return codes | set(territory_codes()) if scope_of(user).province_ids is not None else codes


def kind_from_name(name: str, prefixes):
    key = fold(name)
    for prefix, kind in prefixes:
        if key.startswith(prefix + " "):
            return kind
    return None


class GsoRows:
    """Reading the rows of a GSO table into units by level and code; errors go to ``report``.

    ``provinces``: code -> (name, kind); ``districts``: code -> (name, kind, province code);
    ``communes``: code -> (name, kind, district code, province code, row).
    """

    def __init__(self, sheet: Sheet, report: Report, allowed: set[str] | None = None):
        index = {fold(h): i for i, h in enumerate(sheet.headers) if h}
        self.allowed = allowed  # the province codes the user may change (None: every one)
        self.position = {c: index[fold(c)] for c in GSO_COLUMNS if fold(c) in index}
        self.report = report
        self.provinces, self.districts, self.communes = {}, {}, {}
        self.first_row = {}  # (level, code) -> row where the unit first appears
        self.level_widget = ChoiceWidget(Commune.Kind, {"Đặc khu": Commune.Kind.SPECIAL_ZONE})

    def cell(self, values, column):
        i = self.position[column]
        return values[i] if i < len(values) else None

    def error(self, row, column, message) -> None:
        self.report.add_error(CellError(row, column, message))

    def unit(self, row, values, name_col, code_col, width, required=True):
        """(code, name) of one level of the row, or None (an error is recorded if due)."""
        name, raw_code = as_text(self.cell(values, name_col)), self.cell(values, code_col)
        if not name and not as_text(raw_code):
            if required:
                self.error(row, code_col, _("The code is missing."))
            return None
        try:
            code = clean_code(raw_code, width)
        except ValueError as exc:
            self.error(row, code_col, str(exc) if as_text(raw_code) else _("The code is missing."))
            return None
        if not name:
            self.error(row, name_col, _("The name is missing."))
            return None
        if len(name) > 100:
            self.error(row, name_col, _("The name is longer than 100 characters."))
            return None
        return code, name

    def same_unit(self, row, level, code, value, known, name_col) -> bool:
        """False (with an error) when ``code`` already names another unit in the file."""
        if code not in known:
            self.first_row[(level, code)] = row
            return True
        if known[code][: len(value)] == value:
            return True
        self.error(row, name_col, self.conflict(level, code, known[code], value))
        return False

    def conflict(self, level, code, before, now) -> str:
        """What differs between two rows giving the same code: the name, the kind or the parent."""
        first = self.first_row[(level, code)]
        if before[0] != now[0]:
            what, old, new = _("name"), before[0], now[0]
        elif before[1] != now[1]:
            what, old, new = _("kind"), before[1].label, now[1].label
        else:  # the same name and kind under another province
            what, old, new = _("province code"), before[2], now[2]
        return _(
            "Code %(code)s has the %(what)s “%(before)s” in row %(row)s and “%(now)s” here; "
            "one code, one unit."
        ) % {"code": code, "what": what, "before": old, "row": first, "now": new}

    def province(self, row, values) -> str | None:
        """The row's province code, its unit recorded; None when the row stops here."""
        p = self.unit(row, values, PROVINCE, PROVINCE_CODE, 2)
        if p is None:
            return None
        if self.allowed is not None and p[0] not in self.allowed:
            self.error(row, PROVINCE_CODE, outside_error(p[0]).messages[0])
            return None
        kind = kind_from_name(p[1], PROVINCE_PREFIXES)
        if kind is None:
            self.error(
                row,
                PROVINCE,
                _("“%(name)s” should start with “Tỉnh” or “Thành phố”.") % {"name": p[1]},
            )
            return None
        if not self.same_unit(row, "p", p[0], (p[1], kind), self.provinces, PROVINCE):
            return None
        self.provinces[p[0]] = (p[1], kind)
        return p[0]

    def district(self, row, values, province: str) -> str | None:
        """The row's district code, its unit recorded; None when the row stops here."""
        d = self.unit(row, values, DISTRICT, DISTRICT_CODE, 3)
        if d is None:
            return None
        kind = kind_from_name(d[1], DISTRICT_PREFIXES)
        if kind is None:
            self.error(
                row,
                DISTRICT,
                _("“%(name)s” should start with “Huyện”, “Quận”, “Thị xã” or “Thành phố”.")
                % {"name": d[1]},
            )
            return None
        if not self.same_unit(row, "d", d[0], (d[1], kind, province), self.districts, DISTRICT):
            return None
        self.districts[d[0]] = (d[1], kind, province)
        return d[0]

    def commune(self, row, values, district: str | None, province: str) -> None:
        """Record the row's commune, if it names one (a district may have none)."""
        c = self.unit(row, values, COMMUNE_GSO, COMMUNE_CODE, 5, required=district is None)
        if c is None:
            return
        if c[0] in self.communes:
            self.error(
                row,
                COMMUNE_CODE,
                _("This row repeats row %(row)s.") % {"row": self.first_row[("c", c[0])]},
            )
            return
        self.first_row[("c", c[0])] = row
        try:
            kind = self.level_widget.clean(self.cell(values, LEVEL))
        except ValueError as exc:
            self.error(row, LEVEL, str(exc))
            return
        if kind is None:
            self.error(row, LEVEL, _("The level (Xã, Phường, Thị trấn or Đặc khu) is missing."))
            return
        self.communes[c[0]] = (c[1], kind, district, province, row)

    def read(self, rows, progress=None):
        """Every row, level by level; ``progress(done, total)`` as the rows are read."""
        total = len(rows)
        for done, (row, values) in enumerate(rows, start=1):
            if progress and done % 500 == 0:
                progress(done, total * 2)
            province = self.province(row, values)
            if province is None:
                continue
            district = None  # the list of 2025 has no districts
            if DISTRICT in self.position:
                district = self.district(row, values, province)
                if district is None:
                    continue
            self.commune(row, values, district, province)
        return self.provinces, self.districts, self.communes


LEVEL_FIELDS = {
    Province: ["name", "kind"],
    District: ["name", "kind", "province"],
    Commune: ["name", "kind", "district", "province"],
}


class UnitWriter:
    """Creating the new units and updating the changed ones, level by level, in batches.

    ``ids`` keeps code -> pk of the provinces and districts, for the next level's foreign keys.
    """

    def __init__(self, report: Report, *, dry_run: bool, progress, total: int, on, within=None):
        self.report = report
        self.within = within  # the province codes whose units may change (None: every one)
        self.on = on  # the list's day: only the units in force on it are matched
        self.next_list = next_list_start(on)  # a new unit of an old list ends before it
        self.dry_run = dry_run
        self.progress = progress
        self.total = total
        self.ids = {Province: {}, District: {}}
        self.summaries, self.changes = [], []

    def fields_of(self, model, value) -> dict:
        fields = {"name": value[0], "kind": value[1]}
        if model is District:
            fields["province_id"] = self.ids[Province].get(value[2])
        elif model is Commune:
            fields["district_id"] = self.ids[District].get(value[2])
            fields["province_id"] = self.ids[Province].get(value[3])
        return fields

    def existing(self, model, wanted) -> dict:
        """The units of ``wanted``'s codes in force on the list's day, by code; a code whose
        units are all of another period gets a new unit, their dates around it."""
        found, self.next_start, self.earlier = units_around(
            model, list(wanted), self.on, self.within
        )
        if model in self.ids:
            self.ids[model].update({code: unit.pk for code, unit in found.items()})
        return found

    def new_unit(self, model, code, fields):
        """A unit for ``code`` on the list's day, between the code's earlier and later units; a
        unit of an old list ends before the next list, which did not name it."""
        until = min(filter(None, (self.next_start.get(code), self.next_list)), default=None)
        return model(
            code=code,
            valid_from=self.on if code in self.earlier else None,
            valid_until=until - datetime.timedelta(days=1) if until else None,
            **fields,
        )

    def plan(self, model, wanted) -> tuple[list, list]:
        """The units to create and the (changed) units to update; the report says which."""
        existing = self.existing(model, wanted)
        to_create, to_update = [], []
        for code, value in wanted.items():
            unit = existing.get(code)
            fields = self.fields_of(model, value)
            if unit is None:
                to_create.append(self.new_unit(model, code, fields))
                if model is Commune:
                    self.report.rows.append(RowReport(value[4], NEW, f"{value[0]} ({code})"))
                continue
            if self.dry_run:  # parents created by this file have no key yet
                fields = {k: v for k, v in fields.items() if v is not None}
            diff = [(k, getattr(unit, k), v) for k, v in fields.items() if getattr(unit, k) != v]
            if diff:
                for k, _old, new in diff:
                    setattr(unit, k, new)
                to_update.append(unit)
                self.note_update(model, code, value, diff)
        return to_create, to_update

    def note_update(self, model, code, value, diff) -> None:
        """A changed commune is a row of the report; a changed province or district, a detail."""
        shown = [(k, as_text(o), as_text(n)) for k, o, n in diff if k in ("name", "kind")]
        if model is Commune:
            self.report.rows.append(RowReport(value[4], UPDATE, f"{value[0]} ({code})", shown))
            return
        self.changes.append(
            _("%(unit)s (%(code)s) changes: %(changes)s")
            % {
                "unit": value[0],
                "code": code,
                "changes": "; ".join(f"{o} → {n}" for _k, o, n in shown) or "—",
            }
        )

    def count(self, label, wanted, to_create, to_update) -> None:
        counts = {
            NEW: len(to_create),
            UPDATE: len(to_update),
            SKIP: len(wanted) - len(to_create) - len(to_update),
        }
        for action, count in counts.items():
            self.report.counts[action] += count
        self.summaries.append(
            _("%(level)s: %(new)s new, %(update)s changed, %(skip)s unchanged")
            % {"level": label, "new": counts[NEW], "update": counts[UPDATE], "skip": counts[SKIP]}
        )

    def write(self, model, to_create, to_update) -> None:
        for start in range(0, len(to_create), BATCH):
            model.objects.bulk_create(to_create[start : start + BATCH])
            if model is Commune and self.progress:
                self.progress(min(self.total // 2 + start + BATCH, self.total), self.total)
        for start in range(0, len(to_update), BATCH):
            model.objects.bulk_update(to_update[start : start + BATCH], LEVEL_FIELDS[model])
        if model in self.ids:
            self.ids[model].update({u.code: u.pk for u in to_create})

    def level(self, model, wanted, label) -> None:
        to_create, to_update = self.plan(model, wanted)
        self.count(label, wanted, to_create, to_update)
        if not self.dry_run:
            self.write(model, to_create, to_update)

    def finish(self) -> None:
        self.report.details += [f"· {line}" for line in self.summaries] + self.changes
        if self.progress:
            self.progress(self.total, self.total)
        self.report.written = not self.dry_run and self.report.changes_anything


class AdminUnitResource(resources.ModelResource):
    """Communes with their district and province, in the GSO layout, both ways."""

    title = gettext_lazy("Administrative units (GSO list)")
    required_columns = GSO_COLUMNS
    example = {
        PROVINCE: "Tỉnh Mẫu",
        PROVINCE_CODE: "00",
        DISTRICT: "Huyện Mẫu",
        DISTRICT_CODE: "000",
        COMMUNE_GSO: "Xã Mẫu",
        COMMUNE_CODE: SAMPLE_CODE,
        LEVEL: "Xã",
    }

    province_name = Field(attribute="province__name", column_name=PROVINCE)
    province_code = Field(attribute="province__code", column_name=PROVINCE_CODE)
    district_name = Field(attribute="district__name", column_name=DISTRICT)
    district_code = Field(attribute="district__code", column_name=DISTRICT_CODE)
    name = Field(attribute="name", column_name=COMMUNE_GSO)
    code = Field(attribute="code", column_name=COMMUNE_CODE)
    kind = Field(attribute="kind", column_name=LEVEL, widget=ChoiceWidget(Commune.Kind))

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

    def __init__(self, *, user=None, source: str = "", effective=None, list_date=None):
        super().__init__()
        self.user = user
        self.source = source
        self.effective = effective
        self.list_date = list_date

    def file_day(self) -> datetime.date | None:
        """The date in the file's name, as the statistics office names its lists (e.g.
        ...-2017-08-18.json), or None."""
        found = FILE_DATE.search(self.source or "")
        if found:
            try:
                return datetime.date(*(int(part) for part in found.groups()))
            except ValueError:
                pass
        return None

    def list_day(self, units, report: Report) -> datetime.date | None:
        """The day the list describes: the date given, else the date in the file's name (the
        report says so), else today when none of its codes is carried by a unit that has ended.
        Otherwise None, and the report has the error that asks for the list's date."""
        if self.list_date:
            return self.list_date
        day = self.file_day()
        if day is not None:
            report.details.append(
                _("Date of the list: %(day)s (from the file's name)") % {"day": f"{day:%d/%m/%Y}"}
            )
            return day
        count, ended = units_ended_among(units)
        if not count:
            return clock.today()
        message = _(
            "%(count)s units of the list carry the code of a unit that has ended (such as "
            "%(unit)s (%(code)s), ended on %(day)s): without the list's date its rows cannot be "
            "matched. Give the date of the list, the day it describes (18/08/2017 for the list "
            "of 2017; command: --list-date), and each row is matched with the unit in force "
            "that day."
        ) % {
            "count": count,
            "unit": ended.name,
            "code": ended.code,
            "day": f"{ended.valid_until:%d/%m/%Y}",
        }
        report.add_error(CellError(None, "", message))
        return None

    #: What the upload page asks besides the file, by name: required or not. With an effective
    #: date the file is the whole list from that day (the list of 2025 has no districts).
    upload_options = {"effective": False, "list_date": False}

    @classmethod
    def columns(cls) -> list[str]:
        return list(GSO_COLUMNS)

    def run(self, sheet: Sheet, *, dry_run: bool, progress=None) -> Report:
        """Check every row, then (unless ``dry_run``) create and update units in bulk.

        ``progress(done, total)`` is called as rows are checked and written. The caller owns the
        transaction: nothing is written when a row has an error.
        """
        report = Report(title=str(self.title), filename=self.source)
        sheet = locate_header(sheet, GSO_2025_COLUMNS)
        headers = {fold(h) for h in sheet.headers if h}
        has_districts = bool({fold(DISTRICT), fold(DISTRICT_CODE)} & headers)
        report.errors = check_headers(
            sheet.headers,
            required=GSO_COLUMNS if has_districts else GSO_2025_COLUMNS,
            optional=[],
            ignore_unknown=True,
            row=sheet.header_row,
        )
        if report.errors:
            return report
        canonical = canonical_headers(sheet.headers, GSO_COLUMNS)
        kept = drop_sample_rows(
            Sheet(headers=canonical, rows=sheet.rows, header_row=sheet.header_row),
            self.example,
            report,
        )
        sheet = Sheet(headers=sheet.headers, rows=kept.rows, header_row=sheet.header_row)
        allowed = province_codes_in_scope(self.user)
        units = GsoRows(sheet, report, allowed).read(sheet.rows, progress)
        if report.errors:
            return report
        if self.effective is not None:
            units_replace_list(
                units=units,
                effective=self.effective,
                report=report,
                dry_run=dry_run,
                within=allowed,
            )
            return report
        day = self.list_day(units, report)
        if day is None:
            return report
        provinces, districts, communes = units
        writer = UnitWriter(
            report,
            dry_run=dry_run,
            progress=progress,
            total=(len(communes) or 1) * 2,
            on=day,
            within=allowed,
        )
        writer.level(Province, provinces, _("provinces"))
        writer.level(District, districts, _("districts"))
        writer.level(Commune, communes, _("communes"))
        writer.finish()
        return report


class SuccessionResource:
    """The conversion table from the old units to the new ones (one row per old -> new pair), in
    the statistics office's columns or with Vietnamese headers: the checks and the writes are
    ``communes.services.successions_import``'s."""

    title = gettext_lazy("Successions of administrative units (conversion table)")
    required_columns = tuple(vi for _en, vi in SUCCESSION_COLUMNS.values())
    upload_options = {"effective": True, "legal_basis": False, "create_missing": False}
    example = {
        "Mã xã cũ": SAMPLE_CODE,
        "Mã huyện cũ": "000",
        "Mã tỉnh cũ": "00",
        "Sáp nhập một phần": "0",
        "Mã xã mới": SAMPLE_CODE,
        "Mã tỉnh mới": "00",
    }

    def __init__(
        self, *, user=None, source="", effective=None, legal_basis="", create_missing=False
    ):
        self.user, self.source = user, source
        self.effective, self.legal_basis = effective, legal_basis
        self.create_missing = bool(create_missing)

    @classmethod
    def columns(cls) -> list[str]:
        return list(cls.required_columns)

    def run(self, sheet: Sheet, *, dry_run: bool) -> Report:
        """Check every row (bulk reads) and, unless ``dry_run``, write the successions."""
        report = Report(title=str(self.title), filename=self.source)
        if self.effective is None:
            report.errors = [CellError(None, "", _("Give the date the successions take effect."))]
            return report
        kept = drop_sample_rows(
            Sheet(
                headers=canonical_headers(sheet.headers, self.columns()),
                rows=sheet.rows,
                header_row=sheet.header_row,
            ),
            self.example,
            report,
        )
        sheet = Sheet(headers=sheet.headers, rows=kept.rows, header_row=sheet.header_row)
        return successions_import(
            sheet=sheet,
            effective=self.effective,
            legal_basis=self.legal_basis,
            dry_run=dry_run,
            report=report,
            create_missing=self.create_missing,
            within=province_codes_in_scope(self.user),
        )


register_import(
    "admin-units",
    AdminUnitResource,
    filename=pgettext_lazy("file name", "administrative-units"),
    position=50,
)
register_import(
    "unit-successions",
    SuccessionResource,
    filename=pgettext_lazy("file name", "unit-successions"),
    position=60,
)
