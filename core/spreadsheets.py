"""Reading an uploaded spreadsheet safely into a header row and data rows.

Accepts .xlsx and .csv only. Before openpyxl opens an .xlsx, the zip's members are counted and
their declared uncompressed sizes added up, so a zip bomb is refused without being inflated; the
workbook is opened read-only with formulas kept, and a cell holding a formula is refused. A CSV is
decoded as UTF-8 (with or without BOM), falling back to Windows-1258. Every text is returned in
Unicode NFC with surrounding blanks removed.
"""

import csv
import datetime
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

# Bounds for what an .xlsx may declare before it is opened.
XLSX_MAX_MEMBERS = 500
XLSX_MAX_RATIO = 200
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
    """Text in NFC without surrounding blanks; other values unchanged.

    The apostrophe our exports put before text starting with = + - @ (so that a spreadsheet
    does not run it) is taken off again, so an exported list imports back unchanged.
    """
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value).strip()
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
        sheet = _read_xlsx(data, max_bytes(limit_mb))
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


def _read_xlsx(data: bytes, limit: int) -> Sheet:
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
    declared = sum(m.file_size for m in members)
    if (
        len(members) > XLSX_MAX_MEMBERS
        or declared > max(limit * 10, 50 * 1024 * 1024)
        or any(m.file_size > XLSX_MAX_RATIO * max(m.compress_size, 1) + 1024 for m in members)
    ):
        raise FileRejected(
            _(
                "The workbook would unpack to far more than its size (a “zip bomb”); "
                "it was not opened."
            )
        )

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
