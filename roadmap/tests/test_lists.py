"""The milestone list: scope, filters kept in the URL, search, order, pagination, 1-vs-N queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.tests.factories import CommuneFactory
from roadmap.models import Milestone
from roadmap.tests.factories import (
    MilestoneFactory,
    ParticipationFactory,
    RoadmapStepFactory,
    RoadmapTemplateFactory,
)

TODAY = datetime.date(2017, 12, 15)
URL = "/milestones/"


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def steps(db):
    template = RoadmapTemplateFactory(kind="new")
    return {
        "survey": RoadmapStepFactory(template=template, order=1, key="survey", name="Khảo sát"),
        "audit": RoadmapStepFactory(
            template=template, order=2, key="internal-audit", name="Đánh giá nội bộ"
        ),
    }


@pytest.fixture
def milestones(world, steps):
    """A: survey done, audit overdue. B: survey in progress (not due). C: audit overdue."""

    def make(participation, step, status, due, completed=None):
        return MilestoneFactory(
            participation=participation,
            step=step,
            planned_start=due - datetime.timedelta(days=14),
            due_date=due,
            status=status,
            completed_on=completed,
        )

    return {
        "a_survey": make(
            world["participation"],
            steps["survey"],
            "done",
            datetime.date(2017, 9, 1),
            datetime.date(2017, 9, 1),
        ),
        "a_audit": make(
            world["participation"], steps["audit"], "in_progress", datetime.date(2017, 12, 1)
        ),
        "b_survey": make(
            world["neighbour_participation"],
            steps["survey"],
            "in_progress",
            datetime.date(2018, 1, 10),
        ),
        "c_audit": make(
            world["other_participation"], steps["audit"], "not_started", datetime.date(2017, 11, 1)
        ),
    }


def names(response):
    return [(m.participation.commune.code, m.step.key) for m in response.context["milestones"]]


def test_anonymous_is_sent_to_the_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("dost_staff", {"28873", "28876", "28987"}),
        ("manager", {"28873", "28876", "28987"}),
        ("district_officer", {"28873", "28876"}),
        ("commune_officer", {"28873"}),
        ("other_commune_officer", {"28987"}),
        ("consultant", {"28873", "28876"}),
    ],
)
def test_each_role_sees_the_milestones_of_its_scope(
    client, personas, milestones, persona, expected
):
    client.force_login(personas[persona])
    response = client.get(URL)
    assert response.status_code == 200
    assert {code for code, _key in names(response)} == expected


def test_communes_in_vietnamese_order_then_steps(client, dost_staff, milestones):
    client.force_login(dost_staff)
    # Phong Nẫm, Phú Phụng, Sơn Định.
    assert names(client.get(URL)) == [
        ("28987", "internal-audit"),
        ("28873", "survey"),
        ("28873", "internal-audit"),
        ("28876", "survey"),
    ]


def test_the_overdue_filter_finds_the_overdue_communes(client, manager, milestones):
    client.force_login(manager)
    response = client.get(URL, {"overdue": "1"})
    assert names(response) == [("28987", "internal-audit"), ("28873", "internal-audit")]
    html = response.content.decode()
    assert html.count('class="row-overdue"') == 2
    assert 'name="overdue" value="1" checked' in html


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"district": "834"}, [("28987", "internal-audit")]),
        ({"status": "done"}, [("28873", "survey")]),
        ({"step": "survey"}, [("28873", "survey"), ("28876", "survey")]),
        ({"kind": "extension"}, []),
        ({"q": "son dinh"}, [("28876", "survey")]),
        ({"q": "danh gia"}, [("28987", "internal-audit"), ("28873", "internal-audit")]),
        ({"q": "giong trom", "overdue": "1"}, [("28987", "internal-audit")]),
        ({"status": "nonsense"}, None),  # an unknown value filters nothing
    ],
)
def test_filters_and_accent_insensitive_search(client, dost_staff, milestones, params, expected):
    client.force_login(dost_staff)
    response = client.get(URL, params)
    assert response.status_code == 200
    if expected is None:
        assert len(names(response)) == 4
    else:
        assert names(response) == expected


def test_update_buttons_only_where_the_user_may_edit(client, commune_officer, manager, milestones):
    edit = reverse("roadmap:milestone_update", args=[milestones["a_audit"].pk])
    client.force_login(commune_officer)
    assert edit in client.get(URL).content.decode()
    client.force_login(manager)
    assert edit not in client.get(URL).content.decode()


def test_htmx_gets_the_results_partial(client, dost_staff, milestones):
    client.force_login(dost_staff)
    response = client.get(URL, {"overdue": "1"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">') and "<html" not in html


def many_milestones(world, steps, n):
    for _i in range(n):
        p = ParticipationFactory(
            programme=world["programme"], commune=CommuneFactory(district=world["district"])
        )
        MilestoneFactory(participation=p, step=steps["audit"], status=Milestone.Status.IN_PROGRESS)


def test_pagination_keeps_the_filters(client, dost_staff, world, steps):
    many_milestones(world, steps, 30)
    client.force_login(dost_staff)
    response = client.get(URL, {"overdue": "1", "district": "832"})
    assert response.context["page"].paginator.count == 30
    assert len(response.context["milestones"]) == 25
    assert "?overdue=1&amp;district=832&amp;page=2" in response.content.decode()
    assert (
        len(client.get(URL, {"overdue": "1", "district": "832", "page": 2}).context["milestones"])
        == 5
    )


def test_the_same_queries_for_1_and_20_rows(client, dost_staff, world, steps):
    client.force_login(dost_staff)
    many_milestones(world, steps, 1)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        response = client.get(URL)
    assert len(response.context["milestones"]) == 1
    many_milestones(world, steps, 19)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(URL)
    assert len(response.context["milestones"]) == 20
    assert len(twenty) == len(one)
