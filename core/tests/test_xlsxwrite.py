"""The .xlsx writer of every export (core/xlsxwrite.py), read back with openpyxl: text stays
text whatever it holds, numbers and dates keep their Vietnamese formats."""

import datetime
from decimal import Decimal
from io import BytesIO
from zipfile import ZipFile

import pytest
from openpyxl import load_workbook

from core.xlsxwrite import RowWriter, workbook

TEXTS = [
    "<r><t>not markup</t></r>",  # XlsxWriter alone writes this unescaped, as rich text
    "A & B < C > D",
    "  leading and trailing  ",
    "Xã Phú Phụng – Đánh giá nội bộ",
    "line\nbreak",
]


def _read(rows):
    out = BytesIO()
    book = workbook(out)
    writer = RowWriter(book, book.add_worksheet("Sheet"))
    for row in rows:
        writer.append(row)
    book.close()
    return load_workbook(BytesIO(out.getvalue())).worksheets[0]


def test_text_is_written_as_typed_and_never_as_markup():
    sheet = _read([[text] for text in TEXTS])
    values = [sheet.cell(row=n, column=1).value for n in range(1, len(TEXTS) + 1)]
    assert values == TEXTS
    assert all(sheet.cell(row=n, column=1).data_type == "s" for n in range(1, len(TEXTS) + 1))


def test_a_control_character_or_an_excel_escape_is_escaped_as_excel_reads_it():
    """Excel reads ``_xHHHH_`` in a text as that character: a typed ``_x0041_`` is written
    ``_x005F_x0041_`` (Excel shows it as typed), a bell as ``_x0007_`` (the file opens)."""
    out = BytesIO()
    book = workbook(out)
    RowWriter(book, book.add_worksheet("Sheet")).append(["_x0041_ as typed", "bell\x07"])
    book.close()
    with ZipFile(BytesIO(out.getvalue())) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<t>_x005F_x0041_ as typed</t>" in xml and "<t>bell_x0007_</t>" in xml
    assert load_workbook(BytesIO(out.getvalue())).worksheets[0]["B1"].value


def test_numbers_amounts_dates_and_times_keep_their_formats():
    day, moment = datetime.date(2017, 12, 15), datetime.datetime(2017, 12, 15, 8, 30)
    sheet = _read([[7, 1234567, Decimal("2500000"), 12.5, day, moment, None, ""]])
    cells = [sheet.cell(row=1, column=c) for c in range(1, 9)]
    assert [c.value for c in cells] == [
        7,
        1234567,
        2500000,
        12.5,
        moment.replace(hour=0, minute=0),
        moment,
        None,
        None,
    ]
    assert [c.number_format for c in cells[:6]] == [
        "General",
        "#,##0",
        "#,##0",
        "General",
        "dd/mm/yyyy",
        "dd/mm/yyyy hh:mm",
    ]


def _sheet_xml(rows, *, plain: bool) -> str:
    out = BytesIO()
    book = workbook(out)
    writer = RowWriter(book, book.add_worksheet("Sheet"))
    writer._plain = plain  # False: every cell through XlsxWriter's table (the reference)
    for row in rows:
        writer.append(row)
    book.close()
    with ZipFile(BytesIO(out.getvalue())) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def _rows():
    day = datetime.date(2017, 12, 15)
    return [
        ["Mã", "Tên", "Ngày", "Số tiền"],
        ["00001", "A & B <c>", day, Decimal("2500000")],
        [None, "", None],
        [],
        ["x", None, 12.5, 7, 1234567, -4321, Decimal("1.50")],
        ["giờ", datetime.datetime(2017, 12, 15, 8, 30)],
        ["đúng", True, 3],
        ["xưa", datetime.date(1900, 1, 1)],
        [None, "  lề  ", "_x0041_", "bell\x07", day],
        (v for v in ["từ một bộ sinh", 5]),
        ["cuối", 1],
    ]


def test_a_row_written_whole_is_the_xml_xlsxwriter_writes_cell_by_cell():
    """The quick path (a row's XML at once) writes exactly what the cell-by-cell path writes:
    texts, numbers, amounts, dates, gaps, empty rows, and rows it leaves to XlsxWriter (a time,
    a yes/no, a day before 1/3/1900) between them."""
    plain = _sheet_xml(_rows(), plain=True)
    assert plain == _sheet_xml(_rows(), plain=False)
    assert '<row r="2"><c r="A2" t="inlineStr"><is><t>00001</t></is></c>' in plain
    assert '<dimension ref="A1:G11"/>' in plain


def test_a_number_that_is_not_finite_is_refused_on_the_quick_path_too():
    for value in (float("nan"), float("inf"), Decimal("NaN")):
        with pytest.raises((TypeError, ArithmeticError)):  # as XlsxWriter alone
            _sheet_xml([["x", value]], plain=True)
