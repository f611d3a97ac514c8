"""The commune and milestone lists cost the same at 45 communes and at 10,000.

Search, filters, Vietnamese order and the page are the database's (stored folded text and sort
keys): the same requests run the same number of queries whatever the number of rows, and the
first page holds the rows that Python's Vietnamese order (``core.text.unit_key``, then the GSO
code) puts first. The timings are ``bench/bench_lists.py``'s.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.fixtures import AS_OF, add_communes, reader
from communes.models import Commune
from core.text import fold, unit_key

STEPS = 4  # milestones per commune in the fixture
REQUESTS = [
    ("/communes/", {}),
    ("/communes/", {"q": "phu", "overdue": "1"}),
    ("/milestones/", {}),
    ("/milestones/", {"q": "hoa danh gia", "status": "in_progress"}),
]


def _communes_in_order(query: str = "") -> list[Commune]:
    """The fixture's communes matching ``query`` as the old Python search did, in Python order."""
    communes = Commune.objects.filter(province__code="99").select_related("district")
    words = fold(query).split()
    found = [
        c
        for c in communes
        if all(w in f"{fold(c.name)} {fold(c.district.name)} {c.code}" for w in words)
    ]
    return sorted(found, key=lambda c: (unit_key(c.name), c.code))


def _first_page(url: str, response) -> list:
    if url == "/communes/":
        return [r.code for r in response.context["page"]]
    return [(m.participation.commune.code, m.step.order) for m in response.context["milestones"]]


def _expected_first_page(url: str) -> list:
    communes = _communes_in_order()
    if url == "/communes/":
        return [c.code for c in communes[:25]]
    return [(c.code, order) for c in communes[:7] for order in range(1, STEPS + 1)][:25]


def _visit(client, url: str, params: dict):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


def _warm(client) -> None:
    """The session's first request, and what the lists keep between requests once read (the
    signed-in user, the filters' choices of districts and steps): not a cost of the list."""
    for url in ("/communes/", "/milestones/"):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_lists_answer_in_the_same_queries_and_order_at_45_and_10000_communes(client, settings):
    settings.QMS_AS_OF = AS_OF
    add_communes(45)
    client.force_login(reader())
    _warm(client)
    small = {}
    for url, params in REQUESTS:
        small[url, str(params)], response = _visit(client, url, params)
        if not params:
            assert _first_page(url, response) == _expected_first_page(url)

    add_communes(10_000 - 45)
    assert Commune.objects.filter(province__code="99").count() == 10_000
    # Building 10,000 communes takes over a minute: the idle-timeout middleware renews the
    # session on the next request, as at the session's start. Not a cost of the list.
    _warm(client)
    for url, params in REQUESTS:
        count, response = _visit(client, url, params)
        assert count == small[url, str(params)], (url, params)
        if not params:
            assert response.context["page"].paginator.count == (
                10_000 if url == "/communes/" else 10_000 * STEPS
            )
            assert _first_page(url, response) == _expected_first_page(url)


@pytest.mark.django_db
def test_the_searched_commune_list_is_the_python_search_in_vietnamese_order(client, settings):
    settings.QMS_AS_OF = AS_OF
    add_communes(600)
    client.force_login(reader())
    expected = [c.code for c in _communes_in_order("phu hoa")]
    assert len(expected) > 25  # more than a page: the order is the database's, not the page's
    first = client.get("/communes/", {"q": "Phú  HOÀ"})
    second = client.get("/communes/", {"q": "phu hoa", "page": 2})
    assert first.context["page"].paginator.count == len(expected)
    assert _first_page("/communes/", first) + _first_page("/communes/", second) == expected[:50]
