"""The figures endpoint gives the dashboard's numbers (``metrics.compute``) for any day."""

import datetime

import pytest

from reports import metrics
from roadmap.services import milestone_update_status

DAYS = [
    datetime.date(2017, 8, 1),
    datetime.date(2017, 8, 20),
    datetime.date(2017, 9, 30),
    datetime.date(2017, 12, 10),
    datetime.date(2017, 12, 15),
]


@pytest.fixture
def progressed(api_world, dost_staff):
    """Some steps done on different days, so each day has its own numbers."""
    for name, day in (("participation", 8), ("neighbour_participation", 25)):
        milestone = api_world["milestones"][name][0]
        milestone_update_status(
            milestone=milestone,
            by=dost_staff,
            status="done",
            completed_on=datetime.date(2017, 8, day),
            note="",
            expected_version=milestone.version,
        )
    return api_world


@pytest.mark.parametrize("persona", ["dost_staff", "commune_officer", "consultant"])
def test_the_figures_equal_the_dashboards_for_five_days(progressed, personas, as_user, persona):
    user = personas[persona]
    client = as_user(user)
    seen = set()
    for day in DAYS:
        response = client.get("/api/v1/figures/", {"as_of": day.strftime("%d/%m/%Y")})
        assert response.status_code == 200
        data = response.json()
        expected = metrics.compute(metrics.participations_in_scope(user), as_of=day)
        assert data["as_of"] == day.isoformat()
        assert data["total"] == expected.total
        assert data["progress"] == expected.progress
        assert data["counts"]["done"] == expected.counts.done
        assert data["counts"]["overdue"] == expected.counts.overdue
        assert data["counts"]["done_on_time"] == expected.counts.done_on_time
        assert data["stages"] == {s.value: expected.by_stage.get(s.value, 0) for s in metrics.Stage}
        assert data["findings_open"] == expected.findings_open
        assert data["actions_open"] == expected.actions_open
        assert data["actions_overdue"] == expected.actions_overdue
        assert data["announcements_total"] == sum(expected.announcements_by_kind.values())
        seen.add((data["counts"]["done"], data["counts"]["overdue"], data["findings_open"]))
    assert len(seen) > 2, "the days differ: the test would notice a day ignored"


def test_the_year_figures_are_the_annual_reports(progressed, dost_staff, as_user):
    response = as_user(dost_staff).get("/api/v1/figures/2017/")
    assert response.status_code == 200
    expected = metrics.year_figures(metrics.participations_in_scope(dost_staff), 2017)
    data = response.json()
    assert (data["bodies"], data["announced"], data["building"]) == (
        expected.bodies,
        expected.announced,
        expected.building,
    )
    assert len(data["table"]) == len(metrics.year_table(expected))


def test_a_year_not_offered_is_404(progressed, dost_staff, as_user):
    assert as_user(dost_staff).get("/api/v1/figures/1990/").status_code == 404


def test_a_programme_outside_the_scope_is_404(progressed, commune_officer, as_user):
    other = progressed["other_programme"]
    response = as_user(commune_officer).get("/api/v1/figures/", {"programme": other.pk})
    assert response.status_code == 404


def test_milestones_as_of_a_day_give_that_days_status(progressed, dost_staff, as_user):
    client = as_user(dost_staff)
    done = progressed["milestones"]["neighbour_participation"][0]
    before = client.get("/api/v1/milestones/", {"as_of": "2017-08-20", "status": "done"}).json()
    after = client.get("/api/v1/milestones/", {"as_of": "30/08/2017", "status": "done"}).json()
    assert done.pk not in [m["id"] for m in before["results"]]
    assert done.pk in [m["id"] for m in after["results"]]
    overdue = client.get("/api/v1/milestones/", {"as_of": "2017-12-15", "overdue": "1"}).json()
    assert overdue["count"] == 4
    assert all(m["overdue"] for m in overdue["results"])
