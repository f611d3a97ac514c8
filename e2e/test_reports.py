"""Browser journeys of the progress reports: a manager downloads the province report from the
dashboard; a large report is built by the background worker while a page waits, then the
download starts by itself. Assertions look at links, files and structure, not at words (the UI is Vietnamese).
"""

import datetime
from io import BytesIO

import pytest
from django.core.cache import cache
from openpyxl import load_workbook
from pypdf import PdfReader

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _pinned_and_empty_cache(settings):
    settings.QMS_AS_OF = datetime.date(2017, 12, 15)
    cache.clear()


def test_a_manager_downloads_the_province_report_from_the_dashboard(
    page, live_server, login, manager, world
):
    login(page, manager)
    page.goto(f"{live_server.url}/dashboard/")
    link = page.locator('a[href$="/reports/province.pdf"]').first
    with page.expect_download() as download:
        link.click()
    content = download.value.path().read_bytes()
    assert content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages)
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text
    assert "Chợ Lách" in text and "Giồng Trôm" in text


def test_a_large_report_is_built_by_the_worker_while_the_page_waits_then_downloaded(
    page, live_server, login, manager, world, monkeypatch, assert_accessible, settings, tmp_path
):
    from django.core.management import call_command

    from reports import views

    monkeypatch.setattr(views, "DIRECT_MAX_COMMUNES", 1)
    settings.MEDIA_ROOT = tmp_path / "media"
    login(page, manager)
    page.goto(f"{live_server.url}/reports/province.xlsx")
    # The page waits: queued, polled by htmx on its own address (``?task=``), no file yet.
    assert "?task=" in page.url
    progress = page.locator("#task-progress")
    assert progress.count() == 1
    assert "task-queued" in progress.get_attribute("class")
    assert "?task=" in progress.get_attribute("data-hx-get")
    assert progress.get_attribute("data-hx-trigger") == "every 2s"
    assert page.locator("#task-progress [aria-current='step']").count() == 1
    assert page.locator("#task-progress progress.task-bar").count() == 1
    assert page.locator("[data-auto-download]").count() == 0
    assert_accessible(page)
    with page.expect_download(timeout=60_000) as download:
        # The background worker, here in the test's process: the page polls until it is done,
        # then its link marked data-auto-download is followed by itself.
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(BytesIO(download.value.path().read_bytes()))
    assert len(workbook.worksheets) == 7
    # The page stays, saying the file is ready, with its link (polling stopped).
    ready = page.locator("#task-progress.task-ready")
    ready.wait_for()
    assert ready.get_attribute("data-hx-get") is None
    assert "?task=" in page.locator("[data-auto-download]").get_attribute("href")
