"""The figures add a scope's milestones up in SQL (:func:`reports.metrics.compute`) and show them
one by one in Python (the grid's cells, :func:`reports.metrics.load_cells`), by the same rules:
on a varied set of roadmaps with their histories, the two agree on every count, stage, progress,
first overdue date and point of the curve, today and as of past days."""

import datetime
import random
from collections import defaultdict

import pytest
from django.core.cache import cache
from django.utils import timezone

from reports import metrics
from roadmap.models import Milestone, Participation, RoadmapStep
from roadmap.services import milestone_update_status
from roadmap.tests.factories import (
    MilestoneFactory,
    ParticipationFactory,
    ProgrammeFactory,
    RoadmapStepFactory,
    RoadmapTemplateFactory,
)

D = datetime.date
TODAY = D(2019, 1, 15)
S = Milestone.Status
DAYS = [D(2017, 8, 1), D(2017, 10, 15), D(2017, 12, 1), D(2018, 3, 1), D(2018, 9, 30), TODAY]


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = TODAY
    cache.clear()


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def _history(m, by, rng):
    """Up to three changes on random days of 2017-2018, some back-dated completions."""
    day = D(2017, 9, 1)
    for _i in range(rng.randint(0, 3)):
        day += datetime.timedelta(days=rng.randint(5, 120))
        if day >= TODAY:
            break
        status = rng.choice([S.IN_PROGRESS, S.BLOCKED, S.DONE, S.DONE, S.NOT_APPLICABLE])
        completed = None
        if status == S.DONE:  # on the day, before it, or on the due date (on time) when passed
            completed = day - datetime.timedelta(days=rng.choice([0, 0, 3, 20]))
            completed = rng.choice([completed, min(m.due_date, day)])
        m = milestone_update_status(
            milestone=m,
            by=by,
            status=status,
            completed_on=completed,
            note="chờ" if status == S.BLOCKED else "",
            expected_version=m.version,
            at=_at(day),
        )


@pytest.fixture
def roadmaps(world, dost_staff):
    """Nine communes on two kinds of roadmap (the last step the announcement, weights 1 to 3),
    each step changed at random (seeded) on past days; one commune with no milestone."""
    rng = random.Random(12)
    province = world["province"]
    programme = ProgrammeFactory(province=province)
    participations = [world["participation"], world["other_participation"]]
    for kind in ("new", "extension"):
        template = RoadmapTemplateFactory(kind=kind)
        steps = [
            RoadmapStepFactory(
                template=template,
                order=i,
                weight=rng.randint(1, 3),
                key=RoadmapStep.ANNOUNCEMENT if i == 5 else "",
            )
            for i in range(1, 6)
        ]
        for _n in range(4):
            p = ParticipationFactory(programme=programme, kind=kind)
            participations.append(p)
            for i, step in enumerate(steps):
                start = D(2017, 9, 1) + datetime.timedelta(days=40 * i)
                m = MilestoneFactory(
                    participation=p,
                    step=step,
                    planned_start=start,
                    due_date=start + datetime.timedelta(days=rng.randint(20, 90)),
                )
                _history(m, dost_staff, rng)
    return participations


def _from_cells(row, weights):
    """A row's counts, stage, progress and first overdue date from its cells alone."""
    counts = metrics.MilestoneCounts()
    stage = metrics.Stage.PLANNED
    done_weight = total = 0
    overdue = []
    for order, cell in row.cells.items():
        counts.add(cell["status"], cell["outcome"])
        weight = weights[(row.kind, order)]
        total += weight
        if cell["status"] in (S.DONE, S.NOT_APPLICABLE):
            done_weight += weight
        if cell["overdue"]:
            overdue.append(cell["due_date"])
        if cell["status"] == S.DONE:
            if weights[(row.kind, order, "key")] == RoadmapStep.ANNOUNCEMENT:
                new = row.kind == "new"
                stage = metrics.Stage.ANNOUNCED if new else metrics.Stage.REANNOUNCED
            elif stage == metrics.Stage.PLANNED:
                stage = metrics.Stage.BUILDING
    return counts, stage, metrics.percent(done_weight, total), min(overdue, default=None)


def _curve_from_cells(figures, weights):
    """The curve by its definition, from the cells: per commune the share of its roadmap's
    weight due and done (or not applicable, from its planned start) by each day, averaged."""
    rows = figures.communes
    totals = defaultdict(int)
    for row in rows:
        for order in row.cells:
            totals[row.participation_id] += weights[(row.kind, order)]
    curve = []
    for day, _plan, _actual in figures.curve:
        planned = actual = 0.0
        for row in rows:
            total = totals[row.participation_id]
            for order, cell in row.cells.items():
                share = weights[(row.kind, order)] / total
                planned += share if cell["due_date"] <= day else 0
                done_on = cell["completed_on"] if cell["status"] == S.DONE else None
                if cell["status"] == S.NOT_APPLICABLE:
                    done_on = cell["planned_start"]
                actual += share if done_on and done_on <= day else 0
        plan_pct = round(100 * planned / len(rows), 1)
        curve.append(
            (day, plan_pct, round(100 * actual / len(rows), 1) if day <= figures.as_of else None)
        )
    return curve


