"""Every figure the product shows: the dashboard, the district and commune pages, the PDF and the
Excel export all call this module, so the same question gets the same number everywhere.

The unit of work is a :class:`Figures` computed for a set of participations (a programme, a
district, a commune, always within what the user may see) as of a date. It loads the rows it
needs in a fixed number of queries and computes the rest in Python, so its cost does not depend
on the number of communes in queries, only in rows.

Definitions (the DOST's progress report, see the brief):
- a participation's **stage**: *planned* (no step done), *building* (a step done, not yet
  announced), *announced* (the announcement step done, first announcement), *re-announced* (the
  announcement step done in an extension or conversion: the QMS existed before);
- **progress**: the weights of the steps done or not applicable over all weights, in %;
- **planned progress** on a date: the weights of the steps due by then over all weights;
- a milestone **done on time** was completed on or before its due date, **done late** after it;
  **overdue**: not done (nor not applicable) and due before the as-of date;
- a commune is **silent** when none of its milestones changed in the last N days;
- **scope coverage**: procedures in the commune's QMS scope (issued or applied) over the
  procedures of the catalogue in force.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Min, Q

from audits.models import Announcement, Audit, CorrectiveAction, Finding
from communes.models import Commune, Succession
from procedures.models import Procedure, ScopeItem
from qms_rollout import clock
from roadmap.models import Milestone, Participation, ParticipationKind, RoadmapStep

DONE = Milestone.Status.DONE
NOT_APPLICABLE = Milestone.Status.NOT_APPLICABLE
OPEN_STATUSES = {
    Milestone.Status.NOT_STARTED,
    Milestone.Status.IN_PROGRESS,
    Milestone.Status.BLOCKED,
}


class Stage:
    PLANNED = "planned"
    BUILDING = "building"
    ANNOUNCED = "announced"
    REANNOUNCED = "reannounced"
    ORDER = [PLANNED, BUILDING, ANNOUNCED, REANNOUNCED]


def stage_labels():
    from django.utils.translation import gettext as _

    return {
        Stage.PLANNED: _("Planned"),
        Stage.BUILDING: _("Building"),
        Stage.ANNOUNCED: _("Announced"),
        Stage.REANNOUNCED: _("Re-announced"),
    }


def percent(part: float, whole: float) -> float:
    """``part`` of ``whole`` in %, rounded to one decimal; 0 when there is no whole."""
    return round(100.0 * part / whole, 1) if whole else 0.0


@dataclass
class MilestoneCounts:
    total: int = 0
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    in_progress: int = 0
    blocked: int = 0
    not_started: int = 0
    not_applicable: int = 0

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def on_time_rate(self) -> float:
        return percent(self.done_on_time, self.done)

    def add(self, row: dict, as_of: datetime.date) -> None:
        self.total += 1
        status = row["status"]
        if status == DONE:
            if row["completed_on"] and row["completed_on"] > row["due_date"]:
                self.done_late += 1
            else:
                self.done_on_time += 1
            return
        if status == NOT_APPLICABLE:
            self.not_applicable += 1
            return
        if row["due_date"] < as_of:
            self.overdue += 1
        if status == Milestone.Status.IN_PROGRESS:
            self.in_progress += 1
        elif status == Milestone.Status.BLOCKED:
            self.blocked += 1
        else:
            self.not_started += 1


@dataclass
class CommuneRow:
    """One participating commune: its stage, progress, and its steps for the grid."""

    participation_id: int
    commune_id: int
    code: str
    name: str
    district_code: str
    district_name: str
    kind: str
    stage: str = Stage.PLANNED
    progress: float = 0.0
    planned_progress: float = 0.0
    last_change: datetime.datetime | None = None
    silent: bool = False
    counts: MilestoneCounts = field(default_factory=MilestoneCounts)
    cells: dict = field(default_factory=dict)  # step order -> {"status", "overdue", ...}
    budget_allocated: int = 0
    budget_spent: int = 0

    @property
    def kind_label(self) -> str:
        return ParticipationKind(self.kind).label


@dataclass
class DistrictRow:
    code: str
    name: str
    communes: int = 0
    stages: Counter = field(default_factory=Counter)
    counts: MilestoneCounts = field(default_factory=MilestoneCounts)
    progress: float = 0.0
    open_findings: int = 0
    overdue_actions: int = 0
    budget_allocated: int = 0
    budget_spent: int = 0

    @property
    def announced(self) -> int:
        return self.stages[Stage.ANNOUNCED] + self.stages[Stage.REANNOUNCED]


@dataclass
class Figures:
    """The figures of one scope as of one date. Build it with :func:`compute`."""

    as_of: datetime.date
    communes: list[CommuneRow]
    districts: list[DistrictRow]
    steps: list[dict]  # the union of steps in the scope's templates, by order
    counts: MilestoneCounts
    by_kind: Counter
    by_stage: Counter
    findings_open: int
    findings_closed: int
    actions_overdue: int
    actions_open: int
    audits_by_kind: Counter
    communes_inspected: int
    announcements_by_kind: Counter
    procedures_in_force: int
    scope_covered: int
    scope_needing_revision: int
    budget_allocated: int
    budget_spent: int
    curve: list[tuple[datetime.date, float, float]]
    silent_days: int

    @property
    def total(self) -> int:
        return len(self.communes)

    @property
    def announced(self) -> int:
        return self.by_stage[Stage.ANNOUNCED] + self.by_stage[Stage.REANNOUNCED]

    @property
    def announced_pct(self) -> float:
        return percent(self.announced, self.total)

    @property
    def progress(self) -> float:
        """Mean progress of the communes, in %."""
        return round(sum(c.progress for c in self.communes) / self.total, 1) if self.total else 0.0

    @property
    def planned_progress(self) -> float:
        if not self.total:
            return 0.0
        return round(sum(c.planned_progress for c in self.communes) / self.total, 1)

    @property
    def silent(self) -> list[CommuneRow]:
        return [c for c in self.communes if c.silent]

    @property
    def coverage_pct(self) -> float:
        """Mean scope coverage: procedures covered over procedures in force, per commune."""
        return percent(self.scope_covered, self.procedures_in_force * self.total)


def participations_in_scope(user, *, programme=None, district=None, commune=None):
    """The participations ``user`` may see, narrowed to a programme, a district or a commune."""
    qs = Participation.objects.visible_to(user)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if district is not None:
        qs = qs.filter(commune__district=district)
    if commune is not None:
        qs = qs.filter(commune=commune)
    return qs


def _curve_points(start: datetime.date, end: datetime.date, as_of: datetime.date):
    """Weekly dates from ``start`` to ``end``, with ``as_of`` included when within."""
    points, day = [], start
    while day < end:
        points.append(day)
        day += datetime.timedelta(days=7)
    points.append(end)
    if start < as_of < end and as_of not in points:
        points.append(as_of)
    return sorted(points)


def compute(participations, *, as_of: datetime.date | None = None) -> Figures:
    """All the figures of ``participations`` (a queryset) as of ``as_of`` (default: today)."""
    as_of = as_of or clock.today()
    silent_days = settings.QMS_SILENT_DAYS
    silent_before = as_of - datetime.timedelta(days=silent_days)
    # The picture of a day holds the units in force that day: not those that began later (the
    # 2025 units in the 2017 picture), nor those that had ended.
    participations = participations.filter(commune__in=Commune.objects.current(as_of))

    parts = list(
        participations.values(
            "id",
            "kind",
            "commune_id",
            "commune__code",
            "commune__name",
            "commune__district__code",
            "commune__district__name",
            "budget_allocated",
            "budget_spent",
            "start_date",
        ).order_by("commune__district__code", "commune__name")
    )
    part_ids = [p["id"] for p in parts]
    starts = {p["id"]: p["start_date"] for p in parts}
    commune_ids = [p["commune_id"] for p in parts]
    rows: dict[int, CommuneRow] = {}
    for p in parts:
        rows[p["id"]] = CommuneRow(
            participation_id=p["id"],
            commune_id=p["commune_id"],
            code=p["commune__code"],
            name=p["commune__name"],
            district_code=p["commune__district__code"] or "",
            district_name=p["commune__district__name"] or "",
            kind=p["kind"],
            budget_allocated=int(p["budget_allocated"] or 0),
            budget_spent=int(p["budget_spent"] or 0),
        )

    milestones = list(
        Milestone.objects.filter(participation_id__in=part_ids).values(
            "participation_id",
            "status",
            "planned_start",
            "due_date",
            "completed_on",
            "updated_at",
            "version",
            "step__order",
            "step__weight",
            "step__key",
            "step__name",
        )
    )
    counts = MilestoneCounts()
    weights: dict[int, int] = defaultdict(int)
    done_weights: dict[int, int] = defaultdict(int)
    steps: dict[int, dict] = {}
    dated_weights = []  # (participation, due, completed_on or None, weight)
    first_day, last_day = None, None
    for m in milestones:
        row = rows[m["participation_id"]]
        counts.add(m, as_of)
        row.counts.add(m, as_of)
        weight = m["step__weight"]
        weights[row.participation_id] += weight
        done = m["status"] in (DONE, NOT_APPLICABLE)
        if done:
            done_weights[row.participation_id] += weight
        if m["due_date"] <= as_of:
            row.planned_progress += weight
        if m["step__key"] == RoadmapStep.ANNOUNCEMENT and m["status"] == DONE:
            row.stage = (
                Stage.ANNOUNCED if row.kind == ParticipationKind.NEW_BUILD else Stage.REANNOUNCED
            )
        elif m["status"] == DONE and row.stage == Stage.PLANNED:
            row.stage = Stage.BUILDING
        if m["version"] > 1 and (row.last_change is None or m["updated_at"] > row.last_change):
            row.last_change = m["updated_at"]
        overdue = m["status"] in OPEN_STATUSES and m["due_date"] < as_of
        row.cells[m["step__order"]] = {
            "status": m["status"],
            "overdue": overdue,
            "late": m["status"] == DONE and m["completed_on"] > m["due_date"],
            "due_date": m["due_date"],
            "completed_on": m["completed_on"],
        }
        steps.setdefault(m["step__order"], {"order": m["step__order"], "name": m["step__name"]})
        completed = m["completed_on"] if m["status"] == DONE else None
        if m["status"] == NOT_APPLICABLE:
            completed = m["planned_start"]
        dated_weights.append((row.participation_id, m["due_date"], completed, weight))
        first_day = min(first_day or m["planned_start"], m["planned_start"])
        last_day = max(last_day or m["due_date"], m["due_date"])

    for row in rows.values():
        total = weights[row.participation_id]
        row.progress = percent(done_weights[row.participation_id], total)
        row.planned_progress = percent(row.planned_progress, total)
        # Silent: nobody changed a milestone for N days (or ever, once the work should have begun).
        last = row.last_change.date() if row.last_change else starts[row.participation_id]
        row.silent = last < silent_before

    # The planned-vs-actual curve: mean over communes of planned and done weight shares.
    curve = []
    if first_day and rows:
        for day in _curve_points(first_day, max(last_day, first_day), as_of):
            planned = defaultdict(int)
            actual = defaultdict(int)
            for pid, due, completed, weight in dated_weights:
                if due <= day:
                    planned[pid] += weight
                if completed and completed <= day and day <= as_of:
                    actual[pid] += weight
            plan_pct = sum(percent(planned[p], weights[p]) for p in rows) / len(rows)
            actual_pct = (
                sum(percent(actual[p], weights[p]) for p in rows) / len(rows)
                if day <= as_of
                else None
            )
            curve.append(
                (day, round(plan_pct, 1), None if actual_pct is None else round(actual_pct, 1))
            )

    # Districts.
    districts: dict[str, DistrictRow] = {}
    for row in rows.values():
        d = districts.setdefault(
            row.district_code, DistrictRow(code=row.district_code, name=row.district_name)
        )
        d.communes += 1
        d.stages[row.stage] += 1
        for name in vars(d.counts):
            setattr(d.counts, name, getattr(d.counts, name) + getattr(row.counts, name))
        d.progress += row.progress
        d.budget_allocated += row.budget_allocated
        d.budget_spent += row.budget_spent
    for d in districts.values():
        d.progress = round(d.progress / d.communes, 1) if d.communes else 0.0

    # Findings and corrective actions, by district.
    finding_rows = (
        Finding.objects.filter(audit__commune_id__in=commune_ids)
        .values("audit__commune__district__code")
        .annotate(
            open=Count("pk", filter=Q(status=Finding.Status.OPEN)),
            closed=Count("pk", filter=Q(status=Finding.Status.CLOSED)),
        )
    )
    findings_open = findings_closed = 0
    for f in finding_rows:
        findings_open += f["open"]
        findings_closed += f["closed"]
        code = f["audit__commune__district__code"] or ""
        if code in districts:
            districts[code].open_findings += f["open"]
    action_rows = (
        CorrectiveAction.objects.filter(finding__audit__commune_id__in=commune_ids)
        .values("finding__audit__commune__district__code")
        .annotate(
            open=Count("pk", filter=Q(done_on__isnull=True)),
            overdue=Count("pk", filter=Q(done_on__isnull=True, due_date__lt=as_of)),
        )
    )
    actions_open = actions_overdue = 0
    for a in action_rows:
        actions_open += a["open"]
        actions_overdue += a["overdue"]
        code = a["finding__audit__commune__district__code"] or ""
        if code in districts:
            districts[code].overdue_actions += a["overdue"]

    audits_by_kind = Counter(
        dict(
            Audit.objects.filter(commune_id__in=commune_ids, date__lte=as_of)
            .values_list("kind")
            .annotate(n=Count("pk"))
        )
    )
    communes_inspected = (
        Audit.objects.filter(
            commune_id__in=commune_ids,
            date__lte=as_of,
            kind__in=[Audit.Kind.INSPECTION_ONSITE, Audit.Kind.INSPECTION_RECORDS],
        )
        .values("commune_id")
        .distinct()
        .count()
    )
    announcements_by_kind = Counter(
        dict(
            Announcement.objects.filter(commune_id__in=commune_ids, decision_date__lte=as_of)
            .values_list("kind")
            .annotate(n=Count("pk"))
        )
    )
    procedures_in_force = Procedure.objects.active(as_of).count()
    scope = ScopeItem.objects.filter(commune_id__in=commune_ids).aggregate(
        covered=Count(
            "pk",
            filter=Q(
                state__in=[ScopeItem.State.ISSUED, ScopeItem.State.APPLIED],
                procedure__abolished_on__isnull=True,
            ),
        ),
        needing_revision=Count(
            "pk",
            filter=Q(issued_on__isnull=False)
            & (
                Q(procedure__amended_on__gt=F("issued_on"))
                | Q(procedure__abolished_on__isnull=False)
            ),
        ),
    )

    communes = list(rows.values())
    return Figures(
        as_of=as_of,
        communes=communes,
        districts=sorted(districts.values(), key=lambda d: d.code),
        steps=[steps[k] for k in sorted(steps)],
        counts=counts,
        by_kind=Counter(c.kind for c in communes),
        by_stage=Counter(c.stage for c in communes),
        findings_open=findings_open,
        findings_closed=findings_closed,
        actions_overdue=actions_overdue,
        actions_open=actions_open,
        audits_by_kind=audits_by_kind,
        communes_inspected=communes_inspected,
        announcements_by_kind=announcements_by_kind,
        procedures_in_force=procedures_in_force,
        scope_covered=scope["covered"],
        scope_needing_revision=scope["needing_revision"],
        budget_allocated=sum(c.budget_allocated for c in communes),
        budget_spent=sum(c.budget_spent for c in communes),
        curve=curve,
        silent_days=silent_days,
    )


def overdue_milestones(participations, *, as_of: datetime.date | None = None):
    """The overdue milestones of ``participations``, most days late first, with what lists show."""
    as_of = as_of or clock.today()
    return (
        Milestone.objects.filter(participation__in=participations)
        .overdue(as_of)
        .with_list_related()
        .order_by("due_date", "participation__commune__name")
    )


def recent_changes(participations, *, limit: int = 20):
    """The latest milestone changes (history rows, creations left out) in ``participations``."""
    return (
        Milestone.history.filter(participation_id__in=participations.values("pk"), history_type="~")
        .select_related("history_user", "step", "participation__commune")
        .order_by("-history_date")[:limit]
    )


def steps_by_kind(participations) -> dict[str, list[dict]]:
    """The roadmap steps of ``participations``' templates, per kind of participation, in order.

    New builds and extensions follow different templates: the commune × step grid shows one
    table per kind, with these steps as its columns.
    """
    rows = (
        RoadmapStep.objects.filter(template__participations__in=participations)
        .values("template__participations__kind", "order", "name", "key")
        .distinct()
        .order_by("template__participations__kind", "order")
    )
    result: dict[str, list[dict]] = defaultdict(list)
    seen = set()
    for r in rows:
        kind = r["template__participations__kind"]
        if (kind, r["order"]) in seen:
            continue
        seen.add((kind, r["order"]))
        result[kind].append({"order": r["order"], "name": r["name"], "key": r["key"]})
    return dict(result)


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


def recent_changes_with_previous(participations, *, limit: int = 20) -> list[dict]:
    """:func:`recent_changes` with the row before each change (two queries)."""
    rows = list(recent_changes(participations, limit=limit))
    if not rows:
        return []
    latest = max(h.history_date for h in rows)
    earlier = (
        Milestone.history.filter(id__in={h.id for h in rows})
        .filter(Q(history_date__lte=latest) | Q(history_type="+"))
        .only("history_id", "id", "history_date", "history_type", "status", "completed_on", "note")
    )
    return changes_with_previous(rows, earlier=earlier)


def scope_coverage_by_commune(commune_ids) -> dict[int, int]:
    """Procedures covered by each commune's QMS (issued or applied, not abolished), by commune id.

    The per-commune part of :attr:`Figures.scope_covered` (the same definition), in one query.
    """
    rows = (
        ScopeItem.objects.filter(
            commune_id__in=commune_ids,
            state__in=[ScopeItem.State.ISSUED, ScopeItem.State.APPLIED],
            procedure__abolished_on__isnull=True,
        )
        .values("commune_id")
        .annotate(n=Count("pk"))
    )
    return {r["commune_id"]: r["n"] for r in rows}


# The yearly cycle (issue 10) -----------------------------------------------------------------
# Maintenance duties per commune and year, and the year's figures (the annual report's table and
# the dashboard's year section). Computed in reports/compliance.py, re-exported here: every
# figure is asked of this module.

from reports.compliance import (  # noqa: E402, F401
    CommuneCompliance,
    InspectionResult,
    OnsiteCheck,
    YearCompliance,
    YearFigures,
    commune_compliance,
    duty_labels,
    onsite_check,
    picked_year,
    plan_results,
    status_labels,
    year_as_of,
    year_compliance,
    year_figures,
    year_table,
    years_available,
)

# What a reorganisation leaves each new unit ------------------------------------------------------


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
        Announcement.objects.filter(commune__in=[s.predecessor_id for s in links])
        .values("commune")
        .annotate(first=Min("decision_date"))
        .values_list("commune", "first")
    )
    for s in links:
        point = points[s.successor_id]
        point.predecessors.append(s.predecessor)
        first = first_announced.get(s.predecessor_id)
        if first is not None and first < s.effective_on:
            point.announced.append(s.predecessor)
    return list(points.values())
