"""Download names are Vietnamese slugs, without English words; monospace text in the shipped
font; file inputs in the page's language."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from audits.tests.factories import AuditFactory
from core.filenames import download_name, fold_accents

STATIC = Path(settings.BASE_DIR) / "static"


@pytest.fixture(autouse=True)
def _pinned(settings, tmp_path):
    settings.QMS_AS_OF = datetime.date(2017, 12, 15)
    settings.MEDIA_ROOT = tmp_path / "media"


def _filename(response) -> str:
    return re.search(r'filename="?([^";]+)', response["Content-Disposition"]).group(1)


def test_a_vietnamese_slug_file_name():
    name = download_name("Báo cáo tiến độ", "Xã Phú Phụng", datetime.date(2017, 12, 15), ext="PDF")
    assert name == "bao-cao-tien-do-xa-phu-phung-15-12-2017.pdf"
    assert fold_accents("Đồng Khởi, Ủy ban") == "Dong Khoi, Uy ban"


def test_an_audit_report_downloads_under_a_name_saying_what_it_is(client, dost_staff, world):
    audit = AuditFactory(
        commune=world["commune"],
        kind="inspection_onsite",
        date=datetime.date(2017, 12, 1),
        report=ContentFile(b"%PDF-1.4 x", name="a1b2c3.pdf"),
    )
    client.force_login(dost_staff)
    client.cookies["django_language"] = "en"
    name = _filename(client.get(reverse("audits:audit_report", args=[audit.pk])))
    assert name.endswith("-xa-phu-phung-01-12-2017.pdf"), name
    assert name.isascii() and "inspection" not in name and "a1b2c3" not in name


def test_list_exports_are_named_in_vietnamese_whatever_the_interface_language(
    client, dost_staff, world
):
    client.force_login(dost_staff)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("roadmap:milestone_list"), {"export": "xlsx"})
    assert response.status_code == 200
    name = _filename(response)
    assert name == "moc-tien-do.xlsx", name


def test_code_uses_the_shipped_monospace_font(client, dost_staff):
    css = (STATIC / "css" / "app.css").read_text()
    face = re.search(r"@font-face\s*{[^}]*Noto Sans Mono[^}]*url\(\"?([^\")]+)", css)
    assert face and (STATIC / "css" / face.group(1)).resolve().is_file()
    assert re.search(r"code, kbd, pre, samp \{ font-family: \"Noto Sans Mono\"", css)
    client.force_login(dost_staff)
    page = client.get(reverse("imports:index")).content.decode()
    assert "<code" in page and "/static/css/app.css" in page


def test_file_inputs_have_our_translated_button(client, dost_staff, vietnamese):
    client.force_login(dost_staff)
    page = client.get(reverse("imports:upload", args=["milestones"])).content.decode()
    assert 'class="file-picker"' in page
    assert "Chọn tệp" in page and "Chưa chọn tệp nào" in page
    assert 'src="/static/js/file-input.js"' in page


# Every download of the project: no English word in its name ---------------------------------

ENGLISH = {
    "report", "reports", "export", "exports", "milestone", "milestones", "template", "province",
    "district", "commune", "communes", "inspection", "decision", "minutes", "plan", "annual",
    "evidence", "action", "actions", "finding", "findings", "scope", "procedure", "procedures",
    "progress", "document", "file", "catalogue", "units", "audit", "qms", "programme", "list",
}  # fmt: skip
LIST_EXPORTS = [
    "reports:commune_list",
    "roadmap:milestone_list",
    "audits:finding_list",
    "audits:action_list",
    "procedures:procedure_list",
]


def _download_urls(samples):
    """Every URL answering a file: each GET page of the access matrix in each of its formats,
    each import kind's templates, each list's exports."""
    from accounts.tests.test_url_access import URLS, url_name
    from core.resources import import_kinds

    for name, entry in sorted(URLS.items()):
        if entry.method != "get":
            continue
        kwargs = entry.kwargs(samples) if entry.kwargs else {}
        if "fmt" in kwargs:
            view = name.split(":")[-1]
            formats = ("pdf", "xlsx") if "report" in view and "document" not in view else None
            formats = formats or (
                ("xlsx", "csv") if name == "imports:template" else ("pdf", "docx")
            )
            for fmt in formats:
                yield name, reverse(url_name(name), kwargs={**kwargs, "fmt": fmt})
        else:
            yield name, reverse(url_name(name), kwargs=kwargs)
    for kind in import_kinds():
        yield "imports:template", reverse("imports:template", args=[kind.name, "xlsx"])
    for name in LIST_EXPORTS:
        for fmt in ("xlsx", "csv"):
            yield name, reverse(name) + f"?export={fmt}"


def test_every_download_is_named_in_vietnamese_without_english_words(
    client, world, dost_staff, commune_officer
):
    from accounts.tests.test_url_access import Samples

    samples = Samples(world)
    client.cookies["django_language"] = "en"  # the interface language does not name files
    seen = {}
    for name, url in _download_urls(samples):
        client.force_login(commune_officer if name.endswith("_evidence") else dost_staff)
        response = client.get(url)
        if response.status_code != 200 or not response.has_header("Content-Disposition"):
            continue
        filename = _filename(response)
        words = set(re.split(r"[-_.]", filename.rsplit(".", 1)[0].lower()))
        assert filename.isascii() and not words & ENGLISH, f"{url}: {filename}"
        seen[url] = filename
    named = {url.split("?")[0] for url in seen}
    assert len(seen) >= 25, seen
    assert any("/reports/province." in url for url in named), seen
    assert any("/minutes." in url for url in named) and any("/template." in url for url in named)
