"""``/healthz``: database, cache, storage and background tasks, as JSON, 200 or 503."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def insider(client, db):
    """A staff member's session: the checks' details are shown to them."""
    from accounts.tests.factories import UserFactory

    client.force_login(UserFactory(username="vanhanh", is_staff=True))
    return client


def test_the_public_answer_is_only_the_status(client, db, media):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert b"sqlite" not in response.content and b"pending" not in response.content


def test_a_signed_in_non_staff_user_or_a_wrong_token_sees_only_the_status(
    client, db, media, commune_officer
):
    assert client.get("/healthz", HTTP_AUTHORIZATION="Bearer nope").json() == {"status": "ok"}
    client.force_login(commune_officer)
    assert client.get("/healthz").json() == {"status": "ok"}


def test_a_valid_api_token_sees_the_details(client, db, media, dost_staff):
    from api.models import ApiToken

    _token, key = ApiToken.issue(user=dost_staff, name="giam-sat", days=None)
    body = client.get("/healthz", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert set(body["checks"]) == {"database", "cache", "storage", "tasks"}


def test_everything_answers_ok_for_staff(insider, media):
    client = insider
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage", "tasks"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["tasks"]["pending"] == 0
    assert "no-cache" in response["Cache-Control"]
    assert not list(media.glob("healthz/*"))  # the probe file is removed


def test_a_broken_cache_is_a_503(insider, db, media, settings):
    client = insider
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


def test_an_unwritable_storage_is_a_503(insider, db, settings, tmp_path):
    client = insider
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


def test_a_task_waiting_too_long_is_degraded_but_serving(insider, db, media):
    client = insider
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


def test_a_task_whose_worker_is_gone_is_failed_and_health_says_degraded(insider, db, media):
    client = insider
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
