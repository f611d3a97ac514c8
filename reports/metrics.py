"""Every figure the product shows: the dashboard, the district and commune pages, the PDF and the
Excel export all call this module, so the same question gets the same number everywhere.

The unit of work is a :class:`Figures` computed for a set of participations (a programme, a
district, a commune, always within what the user may see) as of a date. It loads the rows it
needs in a fixed number of queries and computes the rest in Python, so its cost does not depend
on the number of communes in queries, only in rows.

Definitions (the DOST's progress report, see the brief):
- a participation's **stage** (:class:`Stage`): *planned* (no step done), *building* (a step
  done, not yet announced), *announced* (the announcement step done, first announcement),
  *re-announced* (the announcement step done in an extension or conversion: the QMS existed
  before);
- **progress**: the weights of the steps done or not applicable over all weights, in %;
- **planned progress** on a date: the weights of the steps due by then over all weights;
- a milestone's **outcome** (:func:`milestone_outcome`, one per grid cell and per count): *done
  on time* (completed on or before its due date), *done late* (after it,
  :func:`roadmap.models.milestone_done_late`), *overdue* (not done nor not applicable and due
  before the as-of date, :func:`roadmap.models.milestone_overdue`), else its status;
- a corrective action is **overdue** when not done and due before the as-of date
  (:func:`audits.models.corrective_action_overdue`);
- a milestone's **status as of a date** (:func:`status_as_of`): done only when its completion
  date is on or before that date; otherwise its status in the latest history record by the end
  of that day, or, with no record by then, from its dates. As of today (or later) it is simply
  its current status;
- a commune is **silent** (:func:`is_silent`) when none of its milestones changed in the last
  N days;
- **scope coverage**: procedures in the commune's QMS scope (issued or applied) over the
  procedures of the catalogue in force.
"""

import datetime
import hashlib
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connections, models
from django.db.models import Case, Count, F, Max, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.expressions import Window
from django.utils import timezone
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _

from audits.models import Announcement, Audit, CorrectiveAction, CorrectiveActionQuerySet, Finding
from communes.models import Commune, Province
from core.numbers import percent
from procedures.models import ScopeItem
from qms_rollout import clock
from roadmap.models import (
    Milestone,
    MilestoneQuerySet,
    Participation,
    ParticipationKind,
    RoadmapStep,
    milestone_done_late,
    milestone_overdue,
)

DONE = Milestone.Status.DONE
NOT_APPLICABLE = Milestone.Status.NOT_APPLICABLE


class Stage(models.TextChoices):
    """Where a participation stands (see the module's definitions), in order."""

    PLANNED = "planned", _("Planned")
    BUILDING = "building", _("Building")
    ANNOUNCED = "announced", _("Announced")
    REANNOUNCED = "reannounced", _("Re-announced")

    @classproperty
    def ORDER(cls) -> list[str]:
        """The stages in order: ``Stage.values``, for the callers written before TextChoices."""
        return cls.values


def stage_labels() -> dict[str, str]:
    """Each stage's label in the active language, in order."""
    return {stage.value: str(stage.label) for stage in Stage}


class Outcome(models.TextChoices):
    """What became of a milestone as of a date: a cell of the grid, a line of the counts."""

    ON_TIME = "on_time", _("done on time")
    LATE = "late", _("done late")
    OVERDUE = "overdue", _("overdue")
    IN_PROGRESS = "in_progress", _("in progress")
    BLOCKED = "blocked", _("blocked")
    NOT_APPLICABLE = "not_applicable", _("not applicable")
    NOT_STARTED = "not_started", _("not started, not yet due")


def milestone_outcome(
    status: str,
    due_date: datetime.date,
    completed_on: datetime.date | None,
    as_of: datetime.date,
) -> Outcome:
    """The outcome of a milestone as of ``as_of``: overdue and done late by the one definition
    of each (:mod:`roadmap.models`), else its status."""
    if status == DONE:
        late = milestone_done_late(status, due_date, completed_on)
        return Outcome.LATE if late else Outcome.ON_TIME
    if status == NOT_APPLICABLE:
        return Outcome.NOT_APPLICABLE
    if milestone_overdue(status, due_date, as_of):
        return Outcome.OVERDUE
    if status == Milestone.Status.IN_PROGRESS:
        return Outcome.IN_PROGRESS
    if status == Milestone.Status.BLOCKED:
        return Outcome.BLOCKED
    return Outcome.NOT_STARTED


