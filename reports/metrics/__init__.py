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
- a milestone's **status as of a date** (``MilestoneQuerySet.with_status_on``, the one rule, in
  the model layer): done only when its completion
  date is on or before that date; otherwise its status in the latest history record by the end
  of that day, or, with no record by then, from its dates. As of today (or later) it is simply
  its current status;
- a commune is **silent** (:func:`is_silent`) when none of its milestones changed in the last
  N days;
- **scope coverage**: procedures in the commune's QMS scope (issued or applied) over the
  procedures of the catalogue in force.

A package, one module per topic: :mod:`~reports.metrics.definitions` (stage, outcome, status as
of a date, silence, counts), :mod:`~reports.metrics.rows` (the rows and the grid's cells),
:mod:`~reports.metrics.scope`, :mod:`~reports.metrics.sums` (milestones added up in SQL),
:mod:`~reports.metrics.curve`, :mod:`~reports.metrics.groups` (districts, provinces, quality
records), :mod:`~reports.metrics.compute` (:func:`compute` and its cache),
:mod:`~reports.metrics.changes` (the lists behind the figures).
The names used across the project are re-exported here (``from reports import metrics;
metrics.compute(...)``); new code may import from the topic module.
"""

from core.numbers import percent  # noqa: F401

# The yearly cycle's figures (reports/compliance.py), asked of this package like every figure.
from reports.compliance import (  # noqa: F401
    CommuneCompliance,
    YearCompliance,
    YearFigures,
    bodies_table,
    commune_compliance,
    duty_labels,
    first_programme_year,
    money_rows,
    money_table,
    picked_year,
    status_labels,
    year_as_of,
    year_compliance,
    year_figures,
    year_money,
    year_table,
    years_available,
)
from reports.metrics.changes import (  # noqa: F401
    changes_with_previous,
    overdue_milestones,
    recent_changes,
    recent_changes_with_previous,
)
from reports.metrics.compute import (  # noqa: F401
    FIGURES_CACHE_SECONDS,
    cached_on_other,
    commune_compliance_cached,
    compute,
    compute_cached,
    forget_recent,
    kept_by_revisions,
    province_rows,
    recent_changes_cached,
    records_cached,
    year_figures_cached,
    year_tables_by_province,
)
from reports.metrics.definitions import (  # noqa: F401
    DONE,
    NOT_APPLICABLE,
    MilestoneCounts,
    Outcome,
    Stage,
    is_silent,
    milestone_outcome,
    stage_labels,
)
from reports.metrics.groups import (  # noqa: F401
    LEVELS,
)
from reports.metrics.rows import (  # noqa: F401
    CELLS_MAX,
    CommuneRow,
    DistrictRow,
    Figures,
    load_cells,
)
from reports.metrics.scope import (  # noqa: F401
    participations_in_scope,
)
from reports.metrics.sums import (  # noqa: F401
    commune_rows,
)
