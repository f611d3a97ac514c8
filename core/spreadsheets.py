"""Spreadsheets in and out: reading an upload safely, writing a list as .xlsx or .csv.

Reading accepts .xlsx and .csv only. Before openpyxl opens an .xlsx, the zip's members are counted
and their compression ratios judged (declared uncompressed size against compressed size, for the
whole file and each member), so a zip bomb is refused without being inflated while a large
ordinary workbook (sheet XML compresses about 5 to 20 times) is read;
the workbook is opened read-only with formulas kept, and a cell holding a formula is refused. A CSV
is decoded as UTF-8 (with or without BOM), falling back to Windows-1258. Every text is returned in
Unicode NFC with surrounding blanks removed.

Writing: a list page's rows as an attachment. Each app declares the columns of its lists in its
``resources.py`` and registers them under a name (:func:`register_export`); the list view, after
filtering its rows by the request and by ``.visible_to(user)``, adds two lines::

    if fmt := export_format(request):
        return export_list("milestones", page.paginator.object_list, fmt)

Text that a spreadsheet would run (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) is prefixed with an apostrophe. Headers and choice labels are written in Vietnamese
whatever the interface language, taken from the models' own verbose names and choices
(:func:`field_label`, :func:`choice_label`), so a file reads the same for everyone.
"""

import csv
import datetime
import io
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.filenames import download_name
from core.text import clean_text

FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_LANGUAGE = "vi"  # the language of every header and label a spreadsheet holds
STREAM_CHUNK = 2000  # rows read from the database at a time by a streamed export
STREAM_LINES = 500  # .csv lines sent at a time

# Bounds for what an .xlsx may declare before it is opened. A zip bomb inflates a thousand times
# and more; real workbooks, even of repeated rows, stay far below these ratios.
XLSX_MAX_MEMBERS = 500
XLSX_MAX_RATIO = 100  # the whole file: declared uncompressed bytes per compressed byte
XLSX_MAX_MEMBER_RATIO = 400  # one member (a small member may always unpack to 64 KB)
XLSX_SMALL_MEMBER = 64 * 1024
XLSX_MAX_DECLARED = 2 * 1024**3  # whatever the ratio, never more than 2 GB unpacked
XLSX_REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")


