"""This branch's Vietnamese strings, compiled for the tests until the lead merges the fragment."""

import shutil
import subprocess
from pathlib import Path

from django.conf import settings as django_settings

FRAGMENT = Path(django_settings.BASE_DIR) / "locale" / "fragments" / "limits.po"


def compile_limits_fragment(target: Path) -> Path:
    """This branch's Vietnamese strings compiled into ``target`` (placed first in LOCALE_PATHS)."""
    messages = target / "vi" / "LC_MESSAGES"
    messages.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [shutil.which("msgfmt") or "msgfmt", "--check-format", "-o", str(messages / "django.mo")]
        + [str(FRAGMENT)],
        check=True,
    )
    return target
