"""What every spreadsheet import shares: the report, header checks, the base resource, and the
registry of the kinds that can be imported.

Each importable kind is a django-import-export resource in its app's ``resources.py``, built on
:class:`SpreadsheetResource`: Vietnamese column headers, rows found by natural keys (GSO code,
procedure code, step order or name), duplicates refused, every saved row leaving a
django-simple-history entry with the importing user, as an edit in the page would. The app
registers it (:func:`register_import`) when its ``resources`` module is loaded, from its
``AppConfig.ready``; the import pages (``imports/``) list the kinds from here.
"""

import difflib
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export import resources
from import_export.results import RowResult

from core.spreadsheets import Sheet
from core.widgets import as_text, fold, is_blank

NEW, UPDATE, SKIP = "new", "update", "skip"


@dataclass(frozen=True)
class ImportKind:
    """A kind of spreadsheet the import pages accept: its resource and its template's file name.

    ``position`` orders the kinds on the import page (the most used first).
    """

    name: str
    resource: type
    filename: object
    position: int


IMPORT_KINDS: dict[str, ImportKind] = {}


def register_import(name: str, resource: type, *, filename, position: int) -> None:
    """Offer ``resource`` on the import pages as the kind ``name`` (called by the owning app)."""
    IMPORT_KINDS[name] = ImportKind(name, resource, filename, position)


def import_kinds() -> list[ImportKind]:
    """The registered kinds, in the order of the import page."""
    return sorted(IMPORT_KINDS.values(), key=lambda k: k.position)


@dataclass
class CellError:
    """One problem, at a row (None: the whole file) and a column (empty: the whole row)."""

    row: int | None
    column: str
    message: str


@dataclass
class RowReport:
    """What an import does to one row: create, change (with the changes) or leave alone."""

    number: int
    action: str
    label: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Report:
    """The outcome of a dry run or of a real import."""

    title: str = ""
    filename: str = ""
    counts: dict[str, int] = field(default_factory=lambda: {NEW: 0, UPDATE: 0, SKIP: 0})
    rows: list[RowReport] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    written: bool = False
    stale: bool = False  # refused because the data changed after the preview, not the file
    errors_not_listed: int = 0  # errors past MAX_LISTED_ERRORS: counted, not kept

    MAX_LISTED_ERRORS = 200

    @property
    def error_count(self) -> int:
        """Every error found, including those not listed."""
        return len(self.errors) + self.errors_not_listed

    def add_error(self, error: CellError) -> None:
        """Keep ``error`` if fewer than ``MAX_LISTED_ERRORS`` are kept; count it either way."""
        if len(self.errors) < self.MAX_LISTED_ERRORS:
            self.errors.append(error)
        else:
            self.errors_not_listed += 1

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes_anything(self) -> bool:
        return bool(self.counts[NEW] or self.counts[UPDATE])

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add_row(self, row: RowReport) -> None:
        self.counts[row.action] += 1
        self.rows.append(row)


@dataclass
class Plan:
    """A preview computed without writing: its report, what confirming it would write
    (``changes``, the kind's own records) and the version of each object the rows name as the
    preview read it (``versions``, by primary key as text), for the check at confirmation."""

    report: Report
    changes: list = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)


def locate_header(sheet: Sheet, required) -> Sheet:
    """Offices often put a title above the table: when the first row lacks the required
    columns, the first of the next rows that holds most of them is taken as the header row."""
    wanted = {fold(c) for c in required}
    if not wanted or wanted <= {fold(h) for h in sheet.headers if h}:
        return sheet
    for i, (number, values) in enumerate(sheet.rows[:10]):
        names = {fold(as_text(v)) for v in values if not is_blank(v)}
        if len(wanted & names) > len(wanted) // 2:
            headers = [" ".join(as_text(v).split()) for v in values]
            while headers and not headers[-1]:
                headers.pop()
            return Sheet(headers=headers, rows=sheet.rows[i + 1 :], header_row=number)
    return sheet


# A template file's sample rows: a note starting with this mark, then the example row, whose code
# names no unit (``SAMPLE_CODE``): an import skips both and says so, so a template sent back
# unchanged writes nothing.
COMMENT_MARK = "#"
SAMPLE_CODE = "00000"