def status_as_of(m: dict, as_of: datetime.date) -> tuple[str, datetime.date | None]:
    """A milestone's status and completion date as of ``as_of`` (a past day), from its current
    ``status``/``completed_on``, its history record by then (``past_status``,
    ``past_completed_on``, None without one) and its ``planned_start``.

    Done counts only when completed on or before ``as_of`` (a completion back-dated after the day
    counts; one dated after it does not). Otherwise the recorded status of that day; with no
    record by then, not started before the planned start, in progress after it (a step not
    started today was not started then; one not applicable stays so)."""
    status, completed = m["status"], m["completed_on"]
    if status == DONE and completed is not None and completed <= as_of:
        return DONE, completed
    past = m["past_status"]
    if past is not None:
        past_completed = m["past_completed_on"]
        if past == DONE:
            if past_completed is not None and past_completed <= as_of:
                return DONE, past_completed
            return Milestone.Status.IN_PROGRESS, None
        return past, None
    if status in (Milestone.Status.NOT_STARTED, NOT_APPLICABLE):
        return status, None
    if m["planned_start"] > as_of:
        return Milestone.Status.NOT_STARTED, None
    return Milestone.Status.IN_PROGRESS, None


def is_silent(last_change: datetime.date, as_of: datetime.date, days: int) -> bool:
    """Silent: the last change of a commune's milestones (or, never changed, the start of its
    participation) is more than ``days`` days before ``as_of``."""
    return last_change < as_of - datetime.timedelta(days=days)


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

    def add(self, status: str, outcome: Outcome) -> None:
        """Count one milestone. An overdue step also counts under its status (in progress,
        blocked or not started)."""
        self.total += 1
        if outcome == Outcome.ON_TIME:
            self.done_on_time += 1
        elif outcome == Outcome.LATE:
            self.done_late += 1
        elif outcome == Outcome.NOT_APPLICABLE:
            self.not_applicable += 1
        else:
            if outcome == Outcome.OVERDUE:
                self.overdue += 1
            if status == Milestone.Status.IN_PROGRESS:
                self.in_progress += 1
            elif status == Milestone.Status.BLOCKED:
                self.blocked += 1
            else:
                self.not_started += 1

    def merge(self, other: "MilestoneCounts") -> None:
        """Add ``other``'s counts to these (field by field: tens of thousands of calls)."""
        self.total += other.total
        self.done_on_time += other.done_on_time
        self.done_late += other.done_late
        self.overdue += other.overdue
        self.in_progress += other.in_progress
        self.blocked += other.blocked
        self.not_started += other.not_started
        self.not_applicable += other.not_applicable


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
    sort_key: str = ""  # Vietnamese order of the name, then the code (Commune.sort_key)
    province_code: str = ""
    province_name: str = ""
    start_date: datetime.date | None = None
    stage: str = Stage.PLANNED
    progress: float = 0.0
    planned_progress: float = 0.0
    last_change: datetime.datetime | None = None
    silent: bool = False
    counts: MilestoneCounts = field(default_factory=MilestoneCounts)
    # step order -> {"order", "name", "status", "outcome", "overdue", "late", "planned_start",
    # "due_date", "completed_on"}
    cells: dict = field(default_factory=dict)
    budget_allocated: int = 0
    budget_spent: int = 0
    # Whether ``cells`` is filled (:func:`load_cells`); the due date of the first overdue step.
    has_cells: bool = False
    first_overdue: datetime.date | None = None

    @property
    def kind_label(self) -> str:
        return ParticipationKind(self.kind).label


@dataclass
class DistrictRow:
    """The communes of one district (or of one province, :attr:`Figures.provinces`) added up."""

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
    provinces: list[DistrictRow]
    # kind of participation -> the steps on its communes' roadmaps ({"order", "name", "key"}), in
    # order
    steps_by_kind: dict[str, list[dict]]
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
    def has_districts(self) -> bool:
        """Whether a unit of the scope belongs to a district (none has since 1/7/2025): the
        district column, filter and table appear only then."""
        return any(c.district_code for c in self.communes)

    @property
    def silent(self) -> list[CommuneRow]:
        return [c for c in self.communes if c.silent]

    def with_cells(self, rows=None) -> list[CommuneRow]:
        """``rows`` (default: every commune), their grid cells loaded (:func:`load_cells`)."""
        rows = self.communes if rows is None else list(rows)
        load_cells(rows, self.as_of)
        return rows

    @property
    def coverage_pct(self) -> float:
        """Mean scope coverage: procedures covered over procedures in force, per commune."""
        return percent(self.scope_covered, self.procedures_in_force * self.total)


def participations_in_scope(user, *, programme=None, province=None, district=None, commune=None):
    """The participations ``user`` may see, narrowed to a programme, a province, a district or a
    commune."""
    qs = Participation.objects.visible_to(user)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if province is not None:
        qs = qs.filter(commune__province=province)
    if district is not None:
        qs = qs.filter(commune__district=district)
    if commune is not None:
        qs = qs.filter(commune=commune)
    return qs


# compute(), step by step -----------------------------------------------------------------------
# A scope's milestones are seen two ways, by the same rules: added up in SQL by participation
# (the counts, progress, stage and curve of any number of communes: :func:`_milestone_sums`,
# :func:`_curve`), and one by one in Python for the grid's cells (a page of the grid, a commune,
# a report that lists them: :func:`load_cells`). reports/tests/test_metrics_sql.py checks that
# the two agree, today and as of past days.

# At most this many communes get their cells with the figures; a larger scope loads those of the
# rows it shows (:meth:`Figures.with_cells`): the dashboard's page of the grid.
CELLS_MAX = getattr(settings, "QMS_REPORT_SUMMARY_MIN_COMMUNES", 500)


def _commune_rows(participations) -> dict[int, CommuneRow]:
    """One row per participation (one query), by participation id, in province, district and
    Vietnamese name order (the grid's)."""
    parts = participations.values(
        "id",
        "kind",
        "commune_id",
        "commune__code",
        "commune__name",
        "commune__sort_key",
        "commune__district__code",
        "commune__district__name",
        "commune__province__code",
        "commune__province__name",
        "budget_allocated",
        "budget_spent",
        "start_date",
    ).order_by("commune__province__code", "commune__district__code", "commune__sort_key")
    return {
        p["id"]: CommuneRow(
            participation_id=p["id"],
            commune_id=p["commune_id"],
            code=p["commune__code"],
            name=p["commune__name"],
            sort_key=p["commune__sort_key"],
            district_code=p["commune__district__code"] or "",
            district_name=p["commune__district__name"] or "",
            province_code=p["commune__province__code"],
            province_name=p["commune__province__name"],
            kind=p["kind"],
            start_date=p["start_date"],
            budget_allocated=int(p["budget_allocated"] or 0),
            budget_spent=int(p["budget_spent"] or 0),
        )
        for p in parts
    }


def _cell(m: dict, outcome: Outcome) -> dict:
    """A milestone as the grid and the annex show it."""
    return {
        "order": m["step__order"],
        "name": m["step__name"],
        "status": m["status"],
        "outcome": outcome,
        "overdue": outcome == Outcome.OVERDUE,
        "late": outcome == Outcome.LATE,
        "planned_start": m["planned_start"],
        "due_date": m["due_date"],
        "completed_on": m["completed_on"],
    }


_MILESTONE_FIELDS = (
    "participation_id",
    "status",
    "planned_start",
    "due_date",
    "completed_on",
    "step__order",
    "step__name",
)


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in the local time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def _past_records(as_of: datetime.date) -> dict:
    """What a milestone's history says at the end of ``as_of``, as subqueries on the milestone."""
    records = Milestone.history.filter(id=OuterRef("pk"), history_date__lt=_end_of(as_of))
    latest = records.order_by("-history_date", "-history_id")
    return {
        "past_status": Subquery(latest.values("status")[:1]),
        "past_completed_on": Subquery(latest.values("completed_on")[:1]),
        "past_change": Subquery(latest.filter(history_type="~").values("history_date")[:1]),
    }


def milestones_as_of(milestones, as_of: datetime.date):
    """``milestones`` (a queryset) annotated with what their history says at the end of
    ``as_of``: ``past_status``, ``past_completed_on`` (the latest record by then, None without
    one) and ``past_change`` (the date of the latest change by then). Subqueries: still one
    query, whatever the number of milestones."""
    return milestones.annotate(**_past_records(as_of))


def _as_of_values(m: dict, as_of: datetime.date) -> dict:
    """Milestone row ``m`` (with the annotations of :func:`milestones_as_of`) as it stood on
    ``as_of``: status, completion date and last change of that day."""
    status, completed = status_as_of(m, as_of)
    change = m["past_change"]
    return {**m, "status": status, "completed_on": completed, "last_change": change}


def load_cells(rows: list[CommuneRow], as_of: datetime.date, participation_ids=None) -> None:
    """Fill the grid cells of ``rows`` that have none yet (one query): each milestone with its
    outcome as of ``as_of`` (:func:`status_as_of`, :func:`milestone_outcome`).

    ``participation_ids``: a subquery of the rows' participations, in place of their ids."""
    todo = {row.participation_id: row for row in rows if not row.has_cells}
    if not todo:
        return
    ids = list(todo) if participation_ids is None else participation_ids
    milestones = Milestone.objects.filter(participation_id__in=ids).order_by()
    fields = _MILESTONE_FIELDS
    past = as_of < clock.today()
    if past:
        milestones = milestones_as_of(milestones, as_of)
        fields += ("past_status", "past_completed_on", "past_change")
    for m in milestones.values(*fields):
        row = todo.get(m["participation_id"])
        if row is None:
            continue
        if past:
            m = _as_of_values(m, as_of)
        outcome = milestone_outcome(m["status"], m["due_date"], m["completed_on"], as_of)
        row.cells[m["step__order"]] = _cell(m, outcome)
    for row in todo.values():
        row.has_cells = True


def _effective(milestones, as_of: datetime.date):
    """``milestones`` with aliases ``eff_status``, ``eff_completed`` and ``eff_change``: their
    status, completion date and last change as of ``as_of``, :func:`status_as_of` in SQL."""
    if as_of >= clock.today():
        return milestones.alias(
            eff_status=F("status"),
            eff_completed=F("completed_on"),
            eff_change=Case(When(version__gt=1, then=F("updated_at")), default=None),
        )
    done_by = Q(completed_on__isnull=False, completed_on__lte=as_of)
    past_done_by = Q(past_completed_on__isnull=False, past_completed_on__lte=as_of)
    status = Case(
        When(Q(status=DONE) & done_by, then=Value(DONE)),
        When(Q(past_status=DONE) & past_done_by, then=Value(DONE)),
        When(past_status=DONE, then=Value(Milestone.Status.IN_PROGRESS)),
        When(past_status__isnull=False, then=F("past_status")),
        When(status__in=[Milestone.Status.NOT_STARTED, NOT_APPLICABLE], then=F("status")),
        When(planned_start__gt=as_of, then=Value(Milestone.Status.NOT_STARTED)),
        default=Value(Milestone.Status.IN_PROGRESS),
        output_field=models.CharField(),
    )
    completed = Case(
        When(Q(status=DONE) & done_by, then=F("completed_on")),
        When(Q(past_status=DONE) & past_done_by, then=F("past_completed_on")),
        default=None,
        output_field=models.DateField(),
    )
    return milestones.alias(**_past_records(as_of)).alias(
        eff_status=status, eff_completed=completed, eff_change=F("past_change")
    )


def _milestone_sums(milestones, as_of: datetime.date):
    """Per participation (one query): the counts of :class:`MilestoneCounts`, the weights
    (all, done or not applicable, due by ``as_of``), the announcement done, the last change,
    the first planned start, the last due date and the first overdue due date."""
    done = Q(eff_status=DONE)
    overdue = Q(eff_status__in=MilestoneQuerySet.OPEN, due_date__lt=as_of)
    return (
        milestones.values("participation_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=done),
            late=Count("pk", filter=done & Q(eff_completed__gt=F("due_date"))),
            not_applicable=Count("pk", filter=Q(eff_status=NOT_APPLICABLE)),
            overdue=Count("pk", filter=overdue),
            in_progress=Count("pk", filter=Q(eff_status=Milestone.Status.IN_PROGRESS)),
            blocked=Count("pk", filter=Q(eff_status=Milestone.Status.BLOCKED)),
            announced=Count("pk", filter=done & Q(step__key=RoadmapStep.ANNOUNCEMENT)),
            weight=Sum("step__weight"),
            done_weight=Sum("step__weight", filter=Q(eff_status__in=[DONE, NOT_APPLICABLE])),
            planned_weight=Sum("step__weight", filter=Q(due_date__lte=as_of)),
            last_change=Max("eff_change"),
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
    row.progress = percent(s["done_weight"] or 0, s["weight"] or 0)
    row.planned_progress = percent(s["planned_weight"] or 0, s["weight"] or 0)
    if s["announced"]:
        new = row.kind == ParticipationKind.NEW_BUILD
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


def _day(value) -> datetime.date:
    """A date from raw SQL: a date (PostgreSQL) or its ISO text (SQLite)."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value[:10])


def _shares_by_day(milestones) -> tuple[dict, dict]:
    """Each milestone's share of its roadmap (its weight over its roadmap's), added up by due
    date (planned) and by the day it was done or set not applicable (actual): one query."""
    done_day = Case(
        When(eff_status=DONE, then=F("eff_completed")),
        When(eff_status=NOT_APPLICABLE, then=F("planned_start")),
        default=None,
        output_field=models.DateField(),
    )
    inner = milestones.annotate(
        c_due=F("due_date"),
        c_done=done_day,
        c_weight=F("step__weight"),
        c_total=Window(Sum("step__weight"), partition_by=[F("participation_id")]),
    ).values("c_due", "c_done", "c_weight", "c_total")
    sql, params = inner.order_by().query.sql_with_params()
    share = "SUM(c_weight * 1.0 / c_total)"
    # The inner query is the ORM's, its values passed as parameters; read twice, so PostgreSQL
    # computes it once (a CTE referenced twice is materialised).
    query = (
        f"WITH shares AS ({sql}) "  # noqa: S608
        f"SELECT 0, c_due, {share} FROM shares WHERE c_total > 0 GROUP BY c_due "
        f"UNION ALL SELECT 1, c_done, {share} FROM shares "
        "WHERE c_total > 0 AND c_done IS NOT NULL GROUP BY c_done"
    )
    sums: tuple[dict, dict] = ({}, {})
    with connections[milestones.db].cursor() as cursor:
        cursor.execute(query, params)
        for which, day, total in cursor.fetchall():
            sums[which][_day(day)] = float(total)
    return sums


def _accumulated(shares: dict, points: list) -> list[float]:
    """The running total of ``shares`` (by day) at each of ``points`` (in order)."""
    days, total, i, out = sorted(shares), 0.0, 0, []
    for point in points:
        while i < len(days) and days[i] <= point:
            total += shares[days[i]]
            i += 1
        out.append(total)
    return out


def _curve(milestones, communes: int, span: tuple, as_of: datetime.date) -> list:
    """The planned-vs-actual curve: the mean over the communes of the share of their roadmap's
    weight due (planned) and done or not applicable (actual) by each week, in %. ``span``: the
    first planned start and the last due date of the scope."""
    first, last = span
    if not (first and communes):
        return []
    points = _curve_points(first, max(last, first), as_of)
    planned, actual = _shares_by_day(milestones)
    curve = []
    for day, plan, done in zip(
        points, _accumulated(planned, points), _accumulated(actual, points), strict=True
    ):
        done_pct = round(100.0 * done / communes, 1) if day <= as_of else None
        curve.append((day, round(100.0 * plan / communes, 1), done_pct))
    return curve


def _finish_rows(rows: dict[int, CommuneRow], as_of: datetime.date) -> None:
    """Silence of each row, once its milestones are in."""
    for row in rows.values():
        # Silent: nobody changed a milestone for N days (or ever, once the work should have begun).
        last = row.last_change.date() if row.last_change else row.start_date
        row.silent = is_silent(last, as_of, settings.QMS_SILENT_DAYS)


@dataclass
class _Roadmaps:
    """What the milestones of a scope add up to (:func:`_tally_milestones`)."""

    counts: MilestoneCounts
    steps_by_kind: dict
    curve: list


def _scope_milestones(participations, as_of):
    """The milestones of ``participations``, with their status as of ``as_of`` (:func:`_effective`)."""
    milestones = Milestone.objects.filter(participation_id__in=participations.values("pk"))
    return _effective(milestones.order_by(), as_of)


def _add_sums(rows: dict[int, CommuneRow], milestones, as_of) -> tuple:
    """:func:`_milestone_sums` taken into ``rows`` (one query): the scope's counts, its first
    planned start and last due date."""
    counts, first, last = MilestoneCounts(), None, None
    for s in _milestone_sums(milestones, as_of):
        row = rows.get(s["participation_id"])
        if row is None:
            continue
        _take_sums(row, s)
        counts.merge(row.counts)
        first = min(first or s["first_day"], s["first_day"])
        last = max(last or s["last_day"], s["last_day"])
    _finish_rows(rows, as_of)
    return counts, first, last


def _tally_milestones(
    rows: dict[int, CommuneRow], participations, as_of, *, curve: bool = True
) -> _Roadmaps:
    """The milestones of ``participations`` added up in SQL into their ``rows`` and the scope's
    counts, steps and curve (three queries, two without the curve)."""
    milestones = _scope_milestones(participations, as_of)
    counts, first, last = _add_sums(rows, milestones, as_of)
    return _Roadmaps(
        counts=counts,
        steps_by_kind=_steps_by_kind(milestones),
        curve=_curve(milestones, len(rows), (first, last), as_of) if curve else [],
    )


def commune_rows(participations, *, as_of: datetime.date | None = None) -> list[CommuneRow]:
    """The rows of :func:`compute` alone (stage, progress, counts of each commune; no cells), for
    a list of communes: two queries."""
    as_of = as_of or clock.today()
    participations = participations.filter(commune__in=Commune.objects.current(as_of))
    rows = _commune_rows(participations)
    _add_sums(rows, _scope_milestones(participations, as_of), as_of)
    return list(rows.values())


# The communes' rows grouped by a level: the attributes of CommuneRow that name the group.
LEVELS = {
    "district": ("district_code", "district_name"),
    "province": ("province_code", "province_name"),
}


def _group_rows(rows: dict[int, CommuneRow], level: str = "district") -> dict[str, DistrictRow]:
    """The communes' rows added up by district or province (``level``), by its code."""
    code_of, name_of = LEVELS[level]
    districts: dict[str, DistrictRow] = {}
    for row in rows.values():
        code = getattr(row, code_of)
        d = districts.get(code)
        if d is None:
            d = districts[code] = DistrictRow(code=code, name=getattr(row, name_of))
        d.communes += 1
        d.stages[row.stage] += 1
        d.counts.merge(row.counts)
        d.progress += row.progress
        d.budget_allocated += row.budget_allocated
        d.budget_spent += row.budget_spent
    for d in districts.values():
        d.progress = round(d.progress / d.communes, 1) if d.communes else 0.0
    return districts


def _add_to_groups(groups: dict, row: dict, prefix: str, name: str, value: int) -> None:
    """Add ``value`` to ``name`` of the district and the province of ``row`` (a grouped row)."""
    for level, key in (("district", "district__code"), ("province", "province__code")):
        code = row[f"{prefix}__{key}"] or ""
        if code in groups[level]:
            setattr(groups[level][code], name, getattr(groups[level][code], name) + value)


def _finding_figures(commune_ids, groups: dict, as_of) -> dict:
    """Findings open and closed on ``as_of`` (one query); open ones added to their districts and
    provinces (``groups``: level -> code -> row).

    A finding counts from its audit's date; it is closed from its ``closed_on``."""
    closed_then = Q(status=Finding.Status.CLOSED) & (
        Q(closed_on__isnull=True) | Q(closed_on__lte=as_of)
    )
    finding_rows = (
        Finding.objects.filter(audit__commune_id__in=commune_ids, audit__date__lte=as_of)
        .values("audit__commune__district__code", "audit__commune__province__code")
        .annotate(open=Count("pk", filter=~closed_then), closed=Count("pk", filter=closed_then))
    )
    figures = {"findings_open": 0, "findings_closed": 0}
    for f in finding_rows:
        figures["findings_open"] += f["open"]
        figures["findings_closed"] += f["closed"]
        _add_to_groups(groups, f, "audit__commune", "open_findings", f["open"])
    return figures


def _action_figures(commune_ids, groups: dict, as_of) -> dict:
    """Corrective actions open and overdue (one query); overdue ones added to their districts
    and provinces."""
    action_rows = (
        CorrectiveAction.objects.filter(
            finding__audit__commune_id__in=commune_ids, finding__audit__date__lte=as_of
        )
        .values(
            "finding__audit__commune__district__code", "finding__audit__commune__province__code"
        )
        .annotate(
            open=Count("pk", filter=Q(done_on__isnull=True) | Q(done_on__gt=as_of)),
            overdue=Count("pk", filter=CorrectiveActionQuerySet.overdue_q(as_of)),
        )
    )
    figures = {"actions_open": 0, "actions_overdue": 0}
    for a in action_rows:
        figures["actions_open"] += a["open"]
        figures["actions_overdue"] += a["overdue"]
        _add_to_groups(groups, a, "finding__audit__commune", "overdue_actions", a["overdue"])
    return figures


def _audit_figures(commune_ids, as_of) -> dict:
    """Audits by kind, communes inspected by the DOST, announcements by kind (three queries)."""
    held = Audit.objects.filter(commune_id__in=commune_ids, date__lte=as_of)
    inspections = [Audit.Kind.INSPECTION_ONSITE, Audit.Kind.INSPECTION_RECORDS]
    announcements = Announcement.objects.filter(
        commune_id__in=commune_ids, decision_date__lte=as_of
    )
    return {
        "audits_by_kind": Counter(dict(held.values_list("kind").annotate(n=Count("pk")))),
        "communes_inspected": held.filter(kind__in=inspections)
        .values("commune_id")
        .distinct()
        .count(),
        "announcements_by_kind": Counter(
            dict(announcements.values_list("kind").annotate(n=Count("pk")))
        ),
    }


def _scope_figures(commune_ids, as_of) -> dict:
    """Procedures in force, covered by the communes' QMS, needing revision (two queries)."""
    return ScopeItem.objects.figures(commune_ids, as_of)


def compute(
    participations, *, as_of: datetime.date | None = None, cells=None, curve: bool = True
) -> Figures:
    """All the figures of ``participations`` (a queryset) as of ``as_of`` (default: today).

    A fixed number of queries whatever the number of communes, the milestones added up in SQL:
    participations, milestones by participation, steps, the curve (two), findings, corrective
    actions, audits by kind, communes inspected, announcements, scope, procedures in force; and
    the grid's cells (one more) when ``cells`` is true, or by default for at most
    :data:`CELLS_MAX` communes (a larger scope loads those it shows: :meth:`Figures.with_cells`).
    Lists of communes leave out the ``curve`` (one query less) and the cells.
    """
    as_of = as_of or clock.today()
    # The picture of a day holds the units in force that day: not those that began later (the
    # 2025 units in the 2017 picture), nor those that had ended.
    participations = participations.filter(commune__in=Commune.objects.current(as_of))
    rows = _commune_rows(participations)
    tally = _tally_milestones(rows, participations, as_of, curve=curve)
    if cells or (cells is None and len(rows) <= CELLS_MAX):
        load_cells(list(rows.values()), as_of, participations.values("pk"))
    groups = {level: _group_rows(rows, level) for level in LEVELS}
    commune_ids = participations.values("commune_id")
    communes = list(rows.values())
    return Figures(
        as_of=as_of,
        communes=communes,
        districts=sorted(groups["district"].values(), key=lambda d: d.code),
        provinces=sorted(groups["province"].values(), key=lambda d: d.code),
        steps_by_kind=tally.steps_by_kind,
        counts=tally.counts,
        by_kind=Counter(c.kind for c in communes),
        by_stage=Counter(c.stage for c in communes),
        **_finding_figures(commune_ids, groups, as_of),
        **_action_figures(commune_ids, groups, as_of),
        **_audit_figures(commune_ids, as_of),
        **_scope_figures(commune_ids, as_of),
        budget_allocated=sum(c.budget_allocated for c in communes),
        budget_spent=sum(c.budget_spent for c in communes),
        curve=tally.curve,
        silent_days=settings.QMS_SILENT_DAYS,
    )


FIGURES_CACHE_SECONDS = 24 * 3600
# The figures this process computed or read last, by key: a hit costs nothing, where reading 10,000
# communes' figures from the shared cache costs their unpickling. The key holds the data
# generation, read from the shared cache on every call: a change seen by any process replaces it.
_RECENT: "OrderedDict[str, Figures]" = OrderedDict()
_RECENT_MAX = 8


def _cached(kind: str, participations, parts: tuple, build, topics: tuple = ()):
    """What ``build()`` returns for ``participations`` and ``parts``, kept for the current data
    generation of ``topics`` (default: all; :mod:`reports.generation`) in the shared cache and
    in this process."""
    from reports.generation import data_generation

    generation = data_generation(*topics)  # before the data: see reports.generation
    sql, params = participations.query.sql_with_params()
    digest = hashlib.sha256(f"{sql}|{params!r}|{parts!r}".encode()).hexdigest()
    key = f"{kind}:{generation}:{digest}"
    value = _RECENT.get(key)
    if value is None:
        value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, FIGURES_CACHE_SECONDS)
    _RECENT[key] = value
    _RECENT.move_to_end(key)
    while len(_RECENT) > _RECENT_MAX:
        _RECENT.popitem(last=False)
    return value


