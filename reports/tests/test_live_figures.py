"""Today's figures kept current between milestone updates (reports/metrics/live.py): after
every change of a random history, the figures the dashboard reads equal a computation from
scratch, to the last field; the kept state is built once and then renewed participation by
participation, and built again when what it keys on changes."""

import dataclasses
import random
import sys

import pytest

from core.generation import data_changed
from reports import metrics
from reports.dashboard import dashboard_grids
from reports.metrics import live
from reports.metrics.compute import forget_recent
from reports.tests.test_maintained_sums_random import (  # noqa: F401 (fixtures)
    TODAY,
    random_change,
    roadmaps,
)
from roadmap.models import Participation


@pytest.fixture
def small_cells_max(monkeypatch):
    """Scopes of more than 2 communes are "large": kept live, their grid loaded a page at a
    time (the world has 3)."""
    monkeypatch.setattr(sys.modules["reports.metrics.compute"], "CELLS_MAX", 2)
    live.clear()
    forget_recent()
    data_changed()
    yield
    live.clear()
    forget_recent()


def _plain(row) -> dict:
    return {k: v for k, v in dataclasses.asdict(row).items() if k not in ("cells", "has_cells")}


def assert_same(kept: metrics.Figures, fresh: metrics.Figures) -> None:
    assert [_plain(r) for r in kept.communes] == [_plain(r) for r in fresh.communes]
    for name in (
        "counts",
        "by_kind",
        "by_stage",
        "districts",
        "provinces",
        "curve",
        "steps_by_kind",
        "findings_open",
        "actions_overdue",
        "audits_by_kind",
        "budget_allocated",
        "budget_spent",
    ):
        assert getattr(kept, name) == getattr(fresh, name), name
    assert kept.progress == fresh.progress and kept.planned_progress == fresh.planned_progress


def _bodies(figures) -> list[str]:
    return [str(table["body"]) for table in dashboard_grids(figures)]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_figures_equal_a_computation_from_scratch_after_every_change(
    roadmaps,  # noqa: F811
    dost_staff,
    small_cells_max,
    django_capture_on_commit_callbacks,
    monkeypatch,
    seed,
):
    builds = []
    build = live._build
    monkeypatch.setattr(live, "_build", lambda *a: builds.append(1) or build(*a))
    refreshed = []
    refresh = live._refresh
    monkeypatch.setattr(
        live, "_refresh", lambda s, c, d: refreshed.append(len(c)) or refresh(s, c, d)
    )
    rng = random.Random(seed)
    scope = Participation.objects.all()
    for _i in range(40):
        kept = metrics.compute_cached(scope, as_of=TODAY)
        fresh = metrics.compute(scope, as_of=TODAY)
        assert_same(kept, fresh)
        # The grid's rows as the dashboard prints them (kept on the rows between pages).
        assert _bodies(kept) == _bodies(fresh)
        with django_capture_on_commit_callbacks(execute=True):
            random_change(rng, dost_staff)
    assert_same(metrics.compute_cached(scope, as_of=TODAY), metrics.compute(scope, as_of=TODAY))
    # The first request learns the size; the state is built again only after a step's weight
    # changed (the other topic); most changes renew one participation.
    assert 1 <= len(builds) < 20
    assert refreshed and max(refreshed) == 1


@pytest.mark.django_db
def test_a_small_scope_is_computed_whole(roadmaps, dost_staff):  # noqa: F811
    live.clear()
    data_changed()
    forget_recent()
    scope = Participation.objects.all()
    metrics.compute_cached(scope, as_of=TODAY)
    metrics.compute_cached(scope, as_of=TODAY)
    assert not live._STATES
