"""The milestones' maintained sums: :class:`~roadmap.models.ParticipationTotals` (a row per
participation) and :class:`~roadmap.models.RoadmapDay` (a row per participation and day), kept
current in the transaction of every write to the milestones, so today's figures add these rows up
instead of every milestone (``reports/metrics/sums.py``).

One function writes them, :func:`totals_refresh`: it recomputes the rows of the participations
it is given from their milestones as they stand (a dozen rows each) and rewrites only the rows
that differ, so a change today rewrites today's day, and a back-dated completion the day it
names. Every path that writes milestones reaches it:

- a milestone saved or deleted one by one (the services, the admin, the demo, the factories):
  the ``post_save``/``post_delete`` receivers below, on the same signal that writes the
  milestone's history, in the same transaction;
- a roadmap step saved (its weight or key counts in the sums): the participations on it;
- bulk writes (``QuerySet.update()``, the imports' statements, ``bulk_create``), which send no
  signal: the code that runs them calls :func:`totals_refresh` itself, in its transaction;
- a load that bypasses all this (``bench/build_scale_data.py``): ``manage.py rebuild_totals``.

Inside :func:`deferred` (a loop saving many milestones) the refresh waits for the block's end and
runs once for every participation touched.
"""

import contextlib
import secrets
import threading
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps as django_apps
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from roadmap.models import (
    Milestone,
    MilestoneQuerySet,
    ParticipationTotals,
    RoadmapDay,
    RoadmapStep,
)

BATCH = 500
_OPEN = frozenset(MilestoneQuerySet.OPEN)
_DONE, _NA = Milestone.Status.DONE, Milestone.Status.NOT_APPLICABLE
_TOTALS = ("total", "done", "late", "not_applicable", "in_progress", "blocked", "announced")
DAY_FIELDS = ("due_weight", "done_weight", "open_due")
TOTAL_FIELDS = (*_TOTALS, "weight", "done_weight", "last_change", "first_day", "last_day")

_state = threading.local()


def _add(totals: dict, days: dict, m: dict) -> None:
    """Milestone ``m`` (a row of values) counted into its participation's ``totals`` and
    ``days``: the rules of ``reports/metrics/sums.py`` on today's status."""
    status, weight = m["status"], m["step__weight"]
    t = totals[m["participation_id"]]
    t["total"] += 1
    t["weight"] += weight
    if status == _DONE:
        t["done"] += 1
        t["late"] += int(m["completed_on"] > m["due_date"])
        t["announced"] += int(m["step__key"] == RoadmapStep.ANNOUNCEMENT)
    elif status == _NA:
        t["not_applicable"] += 1
    elif status in ("in_progress", "blocked"):
        t[status] += 1
    if status in (_DONE, _NA):
        t["done_weight"] += weight
    if m["version"] > 1:
        t["last_change"] = max(filter(None, (t["last_change"], m["updated_at"])))
    t["first_day"] = min(filter(None, (t["first_day"], m["planned_start"])))
    t["last_day"] = max(filter(None, (t["last_day"], m["due_date"])))
    due = days[(m["participation_id"], m["due_date"])]
    due["due_weight"] += weight
    due["open_due"] += int(status in _OPEN)
    done_day = m["completed_on"] if status == _DONE else m["planned_start"]
    if status in (_DONE, _NA):
        days[(m["participation_id"], done_day)]["done_weight"] += weight


def totals_of(
    participation_ids: Iterable[int] | None = None, *, milestones=None
) -> tuple[dict, dict]:
    """The sums of the milestones of ``participation_ids`` (default: every participation) as
    they stand, computed from scratch: ``({participation: {field: value}}, {(participation,
    day): {field: value}})``. One query (a chunk of ids at a time)."""

    def blank_totals():
        return dict.fromkeys(TOTAL_FIELDS, 0) | dict.fromkeys(
            ("last_change", "first_day", "last_day")
        )

    totals: dict = defaultdict(blank_totals)
    days: dict = defaultdict(lambda: dict.fromkeys(DAY_FIELDS, 0))
    fields = ("participation_id", "status", "completed_on", "due_date", "planned_start")
    fields += ("step__weight", "step__key", "version", "updated_at")
    milestones = (milestones or Milestone.objects).order_by()
    if participation_ids is not None:
        milestones = milestones.filter(participation_id__in=list(participation_ids))
    for m in milestones.values(*fields).iterator(chunk_size=5000):
        _add(totals, days, m)
    return dict(totals), dict(days)