def compute_cached(participations, *, as_of: datetime.date | None = None) -> Figures:
    """:func:`compute`, kept for the current data generation (:mod:`reports.generation`) in the
    shared cache and in this process: the key is the participations' SQL and the date, so users
    who see the same rows share it, and any change to the data makes it unreachable. What the
    pages show of a large scope (10,000 communes) then costs a cache read, not a computation."""
    as_of = as_of or clock.today()
    return _cached(
        "figures", participations, (as_of,), lambda: compute(participations, as_of=as_of)
    )


def year_figures_cached(participations, year: int, *, today: datetime.date | None = None):
    """:func:`year_figures`, kept as :func:`compute_cached` keeps the figures; they do not read
    the milestones, so a milestone's update leaves them cached."""
    from reports.generation import OTHER

    today = today or clock.today()
    return _cached(
        "year",
        participations,
        (year, today),
        lambda: year_figures(participations, year, today=today),
        topics=(OTHER,),
    )


# Figures by province (a national deployment) ----------------------------------------------------


def province_rows(figures: Figures) -> list[DistrictRow]:
    """Every province in force on ``figures.as_of`` with its row of ``figures`` (an empty row when
    none of its communes takes part), in code order: 63 in 2017, 34 after 1/7/2025 (one query)."""
    rows = {row.code: row for row in figures.provinces}
    for code, name in Province.objects.current(figures.as_of).values_list("code", "name"):
        rows.setdefault(code, DistrictRow(code=code, name=name))
    return sorted(rows.values(), key=lambda row: row.code)


