"""On the demo, for five days from 2017 to today, the figures endpoint gives each role exactly
the dashboard's numbers: the dashboard page's figures (its context) and the API's answer are
computed separately (the cache emptied in between) and compared field by field."""

import datetime

import pytest
from django.core.cache import cache

from accounts.models import User
from api.figures import FiguresSerializer
from api.tests.conftest import bearer

D = datetime.date
TODAY = D(2026, 12, 6)
DAYS = [D(2017, 12, 15), D(2018, 6, 30), D(2019, 12, 31), D(2024, 12, 31), TODAY]
pytestmark = pytest.mark.django_db  # heavy (the demo): listed in conftest.py SCALE


@pytest.fixture(scope="module")
def demo(demo_plain):
    return demo_plain


@pytest.fixture
def today(demo, settings):
    settings.QMS_AS_OF = TODAY
    settings.QMS_PROVINCE = "86"
    settings.QMS_PROVINCE_PREDECESSORS = ["83"]


def _dashboard(client, user, day):
    client.force_login(user)
    response = client.get("/dashboard/", {"as_of": f"{day:%d/%m/%Y}"})
    assert response.status_code == 200
    return response.context["figures"]


@pytest.mark.parametrize("username", ["dost", "consultant", "district-832"])
def test_the_figures_endpoint_equals_the_dashboard_on_five_days(today, client, username):
    user = User.objects.get(username=username)
    headers = bearer(user)
    seen = set()
    for day in DAYS:
        cache.clear()
        figures = _dashboard(client, user, day)
        cache.clear()
        response = client.get("/api/v1/figures/", {"as_of": day.isoformat()}, headers=headers)
        assert response.status_code == 200
        data = response.json()
        assert data["as_of"] == day.isoformat()
        assert (data["total"], data["progress"], data["counts"]["done"]) == (
            figures.total,
            figures.progress,
            figures.counts.done,
        )
        assert data == FiguresSerializer(figures).data, day
        seen.add((data["total"], data["counts"]["done"], data["announced"]))
    assert len(seen) >= 3, "the days differ: a day ignored would be noticed"
