"""A large milestone import is previewed in one browser while a commune officer saves a milestone
in another: the preview takes no lock, so the save goes through at once."""

import datetime
import time

import pytest

from imports.tests.test_milestone_preview import build_roadmaps, sheet
from roadmap.models import Milestone
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory

COMMUNES = 300  # 3,000 rows


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = datetime.date(2017, 12, 15)


def test_an_officer_saves_a_milestone_while_a_large_import_is_previewed(
    new_page, live_server, login, dost_staff, commune_officer, world, tmp_path
):
    codes = build_roadmaps(world, COMMUNES)
    path = tmp_path / "tien-do.xlsx"
    path.write_bytes(sheet(codes))
    own = MilestoneFactory(participation=world["participation"], step=RoadmapStepFactory(order=1))
    importer, officer = new_page(), new_page()
    login(importer, dost_staff)
    login(officer, commune_officer)
    importer.goto(f"{live_server.url}/imports/milestones/")
    importer.set_input_files("input[type=file]", str(path))
    officer.goto(f"{live_server.url}/milestones/{own.pk}/")
    officer.locator(f"#m{own.pk}-status").select_option("in_progress")
    officer.locator(f"#m{own.pk}-note").fill("Đang khảo sát")

    began = time.monotonic()
    importer.get_by_role("button", name="Tải lên và xem trước").click(no_wait_after=True)
    importer.wait_for_url("**/preview/**", wait_until="commit")  # the preview is being computed
    saving = time.monotonic()
    officer.locator("#milestone-panel button[type=submit]").click()
    officer.locator("#milestone-panel .alert-success").wait_for(timeout=5000)
    saved = time.monotonic()
    importer.get_by_role("button", name="Xác nhận nhập dữ liệu").wait_for(timeout=120_000)
    previewed = time.monotonic()

    # Before, the officer waited for the whole preview (it held the write lock); now the save
    # only shares the processor with it.
    wait, preview = saved - saving, previewed - began
    assert wait < 5, f"the officer waited {wait:.1f} s"
    assert wait < preview / 2, f"the officer waited {wait:.1f} s of a {preview:.1f} s preview"
    updates = importer.locator('[data-count="update"]').inner_text()
    assert updates.replace(".", "") == f"{COMMUNES * 10}"  # 3.000, as Vietnamese writes it
    own.refresh_from_db()
    assert (own.status, own.note, own.version) == (Milestone.Status.IN_PROGRESS, "Đang khảo sát", 2)
    assert not Milestone.objects.filter(participation__commune__code__in=codes).exclude(version=1)
    print(f"preview {preview:.1f} s; the officer's save {wait:.2f} s")
