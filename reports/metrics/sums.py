"""A scope's milestones added up in SQL by participation: counts, progress, stage, last change
(:func:`commune_rows` for a list of communes, :func:`_tally_milestones` for :func:`compute`).

Two readings, the same numbers: for a past day, the milestones with their status of that day
(``MilestoneQuerySet.with_status_on``, from the history: :func:`_milestone_sums`); for today (or
later), the sums every write keeps current (:mod:`roadmap.totals`: a row per participation and
per day of its roadmap, :func:`_maintained_sums`), added up to the day in SQL.
``reports/tests/test_maintained_sums.py`` checks that the two agree.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce

from core import clock
from reports.metrics.curve import _curve, _weights_by_day, maintained_weights_by_day
from reports.metrics.definitions import (
    DONE,
    NOT_APPLICABLE,
    MilestoneCounts,
    Stage,
    is_silent,
)
from reports.metrics.rows import CommuneRow
from roadmap.models import (
    FIRST_ANNOUNCEMENT_KINDS,
    Milestone,
    MilestoneQuerySet,
    RoadmapDay,
    RoadmapStep,
)

_TOTALS = (
    "total",
    "done",
    "late",
    "not_applicable",
    "in_progress",
    "blocked",
    "announced",
    "weight",
    "done_weight",
    "last_change",
    "first_day",
    "last_day",
)
# What a participation's maintained totals row gives the figures: the sums, and the revision
# that says when they were last written (reports/metrics/live.py).
MAINTAINED_FIELDS = (*_TOTALS, "revision")


def _maintained() -> dict:
    """The columns of :class:`roadmap.models.ParticipationTotals` (the maintained sums of
    :func:`_milestone_sums` that do not depend on the day, and their revision) as annotations
    of a query of participations."""
    return {f"t_{name}": F(f"totals__{name}") for name in MAINTAINED_FIELDS}


def _maintained_days(participations, as_of: datetime.date) -> dict[int, tuple]:
    """The maintained days (:class:`roadmap.models.RoadmapDay`) of ``participations`` added up
    to ``as_of``, by participation (one query, grouped on the days alone): the milestones still
    open past their due date, the weight due by then, the first day with an overdue step."""
    overdue = Q(day__lt=as_of, open_due__gt=0)
    rows = (
        RoadmapDay.objects.filter(participation_id__in=participations.values("pk"))
        .order_by()
        .values("participation_id")
        .annotate(
            overdue=Coalesce(Sum("open_due", filter=overdue), 0),
            planned=Coalesce(Sum("due_weight", filter=Q(day__lte=as_of)), 0),
            first=Min("day", filter=overdue),
        )
        .values_list("participation_id", "overdue", "planned", "first")
    )
    return {pid: (overdue, planned, first) for pid, overdue, planned, first in rows}


def maintained_sums(pid: int, totals: dict, days: dict) -> dict:
    """A row of :func:`_milestone_sums` for participation ``pid`` from its maintained
    ``totals`` (:data:`MAINTAINED_FIELDS`) and the days of :func:`_maintained_days`."""
    overdue, planned, first = days.get(pid, (0, 0, None))
    return {
        "participation_id": pid,
        **{name: totals[name] for name in MAINTAINED_FIELDS},
        "overdue": overdue,
        "planned_weight": planned,
        "first_overdue": first,
    }


def _sums_of(p: dict, days: dict) -> dict | None:
    """:func:`maintained_sums` from a row read with the ``t_`` columns of :func:`_maintained`."""
    if p["t_total"] is None:  # no milestone
        return None
    return maintained_sums(p["id"], {name: p[f"t_{name}"] for name in MAINTAINED_FIELDS}, days)


def _commune_rows(participations, as_of, sums: list | None = None) -> dict[int, CommuneRow]:
    """One row per participation (one query), by participation id, in province, district and
    Vietnamese name order (the grid's); the budget as of ``as_of``. For today (or later) and a
    ``sums`` list, the same query reads the maintained sums (:func:`_maintained`) into it, and
    one more their days (:func:`_maintained_days`)."""
    maintained = sums is not None and not clock.is_past(as_of)
    fields = _maintained() if maintained else {}
    parts = (
        participations.with_budget_on(as_of)
        .annotate(**fields)
        .values(
            *fields,
            "id",
            "kind",
            "commune_id",
            "commune__code",
            "commune__name",
            "commune__sort_key",
            "commune__valid_from",
            "commune__district__code",
            "commune__district__name",
            "commune__district__valid_from",
            "commune__province__code",
            "commune__province__name",
            "budget_allocated_then",
            "budget_spent_then",
            "start_date",
        )
        .order_by("commune__province__code", "commune__district__code", "commune__sort_key")
    )
    if maintained:
        parts = list(parts)
        days = _maintained_days(participations, as_of)
        sums.extend(filter(None, (_sums_of(p, days) for p in parts)))
    return {
        p["id"]: CommuneRow(
            participation_id=p["id"],
            commune_id=p["commune_id"],
            code=p["commune__code"],
            name=p["commune__name"],
            sort_key=p["commune__sort_key"],
            district_code=p["commune__district__code"] or "",
            district_name=p["commune__district__name"] or "",
            valid_from=p["commune__valid_from"],
            district_valid_from=p["commune__district__valid_from"],
            province_code=p["commune__province__code"],
            province_name=p["commune__province__name"],
            kind=p["kind"],
            start_date=p["start_date"],
            budget_allocated=int(p["budget_allocated_then"] or 0),
            budget_spent=int(p["budget_spent_then"] or 0),
        )
        for p in parts
    }


def _milestone_sums(milestones, as_of: datetime.date):
    """Per participation (one query): the counts of :class:`MilestoneCounts`, the weights
    (all, done or not applicable, due by ``as_of``), the announcement done, the last change,
    the first planned start, the last due date and the first overdue due date."""
    done = Q(status_then=DONE)
    overdue = Q(status_then__in=MilestoneQuerySet.OPEN, due_date__lt=as_of)
    return (
        milestones.values("participation_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=done),
            late=Count("pk", filter=done & Q(completed_then__gt=F("due_date"))),
            not_applicable=Count("pk", filter=Q(status_then=NOT_APPLICABLE)),
            overdue=Count("pk", filter=overdue),
            in_progress=Count("pk", filter=Q(status_then=Milestone.Status.IN_PROGRESS)),
            blocked=Count("pk", filter=Q(status_then=Milestone.Status.BLOCKED)),
            announced=Count("pk", filter=done & Q(step__key=RoadmapStep.ANNOUNCEMENT)),
            weight=Sum("step__weight"),
            done_weight=Coalesce(
                Sum("step__weight", filter=Q(status_then__in=[DONE, NOT_APPLICABLE])), 0
            ),
            planned_weight=Coalesce(Sum("step__weight", filter=Q(due_date__lte=as_of)), 0),
            last_change=Max("changed_then"),
            first_day=Min("planned_start"),
            last_day=Max("due_date"),
            first_overdue=Min("due_date", filter=overdue),
        )
        .order_by()
    )


def _counts(s: dict) -> MilestoneCounts:
    """A participation's :class:`MilestoneCounts` from its row of :func:`_milestone_sums`."""
    done, late = s["done"], s["late"]
    other = s["not_applicable"] + s["in_progress"] + s["blocked"]
    return MilestoneCounts(
        total=s["total"],
        done_on_time=done - late,
        done_late=late,
        overdue=s["overdue"],
        in_progress=s["in_progress"],
        blocked=s["blocked"],
        not_started=s["total"] - done - other,
        not_applicable=s["not_applicable"],
    )


def _take_sums(row: CommuneRow, s: dict) -> None:
    """``row``'s counts, progress, planned progress, stage and last change from ``s``."""
    row.counts = _counts(s)
    weight = s["weight"] or 0
    row.progress_exact = 100.0 * (s["done_weight"] or 0) / weight if weight else 0.0
    row.planned_exact = 100.0 * (s["planned_weight"] or 0) / weight if weight else 0.0
    row.progress = round(row.progress_exact, 1)
    row.planned_progress = round(row.planned_exact, 1)
    if s["announced"]:
        new = row.kind in FIRST_ANNOUNCEMENT_KINDS
        row.stage = Stage.ANNOUNCED if new else Stage.REANNOUNCED
    elif s["done"]:
        row.stage = Stage.BUILDING
    row.last_change = s["last_change"]
    row.first_overdue = s["first_overdue"]


def _steps_by_kind(milestones) -> dict[str, list[dict]]:
    """The steps on the roadmaps of each kind of participation, in order (one query); of two
    steps at one place, the one of the earliest milestone."""
    rows = (
        milestones.values("participation__kind", "step__order", "step__name", "step__key")
        .annotate(first=Min("pk"))
        .order_by("first")
    )
    steps: dict[str, dict] = defaultdict(dict)
    for r in rows:
        order = r["step__order"]
        steps[r["participation__kind"]].setdefault(
            order, {"order": order, "name": r["step__name"], "key": r["step__key"]}
        )
    return {kind: [by[order] for order in sorted(by)] for kind, by in steps.items()}


def scope_steps(participations, as_of: datetime.date) -> dict[str, list[dict]]:
    """:func:`_steps_by_kind` of the milestones of ``participations`` on ``as_of``."""
    return _steps_by_kind(_scope_milestones(participations, as_of))


def _finish_rows(rows: dict[int, CommuneRow], as_of: datetime.date) -> None:
    """Silence of each row, once its milestones are in."""
    for row in rows.values():
        finish_row(row, as_of)


def finish_row(row: CommuneRow, as_of: datetime.date) -> None:
    """Silent: nobody changed a milestone for N days (or ever, once the work should have
    begun)."""
    last = row.last_change.date() if row.last_change else row.start_date
    row.silent = is_silent(last, as_of, settings.QMS_SILENT_DAYS)


def steps_from_cells(found: dict) -> dict[str, list[dict]]:
    """:func:`_steps_by_kind` from what :func:`load_cells` collected while loading every cell
    of a scope (no query)."""
    steps: dict[str, dict] = defaultdict(dict)
    for (kind, order), (_pk, name, key) in found.items():
        steps[kind][order] = {"order": order, "name": name, "key": key}
    return {kind: [by[order] for order in sorted(by)] for kind, by in steps.items()}


@dataclass
class _Roadmaps:
    """What the milestones of a scope add up to (:func:`_tally_milestones`)."""

    counts: MilestoneCounts
    steps_by_kind: dict
    curve: list


def _scope_milestones(participations, as_of):
    """The milestones of ``participations``, with their status as of ``as_of`` (the one rule,
    ``MilestoneQuerySet.with_status_on``)."""
    milestones = Milestone.objects.filter(participation_id__in=participations.values("pk"))
    return milestones.order_by().with_status_on(as_of)


def _add_sums(rows: dict[int, CommuneRow], participations, as_of, sums: list) -> tuple:
    """:func:`_milestone_sums` (a past day: one query) or the maintained ``sums`` that
    :func:`_commune_rows` read with the rows (today) taken into ``rows``: the scope's counts,
    its first planned start and last due date."""
    if clock.is_past(as_of):
        sums = list(_milestone_sums(_scope_milestones(participations, as_of), as_of))
    taken = []
    for s in sums:
        row = rows.get(s["participation_id"])
        if row is not None:
            _take_sums(row, s)
            taken.append(s)
    _finish_rows(rows, as_of)
    return scope_totals(rows, taken)


def scope_totals(rows: dict[int, CommuneRow], sums) -> tuple:
    """The scope's counts, first planned start and last due date: the ``rows`` of the
    participations of ``sums`` (taken into them) added up, in the order of ``sums``."""
    counts, first, last = MilestoneCounts(), None, None
    for s in sums:
        counts.merge(rows[s["participation_id"]].counts)
        first = min(first or s["first_day"], s["first_day"])
        last = max(last or s["last_day"], s["last_day"])
    return counts, first, last


def _tally_milestones(
    rows: dict[int, CommuneRow],
    participations,
    as_of,
    sums: list,
    *,
    curve: bool = True,
    steps: bool = True,
    steps_of=None,
) -> _Roadmaps:
    """The milestones of ``participations`` added up in SQL into their ``rows`` (``sums``: see
    :func:`_add_sums`) and the scope's counts, steps and curve (three queries for a past day,
    two today; none without the curve and with the steps left to the cells, ``steps=False``).
    ``steps_of``: what reads the steps (:func:`scope_steps`, or a cache of it)."""
    milestones = _scope_milestones(participations, as_of)
    counts, first, last = _add_sums(rows, participations, as_of, sums)
    if not curve:
        return _Roadmaps(counts=counts, steps_by_kind={}, curve=[])
    if clock.is_past(as_of):
        weights = _weights_by_day(milestones)
    else:
        weights = maintained_weights_by_day(participations)
    return _Roadmaps(
        counts=counts,
        steps_by_kind=(steps_of or scope_steps)(participations, as_of) if steps else {},
        curve=_curve(weights, len(rows), (first, last), as_of),
    )


def commune_rows(participations, *, as_of: datetime.date | None = None) -> list[CommuneRow]:
    """The rows of :func:`compute` alone (stage, progress, counts of each commune; no cells), for
    a list of communes: two queries for a past day, one today."""
    as_of = as_of or clock.today()
    participations = participations.of_units_in_force(as_of)
    sums: list = []
    rows = _commune_rows(participations, as_of, sums)
    _add_sums(rows, participations, as_of, sums)
    return list(rows.values())
