"""The export every list page offers: the rows it shows, as .xlsx or .csv.

A list view that already filters its queryset by the request and by ``.visible_to(user)`` adds
two lines::

    from imports.export import Column, export_format, export_response

    MILESTONE_COLUMNS = [Column("Mã xã", "participation.commune.code"), ...]

    def milestone_list(request):
        milestones = filtered(Milestone.objects.visible_to(request.user), request.GET)
        if fmt := export_format(request):
            return export_response(rows=milestones, columns=MILESTONE_COLUMNS,
                                   filename="moc-tien-do", fmt=fmt)
        ...

and its template links to ``{% querystring export="xlsx" %}`` and ``{% querystring export="csv"
%}``, so the file holds exactly the rows of the page with its current filters. Text that a
spreadsheet would run (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
prefixed with an apostrophe.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


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
    return neutralise(str(value))


def csv_text(value) -> str:
    value = cell_value(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)


def table_bytes(*, rows: Iterable, columns: list[Column], fmt: str) -> bytes:
    """The rows as the bytes of an .xlsx or a .csv (UTF-8 with BOM, which Excel reads right)."""
    headers = [str(c.header) for c in columns]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in headers])
        for row in rows:
            writer.writerow([csv_text(c.of(row)) for c in columns])
        return ("\ufeff" + out.getvalue()).encode("utf-8")

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=neutralise(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for column in columns:
            value = cell_value(column.of(row))
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never let openpyxl read text as a formula
            elif isinstance(value, datetime.datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, int | Decimal) and abs(value) >= 1000:
                cell.number_format = "#,##0"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_response(*, rows: Iterable, columns: list[Column], filename: str, fmt: str):
    """An attachment response holding ``rows`` in ``fmt`` (``"xlsx"`` or ``"csv"``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    body = table_bytes(rows=rows, columns=columns, fmt=fmt)
    content_type = XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
    stem = slugify(filename) or "export"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
