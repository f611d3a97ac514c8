"""In the browser: the live character count, the translated file picker, long text folded."""

import datetime
import re

import pytest
from django.urls import reverse

from audits.tests.factories import AuditFactory, FindingFactory
from roadmap.tests.factories import MilestoneFactory


@pytest.fixture(autouse=True)
def _pinned(settings, tmp_path):
    settings.QMS_AS_OF = datetime.date(2017, 12, 15)
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_note_counts_characters_and_the_file_picker_names_the_file(
    page, live_server, login, commune_officer, world, tmp_path
):
    milestone = MilestoneFactory(participation=world["participation"])
    login(page, commune_officer)
    page.goto(live_server.url + reverse("roadmap:milestone_update", args=[milestone.pk]))
    count = page.locator(f"#m{milestone.pk}-note-count")
    assert re.fullmatch(r"0/2000 \S+.*", count.inner_text())
    assert count.get_attribute("aria-live") == "polite"
    page.locator(f"#m{milestone.pk}-note").fill("Đã khảo sát")
    assert count.inner_text().startswith("11/2000 ")
    picker = page.locator(".file-picker").first
    assert picker.locator(".file-picker-button").is_visible()
    report = tmp_path / "Biên bản.pdf"
    report.write_bytes(b"%PDF-1.4\n%%EOF\n")
    picker.locator("input[type=file]").set_input_files(str(report))
    assert picker.locator(".file-picker-name").inner_text() == "Biên bản.pdf"
    page.screenshot(path=str(tmp_path / "milestone-counter.png"), full_page=True)


def test_a_long_finding_is_folded_until_asked(
    page, live_server, login, dost_staff, world, tmp_path
):
    audit = AuditFactory(commune=world["commune"])
    FindingFactory(audit=audit, description="Hồ sơ lưu trữ chưa đầy đủ theo quy định. " * 30)
    login(page, dost_staff)
    page.goto(live_server.url + reverse("audits:audit_detail", args=[audit.pk]))
    box = page.locator("[data-long-text]")
    button = box.locator("button")
    assert button.get_attribute("aria-expanded") == "false"
    folded = box.locator(".long-text-body").bounding_box()["height"]
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert box.locator(".long-text-body").bounding_box()["height"] > folded * 2
    page.screenshot(path=str(tmp_path / "audit-folded.png"), full_page=True)
