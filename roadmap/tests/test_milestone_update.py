"""Updating a milestone: who may, the rules, the optimistic lock, evidence and history."""

import datetime

import pytest
from django.urls import reverse

from roadmap.models import Evidence, Milestone
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory
from roadmap.tests.test_uploads import PDF, PNG

TODAY = datetime.date(2017, 12, 15)


@pytest.fixture(autouse=True)
def _pinned(settings, tmp_path):
    settings.QMS_AS_OF = TODAY
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def milestone(world):
    step = RoadmapStepFactory(
        name="Khảo sát thực trạng", expected_evidence="Báo cáo khảo sát thực trạng"
    )
    return MilestoneFactory(participation=world["participation"], step=step)


@pytest.fixture
def other_milestone(world):
    return MilestoneFactory(participation=world["other_participation"])


def url(m):
    return reverse("roadmap:milestone_update", args=[m.pk])


def post_data(m, **changes):
    data = {
        "status": m.status,
        "completed_on": m.completed_on.strftime("%d/%m/%Y") if m.completed_on else "",
        "note": m.note,
        "version": m.version,
    }
    data.update(changes)
    return data


# Access ---------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, milestone):
    response = client.get(url(milestone))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    response = client.post(url(milestone), post_data(milestone, status="in_progress"))
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.NOT_STARTED


def test_officer_cannot_see_or_update_another_communes_milestone(
    client, other_commune_officer, milestone
):
    client.force_login(other_commune_officer)
    assert client.get(url(milestone)).status_code == 404
    response = client.post(url(milestone), post_data(milestone, status="in_progress"))
    assert response.status_code == 404
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.NOT_STARTED


def test_consultant_of_another_organisation_gets_404(client, consultant, other_milestone):
    client.force_login(consultant)
    assert client.get(url(other_milestone)).status_code == 404


@pytest.mark.parametrize("persona", ["manager", "district_officer"])
def test_readers_see_the_page_without_a_form_and_cannot_post(client, personas, persona, milestone):
    client.force_login(personas[persona])
    response = client.get(url(milestone))
    assert response.status_code == 200
    assert b'name="version"' not in response.content
    assert "Báo cáo khảo sát thực trạng" in response.text
    response = client.post(url(milestone), post_data(milestone, status="in_progress"))
    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.NOT_STARTED
    assert milestone.version == 1


@pytest.mark.parametrize("persona", ["commune_officer", "consultant", "dost_staff"])
def test_editors_update_and_the_change_lands_in_the_history(client, personas, persona, milestone):
    user = personas[persona]
    client.force_login(user)
    response = client.get(url(milestone))
    assert response.status_code == 200
    assert b'name="version"' in response.content
    response = client.post(
        url(milestone),
        post_data(milestone, status="done", completed_on="12/12/2017", note="Đã khảo sát"),
    )
    assert response.status_code == 302
    assert response["Location"] == url(milestone)
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.DONE
    assert milestone.completed_on == datetime.date(2017, 12, 12)
    assert milestone.note == "Đã khảo sát"
    assert milestone.version == 2
    assert milestone.updated_by == user
    last = milestone.history.order_by("-history_date").first()
    assert last.history_user == user
    assert last.status == "done"
    assert last.prev_record.status == "not_started"
    # The page shows who changed what, from and to.
    page = client.get(url(milestone)).text
    assert str(user) in page
    assert "12/12/2017" in page


def test_history_on_the_page_shows_from_and_to(client, commune_officer, milestone):
    client.force_login(commune_officer)
    client.post(url(milestone), post_data(milestone, status="in_progress"))
    milestone.refresh_from_db()
    client.post(url(milestone), post_data(milestone, status="blocked", note="Chờ quyết định"))
    changes = Milestone.objects.get(pk=milestone.pk).changes()
    status = Milestone.Status
    assert [c["fields"][0][1:] for c in changes[:2]] == [
        (status.IN_PROGRESS.label, status.BLOCKED.label),
        (status.NOT_STARTED.label, status.IN_PROGRESS.label),
    ]
    assert changes[0]["user"] == commune_officer
    assert changes[-1]["created"]


# Rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "done", "completed_on": ""}, "completed_on"),
        ({"status": "done", "completed_on": "16/12/2017"}, "completed_on"),  # the future
        ({"status": "in_progress", "completed_on": "01/12/2017"}, "completed_on"),
        ({"status": "blocked", "note": "   "}, "note"),
        ({"status": "done", "completed_on": "2017-31-12"}, "completed_on"),  # not a date
    ],
)
def test_rules_refuse_the_change(client, commune_officer, milestone, changes, field):
    client.force_login(commune_officer)
    response = client.post(url(milestone), post_data(milestone, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.NOT_STARTED
    assert milestone.history.count() == 1


def test_dates_are_typed_day_first(client, commune_officer, milestone):
    client.force_login(commune_officer)
    client.post(url(milestone), post_data(milestone, status="done", completed_on="03/12/2017"))
    milestone.refresh_from_db()
    assert milestone.completed_on == datetime.date(2017, 12, 3)


# Optimistic lock ------------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_shows_the_current_values(
    client, commune_officer, consultant, milestone
):
    loaded_version = milestone.version
    client.force_login(consultant)
    client.post(url(milestone), post_data(milestone, status="in_progress", note="Đang làm"))
    client.force_login(commune_officer)
    response = client.post(
        url(milestone),
        post_data(
            milestone,
            status="done",
            completed_on="10/12/2017",
            note="Xong",
            version=loaded_version,
        ),
    )
    assert response.status_code == 409
    assert response.context["conflict"].status == "in_progress"
    page = response.text
    assert 'id="milestone-conflict"' in page
    assert "Đang làm" in page
    assert str(consultant) in page
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS
    assert milestone.note == "Đang làm"
    assert milestone.updated_by == consultant
    # The form keeps what the officer typed, against the current version.
    form = response.context["form"]
    assert form.data["note"] == "Xong"
    assert form.data["version"] == str(milestone.version)


def test_a_conflict_does_not_store_the_file_either(client, commune_officer, milestone):
    Milestone.objects.filter(pk=milestone.pk).update(version=5)
    client.force_login(commune_officer)
    data = post_data(milestone, status="in_progress", version=1)
    data["evidence"] = _file("bao-cao.pdf", PDF)
    response = client.post(url(milestone), data)
    assert response.status_code == 409
    assert not Evidence.objects.exists()


def test_htmx_conflict_is_swapped_in_place(client, commune_officer, milestone):
    Milestone.objects.filter(pk=milestone.pk).update(version=3)
    client.force_login(commune_officer)
    response = client.post(
        url(milestone),
        post_data(milestone, status="in_progress", version=1),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert 'id="milestone-conflict"' in response.text
    assert "<html" not in response.text


# htmx -----------------------------------------------------------------------------------------


def test_htmx_post_returns_the_panel_partial(client, commune_officer, milestone):
    client.force_login(commune_officer)
    response = client.post(
        url(milestone), post_data(milestone, status="in_progress"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="milestone-panel"')
    assert response["HX-Trigger"] == "milestoneSaved"
    assert 'name="version" value="2"' in response.text
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS


def test_next_sends_back_to_a_local_page_only(client, commune_officer, milestone):
    client.force_login(commune_officer)
    response = client.post(
        url(milestone), post_data(milestone, status="in_progress", next="https://evil.example/")
    )
    assert response["Location"] == url(milestone)
    milestone.refresh_from_db()
    response = client.post(
        url(milestone), post_data(milestone, status="not_started", next="/communes/28873/0/")
    )
    assert response["Location"] == "/communes/28873/0/"


# Evidence -------------------------------------------------------------------------------------


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_evidence_upload_and_download(
    client, commune_officer, manager, other_commune_officer, milestone
):
    client.force_login(commune_officer)
    data = post_data(milestone, status="in_progress")
    data["evidence"] = _file("Báo cáo khảo sát.pdf", PDF)
    response = client.post(url(milestone), data)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.milestone == milestone
    assert evidence.original_name == "Báo cáo khảo sát.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.uploaded_by == commune_officer
    assert "Báo cáo" not in evidence.file.name
    page = client.get(url(milestone)).text
    download = reverse("roadmap:evidence_download", args=[evidence.pk])
    assert download in page

    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    client.force_login(manager)
    assert client.get(download).status_code == 200
    client.force_login(other_commune_officer)
    assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302


def test_evidence_alone_can_be_added_without_changing_the_status(
    client, commune_officer, milestone
):
    client.force_login(commune_officer)
    data = post_data(milestone)
    data["evidence"] = _file("anh.png", PNG)
    assert client.post(url(milestone), data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.version == 1
    assert Evidence.objects.filter(milestone=milestone).count() == 1


def test_a_disguised_file_is_refused_and_nothing_is_saved(client, commune_officer, milestone):
    client.force_login(commune_officer)
    data = post_data(milestone, status="in_progress")
    data["evidence"] = _file("bao-cao.pdf", b"MZ\x90\x00this is a program")
    response = client.post(url(milestone), data)
    assert response.status_code == 200
    assert "evidence" in response.context["form"].errors
    assert not Evidence.objects.exists()
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.NOT_STARTED


def test_milestone_page_query_count(client, commune_officer, milestone, django_assert_num_queries):
    client.force_login(commune_officer)
    client.get(url(milestone))  # warm the session
    # session, milestone, can_edit (none for an officer), evidence, history (the user is kept
    # from the first request)
    with django_assert_num_queries(4):
        client.get(url(milestone))


def test_inline_editor_row_for_lists(client, commune_officer, milestone):
    """The commune page and the milestone list insert this row under a milestone's row."""
    client.force_login(commune_officer)
    response = client.get(url(milestone), {"inline": "1"}, HTTP_HX_REQUEST="true")
    assert response.text.lstrip().startswith(f'<tr id="milestone-inline-{milestone.pk}"')
    assert 'name="inline" value="1"' in response.text
    response = client.post(
        url(milestone),
        post_data(milestone, status="in_progress", inline="1"),
        HTTP_HX_REQUEST="true",
    )
    assert response.text.lstrip().startswith(f'<tr id="milestone-inline-{milestone.pk}"')
    assert response["HX-Trigger"] == "milestoneSaved"
    assert response["HX-Refresh"] == "true"  # the list reloads with the new values
    assert 'role="status"' in response.text
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS
    # A stale inline form gets the conflict in the row, not a lost update.
    response = client.post(
        url(milestone),
        post_data(milestone, status="done", completed_on="01/12/2017", inline="1", version=1),
        HTTP_HX_REQUEST="true",
    )
    assert 'id="milestone-conflict"' in response.text
    assert response.text.lstrip().startswith("<tr")
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS
