"""What the dashboard and the district page show: the figures, the charts and the grid as HTML
cells. Every number comes from :mod:`reports.metrics`, the grid from :mod:`reports.grid`."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from audits.models import Announcement, communes_edition_overdue
from communes.models import Commune, is_national
from core import clock
from reports import charts, metrics
from reports.grid import GridTable, grid_page, grid_tables
from roadmap.models import Milestone, ParticipationKind

GRID_SYMBOLS = {
    Milestone.Status.DONE: "✓",
    Milestone.Status.IN_PROGRESS: "◐",
    Milestone.Status.BLOCKED: "✕",
    Milestone.Status.NOT_APPLICABLE: "–",
    Milestone.Status.NOT_STARTED: "·",
}


def _html_cell(heading: str, cell: dict | None, words: dict, labels: dict) -> dict:
    """One cell as the template prints it: ``css`` (status, overdue, late), ``symbol`` (the
    status as a sign, "!" when overdue), ``text`` (the status in words, for screen readers) and
    ``title`` (the step, its status and its due date, on hover)."""
    if cell is None:
        text = str(words["absent"])
        return {"css": "cell st-none", "symbol": "", "text": text, "title": heading}
    status = cell["status"]
    text = str(labels[status])
    css = f"cell st-{status}"
    if cell["overdue"]:
        text += f", {words['overdue']}"
        css += " is-overdue"
    if cell["late"]:
        text += f", {words['late']}"
        css += " is-late"
    due = cell["due_date"].strftime("%d/%m/%Y")
    return {
        "css": css,
        "symbol": "!" if cell["overdue"] else GRID_SYMBOLS.get(status, ""),
        "text": text,
        "title": f"{heading}: {text} ({words['due']} {due})",
        "overdue": cell["overdue"],
        "late": cell["late"],
    }


class HtmlCells(list):
    """A row's cells (:func:`_html_cell`), printed by ``{{ cells }}`` as their ``<td>`` elements:
    built here in one pass, where a template loop would resolve four variables per cell (the
    grid of a page is thousands of cells)."""

    def __html__(self) -> str:
        return format_html_join(
            "",
            '<td class="{}" title="{}"><span aria-hidden="true">{}</span>'
            '<span class="visually-hidden">{}</span></td>',
            ((c["css"], c["title"], c["symbol"], c["text"]) for c in self),
        )

    def __str__(self) -> str:
        return self.__html__()


def _html_table(table: GridTable, words: dict, labels: dict) -> dict:
    headings = [f"{step['order']}. {step['name']}" for step in table.steps]
    rows = [
        (
            commune,
            HtmlCells(
                _html_cell(h, cell, words, labels) for h, cell in zip(headings, cells, strict=True)
            ),
        )
        for commune, cells in table.rows
    ]
    return {"kind": table.kind, "label": table.label, "steps": table.steps, "rows": rows}


def dashboard_grids(figures: metrics.Figures, communes=None) -> list[dict]:
    """The commune × step grid (:func:`reports.grid.grid_tables`, of ``communes`` when given)
    with HTML cells.

    Each table: ``kind``, ``label``, ``steps`` (order, name) and ``rows`` of (commune row, cells).
    A cell carries what the template prints as is (hundreds of cells: the template stays a
    few variable lookups per cell), see :func:`_html_cell`.
    """
    words = {
        "overdue": _("overdue"),
        "late": _("done late"),
        "due": _("due"),
        "absent": _("Not on the roadmap"),
    }
    labels = {status.value: status.label for status in Milestone.Status}
    return [_html_table(table, words, labels) for table in grid_tables(figures, communes)]


def _decision_rows(figures: metrics.Figures) -> dict:
    """The announcement decisions on record: their total and, when there are several kinds,
    the count of each (the communes by stage are on their own card: not repeated here)."""
    rows = [
        (kind.label, figures.announcements_by_kind[kind.value])
        for kind in Announcement.Kind
        if figures.announcements_by_kind.get(kind.value)
    ]
    return {
        "decisions_total": sum(n for _label, n in rows),
        "decision_rows": rows if len(rows) > 1 else [],
    }


def summary_context(figures: metrics.Figures, *, page=None, national: bool = False) -> dict:
    """What keeps the page the same size at 45 communes and at 10,000: the rows of the summary
    table (the provinces of a national deployment, else the districts), and the grid whole up to
    ``QMS_DASHBOARD_MAX_ROWS`` communes. Above that many the page is ``summarised``: the grid
    is shown half that many communes at a time (the grid is most of the page's bytes), the
    lists of communes are cut to their first rows."""
    max_rows = settings.QMS_DASHBOARD_MAX_ROWS
    summarised = figures.total > max_rows
    groups = metrics.province_rows(figures) if national else figures.districts
    page_obj = grid_page(figures, page, max(1, max_rows // 2) if summarised else max_rows)
    return {
        "group_level": "province" if national else "district",
        "group_rows": groups,
        "show_groups": national or any(row.code for row in groups),
        "summarised": summarised,
        "list_max": max_rows // 4,
        "grid_page": page_obj,
        "grids": dashboard_grids(figures, list(page_obj.object_list)),
    }


def dashboard_figures_context(
    figures: metrics.Figures, *, page=None, national=False, links=None
) -> dict:
    """What the headline, the charts and the grid need; shared by the dashboard and the
    district page. ``links``: the list behind each figure (:func:`figure_links`), when the
    page has them."""
    labels = metrics.stage_labels()
    links = links or {}
    return {
        "figures": figures,
        "figure_links": links,
        "stage_figures": [
            (label, figures.by_stage.get(stage, 0), f"stage_{stage}", links.get(f"stage_{stage}"))
            for stage, label in labels.items()
        ],
        "stage_labels": labels,
        "stage_rows": [(label, figures.by_stage.get(stage, 0)) for stage, label in labels.items()],
        "kind_rows": [
            (kind.label, figures.by_kind.get(kind.value, 0))
            for kind in ParticipationKind
            if figures.by_kind.get(kind.value)
        ],
        **summary_context(figures, page=page, national=national),
        "curve_svg": charts.progress_curve_svg(figures),
        "stage_svg": charts.stage_chart_svg(figures),
        "milestone_svg": charts.milestone_chart_svg(figures),
        **_decision_rows(figures),
    }


# Each headline figure and the list that holds its rows, with the filter that selects them: the
# figure links to them, and the list's count is the figure (reports/tests/test_one_timeline.py).
FIGURE_LISTS = {
    "total": ("reports:commune_list", {}),
    "stage_planned": ("reports:commune_list", {"stage": "planned"}),
    "stage_building": ("reports:commune_list", {"stage": "building"}),
    "stage_announced": ("reports:commune_list", {"stage": "announced"}),
    "stage_reannounced": ("reports:commune_list", {"stage": "reannounced"}),
    "communes_overdue": ("reports:commune_list", {"overdue": "1"}),
    "decisions_total": ("audits:announcement_list", {}),
    "milestones_total": ("roadmap:milestone_list", {}),
    "milestones_done": ("roadmap:milestone_list", {"status": "done"}),
    "milestones_overdue": ("roadmap:milestone_list", {"overdue": "1"}),
    "findings_open": ("audits:finding_list", {"status": "open"}),
    "actions_open": ("audits:action_list", {"status": "open"}),
    "actions_overdue": ("audits:action_list", {"overdue": "1"}),
}


def figure_links(as_of: datetime.date, *, district=None) -> dict[str, str]:
    """The list behind each headline figure, as of ``as_of`` (and in ``district``): the lists
    show every wave, so a page narrowed to one programme gets none."""
    base = {"as_of": f"{as_of:%d/%m/%Y}"}
    if district is not None:
        base["district"] = district.code
    return {
        name: f"{reverse(url)}?{urlencode({**base, **params})}"
        for name, (url, params) in FIGURE_LISTS.items()
    }


def dashboard_context(user, *, programme=None, province=None, page=None, as_of=None) -> dict:
    """Everything the dashboard shows, for ``user``'s scope (optionally one programme, one
    province of a national deployment's drill-down), as of ``as_of`` (default today)."""
    as_of = as_of or clock.today()
    participations = metrics.participations_in_scope(user, programme=programme, province=province)
    figures = metrics.compute_cached(participations, as_of=as_of)
    national = is_national() and province is None
    links = figure_links(as_of) if programme is None and not national else {}
    ctx = dashboard_figures_context(figures, page=page, national=national, links=links)
    ctx["recent"] = metrics.recent_changes_with_previous(participations, limit=15, as_of=as_of)
    communes = Commune.objects.filter(participations__in=participations).distinct()
    ctx["edition_overdue"] = communes_edition_overdue(communes, as_of)
    ctx.update(
        {
            "national": national,
            "province": province,
            "dashboard_title": user.dashboard_title_on(as_of),
        }
    )
    return ctx
