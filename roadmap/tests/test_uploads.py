"""Evidence uploads are checked by content and size, not only by their name."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import check_upload, sniff, stored_name


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
DOCX = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
XLSX = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})
ODT = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 100
PLAIN_ZIP = zip_bytes({"readme.txt": b"hello"})


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("bao-cao.pdf", PDF, "application/pdf"),
        ("anh.PNG", PNG, "image/png"),
        ("anh.jpg", JPEG, "image/jpeg"),
        ("anh.jpeg", JPEG, "image/jpeg"),
        (
            "danh-sach.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("bang.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("van-ban.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("cu.doc", OLE2, "application/msword"),
        ("cu.xls", OLE2, "application/vnd.ms-excel"),
    ],
)
def test_accepted_files_give_their_content_type(name, data, content_type):
    assert check_upload(upload(name, data)) == content_type


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 60, "content"),  # an executable renamed
        ("anh.pdf", PNG, "content"),  # an image named as a PDF
        ("bao-cao.docx", PLAIN_ZIP, "content"),  # a zip without [Content_Types].xml
        ("bao-cao.docx", ODT, "content"),  # an OpenDocument file named .docx
        ("van-ban.odt", DOCX, "content"),
        ("cu.doc", PDF, "content"),
        ("trang.html", b"<html><script>alert(1)</script></html>", "extension"),
        ("chuong-trinh.exe", b"MZ\x90\x00", "extension"),
        ("khong-ten", PDF, "extension"),
        ("rong.pdf", b"", "empty"),
    ],
)
def test_refused_files(name, data, code):
    with pytest.raises(ValidationError) as exc:
        check_upload(upload(name, data))
    assert exc.value.code == code


def test_a_file_over_the_limit_is_refused(settings):
    settings.EVIDENCE_MAX_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("lon.pdf", big))
    assert exc.value.code == "too_large"
    assert check_upload(upload("vua.pdf", PDF + b"0" * 1000)) == "application/pdf"


def test_a_broken_zip_is_not_an_office_document():
    assert sniff(upload("hong.docx", b"PK\x03\x04garbage")) is None


def test_stored_names_cannot_be_guessed_and_keep_the_extension():
    first, second = stored_name("Báo cáo khảo sát.PDF"), stored_name("Báo cáo khảo sát.PDF")
    assert first != second
    assert first.endswith(".pdf")
    assert "Báo" not in first
