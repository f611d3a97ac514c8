"""Helpers of the operations checks (``bench/ops_*.py``): the production server (gunicorn, as
``make serve`` runs it) on a port of this machine, and a signed-in HTTP session.

The environment of every process: ``DEBUG`` off, a long random ``SECRET_KEY``, the database of
``DATABASE_URL``, the database cache, one ``MEDIA_ROOT`` for every server, static files collected
once into ``STATIC_ROOT``, the demo's day (``QMS_AS_OF=2017-12-15``).
"""

import contextlib
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SECRET = secrets.token_hex(32)


def environment(*, media_root: Path, static_root: Path, **extra) -> dict:
    """The environment of a server or a command of the checks."""
    return {
        **os.environ,
        "DEBUG": "off",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "off",
        "SECURE_SSL_REDIRECT": "off",
        "MEDIA_ROOT": str(media_root),
        "STATIC_ROOT": str(static_root),
        "QMS_AS_OF": os.environ.get("QMS_AS_OF", "2017-12-15"),
        "CACHE_URL": "",
        **extra,
    }


def manage(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """``manage.py args`` in the checks' environment; its output captured."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=check,
        capture_output=True,
        text=True,
    )


def prepare(env: dict) -> None:
    """What ``make serve`` does before starting: the cache table, the static files."""
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "-v0")


@contextlib.contextmanager
def server(env: dict, port: int, *, workers: int = 2, log: Path | None = None):
    """gunicorn on 127.0.0.1:``port`` until the block ends; yields its base URL."""
    out = open(log or os.devnull, "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "qms_rollout.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _i in range(120):
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{base}/healthz", timeout=30).status_code in (200, 503):
                    break
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn on port {port} stopped (see {log})")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # workers still busy: stop them
            process.kill()
            process.wait()
        out.close()


def sign_in(base: str, username: str, password: str) -> requests.Session:
    """A session signed in as ``username`` on the server at ``base``."""
    session = requests.Session()
    session.get(f"{base}/login/", timeout=30)
    response = session.post(
        f"{base}/login/",
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken"),
        },
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, f"sign-in of {username} failed ({response.status_code})"
    return session


def csrf(session: requests.Session) -> str:
    return session.cookies.get("csrftoken")


def form_fields(html: str) -> dict:
    """The hidden and text inputs of a page's forms, by name (the last one wins)."""
    return dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
