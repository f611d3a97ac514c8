"""Today's figures of a large scope kept current in the process between milestone updates
(issue 22): after an update, only the participations whose sums changed are read again.

A commune officer's update rewrites one participation's maintained sums
(:mod:`roadmap.totals`), and with them its ``revision`` (a new random number). A process that
has computed today's figures of a scope keeps, for that scope and day, each participation's row
(:class:`~reports.metrics.rows.CommuneRow`), the revision it was read at and its days of the
curve. When the milestones' generation changes (``core/generation.py``), it reads the
revisions of the scope (one small query), reads again the sums and days of those that differ
(three queries on a few rows), rebuilds their rows, moves the curve's weights by their days
(whole numbers: exact), and adds the rows up again with the very functions of
:func:`~reports.metrics.compute.compute`, in the same order: the figures are those of a
computation from scratch, to the last rounding (``reports/tests/test_live_figures.py``).

What the rows read besides the milestones (the units, the participations, their budget) keys
the kept state, with the roadmaps' shape: any change to them starts from scratch. So does a new
day, and a change to many participations at once (an import).

Only for scopes of more than :data:`~reports.metrics.rows.CELLS_MAX` communes: a smaller one
is computed whole in a few milliseconds (and loads every cell, whose steps head the grid).
"""

import dataclasses
import datetime
import hashlib
import threading
from collections import OrderedDict, defaultdict

from core.rows import KEPT_HTML
from reports.metrics.curve import _curve
from reports.metrics.definitions import MilestoneCounts
from reports.metrics.rows import CommuneRow
from reports.metrics.sums import (
    MAINTAINED_FIELDS,
    _commune_rows,
    _maintained_days,
    _Roadmaps,
    _take_sums,
    finish_row,
    maintained_sums,
    scope_totals,
)
from roadmap.models import Participation, ParticipationTotals, RoadmapDay

_STATES: "OrderedDict[str, _State]" = OrderedDict()
_STATES_MAX = 3
_SIZES: "OrderedDict[str, int]" = OrderedDict()  # key -> the scope's number of participations
# A scope whose size is forgotten is computed whole at every request (compute._today_cached):
# the sizes of thousands of scopes cost a few hundred kilobytes.
_SIZES_MAX = 4096
_LOCK = threading.Lock()
# Above this share of the scope (and this many participations) changed at once, the state is
# built again from scratch.
REBUILD_SHARE, REBUILD_MIN = 0.2, 50


@dataclasses.dataclass
class _State:
    rows: dict  # participation id -> CommuneRow, in the grid's order
    base: dict  # participation id -> its row before any sums (units, budget)
    sums: dict  # participation id -> its maintained sums, revision included (None: no milestone)
    days: dict  # participation id -> ((day, due weight, done weight), ...)
    weights: tuple  # the curve's ({day: {total: weight}} due, done), all participations


def key(participations, as_of: datetime.date) -> str:
    """What the kept state of ``participations`` (in force on ``as_of``) is kept under: the
    scope, the day, and the generations of what the rows read besides the milestones."""
    from core.generation import OTHER, ROADMAPS, data_generation

    generation = data_generation(OTHER, ROADMAPS)
    from reports.metrics.compute import scope_sql

    digest = hashlib.sha256(f"{scope_sql(participations)}|{as_of}".encode()).hexdigest()
    return f"{generation}:{digest}"


def _revisions(participations) -> dict[int, int]:
    """The revision of each of ``participations``' maintained sums (one query), by
    participation; those without sums (no milestone) are left out."""
    return dict(
        ParticipationTotals.objects.filter(participation_id__in=participations.values("pk"))
        .order_by()
        .values_list("participation_id", "revision")
    )


def revisions_digest(participations) -> str:
    """A digest of :func:`_revisions`: it changes whenever one of ``participations``' sums is
    written again, or gains or loses its sums."""
    revisions = sorted(_revisions(participations).items())
    return hashlib.blake2b(repr(revisions).encode(), digest_size=16).hexdigest()


def _days_of(ids) -> dict:
    """The maintained days of the participations ``ids`` (a list or a subquery), by
    participation."""
    days = defaultdict(list)
    rows = (
        RoadmapDay.objects.filter(participation_id__in=ids)
        .order_by()
        .values_list("participation_id", "day", "due_weight", "done_weight")
    )
    for pid, day, due, done in rows:
        days[pid].append((day, due, done))
    return {pid: tuple(found) for pid, found in days.items()}


