"""A malformed value in a form or a query string never answers 500.

For every URL of ``accounts/tests/test_url_access.py``'s ``URLS``, a first request (as DOST
staff, who may open every page) records which parameters the view reads from ``request.GET`` and
``request.POST``; then the view is asked again with each of them set to garbage (``abc``, a
negative number, a huge number, a NUL byte). Each answer must be below 500.
"""

import pytest
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from accounts.tests.test_url_access import URLS, Samples, url_name

# Parameters a page may read only when another is present (a filter bar's fields, the pager).
ALWAYS_TRIED = ("page", "programme", "district", "commune", "status", "year", "sort", "format")
GARBAGE = ("abc", "-1", "99999999999999999999", "1\x00", "1.5", "")


@pytest.fixture(autouse=True)
def _pinned(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.QMS_AS_OF = __import__("datetime").date(2017, 12, 15)


def _read_keys(monkeypatch) -> set[str]:
    """Record every key looked up in a QueryDict (GET, POST) while the view runs."""
    seen: set[str] = set()
    for method in ("get", "getlist", "__getitem__", "__contains__"):
        original = getattr(MultiValueDict, method)

        def spy(self, key, *args, _original=original, **kwargs):
            if isinstance(key, str):
                seen.add(key)
            return _original(self, key, *args, **kwargs)

        monkeypatch.setattr(MultiValueDict, method, spy)
    return seen


def _send(client, url, method, data):
    if method == "post":
        return client.post(url, data)
    return client.get(url, data)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", sorted(URLS))
def test_garbage_in_any_parameter_never_answers_500(
    client, world, dost_staff, monkeypatch, name, method
):
    entry = URLS[name]
    samples = Samples(world)
    url = reverse(url_name(name), kwargs=entry.kwargs(samples) if entry.kwargs else {})
    client.force_login(dost_staff)
    base = entry.data(samples) if entry.data else {}
    with monkeypatch.context() as patch:
        seen = _read_keys(patch)
        _send(client, url, method, base)
    keys = (seen | set(ALWAYS_TRIED)) - {"csrfmiddlewaretoken", "next"}
    tries = [{key: "abc"} for key in sorted(keys)]
    tries += [dict.fromkeys(keys, value) for value in GARBAGE]
    for garbage in tries:
        response = _send(client, url, method, {**base, **garbage})
        assert response.status_code < 500, (
            f"{method.upper()} {name} {garbage}: {response.status_code}"
        )
