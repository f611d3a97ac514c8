"""Errors are RFC 9457 problems; no input gives a 500; rate limits answer 429 with Retry-After."""

import pytest


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/milestones/?as_of=garbage", 400),
        ("/api/v1/milestones/?as_of=31/02/2017", 400),
        ("/api/v1/figures/?as_of=0", 400),
        ("/api/v1/milestones/?status=nonsense", 400),
        ("/api/v1/milestones/?programme=abc", 400),
        ("/api/v1/milestones/?programme=99999999999999999999999", 400),
        ("/api/v1/milestones/abc/", 404),
        ("/api/v1/milestones/99999999999999999999999/", 404),
        ("/api/v1/units/28873/2017-13-45/", 404),
        ("/api/v1/nothing-here/", 404),
        ("/api/v1/milestones/?limit=-3&offset=x", 200),
    ],
)
def test_bad_input_is_a_problem_never_a_500(api_world, dost_staff, as_user, url, code):
    response = as_user(dost_staff).get(url)
    assert response.status_code == code
    if code != 200:
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == code and body["type"] and body["title"]


def test_as_of_garbage_names_the_format(api_world, dost_staff, as_user):
    response = as_user(dost_staff).get(
        "/api/v1/milestones/", {"as_of": "hôm qua"}, headers={"Accept-Language": "en"}
    )
    assert response.json()["errors"]["as_of"] == [
        "Enter a date as dd/mm/yyyy, for example 15/12/2017."
    ]


def test_too_many_requests_are_429_with_retry_after(api_world, dost_staff, as_user, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "token": "2/minute"}
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        client = as_user(dost_staff)
        codes = [client.get("/api/v1/programmes/").status_code for _ in range(3)]
        response = client.get("/api/v1/programmes/")
        other = as_user(dost_staff).get("/api/v1/programmes/")
    finally:
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert codes == [200, 200, 429]
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"] == "application/problem+json"
    assert other.status_code == 200, "the limit is per token"


def test_a_post_to_an_address_that_names_nothing_is_a_problem_not_the_csrf_page(client):
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/v1/milestones//evidence/", {"file": "x"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
