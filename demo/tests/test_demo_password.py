from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_without_demo_password_one_is_generated_and_printed_once(demo_country, monkeypatch):
    """``demo_country`` (the root conftest.py) loads the demo without DEMO_PASSWORD: what it
    printed, then a second run."""
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    line = next(x for x in demo_country.splitlines() if "Generated password" in x)
    password = line.rsplit(": ", 1)[1].strip()
    assert User.objects.get(username="commune-28873").check_password(password)
    again = StringIO()
    call_command("load_demo", stdout=again)
    assert password not in again.getvalue()