def year_tables_by_province(participations, year: int, *, today=None) -> dict:
    """The annual report's table of ``year`` for each province whose units take part in
    ``participations``, side by side: ``{"labels": [...], "rows": [(province, [values])]}``.

    The labels and values are :func:`year_table`'s, so a province's row is its own annual
    report's table. One :func:`year_figures` per province that takes part (a national
    deployment: at most 63)."""
    on = year_as_of(year, today)
    provinces = (
        Province.objects.current(on).filter(communes__participations__in=participations).distinct()
    )
    labels, rows = [], []
    for province in provinces.order_by("code"):
        mine = participations.filter(commune__province=province)
        table = year_table(year_figures(mine, year, today=today))
        labels = [label for label, _value in table]
        rows.append((province, [value for _label, value in table]))
    return {"labels": labels, "rows": rows}


# Lists behind the figures ----------------------------------------------------------------------


def overdue_milestones(participations, *, as_of: datetime.date | None = None):
    """The overdue milestones of ``participations``, most days late first, with what lists show."""
    as_of = as_of or clock.today()
    milestones = Milestone.objects.filter(participation__in=participations)
    if as_of < clock.today():
        # As of a past day: not done by then (:func:`status_as_of`), not applicable, due before.
        milestones = (
            milestones.filter(due_date__lt=as_of)
            .exclude(status=NOT_APPLICABLE)
            .exclude(status=DONE, completed_on__lte=as_of)
        )
    else:
        milestones = milestones.overdue(as_of)
    return milestones.with_list_related().order_by("due_date", "participation__commune__name")


