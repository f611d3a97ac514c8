"""A fast reader of the cell values of a workbook's first sheet, for the common case.

openpyxl builds an object for every cell and shared string: a consultant's sheet of 10,000
rows takes seconds. This reads the sheet's XML with lxml and returns what openpyxl's read-only
mode would (text, numbers, booleans, dates from date-formatted numbers), row by row with the
rows' own numbers. Anything it does not handle the same way (a formula, an error cell, a typed
date, a duration, an odd layout) raises :class:`Unusual`, and the caller reads the file with
openpyxl instead, so the two never disagree.
"""

import posixpath
import re
import zipfile

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
WORKSHEET_TYPE = "/worksheet"
ROW, V, F, IS, T = f"{MAIN}row", f"{MAIN}v", f"{MAIN}f", f"{MAIN}is", f"{MAIN}t"
DIGITS = "0123456789"
CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


class Unusual(Exception):
    """The workbook holds something this reader leaves to openpyxl."""


def _xml(archive: zipfile.ZipFile, name: str):
    return etree.fromstring(archive.read(name), parser=etree.XMLParser(resolve_entities=False))


def _first_sheet(archive: zipfile.ZipFile) -> tuple[str, bool]:
    """The member name of the first worksheet, and whether dates count from 1904."""
    workbook = _xml(archive, "xl/workbook.xml")
    pr = workbook.find(f"{MAIN}workbookPr")
    date1904 = pr is not None and pr.get("date1904") in ("1", "true")
    rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {
        r.get("Id"): r.get("Target")
        for r in rels.iter(f"{PKG_REL}Relationship")
        if (r.get("Type") or "").endswith(WORKSHEET_TYPE)
    }
    for sheet in workbook.iter(f"{MAIN}sheet"):
        target = targets.get(sheet.get(f"{REL}id"))
        if target:
            if target.startswith("/"):
                return target.lstrip("/"), date1904
            return posixpath.normpath(posixpath.join("xl", target)), date1904
    raise Unusual


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    for si in _xml(archive, "xl/sharedStrings.xml").iter(f"{MAIN}si"):
        parts = [t.text or "" for t in si.iter(f"{MAIN}t") if t.getparent().tag != f"{MAIN}rPh"]
        strings.append("".join(parts))
    return strings


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """The indexes of the cell styles that show a number as a date; Unusual for a duration."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    styles = _xml(archive, "xl/styles.xml")
    formats = dict(BUILTIN_FORMATS)
    for fmt in styles.iter(f"{MAIN}numFmt"):
        formats[int(fmt.get("numFmtId"))] = fmt.get("formatCode") or ""
    dates, durations = set(), set()
    xfs = styles.find(f"{MAIN}cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else []):
        code = formats.get(int(xf.get("numFmtId") or 0), "")
        if is_timedelta_format(code):
            durations.add(index)
        elif is_date_format(code):
            dates.add(index)
    if durations:
        raise Unusual
    return dates


def _column(letters: str, ref: str, number: int) -> int:
    """The 0-based column of a cell reference's ``letters``; Unusual for an odd reference."""
    if not CELL_REF.match(ref) or int(ref[len(letters) :]) != number:
        raise Unusual
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _value(cell, strings, dates, epoch):
    kind = cell.get("t") or "n"
    v = box = None
    for child in cell:
        tag = child.tag
        if tag == V:
            v = child.text
        elif tag == F:
            raise Unusual  # a formula: openpyxl's path refuses it with the cell named
        elif tag == IS:
            box = child
    if kind == "inlineStr":
        return "".join(t.text or "" for t in box.iter(T)) if box is not None else None
    if v is None:
        return None
    if kind == "s":
        return strings[int(v)]
    if kind == "b":
        return v in ("1", "true")
    if kind != "n":
        raise Unusual  # an error, a typed date, a cached formula string
    number = float(v) if ("." in v or "E" in v or "e" in v) else int(v)
    if dates and int(cell.get("s") or 0) in dates:
        return from_excel(number, epoch)
    return number


def read_first_sheet(archive: zipfile.ZipFile) -> list[tuple[int, list]]:
    """``(row number, values)`` of every row of the first worksheet that has cells."""
    name, date1904 = _first_sheet(archive)
    strings = _shared_strings(archive)
    dates = _date_styles(archive)
    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    columns: dict[str, int] = {}  # a cell reference's letters -> its 0-based column
    rows = []
    with archive.open(name) as stream:
        for _event, row in etree.iterparse(stream, tag=ROW, resolve_entities=False):
            number = int(row.get("r") or (rows[-1][0] + 1 if rows else 1))
            values = []
            for cell in row:
                ref = cell.get("r")
                if ref:
                    letters = ref.rstrip(DIGITS)
                    column = columns.get(letters)
                    if column is None:
                        column = columns[letters] = _column(letters, ref, number)
                    if column < len(values):
                        raise Unusual
                    if column > len(values):
                        values.extend([None] * (column - len(values)))
                values.append(_value(cell, strings, dates, epoch))
            row.clear()
            while row.getprevious() is not None:  # keep memory flat
                del row.getparent()[0]
            if values:
                rows.append((number, values))
    return rows
