"""The fast .xlsx reader gives what openpyxl gives, and leaves what it does not handle to it."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from core import xlsx
from core.spreadsheets import FileRejected, read_sheet


def workbook_bytes(fill, write_only=False) -> bytes:
    workbook = openpyxl.Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Tiến độ") if write_only else workbook.active
    fill(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rows(sheet):
    sheet.append(["Mã xã", "Bước", "Ngày hoàn thành", "Kinh phí", "Ghi chú"])
    sheet.append(["28873", 3, datetime.date(2017, 9, 15), 1.5, "Đã tập huấn"])
    sheet.append([])
    sheet.append([28873, "Hoàn thành", datetime.datetime(2017, 9, 15, 10, 30), True, None])
    sheet.append([None, None, None, None, None, None, "ở cột G"])


def by_openpyxl(data, monkeypatch):
    def unusual(archive):
        raise xlsx.Unusual

    with monkeypatch.context() as patched:
        patched.setattr(xlsx, "read_first_sheet", unusual)
        return read_sheet(data, "a.xlsx")


@pytest.mark.parametrize("write_only", [False, True], ids=["shared strings", "inline strings"])
def test_the_fast_reader_reads_what_openpyxl_reads(monkeypatch, write_only):
    data = workbook_bytes(rows, write_only)
    calls = []
    real = xlsx.read_first_sheet
    monkeypatch.setattr(xlsx, "read_first_sheet", lambda a: calls.append(1) or real(a))

    fast = read_sheet(data, "a.xlsx")

    assert calls, "the fast reader was not used"
    assert fast.rows[0] == (
        2,
        ["28873", 3, datetime.date(2017, 9, 15), Decimal("1.5"), "Đã tập huấn"],
    )
    assert fast.rows[1][0] == 4 and fast.rows[1][1][2] == datetime.datetime(2017, 9, 15, 10, 30)
    assert fast.rows[1][1][3] == "True"
    assert fast.rows[2] == (5, [None] * 6 + ["ở cột G"])
    slow = by_openpyxl(data, monkeypatch)
    assert fast.headers == slow.headers
    assert [(n, [v for v in values if v is not None]) for n, values in fast.rows] == [
        (n, [v for v in values if v is not None]) for n, values in slow.rows
    ]


def test_a_formula_is_left_to_openpyxl_which_refuses_it_by_cell(monkeypatch):
    def fill(sheet):
        sheet.append(["Mã xã", "Bước"])
        sheet.append(["28873", "=1+2"])

    with pytest.raises(FileRejected) as refused:
        read_sheet(workbook_bytes(fill), "a.xlsx")

    assert "B2" in refused.value.message
