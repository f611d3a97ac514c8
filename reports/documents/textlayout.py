"""The fixed-width text of the printed report: the grid, the announcements and each commune's
roadmap in the annex, as lines of a monospace font.

A line of text costs WeasyPrint far less than a table cell, so the long parts of the report are
laid out here in columns of characters. Columns are kept narrow: WeasyPrint's time grows with the
glyphs it draws, padding spaces included (tabs would be cheaper but WeasyPrint does not line them
up exactly). Text is NFC, so a Vietnamese letter is one character and one column.
"""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports.documents.base import clean
from reports.grid import GridTable
from reports.metrics.definitions import Outcome

NAME_WIDTH = 26
STEP_WIDTH = 46
NONE = "none"  # the code of a step that is not on the commune's roadmap


def cell_codes() -> dict[str, tuple[str, str, str]]:
    """For each :class:`~reports.metrics.Outcome` (and ``"none"``): its css class, its letter in
    the grid (translated, so the grid prints without colour) and its label in the legend."""
    letters = {
        Outcome.ON_TIME: ("c-done", pgettext("report grid", "D")),
        Outcome.LATE: ("c-late", pgettext("report grid", "L")),
        Outcome.OVERDUE: ("c-overdue", pgettext("report grid", "O")),
        Outcome.IN_PROGRESS: ("c-progress", pgettext("report grid", "P")),
        Outcome.BLOCKED: ("c-blocked", pgettext("report grid", "B")),
        Outcome.NOT_APPLICABLE: ("c-na", pgettext("report grid", "N")),
        Outcome.NOT_STARTED: ("c-todo", "·"),
    }
    codes = {outcome.value: (*letters[outcome], str(outcome.label)) for outcome in Outcome}
    codes[NONE] = ("c-none", " ", "")
    return codes


def legend() -> list[tuple[str, str, str]]:
    """(css class, letter, label) of each outcome, for the grid's legend."""
    return [code for code in cell_codes().values() if code[2]]


def date_cell(day: datetime.date | None) -> str:
    """A date as dd/mm/yyyy, or ten spaces."""
    return day.strftime("%d/%m/%Y") if day else " " * 10


def fix(text: str, width: int) -> str:
    """``text`` cut or padded with spaces to exactly ``width`` characters (short columns)."""
    text = str(text)
    return text[:width].ljust(width)


def pad(text: str, width: int) -> str:
    """``text`` cut to fit and padded with spaces to ``width`` characters, the last a space.
    NFC, so a Vietnamese letter is one character (and one column of the monospace font)."""
    text = clean(str(text))
    if len(text) >= width:
        text = text[: width - 2] + "…"
    return text.ljust(width)


def grid_text(table: GridTable, codes: dict) -> str:
    """One line per commune (its name, its progress, a letter per step), a line naming each
    district before its communes, under a header of step numbers."""
    orders = [step["order"] for step in table.steps]
    header = pad(_("Commune"), NAME_WIDTH) + "  %" + "".join(str(o).rjust(3) for o in orders)
    lines, district = [header], None
    for commune, cells in table.rows:
        if commune.district_name != district:
            district = commune.district_name
            lines.append(f"[{district}]")
        letters = "".join(codes[cell["outcome"] if cell else NONE][1].rjust(3) for cell in cells)
        lines.append(f"{pad(commune.name, NAME_WIDTH)}{commune.progress:3.0f}{letters}")
    return "\n".join(lines)


def announcements_text(announcements) -> str:
    """The announcements of conformity, one a line, under a header."""
    header = (
        pad(_("Commune"), NAME_WIDTH)
        + pad(_("Decision"), 24)
        + " ".join(
            [
                fix(pgettext("report column", "Date"), 10),
                fix(pgettext("report column", "ISO"), 4),
                fix(pgettext("report column", "Proc."), 5),
                _("Kind"),
            ]
        )
    )
    lines = [
        pad(a.commune.name, NAME_WIDTH)
        + pad(a.decision_number, 24)
        + f"{date_cell(a.decision_date)} {a.standard} {a.scope_size:>5} {a.get_kind_display()}"
        for a in announcements
    ]
    return "\n".join([header, *lines])


def roadmap_text(steps: list[dict]) -> str:
    """A commune's roadmap in the annex: per step its number and name, planned start, due date,
    grid letter and completion date. ``steps``: dicts with ``order``, ``name``,
    ``planned_start``, ``due_date``, ``completed_on`` and ``code`` (css class, letter)."""
    header = pad("#  " + _("Step"), STEP_WIDTH) + " ".join(
        [
            fix(pgettext("report column", "Start"), 10),
            fix(pgettext("report column", "Due"), 10),
            "  " + pgettext("report column", "Done"),
        ]
    )
    lines = [
        pad(f"{st['order']:>2} {st['name']}", STEP_WIDTH)
        + f"{date_cell(st['planned_start'])} {date_cell(st['due_date'])} {st['code'][1] or ' '}  "
        + (date_cell(st["completed_on"]) if st["completed_on"] else "")
        for st in steps
    ]
    return "\n".join([header, *lines])


def commune_table_header() -> str:
    """The header of :func:`commune_table_lines`."""
    return "".join(
        [
            fix(pgettext("report column", "Code"), 6),
            pad(_("Commune"), NAME_WIDTH),
            pad(_("Stage"), 14),
            "  % ",
            fix(pgettext("report column", "Plan"), 5).rjust(5),
            " ",
            fix(pgettext("report column", "Done"), 5),
            " ",
            fix(pgettext("report column", "Overdue"), 7),
        ]
    )


def commune_table_lines(communes, stage_labels: dict) -> list[str]:
    """The annex table of a summary report: one line per commune (GSO code, name, stage,
    progress and planned progress in %, milestones done of all, overdue).
    ``communes``: :class:`~reports.metrics.CommuneRow`, in the order to print."""
    return [
        f"{c.code:<6}{pad(c.name, NAME_WIDTH)}{pad(stage_labels[c.stage], 14)}"
        f"{c.progress:3.0f} {c.planned_progress:5.0f} {c.counts.done:>2}/{c.counts.total:<2} "
        f"{c.counts.overdue:>7}"
        for c in communes
    ]
