"""The lists behind the figures: overdue milestones, the latest changes with the row before each."""

import datetime
from collections import defaultdict

from django.db.models import Case, OuterRef, Q, Subquery, Value, When

from core import clock
from roadmap.models import (
    Milestone,
)

# Lists behind the figures ----------------------------------------------------------------------


def overdue_milestones(participations, *, as_of: datetime.date | None = None):
    """The overdue milestones of ``participations`` on ``as_of`` (the one rule,
    ``MilestoneQuerySet.overdue`` on the status of that day), most days late first, with what
    lists show; ``take_status_on(as_of)`` shows each as it stood."""
    as_of = as_of or clock.today()
    milestones = Milestone.objects.filter(participation__in=participations).overdue(as_of)
    return milestones.with_list_related().order_by("due_date", "participation__commune__name")


def recent_changes(participations, *, limit: int = 20, as_of: datetime.date | None = None):
    """The latest milestone changes (history rows, creations left out) in ``participations``,
    made by the end of ``as_of`` when it is a past day."""
    rows = Milestone.history.filter(
        participation_id__in=participations.values("pk"), history_type="~"
    )
    if as_of is not None and as_of < clock.today():
        rows = rows.filter(history_date__lt=clock.end_of(as_of))
    # Changes at the very same moment (an import, a back-dated replay) in the order they were
    # recorded: the same rows and order at every reading, whatever the plan.
    return rows.select_related("history_user", "step", "participation__commune").order_by(
        "-history_date", "-history_id"
    )[:limit]


def changes_with_previous(history_rows, *, earlier=None) -> list[dict]:
    """Pair each milestone history row with the row before it, for "from → to" lists.

    ``history_rows`` are rows of ``Milestone.history``; ``earlier`` the rows that may precede
    them (by default ``history_rows`` themselves: pass the whole history of a commune). Each
    item: ``{"row", "before"}``, ``before`` being None for a creation.
    """
    rows = list(history_rows)
    pool = rows if earlier is None else list(earlier)
    by_milestone: dict[int, list] = defaultdict(list)
    for h in pool:
        by_milestone[h.id].append(h)

    def order(h):
        # The creation comes first even when later changes were back-dated (imports, the demo).
        return (h.history_type != "+", h.history_date, h.history_id)

    for versions in by_milestone.values():
        versions.sort(key=order)
    items = []
    for h in rows:
        before = None
        for candidate in by_milestone.get(h.id, []):
            if order(candidate) < order(h):
                before = candidate
            else:
                break
        items.append({"row": h, "before": before})
    return items


def recent_changes_with_previous(
    participations, *, limit: int = 20, as_of: datetime.date | None = None
) -> list[dict]:
    """:func:`recent_changes` with the row before each change (two queries), as
    :func:`changes_with_previous` pairs them: the row before is read by its id, found in the
    first query (a milestone changed a hundred times reads two rows, not a hundred)."""
    before = (
        Milestone.history.filter(id=OuterRef("id"))
        .filter(
            Q(history_type="+")
            | Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        # changes_with_previous's order: the creation first, then by date and id.
        .annotate(change=Case(When(history_type="+", then=Value(0)), default=Value(1)))
        .order_by("-change", "-history_date", "-history_id")
        .values("history_id")[:1]
    )
    rows = list(
        recent_changes(participations, limit=limit, as_of=as_of).annotate(
            before_id=Subquery(before)
        )
    )
    if not rows:
        return []
    earlier = {
        h.history_id: h
        for h in Milestone.history.filter(
            history_id__in={h.before_id for h in rows if h.before_id is not None}
        ).only("history_id", "id", "history_date", "history_type", "status", "completed_on", "note")
    }
    return [{"row": h, "before": earlier.get(h.before_id)} for h in rows]
