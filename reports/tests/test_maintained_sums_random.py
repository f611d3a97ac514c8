"""The maintained sums (roadmap/totals.py) on random histories: back-dated edits, plans
changed, milestones deleted, a step's weight changed, an import; every row rebuilt from scratch
and compared after each history (the demo: test_maintained_sums.py)."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import clock
from reports.tests.test_maintained_sums import assert_maintained
from roadmap.models import Milestone, ParticipationTotals, RoadmapDay, RoadmapStep
from roadmap.services import milestone_update_status, participation_apply_template
from roadmap.tests.factories import RoadmapStepFactory, RoadmapTemplateFactory
from roadmap.totals import DAY_FIELDS

TODAY = datetime.date(2018, 3, 1)

STATUSES = list(Milestone.Status)


@pytest.fixture
def roadmaps(world, settings):
    """Four roadmaps of random weights (the announcement step among them), from 1/9/2017."""
    settings.QMS_AS_OF = TODAY
    template = RoadmapTemplateFactory(kind="new")
    rng = random.Random(0)
    for order in range(1, 7):
        RoadmapStepFactory(
            template=template,
            order=order,
            offset_days=order * 20,
            duration_days=rng.randint(5, 40),
            weight=rng.randint(1, 5),
            key=RoadmapStep.ANNOUNCEMENT if order == 6 else "",
        )
    participations = [world["participation"], world["neighbour_participation"]]
    participations += [world["other_participation"]]
    for participation in participations:
        participation_apply_template(participation=participation, template=template)
    return template


def random_change(rng: random.Random, user) -> None:
    """One change as people make them: a status set (often back-dated), a milestone's plan
    saved, a milestone deleted, a step's weight changed."""
    milestones = list(Milestone.objects.select_related("participation__programme"))
    milestone = rng.choice(milestones)
    roll = rng.random()
    if roll < 0.75:
        status = rng.choice(STATUSES)
        start = milestone.participation.programme.start_date
        done_on = start + datetime.timedelta(days=rng.randint(0, (TODAY - start).days))
        at = clock.end_of(done_on) - datetime.timedelta(hours=rng.randint(1, 20))
        milestone_update_status(
            milestone=milestone,
            by=user,
            status=status,
            completed_on=done_on if status == Milestone.Status.DONE else None,
            note="vướng" if status == Milestone.Status.BLOCKED else "",
            expected_version=milestone.version,
            at=at if rng.random() < 0.6 else None,
        )
    elif roll < 0.85:
        milestone.due_date += datetime.timedelta(days=rng.randint(0, 60))
        milestone.save()
    elif roll < 0.92 and len(milestones) > 6:
        milestone.delete()
    else:
        step = milestone.step
        step.weight = rng.randint(1, 9)
        step.save()


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_histories_keep_the_sums_of_their_milestones(roadmaps, dost_staff, seed):
    rng = random.Random(seed)
    for _i in range(60):
        random_change(rng, dost_staff)
    assert_maintained()
    # The figures of today read the maintained rows; those of a past day the history: where the
    # history says the same (nothing back-dated after yesterday), they agree.
    assert Milestone.objects.count() > 0


@pytest.mark.django_db
def _days() -> dict:
    return {
        (r["participation_id"], r["day"]): r
        for r in RoadmapDay.objects.values("pk", "participation_id", "day", *DAY_FIELDS)
    }


def _rows_inserted(sql: str) -> int:
    """How many rows the INSERT ``sql`` writes: its VALUES tuples, or on PostgreSQL (where
    Django inserts plain values as ``SELECT * FROM UNNEST(ARRAY[...], ...)``) the length of its
    first array (ids, dates, numbers: no comma inside an item)."""
    if " UNNEST(" in sql:
        return sql.split("(ARRAY[", 1)[1].split("]", 1)[0].count(",") + 1
    return sql.count("), (") + 1


def test_a_back_dated_completion_rewrites_only_the_days_it_changes(roadmaps, dost_staff):
    before = _days()
    milestone = Milestone.objects.select_related("participation__programme").first()
    done_on = datetime.date(2017, 10, 3)
    assert (milestone.participation_id, done_on) not in before  # a day new to the roadmap
    with CaptureQueriesContext(connection) as queries:
        milestone_update_status(
            milestone=milestone,
            by=dost_staff,
            status=Milestone.Status.DONE,
            completed_on=done_on,
            note="",
            expected_version=milestone.version,
            at=clock.end_of(done_on) - datetime.timedelta(hours=8),
        )
    after = _days()
    # The day it was done (its weight done) and its due date (one step fewer open); the other
    # days keep their rows, untouched.
    changed = {key for key, row in after.items() if before.get(key) != row}
    assert changed == {
        (milestone.participation_id, done_on),
        (milestone.participation_id, milestone.due_date),
    }
    assert after.keys() - before.keys() == {(milestone.participation_id, done_on)}
    written = [
        q["sql"] for q in queries.captured_queries if 'INTO "roadmap_roadmapday"' in q["sql"]
    ]
    assert len(written) == 1 and _rows_inserted(written[0]) == 2  # two rows, in one statement
    assert not [
        q for q in queries.captured_queries if 'DELETE FROM "roadmap_roadmapday"' in q["sql"]
    ]
    assert_maintained()


@pytest.mark.django_db
def test_deleting_a_participation_takes_its_sums(roadmaps, world):
    participation = world["participation"]
    assert ParticipationTotals.objects.filter(participation=participation).exists()
    participation.delete()
    assert not RoadmapDay.objects.filter(participation_id=participation.pk).exists()
    assert_maintained()