def recent_changes(participations, *, limit: int = 20, as_of: datetime.date | None = None):
    """The latest milestone changes (history rows, creations left out) in ``participations``,
    made by the end of ``as_of`` when it is a past day."""
    rows = Milestone.history.filter(
        participation_id__in=participations.values("pk"), history_type="~"
    )
    if as_of is not None and as_of < clock.today():
        rows = rows.filter(history_date__lt=_end_of(as_of))
    return rows.select_related("history_user", "step", "participation__commune").order_by(
        "-history_date"
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
    """:func:`recent_changes` with the row before each change (two queries)."""
    rows = list(recent_changes(participations, limit=limit, as_of=as_of))
    if not rows:
        return []
    latest = max(h.history_date for h in rows)
    earlier = (
        Milestone.history.filter(id__in={h.id for h in rows})
        .filter(Q(history_date__lte=latest) | Q(history_type="+"))
        .only("history_id", "id", "history_date", "history_type", "status", "completed_on", "note")
    )
    return changes_with_previous(rows, earlier=earlier)


# The yearly cycle (issue 10) -----------------------------------------------------------------
# Maintenance duties per commune and year, and the year's figures (the annual report's table and
# the dashboard's year section). Computed in reports/compliance.py, re-exported here: every
# figure is asked of this module.

from reports.compliance import (  # noqa: E402, F401
    CommuneCompliance,
    YearCompliance,
    YearFigures,
    commune_compliance,
    duty_labels,
    picked_year,
    status_labels,
    year_as_of,
    year_compliance,
    year_figures,
    year_table,
    years_available,
)
