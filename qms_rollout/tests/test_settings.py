import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.utils import formats, translation

BASE = Path(__file__).resolve().parents[2]


def _start(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env = {k: v for k, v in env.items() if k not in ("DATABASE_URL", "CACHE_URL", "QMS_AS_OF")}
    env.update({"ENV_FILE": "/nonexistent", "DJANGO_SETTINGS_MODULE": "qms_rollout.settings"})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_secret_key_with_debug_off_is_a_clear_startup_error():
    result = _start({})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_set_and_starts_with_a_secret_key():
    result = _start({"SECRET_KEY": "k3y-" + "0123456789abcdef" * 4})
    assert result.returncode == 0, result.stderr


def test_a_bad_as_of_date_is_a_clear_startup_error():
    result = _start({"SECRET_KEY": "k3y-" + "0123456789abcdef" * 4, "QMS_AS_OF": "15/12/2017"})
    assert "QMS_AS_OF must be a date as YYYY-MM-DD" in result.stderr


def test_vietnamese_is_the_default_with_day_first_dates_and_dot_grouping():
    import datetime

    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    with translation.override("vi"):
        assert formats.date_format(datetime.date(2017, 7, 31), "SHORT_DATE_FORMAT") == "31/07/2017"
        assert formats.number_format(1234567, force_grouping=True) == "1.234.567"
        assert "%d/%m/%Y" in formats.get_format("DATE_INPUT_FORMATS")


def test_date_fields_accept_dd_mm_yyyy_in_vietnamese():
    import datetime

    from django import forms

    class F(forms.Form):
        day = forms.DateField()

    with translation.override("vi"):
        form = F(data={"day": "31/07/2017"})
        assert form.is_valid()
        assert form.cleaned_data["day"] == datetime.date(2017, 7, 31)
        assert not F(data={"day": "31/02/2017"}).is_valid()


def test_sqlite_default_uses_wal_and_immediate_transactions():
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_the_documented_env_example_starts_as_it_is():
    # Empty values (DATABASE_URL=, MEDIA_ROOT=, ...) fall back to the defaults.
    result = _start({"ENV_FILE": str(BASE / ".env.example")})
    assert result.returncode == 0, result.stderr
