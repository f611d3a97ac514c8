"""A unit's page address written from a pattern (communes.models.unit_path): the address
``reverse`` gives, under any script prefix, and ``reverse``'s error for what is no unit's."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from communes.models import unit_path

ROUTES = ["reports:commune_detail", "reports:district_detail"]
ARGS = [("28873", "0"), ("832", "2025-07-01"), ("1", "2017-01-01"), ("00005", "0")]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("prefix", ["/", "/qms/"])
def test_the_address_is_the_one_reverse_gives(route, prefix):
    set_script_prefix(prefix)
    try:
        for code, since in ARGS:
            assert unit_path(route, code, since) == reverse(route, args=[code, since])
        assert unit_path(route, "28873", "0").startswith(prefix)
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("code, since", [("abc", "0"), ("28873", "2025-7-1"), ("123456", "0")])
def test_what_is_no_units_address_fails_as_reverse_does(code, since):
    with pytest.raises(NoReverseMatch):
        unit_path("reports:commune_detail", code, since)
