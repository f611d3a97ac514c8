"""The filter bars' choices of districts and steps, kept in the process while no unit or step
changes (``communes.filters.district_choices``, ``roadmap.filters.step_choices``): each user
is offered the districts of their own scope, and a change shows at the next request."""

import re

from django.urls import reverse

from communes.tests.factories import DistrictFactory
from roadmap.tests.factories import RoadmapStepFactory

LISTS = ("reports:commune_list", "roadmap:milestone_list")


def _offered(client, name: str, field: str) -> list[str]:
    html = client.get(reverse(name)).content.decode()
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S)
    assert select, f"no {field} filter on {name}"
    return re.findall(r'<option value="([^"]+)"', select.group(0))


def test_each_scope_is_offered_its_own_districts(
    client, dost_staff, district_officer, world, django_capture_on_commit_callbacks
):
    both = sorted([world["district"].code, world["other_district"].code])
    for user, expected in ((dost_staff, both), (district_officer, [world["district"].code])) * 2:
        client.force_login(user)
        for name in LISTS:
            assert sorted(_offered(client, name, "district")) == expected
    with django_capture_on_commit_callbacks(execute=True):
        new = DistrictFactory(province=world["province"], code="899", name="Huyện Mới")
    client.force_login(dost_staff)
    for name in LISTS:
        assert new.code in _offered(client, name, "district")


def test_a_new_step_is_offered_at_the_next_request(
    client, dost_staff, world, django_capture_on_commit_callbacks
):
    client.force_login(dost_staff)
    page = "roadmap:milestone_list"
    assert "danh-gia-moi" not in _offered(client, page, "step")
    with django_capture_on_commit_callbacks(execute=True):
        RoadmapStepFactory(key="danh-gia-moi", name="Đánh giá mới")
    assert "danh-gia-moi" in _offered(client, page, "step")
