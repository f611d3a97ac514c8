"""Writing an .xlsx row by row: XlsxWriter in constant-memory mode, for every file we write.

XlsxWriter writes each row to a temporary file as soon as the next one starts, so a list of a
hundred thousand rows costs a few times its .csv and the memory of one row (openpyxl builds an
object per cell: 16 s for 120,000 milestones). openpyxl stays for reading (``core/xlsx.py``,
``core/spreadsheets.py``) and wherever a workbook must be read back or edited.

Cells are written by their type: text always as text (never read as a formula, a number or a
link), whole numbers and amounts as numbers (from 1.000 up grouped as ``#,##0``, which Excel
shows with the reader's separators: 1.234 in Vietnamese), dates and times as real dates shown
``dd/mm/yyyy`` and ``dd/mm/yyyy hh:mm``. An empty value leaves the cell empty.
"""

import datetime
import math
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
AMOUNT_FORMAT = "#,##0"
EXCEL_EPOCH = datetime.date(1899, 12, 30)
FIRST_PLAIN_DAY = datetime.date(1900, 3, 1)  # before it Excel counts a 29/2/1900 that never was
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def workbook(out) -> xlsxwriter.Workbook:
    """A workbook writing to ``out`` (a path or a binary file), rows flushed as they come; its
    sheets (``add_worksheet``) are :class:`TextSheet`."""
    return _Workbook(out, WORKBOOK_OPTIONS)


class TextSheet(Worksheet):
    """A worksheet whose text cells are always text, written at half the cost.

    XlsxWriter writes a text of the form ``<r>…</r>`` unescaped, as rich text markup: a user's
    note of that form would break the file. This writes every text escaped (``&``, ``<``,
    ``>``; a control character or a literal ``_xHHHH_`` as Excel escapes them) and, for the
    common cells of an export (text, numbers, dates, with their own format or none), builds the
    cell's XML directly, a few times quicker than XlsxWriter's general writer (16 µs → 4 µs a
    cell). Other cells, and cells that take a row's or a column's format, are XlsxWriter's.
    """

    _columns: list[str] = []

    def _write_cell(self, row: int, col: int, cell) -> None:
        kind = cell.__class__.__name__
        if kind not in ("String", "Number", "Datetime") or (
            cell.format is None and (row in self.row_info or col in self.col_info)
        ):
            return super()._write_cell(row, col, cell)
        if col >= len(self._columns):
            self._columns = [xl_col_to_name(c) for c in range(col + 26)]
        style = "" if cell.format is None else f' s="{cell.format._get_xf_index()}"'
        ref = f"{self._columns[col]}{row + 1}"
        if kind != "String":
            self.fh.write(f'<c r="{ref}"{style}><v>{cell.number:.16G}</v></c>')
            return None
        self.fh.write(
            f'<c r="{ref}"{style} t="inlineStr"><is>{_text_element(cell.string)}</is></c>'
        )
        return None

    def column_names(self, count: int) -> list[str]:
        """The letters of the first ``count`` columns (``A``, ``B``, …)."""
        if count > len(self._columns):
            self._columns = [xl_col_to_name(c) for c in range(count + 26)]
        return self._columns

    def takes_plain_row(self, row: int) -> bool:
        """Whether row ``row`` (0-based) can be written whole as XML (:meth:`write_plain_row`):
        constant memory, the rows before it written, no cell of it waiting, no format on the row
        or on any column (XlsxWriter's cells would take them)."""
        return (
            self.constant_memory
            and row >= self.previous_row
            and not (row == self.previous_row and self.table)
            and row not in self.row_info
            and not self.col_info
            and row not in self.comments
        )

    def write_plain_row(self, row: int, first: int, last: int, cells: str) -> None:
        """Row ``row``'s ``<c>`` elements ``cells`` (columns ``first`` to ``last``) written at
        once, as XlsxWriter writes a row without spans or format: ``<row r="…">…</row>``."""
        if row > self.previous_row:
            self._write_single_row(row)  # the row before, if it waits in XlsxWriter's table
        if self.dim_rowmin is None or row < self.dim_rowmin:
            self.dim_rowmin = row
        if self.dim_rowmax is None or row > self.dim_rowmax:
            self.dim_rowmax = row
        if self.dim_colmin is None or first < self.dim_colmin:
            self.dim_colmin = first
        if self.dim_colmax is None or last > self.dim_colmax:
            self.dim_colmax = last
        self.fh.write(f'<row r="{row + 1}">{cells}</row>')


class _Workbook(xlsxwriter.Workbook):
    worksheet_class = TextSheet


def _text_element(text: str) -> str:
    """The ``<t>`` element of an inline text, escaped as Excel reads it."""
    if "_x" in text or not text.isprintable():
        text = Worksheet._escape_control_characters(text)
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text[:1].isspace() or text[-1:].isspace():
        return f'<t xml:space="preserve">{text}</t>'
    return f"<t>{text}</t>"


