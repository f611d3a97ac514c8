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


def _folding(body) -> dict:
    """How the text's body is laid out: clamped or not, clipped or not, on how many lines (the
    line boxes of the inline text), whatever the fonts installed."""
    return body.evaluate(
        """el => {
            const style = getComputedStyle(el);
            return {
                clamp: style.webkitLineClamp,
                overflow: style.overflow,
                clipped: el.scrollHeight > el.clientHeight + 1,
                lines: el.getClientRects().length,
            };
        }"""
    )


def test_a_long_finding_is_folded_until_asked(
    page, live_server, login, dost_staff, world, tmp_path
):
    audit = AuditFactory(commune=world["commune"])
    FindingFactory(audit=audit, description="Hồ sơ lưu trữ chưa đầy đủ theo quy định. " * 30)
    login(page, dost_staff)
    page.goto(live_server.url + reverse("audits:audit_detail", args=[audit.pk]))
    box = page.locator("[data-long-text]")
    body = box.locator(".long-text-body")
    button = box.locator("button")
    # Folded: four lines shown, the rest cut off, a visible "show more" that says so.
    assert button.is_visible()
    assert button.get_attribute("aria-expanded") == "false"
    assert button.inner_text() == button.get_attribute("data-more")
    assert "folded" in box.get_attribute("class").split()
    folded = _folding(body)
    assert folded["clamp"] == "4" and folded["overflow"] == "hidden", folded
    assert folded["clipped"], folded
    button.click()
    # Unfolded: no clamp, nothing cut off, the whole text on more lines than the four.
    assert button.get_attribute("aria-expanded") == "true"
    assert button.inner_text() == button.get_attribute("data-less")
    assert "folded" not in box.get_attribute("class").split()
    unfolded = _folding(body)
    assert unfolded["clamp"] == "none" and unfolded["overflow"] == "visible", unfolded
    assert not unfolded["clipped"] and unfolded["lines"] > 4, unfolded
    page.screenshot(path=str(tmp_path / "audit-folded.png"), full_page=True)
    button.click()  # and folds again
    assert button.get_attribute("aria-expanded") == "false"
    assert _folding(body)["clipped"]