def _write(ids: list[int], registry=None) -> None:
    """The rows of ``ids`` made equal to :func:`totals_of` them: the totals written over, the
    days that differ written over, those no milestone names any more removed (three or four
    queries, whatever the number of participations in a batch). ``registry``: the apps of a
    migration (default: the models)."""
    Milestone, ParticipationTotals, RoadmapDay = _models(registry)
    totals, days = totals_of(ids, milestones=Milestone.objects)
    if gone := set(ids) - totals.keys():  # left without milestones
        ParticipationTotals.objects.filter(participation_id__in=gone).delete()
    # A new revision for every rewrite (a migration's earlier model has none).
    revised = any(f.name == "revision" for f in ParticipationTotals._meta.fields)
    ParticipationTotals.objects.bulk_create(
        [
            ParticipationTotals(
                participation_id=pk,
                **values,
                **({"revision": secrets.randbits(62)} if revised else {}),
            )
            for pk, values in totals.items()
        ],
        update_conflicts=True,
        unique_fields=["participation"],
        update_fields=(*TOTAL_FIELDS, "revision") if revised else TOTAL_FIELDS,
    )
    stale, same = [], set()
    stored = RoadmapDay.objects.filter(participation_id__in=ids).values_list(
        "pk", "participation_id", "day", *DAY_FIELDS
    )
    for pk, participation, day, *values in stored:
        new = days.get((participation, day))
        if new is None:
            stale.append(pk)
        elif [new[f] for f in DAY_FIELDS] == values:
            same.add((participation, day))
    if stale:
        RoadmapDay.objects.filter(pk__in=stale).delete()
    RoadmapDay.objects.bulk_create(
        [
            RoadmapDay(participation_id=key[0], day=key[1], **values)
            for key, values in days.items()
            if key not in same
        ],
        update_conflicts=True,
        unique_fields=["participation", "day"],
        update_fields=DAY_FIELDS,
    )


def _models(registry=None) -> tuple:
    if registry is None:
        return Milestone, ParticipationTotals, RoadmapDay
    names = ("Milestone", "ParticipationTotals", "RoadmapDay")
    return tuple(registry.get_model("roadmap", name) for name in names)


def totals_refresh(participation_ids: Iterable[int]) -> None:
    """Bring the maintained sums of ``participation_ids`` up to date with their milestones, in
    the current transaction (or, inside :func:`deferred`, at the end of the block)."""
    ids = sorted({pk for pk in participation_ids if pk is not None})
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.update(ids)
        return
    with transaction.atomic(savepoint=False):  # the caller's transaction, no savepoint
        for start in range(0, len(ids), BATCH):
            _write(ids[start : start + BATCH])


def totals_rebuild(registry=None) -> int:
    """Every participation's sums recomputed from its milestones (``manage.py rebuild_totals``,
    after a load that wrote the milestones in bulk; the migration that adds them, with its
    ``registry``); the number of participations."""
    participations = (registry or django_apps).get_model("roadmap", "Participation")
    ids = list(participations.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            _write(ids[start : start + BATCH], registry)
    return len(ids)


@contextlib.contextmanager
def deferred():
    """Milestones saved inside the block refresh their participations' sums once, at its end
    (in the block's transaction when it has one)."""
    if getattr(_state, "pending", None) is not None:
        yield
        return
    _state.pending = set()
    try:
        yield
        ids = _state.pending
    finally:
        _state.pending = None
    totals_refresh(ids)


# Receivers (connected in RoadmapConfig.ready) -----------------------------------------------------


def _milestone_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        totals_refresh([instance.participation_id])


def _milestone_deleted(sender, instance, origin=None, **kwargs):
    # A participation (a programme, a commune) deleted takes its sums with it: refreshing them
    # in the middle of that delete would write rows it has already collected.
    own = origin is instance or (isinstance(origin, QuerySet) and origin.model is Milestone)
    if own:
        totals_refresh([instance.participation_id])


def _step_saved(sender, instance, created=False, raw=False, **kwargs):
    if not (created or raw):
        ids = instance.milestones.values_list("participation_id", flat=True).distinct()
        totals_refresh(list(ids))


def connect() -> None:
    post_save.connect(_milestone_saved, sender=Milestone, dispatch_uid="roadmap-totals-save")
    post_delete.connect(_milestone_deleted, sender=Milestone, dispatch_uid="roadmap-totals-del")
    post_save.connect(_step_saved, sender=RoadmapStep, dispatch_uid="roadmap-totals-step")
