"""The dashboard at nation scale: above ``QMS_DASHBOARD_MAX_ROWS`` communes it adds them up by
district (by province in a national deployment) and shows the grid a page at a time, so the page
costs the same queries and about the same bytes at 300 communes and at 1,200."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.fixtures import AS_OF, add_communes, reader
from core.generation import data_changed

MAX_ROWS = 100
PAGE_ROWS = 50  # a summarised grid: half of MAX_ROWS a page
MAX_BYTES = 300_000
GRID_ROW = '<th scope="row" class="text-nowrap fw-normal">'


@pytest.fixture
def pinned(settings):
    settings.QMS_AS_OF = AS_OF
    settings.QMS_DASHBOARD_MAX_ROWS = MAX_ROWS
    settings.LANGUAGE_CODE = "en"
    return settings


def _visit(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/dashboard/", params or {})
    assert response.status_code == 200
    return len(queries), response


def _grid_rows(html: str) -> int:
    return html.count(GRID_ROW)


@pytest.mark.django_db
def test_the_dashboard_keeps_its_size_and_queries_from_300_to_1200_communes(client, pinned):
    add_communes(300)
    client.force_login(reader())
    client.get("/dashboard/")  # the session's first request
    _visit(client)  # a small scope's figures are kept from its second page on
    small_queries, small = _visit(client)
    add_communes(900)
    data_changed()  # what the commit of a write does (reports/signals.py)
    client.get("/dashboard/")  # building the communes outlasts the idle session: renewed here
    queries, response = _visit(client)
    html = response.content.decode()
    assert response.context["figures"].total == 1200
    assert queries <= small_queries  # (a small scope reads its revisions: one query more)
    assert len(response.content) < MAX_BYTES
    assert len(response.content) < 1.3 * len(small.content)
    assert _grid_rows(html) == PAGE_ROWS
    assert response.context["grid_page"].paginator.num_pages == 24
    # One row per district (10), not per commune; the totals are the figures'.
    assert len(response.context["group_rows"]) == 10
    assert sum(row.communes for row in response.context["group_rows"]) == 1200
    assert 'rel="next"' in html


@pytest.mark.django_db
def test_the_grid_pages_hold_every_commune_once(client, pinned):
    add_communes(250)
    client.force_login(reader())
    seen = []
    for page in (1, 2, 3, 4, 5):
        html = _visit(client, {"page": page})[1].content.decode()
        seen += re.findall(GRID_ROW + r'<a href="/communes/(\d{5})/0/">', html)
    assert len(seen) == len(set(seen)) == 250


@pytest.mark.django_db
def test_a_national_dashboard_has_a_row_per_province_and_pages_the_grid(client, pinned):
    pinned.QMS_PROVINCE = "*"
    add_communes(1200)
    client.force_login(reader())
    client.get("/dashboard/")
    response = _visit(client)[1]
    html = response.content.decode()
    assert response.context["national"]
    assert [row.code for row in response.context["group_rows"]] == ["99"]
    assert response.context["group_rows"][0].communes == 1200
    assert '<a href="?province=99">' in html
    assert _grid_rows(html) == PAGE_ROWS
    assert len(response.content) < MAX_BYTES
    drilled = _visit(client, {"province": "99"})[1]
    assert drilled.context["province"].code == "99"
    assert not drilled.context["national"]
    assert len(drilled.context["group_rows"]) == 10