@pytest.mark.parametrize("as_of", DAYS, ids=[d.isoformat() for d in DAYS])
def test_the_sums_in_sql_agree_with_the_cells_one_by_one(roadmaps, as_of):
    weights = {}
    for m in Milestone.objects.select_related("participation", "step"):
        weights[(m.participation.kind, m.step.order)] = m.step.weight
        weights[(m.participation.kind, m.step.order, "key")] = m.step.key
    figures = metrics.compute(Participation.objects.all(), as_of=as_of, cells=True)
    assert figures.total == Participation.objects.count() == len(roadmaps) + 1  # and B, idle
    total = metrics.MilestoneCounts()
    for row in figures.communes:
        counts, stage, progress, first_overdue = _from_cells(row, weights)
        assert (row.counts, row.stage, row.progress) == (counts, stage, progress), row.name
        assert row.first_overdue == first_overdue
        total.merge(counts)
    assert figures.counts == total
    assert figures.counts.total == 8 * 5
    # The rows alone, as the list of communes asks them, are the same.
    rows = metrics.commune_rows(Participation.objects.all(), as_of=as_of)
    summary = [(r.code, r.stage, r.progress, r.counts, r.last_change, r.silent) for r in rows]
    assert summary == [
        (r.code, r.stage, r.progress, r.counts, r.last_change, r.silent) for r in figures.communes
    ]
    assert figures.curve == _curve_from_cells(figures, weights)


def test_the_histories_give_every_outcome_on_some_day(roadmaps):
    """The data above is varied enough for the comparison to mean something."""
    seen = set()
    for as_of in DAYS:
        figures = metrics.compute(Participation.objects.all(), as_of=as_of, cells=True)
        seen |= {cell["outcome"] for row in figures.communes for cell in row.cells.values()}
        seen |= {row.stage for row in figures.communes}
    assert set(metrics.Outcome) - {metrics.Outcome.BLOCKED} <= seen
    assert {metrics.Stage.BUILDING, metrics.Stage.ANNOUNCED, metrics.Stage.REANNOUNCED} <= seen


def test_a_large_scope_loads_the_cells_of_the_rows_it_shows(roadmaps):
    figures = metrics.compute(Participation.objects.all(), as_of=DAYS[3], cells=False)
    assert not any(row.cells for row in figures.communes)
    page = figures.communes[:3]
    assert figures.with_cells(page) == page
    full = metrics.compute(Participation.objects.all(), as_of=DAYS[3], cells=True)
    by_id = {row.participation_id: row.cells for row in full.communes}
    for row in page:
        assert row.has_cells and row.cells == by_id[row.participation_id]
    assert not any(row.cells for row in figures.communes[3:])


def _start_a_step(by, capture_on_commit) -> None:
    """A step not started set in progress, saved and committed (what a form's save does)."""
    m = Milestone.objects.filter(status=S.NOT_STARTED).first()
    with capture_on_commit(execute=True):
        milestone_update_status(
            milestone=m,
            by=by,
            status=S.IN_PROGRESS,
            completed_on=None,
            note="",
            expected_version=m.version,
        )


def test_the_cached_figures_follow_the_data(
    roadmaps, dost_staff, django_capture_on_commit_callbacks, django_assert_num_queries
):
    everyone = Participation.objects.all()
    first = metrics.compute_cached(everyone, as_of=TODAY)
    assert metrics.compute_cached(everyone, as_of=TODAY) is first
    # Another process (or server) reads a past day's figures from the shared cache, without a
    # query; today's it adds up again from the maintained sums (issue 22: cheaper than reading
    # them back), the same numbers.
    past = metrics.compute_cached(everyone, as_of=DAYS[2])
    metrics.forget_recent()
    with django_assert_num_queries(0):
        assert metrics.compute_cached(everyone, as_of=DAYS[2]).counts == past.counts
    again = metrics.compute_cached(everyone, as_of=TODAY)
    assert again.counts == first.counts and again is not first
    assert past.counts != first.counts
    # A saved change, once committed, makes them unreachable.
    _start_a_step(dost_staff, django_capture_on_commit_callbacks)
    after = metrics.compute_cached(everyone, as_of=TODAY)
    assert after.counts.in_progress == first.counts.in_progress + 1


def test_a_milestone_update_leaves_the_year_figures_cached_and_an_audit_does_not(
    roadmaps, dost_staff, django_capture_on_commit_callbacks
):
    from audits.tests.factories import AuditFactory
    from core.generation import MILESTONES, OTHER, data_generation

    everyone = Participation.objects.all()
    year = metrics.year_figures_cached(everyone, 2018, today=TODAY)
    figures = metrics.compute_cached(everyone, as_of=TODAY)
    other = data_generation(OTHER)
    _start_a_step(dost_staff, django_capture_on_commit_callbacks)
    assert data_generation(OTHER) == other
    assert metrics.year_figures_cached(everyone, 2018, today=TODAY) is year
    assert metrics.compute_cached(everyone, as_of=TODAY) is not figures
    milestones = data_generation(MILESTONES)
    with django_capture_on_commit_callbacks(execute=True):
        AuditFactory(commune=roadmaps[0].commune, date=D(2018, 5, 1))
    assert data_generation(OTHER) != other and data_generation(MILESTONES) == milestones
    assert metrics.year_figures_cached(everyone, 2018, today=TODAY) is not year