class FileRejected(Exception):
    """The file as a whole cannot be read; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    """A table read from a file: its headers and its non-empty rows with their row numbers."""

    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    header_row: int = 1


def nfc_text(value):
    """Text in NFC without control characters (:func:`core.text.clean_text`) nor surrounding
    blanks; other values unchanged.

    The apostrophe our exports put before text starting with = + - @ (so that a spreadsheet
    does not run it) is taken off again, so an exported list imports back unchanged.
    """
    if isinstance(value, str):
        value = clean_text(value).strip()
        if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
            value = value[1:]
    return value


def max_bytes(limit_mb: int | None = None) -> int:
    return int(limit_mb or settings.IMPORT_MAX_MB) * 1024 * 1024


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_sheet(data: bytes, filename: str, *, limit_mb: int | None = None) -> Sheet:
    """Read ``data`` (the bytes of an upload named ``filename``) or raise :class:`FileRejected`.

    ``limit_mb`` overrides ``settings.IMPORT_MAX_MB`` (the command line may allow more).
    """
    if len(data) > max_bytes(limit_mb):
        raise FileRejected(
            _("The file is larger than %(max)s MB; split it or remove unused sheets.")
            % {"max": limit_mb or settings.IMPORT_MAX_MB}
        )
    if not data.strip():
        raise FileRejected(_("The file is empty."))
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        sheet = _read_xlsx(data)
    elif name.endswith(".csv"):
        sheet = _read_csv(data)
    else:
        raise FileRejected(_("Only Excel (.xlsx) and CSV (.csv) files can be imported."))
    if not any(sheet.headers):
        raise FileRejected(_("The file is empty."))
    if not sheet.rows:
        raise FileRejected(_("The file has a header row but no data rows."))
    return sheet


def _tidy_rows(raw_rows) -> Sheet:
    """Headers from the first non-empty row; then every non-empty row with its 1-based number."""
    headers = None
    header_row = 1
    rows = []
    for number, values in raw_rows:
        values = [nfc_text(v) for v in values]
        if all(v is None or v == "" for v in values):
            continue
        if headers is None:
            headers = [" ".join(str(v).split()) if v is not None else "" for v in values]
            while headers and not headers[-1]:
                headers.pop()
            header_row = number
            continue
        rows.append((number, values))
    return Sheet(headers=headers or [], rows=rows, header_row=header_row)


def _read_xlsx(data: bytes) -> Sheet:
    not_excel = _("The file is not an Excel workbook (.xlsx), although its name says so.")
    if not data.startswith(b"PK"):
        raise FileRejected(not_excel)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(not_excel) from exc
    names = {m.filename for m in members}
    if not all(required in names for required in XLSX_REQUIRED_MEMBERS):
        raise FileRejected(not_excel)
    if is_zip_bomb(members, len(data)):
        raise FileRejected(
            _(
                "The workbook would unpack to far more than its size (a “zip bomb”); "
                "it was not opened."
            )
        )

    from core.xlsx import Unusual, read_first_sheet

    try:  # the fast reader; anything unusual is left to openpyxl
        return _tidy_rows(
            (number, [_cell_value(v) for v in values])
            for number, values in read_first_sheet(archive)
        )
    except (Unusual, KeyError, ValueError, IndexError, SyntaxError, OSError, zipfile.BadZipFile):
        pass

    import openpyxl  # imported here: only .xlsx uploads need it

    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise FileRejected(not_excel) from exc
    try:
        worksheet = workbook.worksheets[0]
        raw = []
        for number, row in enumerate(worksheet.iter_rows(), start=1):
            values = []
            for index, cell in enumerate(row):
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f" or (
                    isinstance(value, str) and value.startswith("=") and len(value) > 1
                ):
                    raise FileRejected(
                        _(
                            "Cell %(cell)s holds a formula. Formulas are not imported: copy the "
                            "sheet and paste values only, then upload it again."
                        )
                        % {"cell": f"{column_letter(index)}{number}"}
                    )
                values.append(_cell_value(value))
            raw.append((number, values))
    finally:
        workbook.close()
    return _tidy_rows(raw)


def is_zip_bomb(members: Sequence[zipfile.ZipInfo], size: int) -> bool:
    """True when the zip's members would unpack to far more than a real workbook does."""
    declared = sum(m.file_size for m in members)
    return (
        len(members) > XLSX_MAX_MEMBERS
        or declared > XLSX_MAX_DECLARED
        or declared > XLSX_MAX_RATIO * max(size, 1)
        or any(
            m.file_size > XLSX_SMALL_MEMBER
            and m.file_size > XLSX_MAX_MEMBER_RATIO * max(m.compress_size, 1)
            for m in members
        )
    )


def _cell_value(value):
    """An Excel cell as text, int, Decimal or date (datetimes at midnight become dates)."""
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(str(value))
    if isinstance(value, bool):
        return str(value)
    return value


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, Windows-1258 otherwise; returned in NFC."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError as exc:
            raise FileRejected(
                _("The CSV file's text encoding was not recognised; save it as CSV UTF-8.")
            ) from exc
    if "\x00" in text:
        raise FileRejected(_("This is not a CSV text file."))
    return unicodedata.normalize("NFC", text)


