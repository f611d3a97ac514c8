"""Writes through the API: If-Match / ETag on milestones (412 stale, 428 missing, nothing
changed), the form's messages in the language asked, history with its author; audits, findings
and corrective actions through the pages' forms and services."""

import datetime

import pytest

from audits.models import Audit, CorrectiveAction, Finding
from roadmap.models import Milestone


def _patch(client, milestone, body, if_match=None, **headers):
    if if_match is not None:
        headers["If-Match"] = if_match
    return client.patch(
        f"/api/v1/milestones/{milestone.pk}/",
        body,
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def milestone(api_world):
    return api_world["milestones"]["participation"][0]


def test_get_gives_the_version_as_etag(milestone, commune_officer, as_user):
    response = as_user(commune_officer).get(f"/api/v1/milestones/{milestone.pk}/")
    assert response["ETag"] == f'"{milestone.version}"'
    assert response.json()["version"] == milestone.version


def test_the_officer_updates_the_milestone_and_history_names_them(
    milestone, commune_officer, as_user
):
    before = milestone.history.count()
    response = _patch(
        as_user(commune_officer),
        milestone,
        {"status": "done", "completed_on": "2017-12-01", "note": "xong"},
        if_match='"1"',
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    milestone.refresh_from_db()
    assert (milestone.status, milestone.completed_on, milestone.note, milestone.version) == (
        Milestone.Status.DONE,
        datetime.date(2017, 12, 1),
        "xong",
        2,
    )
    assert milestone.history.count() == before + 1
    latest = milestone.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == commune_officer
    assert milestone.updated_by == commune_officer


def test_a_stale_if_match_is_412_and_changes_nothing(milestone, commune_officer, as_user):
    before = milestone.history.count()
    response = _patch(as_user(commune_officer), milestone, {"status": "in_progress"}, '"7"')
    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    milestone.refresh_from_db()
    assert (milestone.status, milestone.version) == (Milestone.Status.NOT_STARTED, 1)
    assert milestone.history.count() == before


def test_a_version_changed_by_someone_else_in_between_is_412(
    milestone, commune_officer, dost_staff, as_user
):
    assert (
        _patch(as_user(dost_staff), milestone, {"status": "in_progress"}, '"1"').status_code == 200
    )
    response = _patch(
        as_user(commune_officer), milestone, {"status": "blocked", "note": "x"}, '"1"'
    )
    assert response.status_code == 412
    milestone.refresh_from_db()
    assert (milestone.status, milestone.version) == (Milestone.Status.IN_PROGRESS, 2)


def test_without_if_match_the_answer_is_428(milestone, commune_officer, as_user):
    before = milestone.history.count()
    response = _patch(as_user(commune_officer), milestone, {"status": "in_progress"})
    assert response.status_code == 428
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.NOT_STARTED
    assert milestone.history.count() == before


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "A blocked step needs a note saying why."),
        ("vi", "Bước bị vướng mắc phải có ghi chú nêu lý do."),
    ],
)
def test_validation_errors_are_the_forms_in_the_language_asked(
    milestone, commune_officer, as_user, language, message
):
    response = _patch(
        as_user(commune_officer),
        milestone,
        {"status": "blocked", "note": ""},
        '"1"',
        **{"Accept-Language": language},
    )
    assert response.status_code == 400
    assert response["Content-Language"] == language
    assert response.json()["errors"]["note"] == [message]
    milestone.refresh_from_db()
    assert milestone.version == 1


def test_a_date_to_come_is_refused_with_the_forms_message(milestone, commune_officer, as_user):
    response = _patch(
        as_user(commune_officer),
        milestone,
        {"status": "done", "completed_on": "2030-01-01"},
        '"1"',
        **{"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["completed_on"] == [
        "A step cannot be done on a day still to come."
    ]


@pytest.mark.parametrize("body", ['"x"', "[1]", '{"status": {"a": 1}}', '{"version": 9}', "{"])
def test_malformed_bodies_are_400(milestone, commune_officer, as_user, body):
    response = as_user(commune_officer).patch(
        f"/api/v1/milestones/{milestone.pk}/",
        body,
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 400
    milestone.refresh_from_db()
    assert milestone.version == 1


def test_a_session_write_needs_the_csrf_token(milestone, commune_officer, client):
    client.handler.enforce_csrf_checks = True
    client.force_login(commune_officer)
    assert client.get(f"/api/v1/milestones/{milestone.pk}/").status_code == 200
    response = _patch(client, milestone, {"status": "in_progress"}, '"1"')
    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.version == 1


def test_dost_staff_record_an_audit_a_finding_and_an_action(api_world, dost_staff, as_user):
    client = as_user(dost_staff)
    response = client.post(
        "/api/v1/audits/",
        {
            "commune_code": "28873",
            "commune_since": "0",
            "kind": "internal_audit",
            "date": "01/12/2017",
            "lead": "Trần Thị B",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    audit = Audit.objects.get(pk=response.json()["id"])
    assert (audit.commune, audit.created_by) == (api_world["commune"], dost_staff)
    assert audit.history.get().history_user == dost_staff
    response = client.post(
        f"/api/v1/audits/{audit.pk}/findings/",
        {"clause": "7.5", "severity": "minor", "description": "Hồ sơ thiếu"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    finding = Finding.objects.get(pk=response.json()["id"])
    assert finding.history.get().history_user == dost_staff
    response = client.post(
        f"/api/v1/findings/{finding.pk}/corrective-actions/",
        {"description": "Bổ sung", "owner": "Thư ký", "due_date": "2017-12-20"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    action = CorrectiveAction.objects.get(pk=response.json()["id"])
    assert action.history.get().history_user == dost_staff


def test_an_action_due_before_its_audit_gets_the_forms_message(api_world, dost_staff, as_user):
    finding = Finding.objects.get(audit__commune=api_world["commune"])
    response = as_user(dost_staff).post(
        f"/api/v1/findings/{finding.pk}/corrective-actions/",
        {"description": "x", "owner": "y", "due_date": "2017-01-01"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["due_date"] == [
        "The due date cannot come before the audit (20/11/2017)."
    ]
    assert finding.corrective_actions.count() == 1


def test_an_audit_at_a_unit_outside_the_scope_is_404(api_world, consultant, as_user):
    response = as_user(consultant).post(
        "/api/v1/audits/",
        {
            "commune_code": "28987",
            "commune_since": "0",
            "kind": "internal_audit",
            "date": "2017-12-01",
            "lead": "A",
        },
        content_type="application/json",
    )
    assert response.status_code == 404
