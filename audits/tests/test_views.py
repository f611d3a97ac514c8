"""Recording audits, findings, corrective actions and announcements; who may do what."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from audits.models import Announcement, Audit, CorrectiveAction, Finding
from audits.tests.factories import AuditFactory, CorrectiveActionFactory, FindingFactory
from roadmap.models import Milestone, RoadmapStep
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory
from roadmap.tests.test_uploads import PDF

TODAY = datetime.date(2017, 12, 15)


@pytest.fixture(autouse=True)
def _pinned(settings, tmp_path):
    settings.QMS_AS_OF = TODAY
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def audit(world):
    return AuditFactory(commune=world["commune"])


@pytest.fixture
def finding(audit):
    return FindingFactory(audit=audit)


@pytest.fixture
def action(finding):
    return CorrectiveActionFactory(finding=finding)


def login_redirect(response):
    return response.status_code == 302 and reverse("accounts:login") in response["Location"]


# Recording an audit ---------------------------------------------------------------------------


def audit_create_url(commune):
    return reverse("audits:audit_create", args=commune.url_args)


AUDIT_DATA = {"kind": "internal_audit", "date": "20/11/2017", "lead": "Nguyễn Văn Bình"}


def test_recording_an_audit_needs_a_login(client, world):
    assert login_redirect(client.get(audit_create_url(world["commune"])))
    assert login_redirect(client.post(audit_create_url(world["commune"]), AUDIT_DATA))
    assert not Audit.objects.exists()


def test_recording_an_audit_elsewhere_is_404(client, consultant, other_commune_officer, world):
    client.force_login(consultant)
    assert client.get(audit_create_url(world["other_commune"])).status_code == 404
    client.force_login(other_commune_officer)
    assert client.post(audit_create_url(world["commune"]), AUDIT_DATA).status_code == 404
    assert not Audit.objects.exists()


@pytest.mark.parametrize("persona", ["commune_officer", "manager", "district_officer"])
def test_readers_cannot_record_an_audit(client, personas, persona, world):
    client.force_login(personas[persona])
    assert client.get(audit_create_url(world["commune"])).status_code == 403
    assert client.post(audit_create_url(world["commune"]), AUDIT_DATA).status_code == 403
    assert not Audit.objects.exists()


def test_consultant_records_an_internal_audit(client, consultant, world):
    client.force_login(consultant)
    response = client.post(audit_create_url(world["commune"]), AUDIT_DATA)
    audit = Audit.objects.get()
    assert response["Location"] == reverse("audits:audit_detail", args=[audit.pk])
    assert (audit.commune, audit.date, audit.created_by) == (
        world["commune"],
        datetime.date(2017, 11, 20),
        consultant,
    )
    assert audit.history.get().history_user == consultant


def test_only_dost_staff_record_an_inspection(client, consultant, dost_staff, world):
    data = {**AUDIT_DATA, "kind": "inspection_onsite", "lead": "Đoàn kiểm tra Sở KH&CN"}
    client.force_login(consultant)
    response = client.post(audit_create_url(world["commune"]), data)
    assert "kind" in response.context["form"].errors
    assert not Audit.objects.exists()
    client.force_login(dost_staff)
    response = client.post(audit_create_url(world["commune"]), {**data, "report": pdf()})
    assert response.status_code == 302
    audit = Audit.objects.get()
    assert audit.is_inspection
    assert audit.report.name.endswith(".pdf")
    assert "bien-ban" not in audit.report.name  # stored under a name nobody can guess
    download = client.get(reverse("audits:audit_report", args=[audit.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_a_disguised_report_or_a_future_date_is_refused(client, dost_staff, world):
    client.force_login(dost_staff)
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00program")
    response = client.post(audit_create_url(world["commune"]), {**AUDIT_DATA, "report": fake})
    assert "report" in response.context["form"].errors
    response = client.post(audit_create_url(world["commune"]), {**AUDIT_DATA, "date": "16/12/2017"})
    assert "date" in response.context["form"].errors
    assert not Audit.objects.exists()


def test_audit_report_download_is_access_checked(
    client, other_commune_officer, commune_officer, world
):
    audit = AuditFactory(commune=world["commune"])
    audit.report.save("r.pdf", pdf(), save=True)
    url = reverse("audits:audit_report", args=[audit.pk])
    assert login_redirect(client.get(url))
    client.force_login(other_commune_officer)
    assert client.get(url).status_code == 404
    client.force_login(commune_officer)
    assert client.get(url).status_code == 200


# Audit page, findings and corrective actions --------------------------------------------------


def test_audit_page_access(client, personas, audit, finding, action):
    url = reverse("audits:audit_detail", args=[audit.pk])
    assert login_redirect(client.get(url))
    client.force_login(personas["other_commune_officer"])
    assert client.get(url).status_code == 404
    client.force_login(personas["commune_officer"])
    response = client.get(url)
    assert response.status_code == 200
    assert finding.description in response.text
    assert action.description in response.text
    assert reverse("audits:finding_create", args=[audit.pk]) not in response.text
    client.force_login(personas["consultant"])
    assert reverse("audits:finding_create", args=[audit.pk]) in client.get(url).text


def test_consultant_adds_a_finding_and_an_action(client, consultant, commune_officer, audit):
    url = reverse("audits:finding_create", args=[audit.pk])
    data = {
        "finding-clause": "7.5.1",
        "finding-severity": "major",
        "finding-description": "Trễ hạn",
    }
    client.force_login(commune_officer)
    assert client.post(url, data).status_code == 403
    client.force_login(consultant)
    assert client.post(url, data).status_code == 302
    finding = Finding.objects.get()
    assert (finding.audit, finding.severity, finding.status) == (audit, "major", "open")
    assert finding.history.get().history_user == consultant

    url = reverse("audits:action_create", args=[finding.pk])
    prefix = f"f{finding.pk}"
    data = {
        f"{prefix}-description": "Gửi thư xin lỗi",
        f"{prefix}-owner": "Thư ký ISO",
        f"{prefix}-due_date": "30/12/2017",
    }
    client.force_login(commune_officer)
    assert client.post(url, data).status_code == 403
    client.force_login(consultant)
    assert client.post(url, data).status_code == 302
    action = CorrectiveAction.objects.get()
    assert (action.finding, action.owner, action.due_date) == (
        finding,
        "Thư ký ISO",
        datetime.date(2017, 12, 30),
    )
    response = client.post(url, {**data, f"{prefix}-owner": ""})
    assert response.status_code == 200
    assert CorrectiveAction.objects.count() == 1


def test_get_on_a_post_only_view_is_refused(client, consultant, audit):
    client.force_login(consultant)
    assert client.get(reverse("audits:finding_create", args=[audit.pk])).status_code == 405


# Marking done, verifying, closing -------------------------------------------------------------


def action_url(action):
    return reverse("audits:action_update", args=[action.pk])


def test_officer_marks_an_action_done_with_evidence(client, commune_officer, action):
    client.force_login(commune_officer)
    assert client.get(action_url(action)).status_code == 200
    # Evidence is required the first time.
    response = client.post(action_url(action), {"op": "done", "done_on": "10/12/2017"})
    assert "evidence" in response.context["done_form"].errors
    response = client.post(
        action_url(action), {"op": "done", "done_on": "10/12/2017", "evidence": pdf()}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_on == datetime.date(2017, 12, 10)
    assert action.evidence
    assert action.history.order_by("-history_date").first().history_user == commune_officer
    download = client.get(reverse("audits:action_evidence", args=[action.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_officer_of_another_commune_gets_404(client, other_commune_officer, action):
    client.force_login(other_commune_officer)
    assert client.get(action_url(action)).status_code == 404
    data = {"op": "done", "done_on": "10/12/2017", "evidence": pdf()}
    assert client.post(action_url(action), data).status_code == 404
    assert client.get(reverse("audits:action_evidence", args=[action.pk])).status_code == 404
    action.refresh_from_db()
    assert action.done_on is None


@pytest.mark.parametrize("persona", ["manager", "district_officer"])
def test_readers_cannot_mark_done_or_verify(client, personas, persona, action):
    CorrectiveAction.objects.filter(pk=action.pk).update(done_on=datetime.date(2017, 12, 1))
    client.force_login(personas[persona])
    assert client.get(action_url(action)).status_code == 200
    data = {"op": "done", "done_on": "10/12/2017", "evidence": pdf()}
    assert client.post(action_url(action), data).status_code == 403
    assert client.post(action_url(action), {"op": "verify"}).status_code == 403
    action.refresh_from_db()
    assert action.verified_at is None


def test_the_officer_cannot_verify_their_own_action(client, commune_officer, action):
    CorrectiveAction.objects.filter(pk=action.pk).update(done_on=datetime.date(2017, 12, 1))
    client.force_login(commune_officer)
    assert client.post(action_url(action), {"op": "verify"}).status_code == 403


def test_verifying_every_action_closes_the_finding(client, consultant, finding):
    first = CorrectiveActionFactory(finding=finding, done_on=datetime.date(2017, 12, 1))
    second = CorrectiveActionFactory(finding=finding)
    client.force_login(consultant)
    client.post(action_url(first), {"op": "verify"})
    first.refresh_from_db()
    assert first.verified_by == consultant
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN
    # A not-done action cannot be verified.
    response = client.post(action_url(second), {"op": "verify"}, follow=True)
    assert gettext("Only a done action can be verified.") in response.text
    second.refresh_from_db()
    assert second.verified_at is None
    CorrectiveAction.objects.filter(pk=second.pk).update(done_on=datetime.date(2017, 12, 5))
    client.post(action_url(second), {"op": "verify"})
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CLOSED
    assert finding.closed_on == TODAY
    assert finding.history.order_by("-history_date").first().history_user == consultant


def test_htmx_mark_done_returns_the_partial(client, commune_officer, action):
    client.force_login(commune_officer)
    response = client.post(
        action_url(action),
        {"op": "done", "done_on": "10/12/2017", "evidence": pdf()},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="corrective-action">')
    action.refresh_from_db()
    assert action.done_on == datetime.date(2017, 12, 10)


# Announcement of conformity -------------------------------------------------------------------


@pytest.fixture
def announcement_step(world):
    step = RoadmapStepFactory(key=RoadmapStep.ANNOUNCEMENT, name="Công bố HTQLCL")
    return MilestoneFactory(
        participation=world["participation"],
        step=step,
        planned_start=datetime.date(2017, 12, 1),
        due_date=datetime.date(2017, 12, 20),
    )


ANNOUNCEMENT = {
    "kind": "first",
    "decision_number": "215/QĐ-UBND",
    "decision_date": "12/12/2017",
    "standard": "2008",
    "scope_size": "61",
}


def announcement_url(commune):
    return reverse("audits:announcement_create", args=commune.url_args)


def test_recording_an_announcement_completes_the_roadmap_step(
    client, consultant, world, announcement_step
):
    client.force_login(consultant)
    assert client.get(announcement_url(world["commune"])).status_code == 200
    response = client.post(announcement_url(world["commune"]), ANNOUNCEMENT)
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert (announcement.commune, announcement.decision_date) == (
        world["commune"],
        datetime.date(2017, 12, 12),
    )
    announcement_step.refresh_from_db()
    assert announcement_step.status == Milestone.Status.DONE
    assert announcement_step.completed_on == datetime.date(2017, 12, 12)
    assert announcement_step.updated_by == consultant
    last = announcement_step.history.order_by("-history_date").first()
    assert (last.history_user, last.prev_record.status, last.status) == (
        consultant,
        "not_started",
        "done",
    )


@pytest.mark.parametrize("persona", ["commune_officer", "manager", "district_officer"])
def test_readers_cannot_record_an_announcement(client, personas, persona, world, announcement_step):
    client.force_login(personas[persona])
    assert client.post(announcement_url(world["commune"]), ANNOUNCEMENT).status_code == 403
    assert not Announcement.objects.exists()


def test_announcement_elsewhere_is_404(client, consultant, world):
    client.force_login(consultant)
    assert client.post(announcement_url(world["other_commune"]), ANNOUNCEMENT).status_code == 404


def test_announcement_rules(client, dost_staff, world, announcement_step):
    client.force_login(dost_staff)
    response = client.post(
        announcement_url(world["commune"]), {**ANNOUNCEMENT, "decision_date": "20/12/2017"}
    )
    assert "decision_date" in response.context["form"].errors
    client.post(announcement_url(world["commune"]), ANNOUNCEMENT)
    response = client.post(announcement_url(world["commune"]), ANNOUNCEMENT)
    assert response.status_code == 200
    assert response.context["form"].errors  # the same decision number twice
    assert Announcement.objects.count() == 1


def test_announcement_without_a_roadmap_step_is_still_recorded(client, dost_staff, world):
    client.force_login(dost_staff)
    assert client.post(announcement_url(world["commune"]), ANNOUNCEMENT).status_code == 302
    assert Announcement.objects.filter(commune=world["commune"]).exists()


def test_closing_a_finding_by_hand(
    client, consultant, commune_officer, other_commune_officer, finding
):
    url = reverse("audits:finding_close", args=[finding.pk])
    client.force_login(other_commune_officer)
    assert client.post(url).status_code == 404
    client.force_login(commune_officer)
    assert client.post(url).status_code == 403
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN
    # Refused while an action is not verified.
    action = CorrectiveActionFactory(finding=finding, done_on=datetime.date(2017, 12, 1))
    client.force_login(consultant)
    response = client.post(url, follow=True)
    assert gettext("Verify every corrective action before closing the finding.") in response.text
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN
    action.delete()
    # An observation with no action closes.
    assert client.post(url).status_code == 302
    finding.refresh_from_db()
    assert (finding.status, finding.closed_on) == (Finding.Status.CLOSED, TODAY)
    assert finding.history.order_by("-history_date").first().history_user == consultant
