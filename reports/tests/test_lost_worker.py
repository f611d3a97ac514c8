"""A report task whose worker was killed does not stay "running" for ever: once it has run for
longer than ``STALE_SECONDS`` without a heartbeat from its worker, it is failed with a message,
its page says so and offers to make the report again (``/healthz``: qms_rollout/tests)."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports import tasks
from reports.tests.test_reports import (  # noqa: F401 (fixtures)
    _pinned_day_and_empty_cache,
    large_above_two,
    rollout,
    run_worker,
    url,
)

FAILED = "Không tạo được tệp."  # the pages speak Vietnamese by default
LOST = "Tiến trình chạy nền đã dừng khi đang lập tệp."

# Every test: the world with a roadmap, and reports of more than two communes made by the worker.
pytestmark = pytest.mark.usefixtures("rollout", "large_above_two")


def _queue(client, manager):
    client.force_login(manager)
    path = url("province_report", "xlsx")
    task_url = client.get(path)["Location"]
    return path, task_url, DBTaskResult.objects.get()


def _running(row, *, seconds_ago: int) -> None:
    """The row as a worker leaves it when it takes the task (``claim``), ``seconds_ago``."""
    DBTaskResult.objects.filter(pk=row.pk).update(
        status="RUNNING",
        started_at=timezone.now() - datetime.timedelta(seconds=seconds_ago),
        worker_ids=["worker-killed"],
    )


def test_a_task_whose_worker_was_killed_is_failed_and_its_page_offers_it_again(client, manager):
    path, task_url, row = _queue(client, manager)
    _running(row, seconds_ago=20 * 60)  # the worker was killed 20 minutes ago
    page = client.get(task_url).content.decode()
    assert FAILED in page and LOST in page
    assert f'href="{path}"' in page and "every 2s" not in page
    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path == tasks.WORKER_LOST
    assert "worker-killed stopped while running the task" in row.traceback
    again = client.get(path)
    assert again.status_code == 302 and again["Location"] != task_url
    assert DBTaskResult.objects.filter(status="READY").count() == 1


@pytest.mark.parametrize("beat_seconds_ago", [None, 1])
def test_a_task_whose_worker_is_alive_or_just_started_stays_running(
    client, manager, beat_seconds_ago
):
    _path, task_url, row = _queue(client, manager)
    if beat_seconds_ago is None:  # just taken: no heartbeat needed yet
        _running(row, seconds_ago=tasks.STALE_SECONDS // 2)
    else:  # running for long, its worker beating
        _running(row, seconds_ago=20 * 60)
        cache.set(tasks._heartbeat_key(row.id), timezone.now().timestamp() - beat_seconds_ago)
    page = client.get(task_url).content.decode()
    assert "every 2s" in page and LOST not in page
    row.refresh_from_db()
    assert row.status == "RUNNING"


def test_the_worker_beats_while_it_builds_the_report(client, manager, monkeypatch):
    _path, task_url, row = _queue(client, manager)
    key = tasks._heartbeat_key(row.id)
    seen = {}
    build = tasks.report_render

    def report_render(**kwargs):
        seen["beat"] = cache.get(key)
        seen["stale"] = [r.pk for r in tasks.stale_tasks()]
        return build(**kwargs)

    monkeypatch.setattr(tasks, "report_render", report_render)
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    run_worker()
    assert seen["beat"] is not None and seen["stale"] == []
    assert cache.get(key) is None  # the heartbeat ends with the task
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert client.get(task_url)["Content-Disposition"].startswith("attachment")
