"""The environment of a production process started by a test: the documented production
settings (``deploy/production.env``), a real secret key, and paths of the test's own."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]


def documented_env() -> dict[str, str]:
    """``deploy/production.env`` as a dict, its placeholders filled for this machine."""
    values = {}
    for line in (BASE / "deploy" / "production.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    values["SECRET_KEY"] = secrets.token_hex(32)
    return values


def process_env(overrides: dict[str, str]) -> dict[str, str]:
    """This process's environment without the project's settings, plus ``overrides``."""
    names = set(documented_env()) | {"DEBUG", "SECRET_KEY", "STATIC_MANIFEST", "TASKS_BACKEND"}
    names.add("DJANGO_ALLOW_ASYNC_UNSAFE")  # set by the browser tests of this process
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update({"ENV_FILE": "/nonexistent", "DJANGO_SETTINGS_MODULE": "qms_rollout.settings"})
    env.update(overrides)
    return env


def manage(args: list[str], overrides: dict[str, str], timeout: int = 300):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env=process_env(overrides),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
