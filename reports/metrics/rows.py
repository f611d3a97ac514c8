"""The rows of the figures (a commune, a district or province added up, the whole scope) and the
grid's cells: each milestone as it stood on a date, loaded for the rows shown.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings

from communes.models import BEFORE_RECORDS, unit_path
from core.numbers import percent
from core.rows import KEPT_HTML
from reports.metrics.definitions import (
    MilestoneCounts,
    Outcome,
    Stage,
    milestone_outcome,
)
from roadmap.models import (
    Milestone,
    ParticipationKind,
)

# Where pages keep the HTML they wrote of a row (core.rows), by purpose (reports.dashboard: the
# grid's row, the district list's row, the silent communes' row).


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
    progress: float = 0.0  # in %, rounded to one decimal (what a row shows)
    planned_progress: float = 0.0
    # The same unrounded: means over several communes add these, then round once, so the card,
    # the chart and the district rows show the same figure (56,2 %, not 56,3 % beside 56,2 %).
    progress_exact: float = 0.0
    planned_exact: float = 0.0
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
    # The first days of the commune and of its district (None: before the records): with the
    # codes, what names each unit in time (codes are reused).
    valid_from: datetime.date | None = None
    district_valid_from: datetime.date | None = None

    @property
    def kind_label(self) -> str:
        return ParticipationKind(self.kind).label

    @property
    def stage_label(self) -> str:
        """The stage in words, in the active language."""
        return str(Stage(self.stage).label)

    def __getstate__(self) -> dict:
        """What is pickled (the shared cache): the row without the HTML a page kept of it."""
        state = self.__dict__
        if KEPT_HTML in state:
            state = {k: v for k, v in state.items() if k != KEPT_HTML}
        return state

    @property
    def since_key(self) -> str:
        """The commune's period key (:attr:`communes.models.AdministrativeUnit.since_key`)."""
        return self.valid_from.isoformat() if self.valid_from else BEFORE_RECORDS

    @property
    def url(self) -> str:
        """The page of this very commune (:func:`communes.models.unit_path`: a grid prints
        hundreds)."""
        return unit_path("reports:commune_detail", self.code, self.since_key)

    @property
    def district_url(self) -> str:
        """The page of its district ("" without one)."""
        if not self.district_code:
            return ""
        since = self.district_valid_from.isoformat() if self.district_valid_from else BEFORE_RECORDS
        return unit_path("reports:district_detail", self.district_code, since)


@dataclass
class DistrictRow:
    """The communes of one district (or of one province, :attr:`Figures.provinces`) added up."""

    code: str
    name: str
    url: str = ""  # the district's page (a province of a national deployment has none)
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
        if not self.total:
            return 0.0
        return round(sum(c.progress_exact for c in self.communes) / self.total, 1)

    @property
    def planned_progress(self) -> float:
        if not self.total:
            return 0.0
        return round(sum(c.planned_exact for c in self.communes) / self.total, 1)

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


# compute(), step by step -----------------------------------------------------------------------
# A scope's milestones are seen two ways, by the same rules: added up in SQL by participation
# (the counts, progress, stage and curve of any number of communes: :func:`_milestone_sums`,
# :func:`_curve`), and one by one in Python for the grid's cells (a page of the grid, a commune,
# a report that lists them: :func:`load_cells`). reports/tests/test_metrics_sql.py checks that
# the two agree, today and as of past days.

# At most this many communes get their cells with the figures; a larger scope loads those of the
# rows it shows (:meth:`Figures.with_cells`): the dashboard's page of the grid.
CELLS_MAX = getattr(settings, "QMS_REPORT_SUMMARY_MIN_COMMUNES", 500)


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


def load_cells(
    rows: list[CommuneRow], as_of: datetime.date, participation_ids=None, *, steps=None
) -> None:
    """Fill the grid cells of ``rows`` that have none yet (one query): each milestone with its
    status of ``as_of`` (the one rule, ``MilestoneQuerySet.with_status_on``) and its outcome
    (:func:`milestone_outcome`).

    ``participation_ids``: a subquery of the rows' participations, in place of their ids.
    ``steps``: a dict that collects, by (kind, step order), the earliest milestone's
    ``(pk, name, key)`` (the grid's header, :func:`reports.metrics.sums.steps_from_cells`)."""
    todo = {row.participation_id: row for row in rows if not row.has_cells}
    if not todo:
        return
    ids = list(todo) if participation_ids is None else participation_ids
    milestones = Milestone.objects.filter(participation_id__in=ids).order_by()
    fields = (*_MILESTONE_FIELDS, "status_then", "completed_then", "pk", "step__key")
    for m in milestones.with_status_on(as_of).values(*fields):
        row = todo.get(m["participation_id"])
        if row is None:
            continue
        if steps is not None:
            step = (m["pk"], m["step__name"], m["step__key"])
            steps[(row.kind, m["step__order"])] = min(
                step, steps.get((row.kind, m["step__order"]), step)
            )
        m = {**m, "status": m["status_then"], "completed_on": m["completed_then"]}
        outcome = milestone_outcome(m["status"], m["due_date"], m["completed_on"], as_of)
        row.cells[m["step__order"]] = _cell(m, outcome)
    for row in todo.values():
        row.has_cells = True
