"""What the dashboard and the district page show: the figures, the charts and the grid as HTML
cells. Every number comes from :mod:`reports.metrics`, the grid from :mod:`reports.grid`."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.template.defaultfilters import floatformat, truncatechars
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from audits.models import Announcement, communes_edition_overdue
from communes.models import Commune, is_national
from core import clock
from core.rows import day, kept_on, written_for
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


class _CellWriter:
    """Writes the grid's cells of one table: ``css`` (status, overdue, late), ``symbol`` (the
    status as a sign, "!" when overdue), ``text`` (the status in words, for screen readers),
    ``title`` (the step, its status and its due date, on hover) and ``html``, the ``<td>`` as
    printed. What repeats (a step's heading, a status's words) is escaped once per table, not
    once per cell: a page's grid is thousands of cells."""

    def __init__(self, words: dict, labels: dict):
        self.words, self.labels = words, labels
        self.kinds: dict[tuple, tuple] = {}
        self.due = escape(words["due"])

    def _kind(self, status: str, overdue: bool, late: bool) -> tuple:
        key = (status, overdue, late)
        if key not in self.kinds:
            text = str(self.labels[status])
            css = f"cell st-{status}"
            if overdue:
                text += f", {self.words['overdue']}"
                css += " is-overdue"
            if late:
                text += f", {self.words['late']}"
                css += " is-late"
            symbol = "!" if overdue else GRID_SYMBOLS.get(status, "")
            self.kinds[key] = (css, symbol, text, escape(text))
        return self.kinds[key]

    def cell(self, heading: str, safe_heading: str, cell: dict | None) -> dict:
        if cell is None:
            text = str(self.words["absent"])
            html = (
                f'<td class="cell st-none" title="{safe_heading}"><span aria-hidden="true">'
                f'</span><span class="visually-hidden">{escape(text)}</span></td>'
            )
            return {
                "css": "cell st-none",
                "symbol": "",
                "text": text,
                "title": heading,
                "html": html,
            }
        overdue, late = bool(cell["overdue"]), bool(cell["late"])
        css, symbol, text, safe_text = self._kind(cell["status"], overdue, late)
        due = cell["due_date"].strftime("%d/%m/%Y")
        html = (
            f'<td class="{css}" title="{safe_heading}: {safe_text} ({self.due} {due})">'
            f'<span aria-hidden="true">{symbol}</span>'
            f'<span class="visually-hidden">{safe_text}</span></td>'
        )
        return {
            "css": css,
            "symbol": symbol,
            "text": text,
            "title": f"{heading}: {text} ({self.words['due']} {due})",
            "overdue": overdue,
            "late": late,
            "html": html,
        }


class HtmlCells(list):
    """A row's cells (:class:`_CellWriter`), printed by ``{{ cells }}`` as their ``<td>``
    elements, written once in Python where a template loop would resolve four variables per
    cell."""

    def __html__(self) -> str:
        return mark_safe("".join(c["html"] for c in self))  # noqa: S308 (escaped by _CellWriter)

    def __str__(self) -> str:
        return self.__html__()


def _html_table(table: GridTable, words: dict, labels: dict, *, groups: bool, national: bool):
    """A table of the grid with its HTML: ``rows`` (commune row, :class:`HtmlCells`) and
    ``body``, the ``<tbody>``'s rows as printed (with a heading row at each district, or
    province, when ``groups``).

    A row's cells and ``<tr>`` are kept on the row (a :class:`CommuneRow` is never changed
    once its cells are loaded: the figures build a new one), keyed on what else they show (the
    language, the site's prefix, the steps): a page shown again writes only the rows of the
    communes that changed."""
    headings = [f"{step['order']}. {step['name']}" for step in table.steps]
    safe = [str(escape(h)) for h in headings]
    key = (get_language(), get_script_prefix(), tuple(headings))
    rows, body, group = [], [], None
    colspan = len(table.steps) + 2
    writer = None

    def write(commune, cells):
        nonlocal writer
        writer = writer or _CellWriter(words, labels)
        html = HtmlCells(
            writer.cell(h, e, c) for h, e, c in zip(headings, safe, cells, strict=True)
        )
        tr = (
            f'<tr><th scope="row" class="text-nowrap fw-normal"><a href="{escape(commune.url)}">'
            f"{escape(commune.name)}</a></th>{html.__html__()}"
            f'<td class="num">{floatformat(commune.progress, 0)}</td></tr>'
        )
        return html, tr

    for commune, cells in table.rows:
        html, tr = kept_on(commune, "grid", key, write, cells)
        if groups and group != (commune.province_code, commune.district_code):
            group = (commune.province_code, commune.district_code)
            body.append(_group_row(commune, national, colspan))
        rows.append((commune, html))
        body.append(tr)
    return {
        "kind": table.kind,
        "label": table.label,
        "steps": table.steps,
        "rows": rows,
        "body": mark_safe("".join(body)),  # noqa: S308 (escaped above and by _CellWriter)
    }


