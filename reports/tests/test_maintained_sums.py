"""The maintained sums (roadmap/totals.py) against the milestones they add up, on the demo:
every row rebuilt from scratch and compared, and today's figures read from them against the same
figures read from the milestones (random histories: test_maintained_sums_random.py)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import clock
from reports import metrics
from reports.metrics.curve import _weights_by_day, maintained_weights_by_day
from reports.metrics.sums import _commune_rows, _milestone_sums, _scope_milestones
from roadmap.models import (
    Milestone,
    Participation,
    ParticipationTotals,
    RoadmapDay,
)
from roadmap.services import milestone_update_status
from roadmap.totals import DAY_FIELDS, TOTAL_FIELDS, totals_of

TODAY = datetime.date(2018, 3, 1)


def stored() -> tuple[dict, dict]:
    """The maintained rows, in the shape of :func:`totals_of`."""
    totals = {
        row["participation_id"]: {f: row[f] for f in TOTAL_FIELDS}
        for row in ParticipationTotals.objects.values("participation_id", *TOTAL_FIELDS)
    }
    days = {
        (row["participation_id"], row["day"]): {f: row[f] for f in DAY_FIELDS}
        for row in RoadmapDay.objects.values("participation_id", "day", *DAY_FIELDS)
    }
    return totals, days


def by_participation(rows) -> dict:
    return {row["participation_id"]: dict(row) for row in rows}


def assert_maintained(days_after=(0, 1, 40, 400)) -> None:
    """Every maintained row equal to its rebuild from scratch, and what today's figures (and
    later days') read from them equal to the same sums read from the milestones."""
    assert stored() == totals_of()
    scope = Participation.objects.all()
    for after in days_after:
        day = clock.today() + datetime.timedelta(days=after)
        milestones = _scope_milestones(scope, day)
        maintained: list = []
        _commune_rows(scope, day, maintained)  # today: the rows read the maintained sums
        read = by_participation(maintained)
        expected = by_participation(_milestone_sums(milestones, day))
        assert read.keys() == expected.keys()
        for pk, row in read.items():
            # The revision says when the row was written, not what it adds up to.
            row.pop("revision")
            differ = {k: (v, expected[pk][k]) for k, v in row.items() if v != expected[pk][k]}
            assert not differ, (day, pk, differ)
        assert maintained_weights_by_day(scope) == _weights_by_day(milestones), day


# The demo ----------------------------------------------------------------------------------------


@pytest.fixture
def demo(demo_plain, django_db_blocker):
    with django_db_blocker.unblock():
        yield demo_plain


@pytest.mark.django_db
def test_the_demo_sums_are_those_of_its_milestones(demo):
    assert ParticipationTotals.objects.count() > 40
    assert_maintained()


@pytest.mark.django_db
def test_the_rebuild_command_restores_the_demo_sums(demo):
    expected = stored()
    RoadmapDay.objects.filter(pk__in=RoadmapDay.objects.values("pk")[:25]).delete()
    ParticipationTotals.objects.filter(pk__in=ParticipationTotals.objects.values("pk")[:5]).update(
        done=99
    )
    assert stored() != expected
    call_command("rebuild_totals", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert stored() == expected


@pytest.mark.django_db
def test_a_demo_update_keeps_the_sums_and_todays_figures(demo):
    milestone = Milestone.objects.open().select_related("participation__programme").first()
    participation = milestone.participation
    with CaptureQueriesContext(connection) as writes:
        milestone_update_status(
            milestone=milestone,
            by=None,
            status=Milestone.Status.DONE,
            completed_on=clock.today(),
            note="",
            expected_version=milestone.version,
        )
    assert_maintained(days_after=(0,))
    # One participation's rows read and written: its totals written over in one statement.
    totals_queries = [
        q for q in writes.captured_queries if "roadmap_participationtotals" in q["sql"]
    ]
    assert len(totals_queries) == 1 and "ON CONFLICT" in totals_queries[0]["sql"]
    row = metrics.compute(Participation.objects.filter(pk=participation.pk)).communes[0]
    assert row.counts.total == participation.milestones.count()
