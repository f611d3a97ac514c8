"""The DOST creates a wave for the new units of a reorganisation in one action, from what their
predecessors leave them (roadmap.successors.successor_starting_points)."""

import datetime

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from audits.tests.factories import AnnouncementFactory
from communes.models import Commune, Province, Succession
from communes.tests.factories import CommuneFactory
from roadmap.models import Participation, Programme
from roadmap.successors import successor_starting_points
from roadmap.tests.factories import RoadmapStepFactory, RoadmapTemplateFactory

D = datetime.date
URL = "/programmes/successors/"
BEGAN = D(2025, 7, 1)


@pytest.fixture(autouse=True)
def _today(settings):
    settings.QMS_AS_OF = D(2026, 12, 1)
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def successors(world):
    """Three new units: every predecessor announced, one of two did, none did."""
    district = world["district"]
    old = {n: CommuneFactory(district=district, code=f"6100{n}") for n in range(1, 6)}
    Commune.objects.filter(pk__in=[c.pk for c in old.values()]).update(valid_until=D(2025, 6, 30))
    for n in (1, 2, 3):
        AnnouncementFactory(commune=old[n], decision_date=D(2018, 3, 1))
    AnnouncementFactory(commune=old[4], decision_date=D(2025, 8, 1))  # after: does not count
    province = Province.objects.create(code="86", name="Tỉnh Vĩnh Long")
    new = {}
    for code, name, parents in [
        ("62001", "Xã Hợp Nhất", (1, 2)),
        ("62002", "Xã Mở Rộng", (3, 4)),
        ("62003", "Phường Xây Mới", (5,)),
    ]:
        new[code] = Commune.objects.create(
            code=code, name=name, province=province, valid_from=BEGAN
        )
        for n in parents:
            Succession.objects.create(predecessor=old[n], successor=new[code], effective_on=BEGAN)
    return new


def test_starting_points_follow_the_predecessors_announcements(successors):
    points = {p.commune.code: p for p in successor_starting_points(successors.values())}

    assert points["62001"].kind == "consolidate"
    assert points["62002"].kind == "extend" and len(points["62002"].announced) == 1
    assert points["62003"].kind == "new"


def test_commune_officer_may_not_open_the_page(client, successors):
    officer = UserFactory(role=User.Role.COMMUNE_OFFICER, commune=successors["62001"])
    client.force_login(officer)

    assert client.get(URL).status_code == 403


def test_dost_creates_the_wave_in_one_action_with_a_template_per_starting_point(
    client, successors, dost_staff
):
    templates = {}
    for key, steps in (("consolidate", 3), ("extend", 2), ("new", 4)):
        templates[key] = RoadmapTemplateFactory(name=f"Lộ trình {key}")
        for order in range(1, steps + 1):
            RoadmapStepFactory(template=templates[key], order=order)
    client.force_login(dost_staff)

    page = client.get(URL).content.decode()
    assert "Consolidate: every predecessor announced: <strong>1</strong>" in page
    assert "Xã Mở Rộng" in page and "1 / 2" in page

    response = client.post(
        URL,
        {
            "name": "Đợt 2026: HTQLCL cho các đơn vị mới",
            "province": Province.objects.get(code="86").pk,
            "year_start": 2026,
            "year_end": 2027,
            "standard": "2015",
            "start_date": "01/09/2026",
            "budget": "0",
            **{f"template_{key}": t.pk for key, t in templates.items()},
        },
    )

    programme = Programme.objects.get(name="Đợt 2026: HTQLCL cho các đơn vị mới")
    assert response.status_code == 302 and response.url == f"/programmes/{programme.pk}/"
    rows = {
        p.commune.code: (p.kind, p.template.name, p.milestones.count())
        for p in Participation.objects.filter(programme=programme)
    }
    assert rows == {
        "62001": ("extension", "Lộ trình consolidate", 3),
        "62002": ("extension", "Lộ trình extend", 2),
        "62003": ("new", "Lộ trình new", 4),
    }
    assert "Every new unit with predecessors is in a wave already." in (
        client.get(URL).content.decode()
    )


def test_the_wave_refuses_a_template_of_another_edition(client, successors, dost_staff):
    old = RoadmapTemplateFactory(name="Lộ trình 2008", standard="2008")
    fits = RoadmapTemplateFactory(name="Lộ trình 2015", standard="2015")
    client.force_login(dost_staff)
    response = client.post(
        URL,
        {
            "name": "Đợt 2026",
            "province": Province.objects.get(code="86").pk,
            "year_start": 2026,
            "year_end": 2027,
            "standard": "2015",
            "start_date": "01/09/2026",
            "budget": "0",
            "template_consolidate": fits.pk,
            "template_extend": fits.pk,
            "template_new": old.pk,
        },
    )
    assert response.status_code == 200
    assert not Programme.objects.filter(name="Đợt 2026").exists()
    assert "is for TCVN ISO 9001:2008; the programme follows TCVN ISO 9001:2015" in (
        response.content.decode()
    )