def sample_note() -> str:
    """The note row of a template file (its first cell)."""
    return _(
        "# Sample rows: the row below is an example (code %(code)s names no unit). Replace it "
        "with your data; when the file is imported, rows starting with # and the example row "
        "are skipped."
    ) % {"code": SAMPLE_CODE}


def is_sample_row(row: dict, example: dict) -> bool:
    """``row`` (by column) is a note (its first filled cell starts with ``#``) or the template's
    example row, unchanged."""
    first = next((as_text(v) for v in row.values() if not is_blank(v)), "")
    if first.startswith(COMMENT_MARK):
        return True
    shown = {c: as_text(v) for c, v in example.items() if as_text(v)}
    return bool(shown) and all(fold(as_text(row.get(c))) == fold(v) for c, v in shown.items())


def drop_sample_rows(sheet: Sheet, example: dict, report) -> Sheet:
    """``sheet`` without its sample rows (:func:`is_sample_row`), each named in ``report``."""
    rows = []
    for number, values in sheet.rows:
        if is_sample_row(dict(zip(sheet.headers, values, strict=False)), example):
            report.details.append(
                _("Row %(row)s is a sample row of the template: skipped.") % {"row": number}
            )
        else:
            rows.append((number, values))
    return Sheet(headers=sheet.headers, rows=rows, header_row=sheet.header_row)


def check_headers(
    headers, *, required, optional, ignore_unknown=False, row: int = 1
) -> list[CellError]:
    """Errors for missing, misspelled, repeated or unknown columns of the header ``row``."""
    errors = []
    known = {fold(c): c for c in [*required, *optional]}
    present = {}
    unknown = []
    for header in headers:
        if not header:
            continue
        key = fold(header)
        if key in present:
            errors.append(
                CellError(
                    row, header, _("The column “%(column)s” appears twice.") % {"column": header}
                )
            )
        present[key] = header
        if key not in known:
            unknown.append(header)
    missing = [c for c in required if fold(c) not in present]
    absent = [c for c in [*required, *optional] if fold(c) not in present]
    for header in unknown:
        close = difflib.get_close_matches(fold(header), [fold(c) for c in absent], n=1, cutoff=0.6)
        if close:
            errors.append(
                CellError(
                    row,
                    header,
                    _("Column “%(column)s” is not recognised: did you mean “%(expected)s”?")
                    % {"column": header, "expected": known[close[0]]},
                )
            )
        elif not ignore_unknown:
            errors.append(
                CellError(
                    row,
                    header,
                    _("Column “%(column)s” is not recognised. The columns are: %(columns)s.")
                    % {"column": header, "columns": ", ".join([*required, *optional])},
                )
            )
    for column in missing:
        errors.append(
            CellError(
                row, column, _("The required column “%(column)s” is missing.") % {"column": column}
            )
        )
    return errors


def canonical_headers(headers, columns) -> list[str]:
    """Headers spelled as the resource spells them (the file may differ in case or spacing)."""
    by_key = {fold(c): c for c in columns}
    return [by_key.get(fold(h), h) if h else f"_{i}" for i, h in enumerate(headers)]


