"""Text has limits: in the form (maxlength, an error), in the database (a named check), with a
live count while typing, and long text shown once, folded."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from audits.tests.factories import AuditFactory, FindingFactory
from core.limits import DESCRIPTION_MAX, NOTE_MAX
from roadmap.models import Milestone
from roadmap.tests.factories import MilestoneFactory

STATIC = Path(settings.BASE_DIR) / "static"


@pytest.fixture(autouse=True)
def _pinned(settings, tmp_path):
    settings.QMS_AS_OF = datetime.date(2017, 12, 15)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def milestone(world):
    return MilestoneFactory(participation=world["participation"])


def _post_note(client, milestone, note):
    return client.post(
        reverse("roadmap:milestone_update", args=[milestone.pk]),
        {"status": "in_progress", "completed_on": "", "note": note, "version": milestone.version},
    )


def test_the_form_says_the_limit_and_refuses_a_longer_note(
    client, commune_officer, milestone, vietnamese
):
    client.force_login(commune_officer)
    page = client.get(reverse("roadmap:milestone_update", args=[milestone.pk])).content.decode()
    assert f'maxlength="{NOTE_MAX}"' in page
    response = _post_note(client, milestone, "ư" * (NOTE_MAX + 1))
    assert response.status_code in (200, 400) and "is-invalid" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.note == ""
    _post_note(client, milestone, "ư" * NOTE_MAX)  # exactly the limit, counted in characters
    milestone.refresh_from_db()
    assert len(milestone.note) == NOTE_MAX


def test_the_model_check_has_a_translated_message(world, vietnamese):
    milestone = MilestoneFactory(participation=world["participation"])
    milestone.note = "x" * (NOTE_MAX + 1)
    with pytest.raises(ValidationError) as excinfo:
        milestone.full_clean()
    assert f"tối đa {NOTE_MAX} ký tự" in str(excinfo.value)
    names = {c.name for c in Milestone._meta.constraints}
    assert "roadmap_milestone_note_length" in names


def test_every_page_loads_the_counter_which_reads_maxlength_into_a_live_region(
    client, commune_officer, milestone, vietnamese
):
    client.force_login(commune_officer)
    page = client.get(reverse("roadmap:milestone_update", args=[milestone.pk])).content.decode()
    assert 'src="/static/js/char-count.js"' in page
    assert 'data-char-label="ký tự"' in page
    assert "<script>" not in page  # no inline script (the CSP forbids it)
    script = (STATIC / "js" / "char-count.js").read_text()
    assert 'getAttribute("maxlength")' in script
    assert 'setAttribute("aria-live", "polite")' in script
    assert '"/" + max' in script


def test_long_text_is_shown_once_folded_with_a_show_more_button(
    client, dost_staff, world, vietnamese
):
    audit = AuditFactory(commune=world["commune"], summary="Tóm tắt ngắn.")
    long = "Quy trình cấp giấy khai sinh chưa cập nhật biểu mẫu mới. " * 20
    FindingFactory(audit=audit, description=long.strip())
    client.force_login(dost_staff)
    page = client.get(reverse("audits:audit_detail", args=[audit.pk])).content.decode()
    assert page.count("Quy trình cấp giấy khai sinh") == 20  # once, not a preview plus the text
    assert "data-long-text" in page and "Xem thêm" in page
    assert page.count("data-long-text") == 1  # the short summary is not folded
    assert 'src="/static/js/long-text.js"' in page


def test_description_limit_is_in_the_audit_forms(client, dost_staff, world):
    client.force_login(dost_staff)
    page = client.get(
        reverse("audits:audit_create", args=world["commune"].url_args)
    ).content.decode()
    assert f'maxlength="{DESCRIPTION_MAX}"' in page
