"""Served for real: the documented production settings pass ``check --deploy``, gunicorn serves
the collected static files through WhiteNoise, a weak secret key stops the start."""

import gzip
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from qms_rollout.tests.conftest import copy_database, run
from qms_rollout.tests.production_env import BASE, documented_env, manage, process_env


def test_check_deploy_with_the_documented_production_environment_reports_nothing():
    result = manage(["check", "--deploy", "--fail-level", "DEBUG"], documented_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_the_proxy_settings_check_deploy_warns():
    env = documented_env() | {"SECURE_SSL_REDIRECT": "off", "SECURE_HSTS_SECONDS": "0"}
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
    assert "security.W008" in result.stderr + result.stdout


@pytest.mark.parametrize("key", ["change-me", "change-me-" + "x" * 60, "a1b2c3" * 8])
def test_a_placeholder_or_short_secret_key_is_refused_with_debug_off(key):
    result = manage(["check"], documented_env() | {"SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY is a placeholder or too short" in result.stderr


def test_a_short_secret_key_is_accepted_with_debug_on():
    result = manage(["check"], documented_env() | {"SECRET_KEY": "change-me", "DEBUG": "on"})
    assert result.returncode == 0, result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def gunicorn(tmp_path, migrated_sqlite):
    """gunicorn with two workers, DEBUG off, static files collected into ``tmp_path`` (by the
    production storage; the fonts left uncompressed, see ``serving_settings``), on a copy of
    the migrated database."""
    env = documented_env() | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "off",
        "WEB_CONCURRENCY": "2",
    }
    copy_database(migrated_sqlite, tmp_path / "db.sqlite3")
    collect = env | {"DJANGO_SETTINGS_MODULE": "qms_rollout.tests.serving_settings"}
    run([["collectstatic", "--noinput", "-v0"]], collect)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "qms_rollout.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=BASE,
        env=process_env(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # wait until it answers (not a timing assertion)
            try:
                _get(f"{base}/login/")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gunicorn_serves_hashed_compressed_static_files_with_long_cache_headers(gunicorn):
    status, headers, body = _get(f"{gunicorn}/login/")
    assert status == 200
    html = body.decode()
    start = html.index("/static/css/app.")
    css_url = html[start : html.index('"', start)]
    assert css_url != "/static/css/app.css"  # the name carries the file's hash
    status, headers, body = _get(f"{gunicorn}{css_url}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert b".narrow-card" in gzip.decompress(body)
    assert "max-age=315360000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]
    status, _, _ = _get(f"{gunicorn}/static/css/does-not-exist.css")
    assert status == 404
