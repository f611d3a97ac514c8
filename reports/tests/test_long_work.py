"""Long work runs in the worker and shows its progress; one user cannot hold the web workers.

- An export of more than ``QMS_EXPORT_DIRECT_MAX_ROWS`` rows is queued: its page says queued →
  building n % → ready, the file holds the rows the direct export holds, and an in-page
  notification says it is ready (issue 22). A small export stays immediate.
- Beyond ``QMS_USER_DIRECT_WORK`` long requests of one user at once, the next ones wait in the
  worker's queue while a colleague's are still rendered at once (issue 24): the queue's state is
  checked, not timings.
"""

import datetime
from io import BytesIO

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from core import work
from notifications.models import FileReady
from reports.tests.test_reports import (  # noqa: F401 (fixtures)
    AS_OF,
    _pinned_day_and_empty_cache,
    rollout,
    run_worker,
    url,
)

pytestmark = pytest.mark.usefixtures("rollout", "_media")
MILESTONES = reverse("roadmap:milestone_list")


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(BytesIO(content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _queued(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"]


# Exports ------------------------------------------------------------------------------------


def test_a_large_export_is_made_by_the_worker_with_its_progress_then_notified(
    client, manager, settings, monkeypatch
):
    client.force_login(manager)
    query = "?status=not_started&export=xlsx"
    direct = client.get(MILESTONES + query)  # a few rows: written at once
    assert direct["Content-Disposition"].startswith("attachment")
    expected = _rows(b"".join(direct.streaming_content))
    assert len(expected) > 4

    settings.QMS_EXPORT_DIRECT_MAX_ROWS = 3
    page_url = _queued(client.get(MILESTONES + query))
    assert page_url.startswith("/exports/")
    page = client.get(page_url).content.decode()
    assert "Đang chờ" in page and f'data-hx-get="{page_url}"' in page
    row = DBTaskResult.objects.get()
    assert row.status == "READY" and row.args_kwargs["kwargs"]["query"] == query[1:]

    seen = []
    record = work.report_progress
    monkeypatch.setattr(work, "report_progress", lambda p: (seen.append(p), record(p)))
    run_worker()
    assert seen[0] < seen[1] < seen[-1] == 100 and any(5 < p < 95 for p in seen)

    ready = client.get(page_url, headers={"HX-Request": "true"}).content.decode()
    assert "Sẵn sàng" in ready and f'href="{page_url}" data-auto-download' in ready
    download = client.get(page_url)
    assert download["Content-Disposition"] == 'attachment; filename="moc-tien-do.xlsx"'
    assert _rows(download.content) == expected

    notice = client.get(reverse("notifications:count")).content.decode()
    assert 'id="file-notices"' in notice and "moc-tien-do.xlsx" in notice
    assert f'href="{page_url}"' in notice
    assert "moc-tien-do.xlsx" not in client.get(reverse("notifications:count")).content.decode()
    listed = client.get(reverse("notifications:list")).content.decode()
    assert "moc-tien-do.xlsx" in listed and FileReady.objects.get().user == manager


def test_the_page_says_building_with_the_percentage(client, manager, settings):
    settings.QMS_EXPORT_DIRECT_MAX_ROWS = 3
    client.force_login(manager)
    page_url = _queued(client.get(MILESTONES + "?export=csv"))
    row = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=row.pk).update(status="RUNNING", started_at=row.enqueued_at)
    cache.set(work._progress_key(row.id), 42)
    cache.set(f"reports:task-heartbeat:{row.id}", 9e12)  # its worker is alive
    fragment = client.get(page_url, headers={"HX-Request": "true"}).content.decode()
    assert "Đang lập 42 %" in fragment and 'value="42"' in fragment
    assert "every 2s" in fragment and "<html" not in fragment


def test_an_export_page_is_only_for_the_user_who_asked(client, manager, dost_staff, settings):
    settings.QMS_EXPORT_DIRECT_MAX_ROWS = 3
    client.force_login(manager)
    page_url = _queued(client.get(MILESTONES + "?export=xlsx"))
    client.force_login(dost_staff)
    assert client.get(page_url).status_code == 404
    assert client.get("/exports/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_an_export_whose_user_lost_access_fails_with_a_message(client, manager, settings):
    settings.QMS_EXPORT_DIRECT_MAX_ROWS = 3
    client.force_login(manager)
    page_url = _queued(client.get(MILESTONES + "?export=xlsx"))
    manager.is_active = False
    manager.save()
    run_worker()
    assert DBTaskResult.objects.get().status == "FAILED"
    manager.is_active = True
    manager.save()
    client.force_login(manager)
    page = client.get(page_url).content.decode()
    assert "Không tạo được tệp." in page and "every 2s" not in page


# One user cannot hold the web workers (issue 24) --------------------------------------------


def test_a_users_third_long_request_waits_in_the_queue(
    client,
    commune_officer,
    other_commune_officer,
    rollout,  # noqa: F811 (the fixture)
):
    code = rollout["commune"].code
    client.force_login(commune_officer)
    with work.user_slot(commune_officer.pk), work.user_slot(commune_officer.pk):
        # two reports of this user are being rendered by web workers: the third waits
        task_url = _queued(client.get(url("commune_report", code, "pdf")))
        assert "?task=" in task_url
        # and so does a small export of theirs
        assert _queued(client.get(MILESTONES + "?export=xlsx")).startswith("/exports/")
        # a colleague's report is still rendered at once
        client.force_login(other_commune_officer)
        other = client.get(url("commune_report", rollout["other_commune"].code, "pdf"))
        assert other.status_code == 200 and other["Content-Type"] == "application/pdf"
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    assert work.slots_in_use(commune_officer.pk) == 0


def test_twelve_days_asked_at_once_wait_in_the_worker(
    client,
    commune_officer,
    rollout,  # noqa: F811 (the fixture)
):
    """A commune officer asking its own PDF for 12 different days at once: two are rendered by
    web workers (held here), the other twelve queue, one task each; the worker makes them."""
    code = rollout["commune"].code
    client.force_login(commune_officer)
    with work.user_slot(commune_officer.pk), work.user_slot(commune_officer.pk):
        for n in range(12):
            day = AS_OF - datetime.timedelta(days=n)
            _queued(client.get(url("commune_report", code, "pdf") + f"?as_of={day:%d/%m/%Y}"))
    assert DBTaskResult.objects.filter(status="READY").count() == 12
    # While they wait, another request of the same user joins the queue behind them.
    _queued(client.get(url("commune_report", code, "xlsx")))
    run_worker()
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 13
    assert FileReady.objects.filter(user=commune_officer, failed=False).count() == 13
    # Nothing left waiting: the next request is rendered at once again.
    day = AS_OF - datetime.timedelta(days=20)
    direct = client.get(url("commune_report", code, "pdf") + f"?as_of={day:%d/%m/%Y}")
    assert direct.status_code == 200 and direct["X-Report-Cache"] == "miss"


def test_a_slot_is_freed_when_the_rendering_fails(commune_officer):
    with pytest.raises(RuntimeError), work.user_slot(commune_officer.pk):
        assert work.slots_in_use(commune_officer.pk) == 1
        raise RuntimeError
    assert work.slots_in_use(commune_officer.pk) == 0
    assert not work.should_queue(commune_officer.pk, 0)
    assert work.should_queue(commune_officer.pk, 1)