def _move(weights: tuple, total, days, sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) a participation's ``days`` at its roadmap's ``total``
    weight: what :func:`~reports.metrics.curve.maintained_weights_by_day` adds up; a weight
    that falls to nothing leaves the dict, as that query leaves it out."""
    if not total:
        return
    for day, due, done in days:
        for which, weight in ((0, due), (1, done)):
            if not weight:
                continue
            by_total = weights[which].setdefault(day, {})
            value = by_total.get(total, 0) + sign * weight
            if value:
                by_total[total] = value
            else:
                del by_total[total]
                if not by_total:
                    del weights[which][day]


def _copy(row: CommuneRow, **changes) -> CommuneRow:
    """A shallow copy of ``row`` with ``changes`` (what ``dataclasses.replace`` does, without
    running ``__init__`` again: ten thousand rows)."""
    new = object.__new__(CommuneRow)
    new.__dict__.update(row.__dict__, **changes)
    new.__dict__.pop(KEPT_HTML, None)  # what the dashboard kept of the row it copies
    return new


def _row(base: CommuneRow, sums: dict | None, as_of: datetime.date) -> CommuneRow:
    row = _copy(base, counts=MilestoneCounts(), cells={}, has_cells=False)
    if sums is not None:
        _take_sums(row, sums)
    finish_row(row, as_of)
    return row


def _build(participations, as_of: datetime.date) -> _State:
    sums_list: list = []
    rows = _commune_rows(participations, as_of, sums_list)
    base = {pid: _copy(row) for pid, row in rows.items()}
    sums = {s["participation_id"]: s for s in sums_list}
    days = _days_of(participations.values("pk"))
    weights: tuple = ({}, {})
    for pid, row in rows.items():
        s = sums.get(pid)
        rows[pid] = _row(row, s, as_of)
        if s is not None:
            _move(weights, s["weight"], days.get(pid, ()), 1)
    return _State(
        rows=rows,
        base=base,
        sums={pid: sums.get(pid) for pid in rows},
        days=days,
        weights=weights,
    )


def _changed(state: _State, participations) -> set[int]:
    revisions = _revisions(participations)
    return {
        pid for pid, sums in state.sums.items() if revisions.get(pid) != (sums and sums["revision"])
    }


def _refresh(state: _State, changed: set[int], as_of: datetime.date) -> None:
    ids = sorted(changed)
    totals = {
        row["participation_id"]: row
        for row in ParticipationTotals.objects.filter(participation_id__in=ids).values(
            "participation_id", *MAINTAINED_FIELDS
        )
    }
    day_sums = _maintained_days(Participation.objects.filter(pk__in=ids), as_of)
    days = _days_of(ids)
    for pid in ids:
        old = state.sums[pid]
        if old is not None:
            _move(state.weights, old["weight"], state.days.get(pid, ()), -1)
        new = None if pid not in totals else maintained_sums(pid, totals[pid], day_sums)
        if new is not None:
            _move(state.weights, new["weight"], days.get(pid, ()), 1)
        state.sums[pid] = new
        state.days[pid] = days.get(pid, ())
        state.rows[pid] = _row(state.base[pid], new, as_of)


def _tally(state: _State, as_of: datetime.date, steps_by_kind: dict) -> _Roadmaps:
    """What :func:`~reports.metrics.sums._tally_milestones` adds up, from the kept rows: the
    counts, the first planned start and last due date (in the rows' order), the curve."""
    counts, first, last = scope_totals(state.rows, filter(None, state.sums.values()))
    curve = _curve(state.weights, len(state.rows), (first, last), as_of)
    return _Roadmaps(counts=counts, steps_by_kind=steps_by_kind, curve=curve)


def size(key: str) -> int:
    """The number of participations of the scope kept under ``key``, when known (else 0)."""
    return _SIZES.get(key, 0)


def note_size(key: str, n: int) -> None:
    """Remember that the scope kept under ``key`` has ``n`` participations (threads of one
    process share it: under the lock)."""
    with _LOCK:
        _SIZES[key] = n
        _SIZES.move_to_end(key)
        while len(_SIZES) > _SIZES_MAX:
            _SIZES.popitem(last=False)


def live_rows(participations, as_of: datetime.date, key: str, steps_of) -> tuple:
    """The rows and tally of today's figures of ``participations`` (in force on ``as_of``),
    from the state this process keeps under ``key``, brought up to date."""
    with _LOCK:
        state = _STATES.get(key)
        if state is not None:
            changed = _changed(state, participations)
            if len(changed) > max(REBUILD_MIN, REBUILD_SHARE * len(state.rows)):
                state = None
            elif changed:
                _refresh(state, changed, as_of)
        if state is None:
            state = _build(participations, as_of)
        _STATES[key] = state
        _STATES.move_to_end(key)
        while len(_STATES) > _STATES_MAX:
            _STATES.popitem(last=False)
        rows = dict(state.rows)
        tally = _tally(state, as_of, steps_of(participations, as_of))
    return rows, tally


def clear() -> None:
    """Forget every kept state (tests)."""
    with _LOCK:
        _STATES.clear()
        _SIZES.clear()
