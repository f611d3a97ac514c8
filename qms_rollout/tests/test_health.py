"""``/healthz``: database, cache, storage and background tasks, as JSON, 200 or 503."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_everything_answers_ok_without_signing_in(client, db, media):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage", "tasks"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["tasks"]["pending"] == 0
    assert "no-cache" in response["Cache-Control"]
    assert not list(media.glob("healthz/*"))  # the probe file is removed


def test_a_broken_cache_is_a_503(client, db, media, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": "127.0.0.1:1",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_an_unwritable_storage_is_a_503(client, db, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


def test_a_task_waiting_too_long_is_degraded_but_serving(client, db, media):
    from reports.tasks import build_report

    result = build_report.enqueue(
        user_id=1, level="province", code="tinh", fmt="pdf", language="vi"
    )
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - datetime.timedelta(hours=1)
    )
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["tasks"]["ok"] is False
    assert body["checks"]["tasks"]["pending"] == 1
    assert body["checks"]["tasks"]["oldest_pending_seconds"] >= 3600


def test_a_task_whose_worker_is_gone_is_failed_and_health_says_degraded(client, db, media):
    from reports.tasks import WORKER_LOST, build_report

    result = build_report.enqueue(
        user_id=1, level="province", code="tinh", fmt="pdf", language="vi"
    )
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=timezone.now() - datetime.timedelta(minutes=20)
    )
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["tasks"]["ok"] is False
    assert body["checks"]["tasks"]["worker_lost"] == 1
    assert body["checks"]["tasks"]["running"] == 0
    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, row.exception_class_path) == ("FAILED", WORKER_LOST)
