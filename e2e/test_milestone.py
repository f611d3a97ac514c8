"""A commune officer updates a milestone on a phone; another commune's officer is refused; two
people editing the same milestone end in a conflict message; the pages pass axe-core."""

import datetime

import pytest

from procedures.tests.factories import ProcedureFactory, ScopeItemFactory
from roadmap.models import Evidence, Milestone
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _pinned(settings, tmp_path):
    settings.QMS_AS_OF = datetime.date(2017, 12, 15)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def milestone(world):
    step = RoadmapStepFactory(
        order=1, name="Khảo sát thực trạng tại UBND xã", expected_evidence="Báo cáo khảo sát"
    )
    return MilestoneFactory(participation=world["participation"], step=step)


def field(page, milestone, name):
    return page.locator(f"#m{milestone.pk}-{name}")


def test_commune_officer_updates_a_milestone_with_evidence_on_a_phone(
    mobile_page, live_server, login, commune_officer, milestone, tmp_path
):
    page = mobile_page
    report = tmp_path / "Báo cáo khảo sát.pdf"
    report.write_bytes(PDF)
    login(page, commune_officer)
    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    assert "Báo cáo khảo sát" in page.locator("main").inner_text()
    field(page, milestone, "status").select_option("done")
    field(page, milestone, "completed_on").fill("12/12/2017")
    field(page, milestone, "note").fill("Đã khảo sát 20 thủ tục")
    field(page, milestone, "evidence").set_input_files(str(report))
    page.locator("#milestone-panel button[type=submit]").click()
    # htmx swaps the panel in place: the success notice, the file and the history appear.
    page.locator("#milestone-panel .alert-success").wait_for()
    assert page.locator("#milestone-panel a", has_text="Báo cáo khảo sát.pdf").is_visible()
    assert "12/12/2017" in page.locator("#milestone-panel").inner_text()
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(tmp_path / "milestone-375.png"), full_page=True)

    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.DONE
    assert milestone.completed_on == datetime.date(2017, 12, 12)
    assert milestone.updated_by == commune_officer
    evidence = Evidence.objects.get(milestone=milestone)
    assert evidence.original_name == "Báo cáo khảo sát.pdf"
    last = milestone.history.order_by("-history_date").first()
    assert (last.history_user, last.prev_record.status, last.status) == (
        commune_officer,
        "not_started",
        "done",
    )


def test_a_future_date_is_refused_in_the_form(page, live_server, login, commune_officer, milestone):
    login(page, commune_officer)
    page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    field(page, milestone, "status").select_option("done")
    field(page, milestone, "completed_on").fill("20/12/2017")
    page.locator("#milestone-panel button[type=submit]").click()
    page.locator("#milestone-panel .invalid-feedback").first.wait_for()
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.NOT_STARTED


def test_the_officer_of_another_commune_is_refused(
    page, live_server, login, other_commune_officer, milestone
):
    login(page, other_commune_officer)
    response = page.goto(f"{live_server.url}/milestones/{milestone.pk}/")
    assert response.status == 404
    assert page.locator(f"#m{milestone.pk}-status").count() == 0


def test_two_concurrent_edits_end_in_a_conflict_not_a_lost_update(
    new_page, live_server, login, commune_officer, consultant, milestone, assert_accessible
):
    officer_page, consultant_page = new_page(), new_page()
    login(officer_page, commune_officer)
    login(consultant_page, consultant)
    url = f"{live_server.url}/milestones/{milestone.pk}/"
    officer_page.goto(url)
    consultant_page.goto(url)  # both loaded version 1

    field(consultant_page, milestone, "status").select_option("in_progress")
    field(consultant_page, milestone, "note").fill("Đang soạn báo cáo khảo sát")
    consultant_page.locator("#milestone-panel button[type=submit]").click()
    consultant_page.locator("#milestone-panel .alert-success").wait_for()

    field(officer_page, milestone, "status").select_option("done")
    field(officer_page, milestone, "completed_on").fill("10/12/2017")
    field(officer_page, milestone, "note").fill("Xong")
    officer_page.locator("#milestone-panel button[type=submit]").click()
    conflict = officer_page.locator("#milestone-conflict")
    conflict.wait_for()
    text = conflict.inner_text()
    assert "Đang soạn báo cáo khảo sát" in text  # the current value, not the officer's
    assert str(consultant) in text
    # The officer's typing is kept in the form for a deliberate second try.
    assert field(officer_page, milestone, "note").input_value() == "Xong"
    assert_accessible(officer_page)

    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS
    assert milestone.note == "Đang soạn báo cáo khảo sát"
    assert milestone.version == 2


def test_milestone_and_scope_pages_are_accessible(
    page, mobile_page, live_server, login, consultant, milestone, world, assert_accessible
):
    procedure = ProcedureFactory(name="Đăng ký khai sinh", national_code="1.001193")
    ScopeItemFactory(
        commune=world["commune"],
        procedure=procedure,
        state="issued",
        issued_on=datetime.date(2017, 10, 1),
    )
    for p in (page, mobile_page):
        login(p, consultant)
        p.goto(f"{live_server.url}/milestones/{milestone.pk}/")
        assert p.locator(f"#m{milestone.pk}-status").is_visible()
        assert_accessible(p)
        p.goto(f"{live_server.url}/communes/{world['commune'].code}/scope/")
        assert "Đăng ký khai sinh" in p.locator("main").inner_text()
        assert_accessible(p)
    # A row in edit mode (htmx) and the opened "add" form.
    page.locator("#scope-items a.btn-outline-primary").first.click()
    page.locator("#scope-items form input[name=action][value=update]").wait_for(state="attached")
    page.locator("details.card summary").click()
    assert_accessible(page)


def test_inline_update_from_the_commune_page(
    mobile_page, live_server, login, commune_officer, milestone, world, assert_accessible
):
    """The commune page's "Update" opens the editor row under the step; saving reloads the page
    with the new status."""
    page = mobile_page
    login(page, commune_officer)
    page.goto(f"{live_server.url}/communes/{world['commune'].code}/")
    page.locator(f"a[data-hx-get*='/milestones/{milestone.pk}/']").click()
    row = page.locator(f"#milestone-inline-{milestone.pk}")
    row.wait_for()
    assert_accessible(page)
    field(page, milestone, "status").select_option("in_progress")
    field(page, milestone, "note").fill("Đang khảo sát")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(f"#milestone-inline-{milestone.pk}").count() == 0
    assert page.locator(".messages [role=status]").count() == 1
    assert "Đang khảo sát" in page.locator("main").inner_text()
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS
