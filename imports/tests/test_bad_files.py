"""Files that are refused as a whole, each with its Vietnamese message, and nothing written."""

import io
import zipfile

import openpyxl
import pytest

from imports.tests.helpers import csv_bytes, upload, xlsx_bytes
from roadmap.models import Milestone
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory

HEADERS = ["Mã xã", "Bước", "Trạng thái", "Ngày hoàn thành", "Ghi chú"]


@pytest.fixture
def milestone(world):
    return MilestoneFactory(
        participation=world["participation"], step=RoadmapStepFactory(order=1, name="Khảo sát")
    )


def preview_text(client, name, data):
    response = client.post("/imports/milestones/", {"file": upload(name, data)})
    if response.status_code != 302:
        return response.status_code, response.content.decode()
    page = client.get(response["Location"])
    confirm = client.post(response["Location"].replace("/preview/", "/confirm/"))
    assert confirm.status_code == 400  # and nothing written: checked by the caller
    return page.status_code, page.content.decode()


def unchanged(milestone):
    milestone.refresh_from_db()
    return milestone.status == Milestone.Status.NOT_STARTED and milestone.history.count() == 1


def test_a_sheet_with_a_formula_is_refused(client, dost_staff, milestone):
    client.force_login(dost_staff)
    data = xlsx_bytes([HEADERS, ["28873", 1, "Hoàn thành", "=TODAY()", ""]])

    status, text = preview_text(client, "tien-do.xlsx", data)

    assert "Ô D2 chứa công thức. Không nhập công thức" in text
    assert unchanged(milestone)


def test_a_formula_is_refused_even_with_a_cached_value(client, dost_staff, milestone):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(["28873", 1, "Hoàn thành", "01/09/2017", ""])
    sheet["E2"] = '=HYPERLINK("http://example.invalid","x")'
    out = io.BytesIO()
    workbook.save(out)
    client.force_login(dost_staff)

    _status, text = preview_text(client, "tien-do.xlsx", out.getvalue())

    assert "Ô E2 chứa công thức" in text
    assert unchanged(milestone)


def test_a_non_excel_file_named_xlsx_is_refused(client, dost_staff, milestone):
    client.force_login(dost_staff)
    _status, text = preview_text(client, "tien-do.xlsx", b"%PDF-1.4 not a workbook at all")
    assert "Tệp không phải bảng tính Excel (.xlsx) dù tên tệp có đuôi .xlsx." in text
    assert unchanged(milestone)


def test_a_zip_that_is_not_a_workbook_is_refused(client, dost_staff, milestone):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    client.force_login(dost_staff)
    _status, text = preview_text(client, "tien-do.xlsx", out.getvalue())
    assert "Tệp không phải bảng tính Excel (.xlsx)" in text
    assert unchanged(milestone)


def test_a_zip_bomb_is_refused_without_being_unpacked(client, dost_staff, milestone):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 100 * 1024  # small on disk, 30 MB unpacked
    client.force_login(dost_staff)

    _status, text = preview_text(client, "tien-do.xlsx", data)

    assert "“bom zip”" in text
    assert unchanged(milestone)


def test_a_zip_with_too_many_members_is_refused(client, dost_staff, milestone):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(600):
            archive.writestr(f"xl/media/{i}.bin", b"x")
    client.force_login(dost_staff)
    _status, text = preview_text(client, "tien-do.xlsx", out.getvalue())
    assert "“bom zip”" in text


@pytest.mark.parametrize(
    ("name", "data"),
    [("tien-do.csv", b""), ("tien-do.xlsx", b""), ("tien-do.csv", b"\r\n \r\n")],
)
def test_an_empty_file_is_refused(client, dost_staff, milestone, name, data):
    client.force_login(dost_staff)
    _status, text = preview_text(client, name, data)
    assert "Tệp trống." in text
    assert unchanged(milestone)


def test_a_header_row_without_data_is_refused(client, dost_staff, milestone):
    client.force_login(dost_staff)
    _status, text = preview_text(client, "tien-do.xlsx", xlsx_bytes([HEADERS]))
    assert "Tệp có dòng tiêu đề nhưng không có dòng dữ liệu nào." in text


def test_a_file_over_the_size_limit_is_refused(client, dost_staff, milestone, settings):
    settings.IMPORT_MAX_MB = 1
    rows = [HEADERS] + [["28873", 1, "Hoàn thành", "01/09/2017", "x" * 200]] * 6000
    data = csv_bytes(rows)
    assert len(data) > 1024 * 1024
    client.force_login(dost_staff)

    status, text = preview_text(client, "tien-do.csv", data)

    assert status == 400
    assert "Tệp lớn hơn 1 MB; hãy chia nhỏ tệp hoặc xóa các trang tính không dùng." in text
    assert unchanged(milestone)


def test_the_size_limit_also_holds_for_a_stored_upload(dost_staff, settings):
    from imports.services import import_preview

    settings.IMPORT_MAX_MB = 1
    report = import_preview(
        kind="milestones", data=b"x" * (1024 * 1024 + 1), filename="a.csv", user=dost_staff
    )
    assert [e.message for e in report.errors] == [
        "Tệp lớn hơn 1 MB; hãy chia nhỏ tệp hoặc xóa các trang tính không dùng."
    ]


def test_other_file_types_are_refused(client, dost_staff, milestone):
    client.force_login(dost_staff)
    status, text = preview_text(client, "tien-do.xls", b"\xd0\xcf\x11\xe0 old excel")
    assert status == 400
    assert "Chỉ nhập được tệp Excel (.xlsx) và CSV (.csv)." in text


def test_binary_data_named_csv_is_refused(client, dost_staff, milestone):
    client.force_login(dost_staff)
    _status, text = preview_text(client, "tien-do.csv", b"\x00\x01\x02PK\x00")
    assert "Đây không phải tệp văn bản CSV." in text