class SpreadsheetResource(resources.ModelResource):
    """Base of the import resources: subclasses set ``title``, the columns and the natural key.

    - ``required_columns``: the columns a file must have; the other declared fields are optional.
    - ``key_columns``: the columns that name the row's object; two rows with the same key are
      refused as duplicates (override :meth:`row_key` for a key with alternatives).
    - ``example``: one example row for the template file, by column.
    - ``get_or_init_instance`` finds the object by natural key, raising ``ValidationError``
      keyed by column for an unknown code.
    """

    title = ""
    required_columns: tuple[str, ...] = ()
    key_columns: tuple[str, ...] = ()
    ignore_unknown_columns = False
    example: dict = {}

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        store_instance = True
        skip_html_diff = True
        use_transactions = True

    def __init__(self, *, user=None, source: str = ""):
        super().__init__()
        self.user = user
        self.source = source
        self.row_numbers: list[int] = []
        self.duplicates: dict[int, int] = {}
        self._import_fields = None

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """As import-export's, without its debug message (built for every skipped cell)."""
        if field.attribute and not field.readonly and field.column_name in row:
            field.save(instance, row, is_m2m, **kwargs)

    def get_import_fields(self):
        """The import fields, listed once (import-export lists them again for every row)."""
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def in_scope(self, queryset):
        """``queryset`` cut to what the importing user may see (``visible_to``: the one scope
        rule, the territory included); whole when no user is named (a command)."""
        return queryset if self.user is None else queryset.visible_to(self.user)

    # Columns ---------------------------------------------------------------------------------

    @classmethod
    def columns(cls) -> list[str]:
        return [f.column_name for f in cls().get_import_fields()]

    @classmethod
    def optional_columns(cls) -> list[str]:
        return [c for c in cls.columns() if c not in cls.required_columns]

    def column_of(self, key: str) -> str:
        """The column an error key (field name, attribute or column) refers to."""
        if key == NON_FIELD_ERRORS:
            return ""
        for name, f in self.fields.items():
            attribute = f.attribute or ""
            if key in (name, f.column_name, attribute, attribute.split("__")[0]):
                return f.column_name
        return key

    # The run ---------------------------------------------------------------------------------

    def row_key(self, row: dict):
        values = tuple(fold(as_text(row.get(c))) for c in self.key_columns)
        return values if any(values) else None

    def file_row(self, index: int) -> int:
        """The file's row number of the dataset's 1-based ``index``."""
        if 0 < index <= len(self.row_numbers):
            return self.row_numbers[index - 1]
        return index + 1

    def read_rows(self, sheet: Sheet, report: Report) -> list[tuple[int, dict]] | None:
        """The rows of ``sheet`` as ``(file row, {column: value})``, headers spelled as the
        resource spells them; None (and the errors in ``report``) when the headers are wrong."""
        sheet = locate_header(sheet, self.required_columns)
        report.errors = check_headers(
            sheet.headers,
            required=self.required_columns,
            optional=self.optional_columns(),
            ignore_unknown=self.ignore_unknown_columns,
            row=sheet.header_row,
        )
        if report.errors:
            return None
        known = {fold(c) for c in self.columns()}
        ignored = [h for h in sheet.headers if h and fold(h) not in known]
        if ignored:
            report.details.append(
                _("Columns ignored: %(columns)s.") % {"columns": ", ".join(ignored)}
            )
        headers = canonical_headers(sheet.headers, self.columns())
        sheet = drop_sample_rows(
            Sheet(headers=headers, rows=sheet.rows, header_row=sheet.header_row),
            self.example,
            report,
        )
        rows = []
        for number, values in sheet.rows:
            values = list(values[: len(headers)]) + [None] * (len(headers) - len(values))
            rows.append((number, dict(zip(headers, values, strict=True))))
        self.row_numbers = [number for number, _values in rows]
        return rows

    def run(self, sheet: Sheet, *, dry_run: bool) -> Report:
        """Import ``sheet`` (already read) and report; the caller owns the transaction (a dry
        run writes nothing and needs none)."""
        report = Report(title=str(self.title), filename=self.source)
        rows = self.read_rows(sheet, report)
        if rows is None:
            return report
        headers = list(rows[0][1]) if rows else canonical_headers(sheet.headers, self.columns())
        dataset = tablib.Dataset(headers=headers)
        for _number, row in rows:
            dataset.append(list(row.values()))
        if dry_run:
            # import-export's dry run saves every row in a transaction it rolls back (on SQLite
            # the write lock, for the whole file). Without a transaction it saves nothing: the
            # preview only reads, and holds no lock.
            result = self.import_data_inner(
                dataset,
                dry_run=True,
                raise_errors=False,
                using_transactions=False,
                collect_failed_rows=False,
            )
        else:
            result = self.import_data(dataset, dry_run=False, use_transactions=True)
        self._collect(result, report)
        return report

    # The bulk path: a plan from bulk reads, applied in bulk ----------------------------------

    #: True when the kind implements :meth:`plan_rows` and :meth:`apply_plan`: its preview reads
    #: in a fixed number of queries and writes nothing, its confirmation writes in bulk.
    plans = False

    def plan(self, sheet: Sheet) -> Plan:
        """What importing ``sheet`` would do, from bulk reads only: no write, no transaction."""
        plan = Plan(report=Report(title=str(self.title), filename=self.source))
        rows = self.read_rows(sheet, plan.report)
        if rows is None:
            return plan
        self.find_duplicates([row for _number, row in rows])
        self.plan_rows(rows, plan)
        plan.report.errors.sort(key=lambda e: (e.row or 0, e.column))
        if plan.report.errors:
            plan.report.rows, plan.report.counts = [], {NEW: 0, UPDATE: 0, SKIP: 0}
        return plan

    def plan_rows(self, rows: list[tuple[int, dict]], plan: Plan) -> None:
        """Fill ``plan`` (its report, changes and versions) for ``rows``: bulk reads only."""
        raise NotImplementedError

    def apply_plan(self, plan: Plan, *, seen: dict[str, int] | None) -> list[CellError]:
        """Write ``plan`` in bulk inside the caller's transaction, unless an object changed
        since ``seen`` (the versions the preview read): then the errors, and nothing written."""
        raise NotImplementedError

    def row_errors(self, number: int, error: ValidationError) -> list[CellError]:
        """A row's ``ValidationError`` as errors by column."""
        if not hasattr(error, "error_dict"):
            return [CellError(number, "", "; ".join(error.messages))]
        return [
            CellError(number, self.column_of(key), str(message))
            for key, messages in error.message_dict.items()
            for message in messages
        ]

    def duplicate_error(self, index: int) -> ValidationError | None:
        """The error of the dataset's 1-based row ``index`` when it repeats an earlier row."""
        if index not in self.duplicates:
            return None
        column = self.key_columns[0] if self.key_columns else NON_FIELD_ERRORS
        return ValidationError(
            {
                column: _("This row repeats row %(row)s.")
                % {"row": self.file_row(self.duplicates[index])}
            }
        )

    def change_reason(self) -> str:
        return _("Imported from %(file)s") % {"file": self.source}

    def find_duplicates(self, rows) -> None:
        """Note the rows (1-based) whose key repeats an earlier row's."""
        seen = {}
        for index, row in enumerate(rows, start=1):
            key = self.row_key(row)
            if key is None:
                continue
            if key in seen:
                self.duplicates[index] = seen[key]
            else:
                seen[key] = index

    def before_import(self, dataset, **kwargs):
        self.find_duplicates(dict(zip(dataset.headers, values, strict=False)) for values in dataset)

    def before_import_row(self, row, **kwargs):
        error = self.duplicate_error(kwargs.get("row_number"))
        if error is not None:
            raise error

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user
        instance._change_reason = self.change_reason()

    # Report ----------------------------------------------------------------------------------

    def _collect(self, result, report: Report) -> None:
        for index, row_errors in result.row_errors():
            for error in row_errors:
                report.errors.append(CellError(self.file_row(index), "", _describe(error.error)))
        for invalid in result.invalid_rows:
            for key, messages in invalid.error_dict.items():
                for message in messages:
                    report.errors.append(
                        CellError(self.file_row(invalid.number), self.column_of(key), str(message))
                    )
        for error in result.base_errors:
            report.errors.append(CellError(None, "", _describe(error.error)))
        report.errors.sort(key=lambda e: (e.row or 0, e.column))
        if report.errors:
            return
        for index, row_result in enumerate(result.rows, start=1):
            action = {
                RowResult.IMPORT_TYPE_NEW: NEW,
                RowResult.IMPORT_TYPE_UPDATE: UPDATE,
            }.get(row_result.import_type, SKIP)
            report.add_row(
                RowReport(
                    number=self.file_row(index),
                    action=action,
                    label=self.describe(row_result.instance),
                    changes=self._changes(row_result, action),
                )
            )

    def describe(self, instance) -> str:
        return str(instance) if instance is not None else ""

    def _changes(self, row_result, action):
        return self.changes_between(row_result.original, row_result.instance, action)

    def changes_between(self, original, instance, action) -> list[tuple[str, str, str]]:
        """The columns that ``instance`` changes from ``original``: (column, old, new)."""
        if action == SKIP or instance is None:
            return []
        changes = []
        for f in self.get_import_fields():
            if f.readonly or not f.attribute:
                continue
            new = f.export(instance)
            old = f.export(original) if original is not None else ""
            if action == NEW and new in ("", None):
                continue
            if action == NEW or old != new:
                changes.append((f.column_name, as_text(old), as_text(new)))
        return changes


def _describe(error) -> str:
    """A message for an unexpected error on a row (a database constraint, usually)."""
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return _("The row could not be saved: %(error)s") % {"error": error}
