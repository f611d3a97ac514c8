"""The dashboard's latest changes with the row before each (reports.metrics.changes): the row
before is found in SQL, and is the one ``changes_with_previous`` finds in the whole history,
back-dated changes and creations included."""

import datetime
import random

import pytest
from django.utils import timezone

from reports.metrics import changes
from reports.tests.test_dashboard import TODAY, roadmaps, template  # noqa: F401 (fixtures)
from roadmap.models import Milestone, Participation
from roadmap.services import milestone_update_status


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = TODAY


MOMENTS = [
    timezone.make_aware(datetime.datetime(2017, 8, 1, 8)) + datetime.timedelta(days=d)
    for d in (0, 30, 60)
]


def _keys(items) -> list[tuple]:
    return [(i["row"].history_id, i["before"] and i["before"].history_id) for i in items]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_row_before_each_change_is_the_one_of_the_whole_history(
    roadmaps,  # noqa: F811
    dost_staff,
    seed,
):
    rng = random.Random(seed)
    milestones = [*roadmaps["a"], *roadmaps["c"]]
    statuses = [Milestone.Status.IN_PROGRESS, Milestone.Status.BLOCKED, Milestone.Status.DONE]
    for n in range(30):
        m = Milestone.objects.get(pk=rng.choice(milestones).pk)
        status = rng.choice(statuses)
        # Some changes back-dated (imports replay the past), several at the very same moment.
        at = rng.choice(MOMENTS) if rng.random() < 0.5 else None
        milestone_update_status(
            milestone=m,
            by=dost_staff,
            status=status,
            completed_on=TODAY if status == Milestone.Status.DONE else None,
            note=f"lần {n}",
            expected_version=m.version,
            at=at,
        )
    scope = Participation.objects.all()
    for limit in (5, 15, 100):
        found = changes.recent_changes_with_previous(scope, limit=limit)
        rows = list(changes.recent_changes(scope, limit=limit))
        whole = changes.changes_with_previous(rows, earlier=Milestone.history.all())
        assert _keys(found) == _keys(whole)
        assert len(found) == min(limit, 30) and all(i["before"] is not None for i in found)
    past = changes.recent_changes_with_previous(scope, limit=100, as_of=datetime.date(2017, 10, 1))
    rows = list(changes.recent_changes(scope, limit=100, as_of=datetime.date(2017, 10, 1)))
    assert _keys(past) == _keys(
        changes.changes_with_previous(rows, earlier=Milestone.history.all())
    )