class RowWriter:
    """A sheet of :func:`workbook` written one row after the other (:meth:`append`)."""

    def __init__(self, book: xlsxwriter.Workbook, sheet, *, grouped_amounts: bool = True):
        self.sheet, self.row = sheet, 0
        self.date = book.add_format({"num_format": DATE_FORMAT})
        self.datetime = book.add_format({"num_format": DATETIME_FORMAT})
        self.amount = book.add_format({"num_format": AMOUNT_FORMAT}) if grouped_amounts else None
        self._serials: dict[datetime.date, int] = {}
        self._plain = isinstance(sheet, TextSheet)
        self._styles: dict[object, str] = {}

    def append(self, values, cell_format=None) -> None:
        """Write ``values`` as the next row (``cell_format``, e.g. a header's, on every cell)."""
        row, sheet = self.row, self.sheet
        if cell_format is None and self._plain and sheet.takes_plain_row(row):
            values = values if isinstance(values, list | tuple) else list(values)
            if self._plain_row(row, values):
                self.row = row + 1
                return
        for col, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if value:
                    sheet.write_string(row, col, value, cell_format)
                elif cell_format is not None:
                    sheet.write_blank(row, col, None, cell_format)
            elif value is None:
                if cell_format is not None:
                    sheet.write_blank(row, col, None, cell_format)
            elif kind is int or kind is Decimal or kind is float:
                self._number(row, col, value, cell_format)
            elif kind is datetime.date:
                self._date(row, col, value, cell_format)
            else:
                self._other(row, col, value, cell_format)
        self.row = row + 1

    def _style(self, cell_format) -> str:
        style = self._styles.get(cell_format)
        if style is None:
            style = self._styles[cell_format] = f' s="{cell_format._get_xf_index()}"'
        return style

    def _plain_row(self, row: int, values) -> bool:
        """Write the row of ``values`` (no format of its own) as XML at once, as
        :class:`TextSheet` writes each cell, without XlsxWriter's table of cells (half the
        cost of a list's export); False, writing nothing, for a value it leaves to XlsxWriter
        (a time, a yes/no, a day before 1/3/1900, a number that is not finite, another type)."""
        r = row + 1
        columns = self.sheet.column_names(len(values))
        cells, first, last = [], -1, -1
        for col, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                cells.append(
                    f'<c r="{columns[col]}{r}" t="inlineStr"><is>{_text_element(value)}</is></c>'
                )
            elif value is None:
                continue
            elif kind is int or kind is Decimal or kind is float:
                if (kind is float and not math.isfinite(value)) or (
                    kind is Decimal and not value.is_finite()
                ):
                    return False
                grouped = kind is not float and self.amount is not None and abs(value) >= 1000
                style = self._style(self.amount) if grouped else ""
                cells.append(f'<c r="{columns[col]}{r}"{style}><v>{value:.16G}</v></c>')
            elif kind is datetime.date:
                if value < FIRST_PLAIN_DAY:
                    return False
                serial = self._serials.get(value)
                if serial is None:
                    serial = self._serials[value] = (value - EXCEL_EPOCH).days
                cells.append(
                    f'<c r="{columns[col]}{r}"{self._style(self.date)}><v>{serial}</v></c>'
                )
            else:
                return False
            if first < 0:
                first = col
            last = col
        if cells:
            self.sheet.write_plain_row(row, first, last, "".join(cells))
        return True

    def _number(self, row, col, value, cell_format) -> None:
        grouped = type(value) is not float and self.amount is not None and abs(value) >= 1000
        self.sheet.write_number(row, col, value, cell_format or (self.amount if grouped else None))

    def _date(self, row, col, value, cell_format) -> None:
        if value < FIRST_PLAIN_DAY:
            self.sheet.write_datetime(row, col, value, cell_format or self.date)
            return
        serial = self._serials.get(value)
        if serial is None:
            serial = self._serials[value] = (value - EXCEL_EPOCH).days
        self.sheet.write_number(row, col, serial, cell_format or self.date)

    def _other(self, row, col, value, cell_format) -> None:
        if isinstance(value, datetime.datetime):
            value = value.replace(tzinfo=None)
            self.sheet.write_datetime(row, col, value, cell_format or self.datetime)
        elif isinstance(value, datetime.date):
            self._date(row, col, datetime.date(value.year, value.month, value.day), cell_format)
        elif isinstance(value, bool):
            self.sheet.write_boolean(row, col, value, cell_format)
        elif isinstance(value, int | float | Decimal):
            self._number(row, col, value, cell_format)
        else:
            self.sheet.write_string(row, col, str(value), cell_format)

    def skip(self) -> None:
        """Leave the next row empty."""
        self.row += 1
