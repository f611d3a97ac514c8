"""Nothing a second worker process or server needs lives in one process or one machine's /tmp:
pending imports are in the media storage, the cache is the database's by default, and a bulk
write (an import) starts a new report-cache generation as a form save does."""

import re

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from communes.models import Commune
from communes.resources import GSO_COLUMNS
from core.generation import data_generation
from imports.tests.helpers import upload, xlsx_bytes
from qms_rollout.tests.production_env import documented_env, manage


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _gso_file(world, *extra_rows) -> bytes:
    rows = [
        [
            "Tỉnh Bến Tre",
            world["province"].code,
            "Huyện Chợ Lách",
            "832",
            "Xã Phú Phụng",
            "28873",
            "Xã",
        ],
        *extra_rows,
    ]
    return xlsx_bytes([GSO_COLUMNS, *rows])


def _preview(client, data, kind="admin-units"):
    response = client.post(
        reverse("imports:upload", args=[kind]), {"file": upload("dvhc.xlsx", data)}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_a_pending_import_is_kept_in_the_media_storage_not_in_the_process(world, dost_staff, media):
    server_a = Client()
    server_a.force_login(dost_staff)
    new = ["Tỉnh Bến Tre", world["province"].code, "Huyện Chợ Lách", "832", "Xã Mới", "29999", "Xã"]
    preview_url = _preview(server_a, _gso_file(world, new))
    token = re.search(r"/preview/([^/]+)/", preview_url).group(1)
    stored = media / "imports-pending" / f"{token}.upload"
    assert stored.is_file()
    assert server_a.get(preview_url).status_code == 200

    # Another server: nothing shared but the database (the session) and the media storage.
    server_b = Client()
    server_b.cookies = server_a.cookies
    done = server_b.post(preview_url.replace("/preview/", "/confirm/"))
    assert done.status_code == 200
    assert Commune.objects.filter(code="29999", name="Xã Mới").exists()
    assert not stored.exists()
    # The preview is gone from the storage: the page sends the user back to the upload form,
    # saying the file was imported already (imports.views, issue 24).
    again = server_b.get(preview_url)
    assert again.status_code == 302
    assert again["Location"] == "/imports/admin-units/"


def test_an_unknown_or_forged_token_finds_nothing(world, dost_staff, media):
    client = Client()
    client.force_login(dost_staff)
    _preview(client, _gso_file(world))
    assert client.get(reverse("imports:preview", args=["admin-units", "x" * 32])).status_code == 404
    forged = reverse("imports:preview", args=["admin-units", "..%2F..%2Fetc%2Fpasswd"])
    assert client.get(forged).status_code == 404


def test_a_bulk_import_starts_a_new_report_cache_generation(
    world, dost_staff, media, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(dost_staff)
    new = ["Tỉnh Bến Tre", world["province"].code, "Huyện Chợ Lách", "832", "Xã Mới", "29999", "Xã"]
    preview_url = _preview(client, _gso_file(world, new))
    before = data_generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(preview_url.replace("/preview/", "/confirm/"))
    assert Commune.objects.filter(code="29999").exists()
    assert callbacks
    assert data_generation() != before


def test_an_import_that_changes_nothing_keeps_the_generation(
    world, dost_staff, media, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(dost_staff)
    preview_url = _preview(client, _gso_file(world))
    before = data_generation()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(preview_url.replace("/preview/", "/confirm/"))
    assert data_generation() == before


def test_the_database_cache_is_shared_by_every_connection(db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "qms_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    caches["default"].set("reports:generation", "abc")
    # A second process has its own cache object: it reads the same table.
    other = caches.create_connection("default")
    assert other.get("reports:generation") == "abc"


@pytest.mark.parametrize(
    ("cache_url", "backend", "location"),
    [
        ("", "django.core.cache.backends.db.DatabaseCache", "qms_cache"),
        (
            "redis://127.0.0.1:6379/1",
            "django.core.cache.backends.redis.RedisCache",
            "redis://127.0.0.1:6379/1",
        ),
    ],
)
def test_the_cache_is_the_database_by_default_and_redis_by_cache_url(cache_url, backend, location):
    env = documented_env() | {"CACHE_URL": cache_url}
    result = manage(
        [
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; c = settings.CACHES['default']; "
            "print(c['BACKEND'], c['LOCATION'])",
        ],
        env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [backend, location]
