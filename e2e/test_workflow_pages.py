"""axe-core on the other writing pages: audits, corrective actions, announcements, procedures,
programmes; and a commune officer marks a corrective action done with evidence on a phone."""

import datetime

import pytest

from audits.models import CorrectiveAction
from audits.tests.factories import AuditFactory, CorrectiveActionFactory, FindingFactory
from procedures.tests.factories import ProcedureFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _pinned(settings, tmp_path):
    settings.QMS_AS_OF = datetime.date(2017, 12, 15)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def action(world):
    audit = AuditFactory(commune=world["commune"])
    finding = FindingFactory(audit=audit, description="Danh mục tài liệu chưa cập nhật")
    return CorrectiveActionFactory(finding=finding, due_date=datetime.date(2017, 12, 30))


def test_writing_pages_are_accessible(
    page, live_server, login, dost_staff, world, action, assert_accessible
):
    ProcedureFactory(name="Đăng ký khai sinh", national_code="1.001193")
    login(page, dost_staff)
    code = world["commune"].code
    for path in [
        f"/audits/{action.finding.audit_id}/",
        f"/corrective-actions/{action.pk}/",
        f"/communes/{code}/audits/new/",
        f"/communes/{code}/announcements/new/",
        "/procedures/?q=khai+sinh",
        "/programmes/",
        f"/programmes/{world['programme'].pk}/",
        "/programmes/new/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        for summary in page.locator("details > summary").all():
            summary.click()  # the folded forms too
        assert_accessible(page)


def test_officer_marks_a_corrective_action_done_on_a_phone(
    mobile_page, live_server, login, commune_officer, action, tmp_path, assert_accessible
):
    page = mobile_page
    evidence = tmp_path / "phieu-khac-phuc.pdf"
    evidence.write_bytes(PDF)
    login(page, commune_officer)
    page.goto(f"{live_server.url}/corrective-actions/{action.pk}/")
    page.locator("#id_done_on").fill("14/12/2017")
    page.locator("#id_evidence").set_input_files(str(evidence))
    page.locator("#corrective-action button[type=submit]").click()
    page.locator("#corrective-action .alert-success").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page)
    action.refresh_from_db()
    assert action.done_on == datetime.date(2017, 12, 14)
    assert action.evidence
    assert CorrectiveAction.history.filter(id=action.pk).first().history_user == commune_officer
