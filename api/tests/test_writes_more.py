"""The API's other writes, each with the page's rule, checks and messages: evidence on a milestone
(multipart, the upload checks of the page), a corrective action marked done and verified
(ETag / If-Match), an announcement of conformity. Per role: who may (2xx), who may not (403),
who cannot see it (404); nothing saved when refused."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.writes import action_etag
from audits.models import Announcement, CorrectiveAction, Finding
from roadmap.models import Evidence, Milestone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _evidence_url(milestone) -> str:
    return f"/api/v1/milestones/{milestone.pk}/evidence/"


def _upload(client, milestone, name="bien-ban.pdf", data=PDF, **headers):
    return client.post(
        _evidence_url(milestone), {"file": SimpleUploadedFile(name, data)}, headers=headers
    )


@pytest.fixture
def milestone(api_world):
    return api_world["milestones"]["participation"][0]


def test_the_officer_attaches_evidence_and_reads_it_back(milestone, commune_officer, as_user):
    client = as_user(commune_officer)
    response = _upload(client, milestone, name="Biên bản họp.pdf")
    assert response.status_code == 201, response.content
    data = response.json()
    evidence = Evidence.objects.get(pk=data["id"])
    assert (evidence.milestone, evidence.uploaded_by) == (milestone, commune_officer)
    assert (data["original_name"], data["content_type"], data["size"]) == (
        "Biên bản họp.pdf",
        "application/pdf",
        len(PDF),
    )
    listed = client.get(_evidence_url(milestone)).json()
    assert [row["id"] for row in listed] == [evidence.pk]
    download = client.get(data["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    milestone.refresh_from_db()
    assert milestone.version == 1, "a file attached changes no field of the milestone"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("anh.pdf", PNG, "Nội dung tệp không khớp với phần mở rộng của tên tệp (.pdf)."),
        ("virus.exe", PDF, "Hãy tải lên tệp PDF, ảnh JPEG hoặc PNG"),
        ("rong.pdf", b"", "Tệp trống."),
    ],
)
def test_a_file_the_page_refuses_is_400_with_its_message_and_nothing_saved(
    milestone, commune_officer, as_user, name, data, message
):
    response = _upload(as_user(commune_officer), milestone, name=name, data=data)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert message in " ".join(response.json()["errors"]["file"])
    assert not Evidence.objects.exists()


def test_evidence_without_a_file_or_as_json_is_refused(milestone, commune_officer, as_user):
    client = as_user(commune_officer)
    assert client.post(_evidence_url(milestone), {}).status_code == 400
    response = client.post(_evidence_url(milestone), {"file": "x"}, content_type="application/json")
    assert response.status_code == 415
    assert not Evidence.objects.exists()


def test_a_stale_if_match_on_evidence_is_412(milestone, commune_officer, as_user):
    response = _upload(as_user(commune_officer), milestone, **{"If-Match": '"9"'})
    assert response.status_code == 412
    assert not Evidence.objects.exists()
    ok = _upload(as_user(commune_officer), milestone, **{"If-Match": '"1"'})
    assert ok.status_code == 201


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("dost_staff", 201),
        ("consultant", 201),
        ("commune_officer", 201),
        ("manager", 403),
        ("district_officer", 403),
        ("other_commune_officer", 404),
    ],
)
def test_who_may_attach_evidence_is_who_may_edit_the_milestone(
    milestone, personas, as_user, persona, expected
):
    response = _upload(as_user(personas[persona]), milestone)
    assert response.status_code == expected
    assert Evidence.objects.count() == (1 if expected == 201 else 0)


def test_evidence_of_a_milestone_outside_the_scope_is_404(api_world, commune_officer, as_user):
    other = api_world["milestones"]["other_participation"][0]
    Evidence.objects.create(
        milestone=other, file=SimpleUploadedFile("a.pdf", PDF), original_name="a.pdf", size=3
    )
    client = as_user(commune_officer)
    assert client.get(_evidence_url(other)).status_code == 404
    assert client.get(f"/api/v1/evidence/{Evidence.objects.get().pk}/download/").status_code == 404


# Corrective actions: done, verified -------------------------------------------------------


@pytest.fixture
def corrective(api_world):
    return CorrectiveAction.objects.get(finding__audit__commune=api_world["commune"])


def _done(client, action, etag, data=PDF, done_on="10/12/2017", **headers):
    body = {"done_on": done_on}
    if data is not None:
        body["evidence"] = SimpleUploadedFile("ket-qua.pdf", data)
    if etag is not None:
        headers["If-Match"] = etag
    return client.post(f"/api/v1/corrective-actions/{action.pk}/done/", body, headers=headers)


def _verify(client, action, etag, **headers):
    if etag is not None:
        headers["If-Match"] = etag
    return client.post(f"/api/v1/corrective-actions/{action.pk}/verify/", headers=headers)


def test_the_officer_marks_done_and_dost_verifies_closing_the_finding(
    corrective, commune_officer, dost_staff, as_user
):
    officer = as_user(commune_officer)
    read = officer.get(f"/api/v1/corrective-actions/{corrective.pk}/")
    etag = read["ETag"]
    assert etag == action_etag(corrective)
    response = _done(officer, corrective, etag)
    assert response.status_code == 200, response.content
    assert response["ETag"] != etag
    corrective.refresh_from_db()
    assert corrective.done_on == datetime.date(2017, 12, 10)
    assert corrective.evidence.read() == PDF
    latest = corrective.history.order_by("-history_id").first()
    assert latest.history_user == commune_officer
    response = _verify(as_user(dost_staff), corrective, response["ETag"])
    assert response.status_code == 200, response.content
    corrective.refresh_from_db()
    assert corrective.verified_by == dost_staff
    assert corrective.history.order_by("-history_id").first().history_user == dost_staff
    assert corrective.finding.status == Finding.Status.CLOSED


def test_a_stale_or_missing_if_match_changes_no_action(corrective, commune_officer, as_user):
    officer = as_user(commune_officer)
    assert _done(officer, corrective, None).status_code == 428
    assert _done(officer, corrective, '"999999"').status_code == 412
    corrective.refresh_from_db()
    assert corrective.done_on is None
    assert corrective.history.count() == 1


def test_the_done_form_s_messages_come_back(corrective, commune_officer, as_user):
    officer = as_user(commune_officer)
    etag = action_etag(corrective)
    response = _done(officer, corrective, etag, data=None, **{"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.json()["errors"]["evidence"] == ["This field is required."]
    response = _done(officer, corrective, etag, done_on="01/01/2017")
    assert response.status_code == 400
    assert response.json()["errors"]["done_on"] == [
        "Phát hiện được ghi nhận ngày 20/11/2017; hành động khắc phục không thể hoàn thành trước ngày đó."
    ]
    corrective.refresh_from_db()
    assert corrective.done_on is None


def test_verifying_an_action_not_done_is_the_pages_message(corrective, dost_staff, as_user):
    response = _verify(as_user(dost_staff), corrective, action_etag(corrective))
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == [
        "Chỉ xác nhận được hành động đã hoàn thành."
    ]
    corrective.refresh_from_db()
    assert corrective.verified_at is None


@pytest.mark.parametrize(
    ("persona", "done", "verify"),
    [
        ("dost_staff", 200, 200),
        ("consultant", 200, 200),
        ("commune_officer", 200, 403),
        ("manager", 403, 403),
        ("district_officer", 403, 403),
        ("other_commune_officer", 404, 404),
    ],
)
def test_who_may_mark_done_and_verify(corrective, personas, as_user, persona, done, verify):
    client = as_user(personas[persona])
    assert _done(client, corrective, action_etag(corrective)).status_code == done
    corrective.refresh_from_db()
    assert (corrective.done_on is not None) == (done == 200)
    if corrective.done_on is None:
        corrective.done_on = datetime.date(2017, 12, 10)
        corrective.save()
    assert _verify(client, corrective, action_etag(corrective)).status_code == verify
    corrective.refresh_from_db()
    assert (corrective.verified_at is not None) == (verify == 200)


# Announcements ----------------------------------------------------------------------------


def _announce(client, code="28873", **fields):
    body = {
        "commune_code": code,
        "commune_since": "0",
        "kind": "first",
        "decision_number": "15/QĐ-UBND",
        "decision_date": "12/12/2017",
        "standard": "2015",
        "scope_size": 12,
        **fields,
    }
    return client.post("/api/v1/announcements/", body, content_type="application/json")


def test_dost_staff_record_an_announcement_which_completes_the_step(api_world, dost_staff, as_user):
    response = _announce(as_user(dost_staff))
    assert response.status_code == 201, response.content
    announcement = Announcement.objects.get(pk=response.json()["id"])
    assert (announcement.commune, announcement.recorded_by) == (api_world["commune"], dost_staff)
    assert announcement.history.get().history_user == dost_staff
    step = Milestone.objects.get(participation=api_world["participation"], step__key="announcement")
    assert (step.status, step.completed_on) == (Milestone.Status.DONE, datetime.date(2017, 12, 12))
    assert step.history.order_by("-history_id").first().history_user == dost_staff


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("dost_staff", 201),
        ("consultant", 201),
        ("commune_officer", 403),
        ("manager", 403),
        ("district_officer", 403),
        ("other_commune_officer", 404),
    ],
)
def test_who_may_record_an_announcement(api_world, personas, as_user, persona, expected):
    before = Announcement.objects.count()
    assert _announce(as_user(personas[persona])).status_code == expected
    assert Announcement.objects.count() == before + (expected == 201)


def test_the_announcement_forms_messages_and_nothing_saved(api_world, dost_staff, as_user):
    before = Announcement.objects.count()
    response = _announce(as_user(dost_staff), decision_number=" ", decision_date="2030-01-01")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["decision_number"] == ["Cần nhập số quyết định."]
    assert "decision_date" in errors
    assert Announcement.objects.count() == before


def test_only_dost_staff_give_an_override_reason(api_world, consultant, as_user):
    response = _announce(as_user(consultant), override_reason="Đã khắc phục")
    assert response.status_code == 400
    assert "override_reason" in response.json()["errors"]
