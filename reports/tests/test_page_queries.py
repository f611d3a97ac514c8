"""At most 20 queries on any page (issue 22), on the demo, for every role, today and on a past
day, each page asked with every cache empty: the figures of this process, the shared cache (a
test's own, empty at its start) and the data generation. The pages' exact counts on small worlds
are pinned next to their tests (test_dashboard.py, test_views_units.py)."""

import datetime

import pytest
from django.core.cache import cache

from accounts.models import User
from communes.models import Commune, District
from reports.metrics.compute import forget_recent

pytestmark = pytest.mark.django_db  # heavy (the demo): listed in conftest.py SCALE

MAX_QUERIES = 20
TODAY = datetime.date(2026, 12, 6)
PAST = "15/12/2017"
USERS = ["dost", "manager", "consultant", "district-832", "commune-28870", "xa2025-28756"]


@pytest.fixture(scope="module")
def demo(demo_plain):
    return demo_plain


def _pages(user) -> list[str]:
    """The dashboard (today and a past day), the lists, and the commune and district pages the
    user may open (today's unit and a 2017 one)."""
    pages = ["/dashboard/", f"/dashboard/?as_of={PAST}"]
    for path in ("/communes/", "/milestones/", "/findings/"):
        pages += [path, f"{path}?as_of={PAST}"]
    communes = Commune.objects.visible_to(user).filter(participations__isnull=False)
    for commune in (
        communes.filter(valid_until__isnull=True).order_by("code").first(),
        communes.filter(valid_until__isnull=False).order_by("code").first(),
    ):
        if commune is not None:
            pages.append(commune.get_absolute_url())
            pages.append(f"{commune.get_absolute_url()}?as_of={PAST}")
    district = District.objects.visible_to(user).filter(code="832").first()
    if district is not None:
        pages += [district.get_absolute_url(), f"{district.get_absolute_url()}?as_of={PAST}"]
    return pages


@pytest.mark.parametrize("username", USERS)
def test_no_page_runs_more_than_20_queries_even_cold(
    demo, client, settings, username, django_assert_max_num_queries
):
    settings.QMS_AS_OF = TODAY
    settings.QMS_PROVINCE = "86"
    settings.QMS_PROVINCE_PREDECESSORS = ["83", "84"]
    user = User.objects.get(username=username)
    client.force_login(user)
    pages = _pages(user)
    assert len(pages) >= 9, pages  # the commune page of at least one unit
    for url in pages:
        cache.clear()
        forget_recent()
        with django_assert_max_num_queries(MAX_QUERIES, info=url):
            response = client.get(url)
        assert response.status_code == 200, url
