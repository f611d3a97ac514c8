"""Quiet failures: zip bombs judged by their ratio, upload names in NFC with their extension,
the error cap said, the conflicting part of a unit named. (Garbage parameters on every URL:
qms_rollout/tests/test_malformed_values.py.)"""

import io
import unicodedata
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string

from core.resources import CellError, Report
from core.spreadsheets import FileRejected, is_zip_bomb, read_sheet
from core.uploads import display_name, stored_name
from imports.tests.helpers import xlsx_bytes
from roadmap.services import evidence_add
from roadmap.tests.factories import MilestoneFactory

MB = 1024 * 1024


def _member(name, size, compressed):
    info = zipfile.ZipInfo(name)
    info.file_size, info.compress_size = size, compressed
    return info


def test_a_normal_9_mb_workbook_is_not_a_zip_bomb():
    # Sheet XML compresses about 10 to 15 times: 9 MB on disk, 120 MB of XML declared.
    members = [
        _member("[Content_Types].xml", 1500, 400),
        _member("xl/workbook.xml", 900, 400),
        _member("xl/sharedStrings.xml", 12 * MB, 2 * MB),
        _member("xl/worksheets/sheet1.xml", 108 * MB, 7 * MB),
    ]
    assert not is_zip_bomb(members, 9 * MB)


def test_a_real_zip_bomb_is_refused_without_being_opened():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * MB))
    assert len(data.getvalue()) < MB
    with pytest.raises(FileRejected, match="zip"):
        read_sheet(data.getvalue(), "bom.xlsx")


def test_a_real_workbook_reads_and_its_ratio_is_far_from_the_limits():
    rows = [["Mã xã", "Tên", "Ghi chú"]]
    rows += [[f"{28000 + i}", f"Xã số {i}", "Đã hoàn thành khảo sát"] for i in range(3000)]
    data = xlsx_bytes(rows)
    members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert not is_zip_bomb(members, len(data))
    assert len(read_sheet(data, "xa.xlsx").rows) == 3000


def test_upload_names_are_nfc_and_keep_their_extension_when_shortened():
    decomposed = unicodedata.normalize("NFD", "Biên bản khảo sát.PDF")
    assert display_name(f"C:\\Users\\x\\{decomposed}") == "Biên bản khảo sát.PDF"
    long = "Báo cáo " * 60 + ".docx"
    short = display_name(long, 100)
    assert len(short) <= 100 and short.endswith(".docx")
    assert unicodedata.is_normalized("NFC", short)
    assert stored_name(long).endswith(".docx")


def test_evidence_keeps_the_nfc_name_with_its_extension(world, dost_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    milestone = MilestoneFactory(participation=world["participation"])
    name = unicodedata.normalize("NFD", "Quyết định " * 30) + ".pdf"
    upload = SimpleUploadedFile(name, b"%PDF-1.4 x", content_type="application/pdf")
    evidence = evidence_add(milestone=milestone, by=dost_staff, upload=upload)
    assert evidence.original_name.endswith(".pdf")
    assert len(evidence.original_name) <= 255
    assert unicodedata.is_normalized("NFC", evidence.original_name)


def test_an_error_count_past_the_cap_is_said(vietnamese):
    report = Report()
    for row in range(1, 251):
        report.add_error(CellError(row, "Mã xã", "sai"))
    assert len(report.errors) == Report.MAX_LISTED_ERRORS and report.error_count == 250
    html = render_to_string("imports/_report.html", {"report": report})
    assert "250 lỗi" in html
    assert "Chỉ liệt kê 200 lỗi đầu tiên; còn 50 lỗi nữa chưa liệt kê" in html
