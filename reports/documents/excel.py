"""The Excel workbook of a progress report (XlsxWriter): the same figures as the PDF, one sheet each.

Sheets: headline figures, districts (only where units have districts: none since 1/7/2025, and
then no district column either), communes (stage, progress, counts), overdue milestones,
findings, announcements. Headers are translated (Vietnamese by default); dates are real date cells
shown as dd/mm/yyyy; text that a spreadsheet would read as a formula (starting with = + - @) is
neutralised with a leading apostrophe.
"""

from io import BytesIO

from django.utils.translation import gettext as _

from communes.models import commune_level_label
from core.xlsxwrite import RowWriter, workbook
from reports.documents.base import clean

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_STYLE = {"bold": True, "bg_color": "#DDDDDD", "text_wrap": True, "valign": "top"}


def safe_text(value):
    """``value`` as a cell value; text that starts like a formula gets a leading apostrophe."""
    value = clean(value)  # stored text may hold a control character Excel refuses
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class Book:
    """The report's workbook (XlsxWriter, constant memory): sheets written row after row, a
    header style shared by all."""

    def __init__(self, out):
        self.book = workbook(out)
        self.header = self.book.add_format(HEADER_STYLE)

    def sheet(self, title: str, widths: list[int] | None = None) -> RowWriter:
        ws = self.book.add_worksheet(title[:31])
        for col, width in enumerate(widths or []):
            ws.set_column(col, col, width)
        return RowWriter(self.book, ws, grouped_amounts=False)

    def close(self) -> None:
        self.book.close()


def _sheet(wb: Book, title: str, headers: list[str], rows, widths: list[int] | None = None):
    """A sheet of the workbook: a header row (bold on grey, frozen), then ``rows``; text made
    safe (:func:`safe_text`), dates shown dd/mm/yyyy."""
    ws = wb.sheet(title, widths)
    ws.sheet.freeze_panes(1, 0)
    ws.append([safe_text(h) for h in headers], wb.header)
    for row in rows:
        ws.append([safe_text(v) for v in row])
    return ws


def _without(values: list, index: int) -> list:
    return [v for i, v in enumerate(values) if i != index]


def _sheet_with_district(wb, ctx, title, headers, rows, widths, column: int):
    """A sheet whose ``column`` (0-based) is the district: left out when no unit of the report
    has one."""
    if not ctx["figures"].has_districts:
        headers, widths = _without(headers, column), _without(widths, column)
        rows = (_without(row, column) for row in rows)
    return _sheet(wb, title, headers, rows, widths)


def _headline_sheet(wb, ctx: dict) -> None:
    """The first sheet: who issues the report, its title and dates, then the headline figures
    (and, in a summary, what it leaves out)."""
    ws = wb.sheet(_("Headline figures"), [52, 18])
    for text in (ctx["issuer_parent"], ctx["issuer"], ctx["title"]):
        ws.append([safe_text(text)], wb.header)
    ws.append([safe_text(ctx["subtitle"])])
    ws.append([_("Data as of"), ctx["generated_at"].replace(tzinfo=None)])
    ws.append([_("Figures computed for"), ctx["as_of"]])
    ws.skip()
    ws.append([safe_text(h) for h in (_("Figure"), _("Value"), _("Out of"), "%")], wb.header)
    for row in ctx["headline"]:
        ws.append([safe_text(row["label"]), row["value"], row.get("of"), row.get("pct")])
    if ctx.get("summary"):
        ws.skip()
        ws.append([_summary_note(ctx)])


def _districts_sheet(wb, ctx: dict) -> None:
    if not ctx["figures"].has_districts:
        return
    stage_labels = ctx["stage_labels"]
    headers = [
        _("GSO code"),
        _("District"),
        _("Communes"),
        *stage_labels.values(),
        _("Progress (%)"),
        _("Overdue milestones"),
        _("Open findings"),
        _("Overdue actions"),
        _("Budget allocated (VND)"),
        _("Budget spent (VND)"),
    ]
    rows = (
        [
            d.code,
            d.name,
            d.communes,
            *(d.stages[s] for s in stage_labels),
            d.progress,
            d.counts.overdue,
            d.open_findings,
            d.overdue_actions,
            d.budget_allocated,
            d.budget_spent,
        ]
        for d in ctx["figures"].districts
    )
    _sheet(wb, _("Districts"), headers, rows, [10, 24])


