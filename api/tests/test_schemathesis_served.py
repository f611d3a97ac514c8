"""Schemathesis against the served demo, as a client on the network sees it: a fresh SQLite
database migrated with the demo loaded (``load_demo``), served by gunicorn, and the Schemathesis
command line over every operation of ``/api/v1/openapi.json`` with a DOST staff token, its
``not_a_server_error``, ``status_code_conformance`` and ``response_schema_conformance`` checks,
the examples, coverage and fuzzing phases, a bounded number of examples, deterministic. Marked
``fuzz`` (``make test`` runs it; a few minutes: the demo is built once)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.fuzz
BASE = Path(__file__).resolve().parents[2]
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
PHASES = "examples,coverage,fuzzing"
MAX_EXAMPLES = 5


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "QMS_"))}
    env.update(
        {
            "ENV_FILE": "/nonexistent",
            "DJANGO_SETTINGS_MODULE": "qms_rollout.settings",
            "DATABASE_URL": f"sqlite:///{tmp / 'demo.sqlite3'}",
            "MEDIA_ROOT": str(tmp / "media"),
            "SECRET_KEY": "schemathesis-" + "x" * 50,
            "DEBUG": "on",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEMO_PASSWORD": "demo-schemathesis",
            "API_RATE": "1000000/minute",
            "QMS_PROVINCE": "86",
            "QMS_PROVINCE_PREDECESSORS": "83",
        }
    )
    return env


def _manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(base: str, server, log: Path) -> None:
    for _ in range(600):  # until it answers (not a timing assertion)
        try:
            urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=10)  # noqa: S310
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            assert server.poll() is None, log.read_text(errors="replace")
            time.sleep(0.2)


@pytest.fixture
def served_demo(tmp_path):
    """The demo served by gunicorn on a database of its own: (base URL, a DOST staff token).
    Its own SQLite whatever the suite's database: CI's PostgreSQL run leaves it out (once a
    run is enough, the in-process Schemathesis test covers PostgreSQL)."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("served on SQLite once per CI run (the SQLite run)")
    env = _env(tmp_path)
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "createcachetable")
    _manage(env, "load_demo")
    token = _manage(env, "api_token", "dost", "--name", "schemathesis", "--days", "1").strip()
    port = _free_port()
    # The server's log goes to a file: thousands of refused requests would fill a pipe nobody
    # reads, and the server would stop answering.
    with (tmp_path / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "qms_rollout.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "1", "--timeout", "120"],
            cwd=BASE,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, server, tmp_path / "server.log")
        yield base, token
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_schemathesis_finds_nothing_against_the_served_demo(served_demo, tmp_path):
    base, token = served_demo
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or "st"
    command = [
        st,
        "run",
        f"{base}/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--phases",
        PHASES,
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-deterministic",
        "--workers",
        "1",
        "--request-timeout",
        "120",
        "--header",
        f"Authorization: Bearer {token}",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path / "report"),
    ]
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=1500, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20000:]
    assert "Coverage" in output and "Fuzzing" in output
    assert " passed" in output