def _group_row(commune, national: bool, colspan: int) -> str:
    """The heading row of a commune's province (and district) or district in the grid."""
    if national:
        sep = ", " if commune.district_name else ""
        text = f"{commune.province_name}{sep}{commune.district_name}"
    else:
        text = commune.district_name or _("No district")
    return (
        f'<tr class="table-light"><th scope="colgroup" colspan="{colspan}">{escape(text)}</th></tr>'
    )


def changes_rows(changes, *, show_commune: bool) -> SafeString:
    """The ``<tr>`` rows of a table of milestone changes (``reports/_changes.html``): when, who,
    the commune (when ``show_commune``), the step, from → to, with the date of completion and
    the note when they changed. Written in Python: a template loop resolved some twenty
    variables and filters a row (3 ms of a dashboard's 15 changes). Each row is kept on its
    item (the lists of changes are kept while their rows and their authors' names stand:
    :func:`reports.metrics.recent_changes_cached`, the commune page's), keyed on the language,
    prefix and time zone."""
    system, unchanged = escape(_("system")), escape(_("status unchanged"))

    def write(item) -> str:
        h, before = item["row"], item["before"]
        when = day(h.history_date, "d/m/Y H:i")
        who = escape(h.history_user) if h.history_user else system
        commune = ""
        if show_commune:
            unit = h.participation.commune
            commune = (
                f'<td><a href="{escape(unit.get_absolute_url())}">{escape(unit.name)}</a></td>'
            )
        step = f"{h.step.order}. {escape(h.step.name)}" if h.step else ". "
        change = f"<strong>{escape(h.get_status_display())}</strong>"
        if before is not None and before.status != h.status:
            change = f"{escape(before.get_status_display())} → {change}"
        elif before is not None:
            change += f' <span class="small text-body-secondary">({unchanged})</span>'
        if h.completed_on and (before is None or h.completed_on != before.completed_on):
            change += f" ({day(h.completed_on)})"
        if h.note and (before is None or h.note != before.note):
            note = escape(truncatechars(h.note, 120))
            change += f'<br><span class="small text-body-secondary">{note}</span>'
        return (
            f'<tr><td class="text-nowrap">{when}</td><td>{who}</td>{commune}'
            f"<td>{step}</td><td>{change}</td></tr>"
        )

    key = (*written_for(), show_commune)
    rows = (kept_on(item, "changes", key, write) for item in changes)
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


def silent_rows(rows, *, districts: bool) -> SafeString:
    """The ``<tr>`` rows of the dashboard's table of silent communes: the commune, its district
    (when ``districts``), its last change, its progress. Each kept on its row (as the grid's),
    keyed on the language, prefix and time zone."""
    never = escape(_("never"))

    def write(c) -> str:
        district = f"<td>{escape(c.district_name)}</td>" if districts else ""
        return (
            f'<tr><th scope="row" class="fw-normal"><a href="{escape(c.url)}">{escape(c.name)}'
            f"</a></th>{district}<td>{_last_change(c, never)}</td>"
            f'<td class="num">{floatformat(c.progress, 0)}</td></tr>'
        )

    key = (*written_for(), districts)
    out = (kept_on(c, "silent", key, write) for c in rows)
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)


def _last_change(r, never: str) -> str:
    """The day of a commune row's last change, else ``never`` (escaped)."""
    return day(r.last_change) if r.last_change else never


def _row_cells(r, never: str, silent: str) -> tuple[str, str, str, str, str]:
    """A commune row's kind, stage, progress (actual / planned), overdue steps and last change
    (with the silent badge), as the lists of communes print them, escaped."""
    overdue = r.counts.overdue
    overdue = (
        f'<span aria-hidden="true" class="sym-overdue">!</span> <strong>{localize(overdue)}'
        "</strong>"
        if overdue
        else "0"
    )
    last = _last_change(r, never)
    if r.silent:
        last += f' <span class="badge text-bg-warning">{silent}</span>'
    progress = f"{floatformat(r.progress, 1)} / {floatformat(r.planned_progress, 1)}"
    return escape(r.kind_label), escape(r.stage_label), progress, overdue, last


