"""One definition of "overdue" and "done late": the grid, the figures, the lists, the pages and the
report all say the same thing on the edge dates (due today, due yesterday, done late, done on the
due date)."""

import datetime

import pytest
from django.core.cache import cache
from django.utils.translation import pgettext

from audits.models import CorrectiveAction
from audits.tests.factories import AuditFactory, CorrectiveActionFactory, FindingFactory
from reports import metrics
from reports.dashboard import dashboard_context
from reports.services import ReportScope, report_context
from roadmap.models import Milestone, milestone_overdue
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory, RoadmapTemplateFactory

TODAY = datetime.date(2017, 12, 15)
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)
LONG_AGO = datetime.date(2017, 9, 1)

# (step name, status, due date, completed on): the edges of each definition.
EDGES = [
    ("due yesterday, in progress", "in_progress", YESTERDAY, None),
    ("due today, in progress", "in_progress", TODAY, None),
    ("due tomorrow, not started", "not_started", TOMORROW, None),
    ("due yesterday, blocked", "blocked", YESTERDAY, None),
    ("due long ago, not applicable", "not_applicable", LONG_AGO, None),
    ("done late", "done", LONG_AGO, LONG_AGO + datetime.timedelta(days=1)),
    ("done on the due date", "done", YESTERDAY, YESTERDAY),
]
OVERDUE = {"due yesterday, in progress", "due yesterday, blocked"}


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = TODAY
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def edges(world):
    """Communes A and C each with the roadmap of EDGES; a corrective action due yesterday and
    one due today in commune A."""
    template = RoadmapTemplateFactory(name="Các trường hợp biên", kind="new")
    steps = [
        RoadmapStepFactory(template=template, order=i, name=name)
        for i, (name, *_rest) in enumerate(EDGES, start=1)
    ]
    for participation in (world["participation"], world["other_participation"]):
        participation.template = template
        participation.save()
        for step, (_name, status, due, completed) in zip(steps, EDGES, strict=True):
            MilestoneFactory(
                participation=participation,
                step=step,
                planned_start=due - datetime.timedelta(days=10),
                due_date=due,
                status=status,
                completed_on=completed,
                note="chờ" if status == "blocked" else "",
            )
    finding = FindingFactory(audit=AuditFactory(commune=world["commune"]))
    CorrectiveActionFactory(finding=finding, due_date=YESTERDAY)
    CorrectiveActionFactory(finding=finding, due_date=TODAY)
    return world


def _grid_cells(grids, flag):
    """(commune code, step name) of the dashboard grid's cells with ``flag`` set."""
    found = set()
    for grid in grids:
        names = [step["name"] for step in grid["steps"]]
        for commune, cells in grid["rows"]:
            found |= {
                (commune.code, name) for name, c in zip(names, cells, strict=True) if c.get(flag)
            }
    return found


def test_the_grid_the_figures_and_the_queryset_agree_on_overdue(edges, manager):
    ctx = dashboard_context(manager)
    figures = ctx["figures"]
    expected = {(code, name) for code in ("28873", "28987") for name in OVERDUE}

    assert _grid_cells(ctx["grids"], "overdue") == expected
    assert figures.counts.overdue == len(expected) == 4
    assert sum(c.counts.overdue for c in figures.communes) == 4
    assert sum(d.counts.overdue for d in figures.districts) == 4
    queryset = Milestone.objects.overdue(TODAY).select_related("participation__commune", "step")
    assert {(m.participation.commune.code, m.step.name) for m in queryset} == expected
    assert {
        (m.participation.commune.code, m.step.name)
        for m in Milestone.objects.select_related("participation__commune", "step")
        if m.is_overdue
    } == expected


def test_the_grid_the_figures_and_the_queryset_agree_on_done_late(edges, manager):
    ctx = dashboard_context(manager)
    expected = {("28873", "done late"), ("28987", "done late")}
    assert _grid_cells(ctx["grids"], "late") == expected
    assert ctx["figures"].counts.done_late == 2
    assert ctx["figures"].counts.done_on_time == 2  # done on the due date is on time
    assert Milestone.objects.done_late().count() == 2
    assert sum(m.is_done_late for m in Milestone.objects.all()) == 2


def test_the_report_lists_and_letters_the_same_overdue_steps(edges, manager):
    ctx = report_context(user=manager, scope=ReportScope.province())
    assert {(r["commune"], r["step"]) for r in ctx["overdue"]} == {
        (commune, step) for commune in ("Xã Phú Phụng", "Xã Phong Nẫm") for step in OVERDUE
    }
    assert all(r["days_late"] == 1 for r in ctx["overdue"])
    overdue_letter = pgettext("report grid", "O")
    late_letter = pgettext("report grid", "L")
    [grid] = ctx["grids"]
    # Commune B takes part without a roadmap: its line has no letter.
    rows = [line for line in grid["text"].splitlines() if line.startswith(("Xã Phú", "Xã Phong"))]
    assert len(rows) == 2
    for line in rows:
        letters = line.split()[-len(EDGES) :]
        overdue_steps = {
            EDGES[i][0] for i, letter in enumerate(letters) if letter == overdue_letter
        }
        assert overdue_steps == OVERDUE
        assert [EDGES[i][0] for i, letter in enumerate(letters) if letter == late_letter] == [
            "done late"
        ]


def test_a_step_due_today_becomes_overdue_tomorrow(edges, manager, settings):
    settings.QMS_AS_OF = TOMORROW
    figures = dashboard_context(manager)["figures"]
    # Due yesterday (2 steps) and due today (1 step), in each of the two communes.
    assert figures.counts.overdue == 6
    assert Milestone.objects.overdue(TOMORROW).count() == 6
    assert milestone_overdue("in_progress", TODAY, TOMORROW)
    assert not milestone_overdue("in_progress", TODAY, TODAY)
    assert not milestone_overdue("done", YESTERDAY, TODAY)
    assert not milestone_overdue("not_applicable", YESTERDAY, TODAY)


def test_overdue_corrective_actions_agree_everywhere(edges, manager):
    figures = metrics.compute(metrics.participations_in_scope(manager), as_of=TODAY)
    ctx = report_context(user=manager, scope=ReportScope.province())
    assert figures.actions_overdue == 1
    assert CorrectiveAction.objects.overdue(TODAY).count() == 1
    assert [a.is_overdue for a in CorrectiveAction.objects.order_by("due_date")] == [True, False]
    assert [a.overdue for a in ctx["open_actions"]] == [True, False]
    assert [d.overdue_actions for d in figures.districts if d.code == "832"] == [1]
