"""What a reorganisation leaves each new unit: its predecessors and which of them had announced a
QMS, the starting point of the wave that enrols it (``services.programme_create_for_successors``).

The announcements are read through the units' ``announcements`` relation (``audits`` comes
after ``roadmap``, so this module names no model of it).
"""

from dataclasses import dataclass, field

from django.db.models import Min

from communes.models import Commune, Succession


@dataclass
class StartingPoint:
    """A new unit, its predecessors and which of them had announced a QMS.

    ``kind``: every predecessor announced (``consolidate`` their QMS into one and re-announce),
    some did (``extend`` theirs to the whole territory), none did (``new``: build one).
    """

    CONSOLIDATE, EXTEND, NEW = "consolidate", "extend", "new"

    commune: object
    predecessors: list = field(default_factory=list)
    announced: list = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.predecessors and len(self.announced) == len(self.predecessors):
            return self.CONSOLIDATE
        return self.EXTEND if self.announced else self.NEW


def starting_point_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        StartingPoint.CONSOLIDATE: _("Consolidate: every predecessor announced"),
        StartingPoint.EXTEND: _("Extend: some predecessors announced"),
        StartingPoint.NEW: _("Build new: no predecessor announced"),
    }


def successor_starting_points(successors) -> list[StartingPoint]:
    """For each unit of ``successors``, what its direct predecessors leave it: an announcement
    counts when made before the unit began (two queries)."""
    points = {c.pk: StartingPoint(commune=c) for c in successors}
    links = list(
        Succession.objects.filter(successor__in=list(points))
        .select_related("predecessor")
        .order_by("predecessor__code")
    )
    first_announced = dict(
        Commune.objects.filter(
            pk__in=[s.predecessor_id for s in links], announcements__isnull=False
        )
        .annotate(first=Min("announcements__decision_date"))
        .values_list("pk", "first")
    )
    for s in links:
        point = points[s.successor_id]
        point.predecessors.append(s.predecessor)
        first = first_announced.get(s.predecessor_id)
        if first is not None and first < s.effective_on:
            point.announced.append(s.predecessor)
    return list(points.values())