def district_rows(lines) -> SafeString:
    """The ``<tr>`` rows of a district page's list of communes (``DistrictCommune`` lines: the
    commune's row and its QMS people): the commune, its kind and stage, its progress, its
    overdue steps, its QMS representative and ISO secretary, its last change. Each kept on its
    row (as the grid's), keyed on the people and the language, prefix and time zone."""
    never, silent = escape(_("never")), escape(_("silent"))

    def write(r, line) -> str:
        kind, stage, progress, overdue, last = _row_cells(r, never, silent)
        return (
            f'<tr><th scope="row" class="fw-normal"><a href="{escape(r.url)}">{escape(r.name)}'
            f"</a></th><td>{kind}</td><td>{stage}</td>"
            f'<td class="num">{progress}</td><td class="num">{overdue}</td>'
            f"<td>{escape(line.qms_representative or '–')}</td>"
            f"<td>{escape(line.iso_secretary or '–')}</td><td>{last}</td></tr>"
        )

    where = written_for()
    out = (
        kept_on(
            line.row, "district", (*where, line.qms_representative, line.iso_secretary), write, line
        )
        for line in lines
    )
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)


def commune_list_rows(rows, *, districts: bool) -> SafeString:
    """The ``<tr>`` rows of the list of communes (``reports/commune_list.html``): the commune
    and its code, its district (when ``districts``), kind, stage, progress, overdue steps and
    last change, each cell labelled for the narrow screen's cards."""
    never, silent = escape(_("never")), escape(_("silent"))
    l_district, l_kind, l_stage = escape(_("District")), escape(_("Kind")), escape(_("Stage"))
    l_progress = escape(_("Progress (actual / planned) %%") % {})  # the template's msgid
    l_overdue, l_change = escape(_("Overdue steps")), escape(_("Last change"))
    out = []
    for r in rows:
        kind, stage, progress, overdue, last = _row_cells(r, never, silent)
        district = ""
        if districts:
            link = ""
            if r.district_code:
                link = f'<a href="{escape(r.district_url)}">{escape(r.district_name)}</a>'
            district = f'<td data-label="{l_district}">{link}</td>'
        out.append(
            f'<tr><th scope="row" class="fw-normal"><a href="{escape(r.url)}">{escape(r.name)}'
            f'</a> <span class="small text-body-secondary">{escape(r.code)}</span></th>'
            f'{district}<td data-label="{l_kind}">{kind}</td>'
            f'<td data-label="{l_stage}">{stage}</td>'
            f'<td data-label="{l_progress}" class="num">{progress}</td>'
            f'<td data-label="{l_overdue}" class="num">{overdue}</td>'
            f'<td data-label="{l_change}">{last}</td></tr>'
        )
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)


def dashboard_grids(figures: metrics.Figures, communes=None, *, national=False) -> list[dict]:
    """The commune × step grid (:func:`reports.grid.grid_tables`, of ``communes`` when given)
    with HTML cells.

    Each table: ``kind``, ``label``, ``steps`` (order, name), ``rows`` of (commune row, cells)
    and ``body``, its rows as printed. A cell carries what the template prints as is (hundreds
    of cells), see :class:`_CellWriter`; the rows are written in Python, not by a template
    loop (see :func:`_html_table`).
    """
    words = {
        "overdue": _("overdue"),
        "late": _("done late"),
        "due": _("due"),
        "absent": _("Not on the roadmap"),
    }
    labels = {status.value: status.label for status in Milestone.Status}
    groups = national or figures.has_districts
    return [
        _html_table(table, words, labels, groups=groups, national=national)
        for table in grid_tables(figures, communes)
    ]


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
        "grids": dashboard_grids(figures, list(page_obj.object_list), national=national),
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
    ctx["recent"] = metrics.recent_changes_cached(
        participations, limit=15, as_of=as_of, size=len(figures.communes)
    )
    ctx["edition_overdue"] = metrics.cached_on_other(
        "edition_overdue",
        participations,
        (as_of,),
        lambda: communes_edition_overdue(
            Commune.objects.filter(participations__in=participations).distinct(), as_of
        ),
    )
    ctx.update(
        {
            "national": national,
            "province": province,
            "dashboard_title": user.dashboard_title_on(as_of),
        }
    )
    return ctx