def _commune_row(c, stage_labels: dict) -> list:
    return [
        c.code,
        c.name,
        c.district_name,
        c.kind_label,
        stage_labels[c.stage],
        c.progress,
        c.planned_progress,
        c.counts.total,
        c.counts.done_on_time,
        c.counts.done_late,
        c.counts.overdue,
        c.counts.in_progress,
        c.counts.blocked,
        c.counts.not_started,
        _("yes") if c.silent else "",
        c.last_change.date() if c.last_change else None,
        c.budget_allocated,
        c.budget_spent,
    ]


def _communes_sheet(wb, ctx: dict) -> None:
    headers = [
        _("GSO code"),
        _("Commune"),
        _("District"),
        _("Kind"),
        _("Stage"),
        _("Progress (%)"),
        _("Planned progress (%)"),
        _("Milestones"),
        _("Done on time"),
        _("Done late"),
        _("Overdue"),
        _("In progress"),
        _("Blocked"),
        _("Not started"),
        _("Silent"),
        _("Last change"),
        _("Budget allocated (VND)"),
        _("Budget spent (VND)"),
    ]
    rows = (_commune_row(c, ctx["stage_labels"]) for c in ctx["figures"].communes)
    title = commune_level_label(ctx["as_of"])
    _sheet_with_district(wb, ctx, title, headers, rows, [10, 26, 20, 24, 16], 2)


def _overdue_sheet(wb, ctx: dict) -> None:
    _sheet_with_district(
        wb,
        ctx,
        _("Overdue milestones"),
        [_("Commune"), _("District"), _("Step"), _("Status"), _("Due date"), _("Days late")],
        (
            [m["commune"], m["district"], m["step"], m["status"], m["due_date"], m["days_late"]]
            for m in ctx["overdue"]
        ),
        [26, 20, 50, 16, 12, 10],
        1,
    )


def _findings_sheet(wb, ctx: dict) -> None:
    headers = [
        _("Commune"),
        _("District"),
        _("Audit"),
        _("Audit date"),
        _("Clause"),
        _("Severity"),
        _("Status"),
        _("Closed on"),
        _("Finding"),
    ]
    rows = (
        [
            f.audit.commune.name,
            f.audit.commune.district.name if f.audit.commune.district else "",
            f.audit.get_kind_display(),
            f.audit.date,
            f.clause,
            f.get_severity_display(),
            f.get_status_display(),
            f.closed_on,
            f.description,
        ]
        for f in ctx["findings"]
    )
    widths = [26, 20, 24, 12, 10, 22, 10, 12, 60]
    _sheet_with_district(wb, ctx, _("Findings"), headers, rows, widths, 1)


def _actions_sheet(wb, ctx: dict) -> None:
    _sheet(
        wb,
        _("Corrective actions"),
        [_("Commune"), _("Corrective action"), _("Owner"), _("Due date"), _("Overdue")],
        (
            [
                a.finding.audit.commune.name,
                a.description,
                a.owner,
                a.due_date,
                _("yes") if a.overdue else "",
            ]
            for a in ctx["open_actions"]
        ),
        [26, 60, 20, 12, 10],
    )


def _announcements_sheet(wb, ctx: dict) -> None:
    headers = [
        _("Commune"),
        _("District"),
        _("Decision"),
        _("Date"),
        _("Kind"),
        _("Standard"),
        _("Procedures in scope"),
        _("Sent to the DOST on"),
    ]
    rows = (
        [
            a.commune.name,
            a.commune.district.name if a.commune.district else "",
            a.decision_number,
            a.decision_date,
            a.get_kind_display(),
            a.get_standard_display(),
            a.scope_size,
            a.sent_to_dost_on,
        ]
        for a in ctx["announcements"]
    )
    widths = [26, 20, 18, 12, 24, 20, 10, 12]
    _sheet_with_district(wb, ctx, _("Announcements"), headers, rows, widths, 1)


def _summary_note(ctx: dict) -> str:
    return _(
        "A report of more than %(max)s communes summarises: overdue milestones, findings and "
        "corrective actions are listed one by one in each district's report."
    ) % {"max": ctx["summary_min"]}


def report_workbook(ctx: dict) -> bytes:
    """The workbook of a report context (``reports.services.report_context``), as bytes
    (written row by row: XlsxWriter's constant memory, as fast for 10,000 communes as for 45)."""
    out = BytesIO()
    wb = Book(out)
    itemised = (_overdue_sheet, _findings_sheet, _actions_sheet)
    if ctx.get("summary"):  # a large report: the counts are on the districts and communes sheets
        itemised = ()
    for add_sheet in (
        _headline_sheet,
        _districts_sheet,
        _communes_sheet,
        *itemised,
        _announcements_sheet,
    ):
        add_sheet(wb, ctx)
    wb.close()
    return out.getvalue()
