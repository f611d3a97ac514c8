"""The commune × step grid, built once from the figures: the dashboard and the district page show
it as HTML cells (:mod:`reports.dashboard`), the printed report as lines of letters
(:mod:`reports.documents.textlayout`).

One table per kind of participation (new builds, extensions and conversions follow different
roadmaps): its columns are the steps on the roadmaps of that kind, its rows the communes in
district order, then in Vietnamese alphabetical order. A cell is the commune's milestone at that
step (:attr:`reports.metrics.CommuneRow.cells`, with its :class:`~reports.metrics.Outcome`), or
None when the step is not on the commune's roadmap.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from reports.metrics.rows import CommuneRow, Figures
from roadmap.models import ParticipationKind


@dataclass
class GridTable:
    """The grid of one kind of participation."""

    kind: str
    label: str
    steps: list[dict]  # {"order", "name", "key"}, in order
    rows: list[tuple[CommuneRow, list[dict | None]]]  # a commune and its cell for each step


def _grid_order(row: CommuneRow) -> tuple:
    return (row.province_code, row.district_code, row.sort_key)


def grid_tables(figures: Figures, communes: list[CommuneRow] | None = None) -> list[GridTable]:
    """The grid of ``figures`` (of its ``communes`` only, when given: a page), one table per kind
    that has communes with a roadmap."""
    rows_in = figures.with_cells(communes)
    tables = []
    for kind in ParticipationKind:
        steps = figures.steps_by_kind.get(kind.value)
        communes = sorted((c for c in rows_in if c.kind == kind.value), key=_grid_order)
        if not steps or not communes:
            continue
        rows = [(c, [c.cells.get(step["order"]) for step in steps]) for c in communes]
        tables.append(GridTable(kind=kind.value, label=kind.label, steps=steps, rows=rows))
    return tables


def grid_page(figures: Figures, number, per_page: int) -> Page:
    """The page ``number`` of the grid's communes (in province, district and name order, kinds
    together), ``per_page`` a page: the grid of a large scope is shown a page at a time."""
    kinds = {kind: i for i, kind in enumerate(ParticipationKind.values)}
    ordered = sorted(figures.communes, key=lambda c: (kinds[c.kind], *_grid_order(c)))
    return Paginator(ordered, per_page).get_page(number)