def _read_csv(data: bytes) -> Sheet:
    text = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw = [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise FileRejected(_("The CSV file is damaged: %(error)s") % {"error": exc}) from exc
    return _tidy_rows(raw)


# Labels -------------------------------------------------------------------------------------


def sheet_text(text) -> str:
    """``text`` (a lazy translation) in the spreadsheets' language, whatever the interface's."""
    if translation.get_language() == SHEET_LANGUAGE:
        return str(text)
    with translation.override(SHEET_LANGUAGE):
        return str(text)


def _field_label(model, name: str) -> str:
    return capfirst(sheet_text(model._meta.get_field(name).verbose_name))


def _model_label(model) -> str:
    return capfirst(sheet_text(model._meta.verbose_name))


# Lazy, so that a module declaring its columns can be loaded before the catalogues are.
field_label = lazy(_field_label, str)
field_label.__doc__ = "The header of a model field's column: its verbose name, in Vietnamese."
model_label = lazy(_model_label, str)
model_label.__doc__ = "The header of a column naming a model's object: its verbose name."


def choice_label(choices, value) -> str:
    """The label of ``value`` among ``choices`` (a ``TextChoices``), in the spreadsheets' language."""
    if value in (None, ""):
        return ""
    try:
        label = choices(value).label
    except ValueError:
        return str(value)
    return sheet_text(label)


# Writing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of an export: its header and how to get the value from a row.

    ``value`` is a dotted attribute path (``"participation.commune.code"``; a method is called)
    or a function of the row.
    """

    header: str
    value: str | Callable[[Any], Any]

    def of(self, row) -> Any:
        if callable(self.value):
            return self.value(row)
        current = row
        for part in self.value.split("."):
            if current is None:
                return None
            current = getattr(current, part)
            if callable(current):
                current = current()
        return current


def export_format(request) -> str | None:
    """``"xlsx"`` or ``"csv"`` when the request asks for an export (``?export=xlsx``), else None."""
    fmt = request.GET.get("export", "")
    return fmt if fmt in FORMATS else None


def neutralise(value):
    """Text that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def cell_value(value):
    """A value as a spreadsheet cell holds it: numbers and dates kept, the rest as safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None)
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    return neutralise(clean_text(str(value)))


def csv_text(value) -> str:
    value = cell_value(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)


def _fast_csv_text() -> Callable[[Any], str]:
    """:func:`csv_text`, quicker for the common kinds (text, dates, whole numbers, nothing) and
    with each date's text made once: a large export converts millions of cells."""
    dates: dict = {}

    def text(value) -> str:
        kind = type(value)
        if kind is str:
            return "'" + value if value.startswith(DANGEROUS_START) else value
        if value is None:
            return ""
        if kind is datetime.date:
            if value not in dates:
                dates[value] = value.strftime("%d/%m/%Y")
            return dates[value]
        if kind is int:
            return str(value)
        return csv_text(value)

    return text


def _csv_chunks(rows: Iterable, columns: list[Column], *, values=False) -> Iterator[bytes]:
    """The rows as a .csv in UTF-8 with BOM (which Excel reads right), in chunks of lines.
    ``values``: each row is already the list of its cell values, in the columns' order."""
    with translation.override(SHEET_LANGUAGE):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        out.write("\ufeff")
        writer.writerow([neutralise(str(c.header)) for c in columns])
        text = _fast_csv_text()
        getters = [c.of for c in columns]
        for n, row in enumerate(rows, start=1):
            cells = row if values else [get(row) for get in getters]
            writer.writerow([text(v) for v in cells])
            if n % STREAM_LINES == 0:
                yield out.getvalue().encode("utf-8")
                out.seek(0)
                out.truncate()
        yield out.getvalue().encode("utf-8")


def _csv_bytes(rows: Iterable, columns: list[Column]) -> bytes:
    return b"".join(_csv_chunks(rows, columns))


def _xlsx_write(out, rows: Iterable, columns: list[Column], *, values=False) -> None:
    """The rows as an .xlsx with a bold header row, written to the file ``out`` row by row
    (XlsxWriter's constant-memory mode: :mod:`core.xlsxwrite`)."""
    from core.xlsxwrite import RowWriter, workbook

    book = workbook(out)
    writer = RowWriter(book, book.add_worksheet())
    writer.append([neutralise(str(c.header)) for c in columns], book.add_format({"bold": True}))
    getters = [c.of for c in columns]
    append, value_of = writer.append, _fast_cell_value()
    for row in rows:
        append([value_of(v) for v in (row if values else [get(row) for get in getters])])
    book.close()


def _fast_cell_value() -> Callable[[Any], Any]:
    """:func:`cell_value`, quicker for the common kinds (text, whole numbers, dates, nothing):
    a large export converts millions of cells."""

    def value_of(value):
        kind = type(value)
        if kind is str:
            if not value.isprintable():  # a line break, or a control character Excel refuses
                value = clean_text(value)
            return "'" + value if value.startswith(DANGEROUS_START) else value
        if value is None or kind is int or kind is datetime.date:
            return value
        return cell_value(value)

    return value_of


def _xlsx_bytes(rows: Iterable, columns: list[Column]) -> bytes:
    out = io.BytesIO()
    _xlsx_write(out, rows, columns)
    return out.getvalue()


def table_bytes(*, rows: Iterable, columns: list[Column], fmt: str) -> bytes:
    """The rows as the bytes of an .xlsx or a .csv (UTF-8 with BOM, which Excel reads right).

    Headers and labels are written in the spreadsheets' language, whatever the interface's.
    """
    with translation.override(SHEET_LANGUAGE):
        if fmt == "csv":
            return _csv_bytes(rows, columns)
        return _xlsx_bytes(rows, columns)


def export_response(*, rows: Iterable, columns: list[Column], filename, fmt: str):
    """An attachment response holding ``rows`` in ``fmt`` (``"xlsx"`` or ``"csv"``).

    ``filename`` (a lazy translation) is named in the spreadsheets' language, folded to a slug:
    ``tien-do-lo-trinh.xlsx`` whatever the interface's language.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    body = table_bytes(rows=rows, columns=columns, fmt=fmt)
    content_type = XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
    return _attachment(HttpResponse(body, content_type=content_type), filename, fmt)


def _attachment(response, filename, fmt: str):
    with translation.override(SHEET_LANGUAGE):
        name = download_name(str(filename), ext=fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_stream(*, rows: Iterable, columns: list[Column], filename, fmt: str, values=False):
    """:func:`export_response` for any number of rows, in bounded memory.

    A .csv streams (``StreamingHttpResponse``) as the rows come from ``rows`` (a queryset's
    ``.iterator()``); an .xlsx is written row by row (XlsxWriter's constant memory) to a temporary file,
    sent from there. ``values``: each row is the list of its cells' values (``ExportList.rows``).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "csv":
        body = _csv_chunks(rows, columns, values=values)
        response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
        return _attachment(response, filename, fmt)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    with translation.override(SHEET_LANGUAGE):
        _xlsx_write(out, rows, columns, values=values)
    out.seek(0)
    return _attachment(FileResponse(out, content_type=XLSX_TYPE), filename, fmt)


# The exportable lists -----------------------------------------------------------------------


@dataclass(frozen=True)
class ExportList:
    """The export of a list page: its columns, its file name, and how to load rows by key.

    ``load`` (optional) returns a queryset loading what the columns use; with it, the list view
    passes its rows' primary keys (``.values_list("pk", flat=True)`` of its ordered queryset, or
    a list). ``rows`` (optional, with ``load``): for a list of a hundred thousand rows, a function
    of that ordered queryset of keys yielding each row as the list of its columns' values (the
    values ``columns`` give for the objects, without a model instance per row).
    """

    columns: list[Column]
    filename: object
    load: Callable | None = None
    rows: Callable[[QuerySet], Iterator[list]] | None = None
    #: With ``load``, for a list read as of a day: ``load(day)`` returns the queryset of that
    #: day and ``take(obj, day)`` gives each object its values of that day.
    take: Callable | None = None
    #: For a list whose rows are computed (figures), not loaded: ``prepare(queryset, day)``
    #: returns the rows of the list's queryset, in its order (called once the export is sure to
    #: be written, in the background worker for a large one).
    prepare: Callable | None = None


EXPORT_LISTS: dict[str, ExportList] = {}


def register_export(name: str, spec: ExportList) -> None:
    """Make ``spec`` the export of the list ``name`` (called by the app owning the list)."""
    EXPORT_LISTS[name] = spec


def _loaded(spec: ExportList, keys: QuerySet, day=None) -> Iterator:
    """The rows of ``keys`` (an ordered queryset of primary keys) as ``spec`` loads them, in
    that order, read from the database in chunks (as they stood on ``day`` for a list read as
    of a day)."""
    load = spec.load(day) if spec.take is not None and day is not None else spec.load()
    rows = load.filter(pk__in=keys.order_by()).order_by(*keys.query.order_by)
    if spec.take is None or day is None:
        return rows.iterator(chunk_size=STREAM_CHUNK)
    return (spec.take(row, day) for row in rows.iterator(chunk_size=STREAM_CHUNK))


def register_background_export(queue: Callable, waiting: Callable[[int], int]) -> None:
    """Let large exports run in the background worker (called by the app owning the tasks).

    ``queue(request, fmt)`` queues the export the request asks for and returns the response that
    sends the user to its page; ``waiting(user_id)`` counts the user's tasks not yet finished."""
    BACKGROUND["queue"], BACKGROUND["waiting"] = queue, waiting


BACKGROUND: dict[str, Callable | None] = {"queue": None, "waiting": None}


def direct_max_rows() -> int:
    """Above this many rows an export is written by the background worker."""
    return getattr(settings, "QMS_EXPORT_DIRECT_MAX_ROWS", 3000)


def _count(rows) -> int:
    return rows.count() if isinstance(rows, QuerySet) else len(rows)


def export_list(name: str, rows: Sequence, fmt: str, *, day=None, request=None):
    """The ``name`` list's ``rows`` (objects, or primary keys for a list that loads) as a file.

    Primary keys given as a queryset are loaded in chunks and the file is streamed
    (:func:`export_stream`): memory stays bounded whatever the number of rows. ``day``: the
    list's "as of" day, for a list whose rows are read as they stood then.

    With the ``request``: an export of more than :func:`direct_max_rows` rows, or one asked
    while the user already holds the web workers with long requests (:mod:`core.work`), is
    queued in the background worker (:func:`register_background_export`), which calls the same
    view again and so this function, which then writes the file, saying how far it is.
    """
    from core import work

    total = _count(rows)
    queue, waiting = BACKGROUND["queue"], BACKGROUND["waiting"]
    if request is not None and queue is not None and not work.in_task():
        user_id = request.user.pk
        if total > direct_max_rows() or work.should_queue(user_id, waiting(user_id)):
            return queue(request, fmt)
    if work.in_task():
        work.report_progress(5)
    with work.user_slot(request.user.pk) if request is not None else nullcontext():
        return _export_file(EXPORT_LISTS[name], rows, fmt, day, total)


def _export_file(spec: ExportList, rows, fmt: str, day, total: int):
    from core.work import counted

    columns, filename = spec.columns, spec.filename
    if spec.prepare is not None:
        rows = spec.prepare(rows, day)
    if spec.rows is not None and isinstance(rows, QuerySet):
        rows = counted(spec.rows(rows, day=day), total, start=5, end=95)
        return export_stream(rows=rows, columns=columns, filename=filename, fmt=fmt, values=True)
    if spec.load is not None and isinstance(rows, QuerySet):
        rows = counted(_loaded(spec, rows, day), total, start=5, end=95)
        return export_stream(rows=rows, columns=columns, filename=filename, fmt=fmt)
    if spec.load is not None:
        pks = list(rows)
        position = {pk: i for i, pk in enumerate(pks)}
        rows = sorted(spec.load().filter(pk__in=pks), key=lambda o: position[o.pk])
    return export_response(rows=rows, columns=columns, filename=filename, fmt=fmt)
