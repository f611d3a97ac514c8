"""Charts rendered on the server as SVG, for the dashboard and the printed report alike.

Every function is pure: it takes a :class:`reports.metrics.Figures` (or plain values) and returns
an SVG string with explicit ``width``, ``height`` and ``viewBox``, no script, no external
resource and no font of its own (the text takes the page's font, so Vietnamese renders in the
PDF too). Charts read without colour: lines differ by dash and marker, bars carry patterns and
their value as text, and each chart has a ``<title>`` and ``<desc>`` for screen readers.
"""

import datetime
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.metrics.definitions import Stage, stage_labels
from reports.metrics.rows import Figures

INK = "#1f2937"
GRID = "#d1d5db"
PLANNED = "#6b7280"
ACTUAL = "#0b4f8a"
# Fill colours of bars, each paired with a pattern so colour is never the only cue.
BAR_STYLES = [
    ("#0b4f8a", "solid"),
    ("#b45309", "hatch"),
    ("#047857", "dots"),
    ("#7c3aed", "cross"),
    ("#be123c", "hatch-back"),
]


def _fmt_pct(value: float) -> str:
    """A percentage with one decimal in the active language's format ("51,9 %" in Vietnamese)."""
    return number_format(round(value, 1), 1) + " %"


def _svg(width: int, height: int, uid: str, title: str, desc: str, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text inside is escaped by the callers
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" class="chart" '
        f'aria-labelledby="{uid}-title {uid}-desc">'
        f'<title id="{uid}-title">{escape(title)}</title>'
        f'<desc id="{uid}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def _patterns(uid: str) -> str:
    """Pattern fills: solid, diagonal hatching, dots, cross-hatching, back hatching."""
    defs = []
    for i, (colour, kind) in enumerate(BAR_STYLES):
        pid = f"{uid}-p{i}"
        if kind == "solid":
            defs.append(
                f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
                f'<rect width="8" height="8" fill="{colour}"/></pattern>'
            )
            continue
        marks = {
            "hatch": f'<path d="M0,8 L8,0 M-2,2 L2,-2 M6,10 L10,6" stroke="{colour}" '
            'stroke-width="2.5"/>',
            "hatch-back": f'<path d="M0,0 L8,8 M-2,6 L2,10 M6,-2 L10,2" stroke="{colour}" '
            'stroke-width="2.5"/>',
            "dots": f'<circle cx="4" cy="4" r="2.2" fill="{colour}"/>',
            "cross": f'<path d="M0,4 L8,4 M4,0 L4,8" stroke="{colour}" stroke-width="2"/>',
        }[kind]
        defs.append(
            f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="#fff"/>{marks}</pattern>'
        )
    return "<defs>" + "".join(defs) + "</defs>"


def bar_chart_svg(
    items: list[tuple[str, int | float]],
    *,
    title: str,
    uid: str,
    total: int | float | None = None,
    width: int = 420,
    label_width: int | None = None,
) -> SafeString:
    """Horizontal bars, one per ``(label, value)``, each with its own pattern and its value
    (and share of ``total`` when given) written at its end. The label column fits the longest
    label (about 7 px a character at 13 px), within a third to a half of the width."""
    if label_width is None:
        longest = max((len(str(label)) for label, _value in items), default=0)
        label_width = int(min(max(7 * longest + 14, width / 3), width / 2))
    bar_h, gap, top = 22, 10, 8
    height = top + len(items) * (bar_h + gap) + 4
    scale_w = width - label_width - 120
    largest = max((v for _label, v in items), default=0) or 1
    body = [_patterns(uid)]
    parts = []
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_h + gap)
        w = round(scale_w * value / largest, 1)
        text = number_format(value)
        if total:
            text += f" ({_fmt_pct(100.0 * value / total)})"
        parts.append(f"{label}: {text}")
        body.append(
            f'<text x="{label_width - 8}" y="{y + bar_h * 0.7}" text-anchor="end" '
            f'font-size="13" fill="{INK}">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{max(w, 1)}" height="{bar_h}" '
            f'fill="url(#{uid}-p{i % len(BAR_STYLES)})" stroke="{INK}" stroke-width="1"/>'
            f'<text x="{label_width + max(w, 1) + 6}" y="{y + bar_h * 0.7}" font-size="13" '
            f'font-weight="600" fill="{INK}">{escape(text)}</text>'
        )
    return _svg(width, height, uid, title, "; ".join(parts), "".join(body))


def stage_chart_svg(figures: Figures, *, uid: str = "stages", width: int = 420) -> SafeString:
    """Participating communes by stage: planned, building, announced, re-announced."""
    labels = stage_labels()
    items = [(labels[s], figures.by_stage.get(s, 0)) for s in Stage.values]
    return bar_chart_svg(
        items, title=_("Communes by stage"), uid=uid, total=figures.total, width=width
    )


def milestone_chart_svg(figures: Figures, *, uid: str = "milestones", width: int = 420):
    """Milestones done on time, done late, overdue, still open within time."""
    c = figures.counts
    open_in_time = c.in_progress + c.blocked + c.not_started - c.overdue
    items = [
        (_("Done on time"), c.done_on_time),
        (_("Done late"), c.done_late),
        (_("Overdue"), c.overdue),
        (_("Open, not yet due"), max(open_in_time, 0)),
    ]
    return bar_chart_svg(
        items, title=_("Milestones by outcome"), uid=uid, total=c.total, width=width
    )


@dataclass(frozen=True)
class _Plot:
    """The drawing area of the curve: dates on x from ``first`` to ``last``, % on y."""

    width: int
    height: int
    first: datetime.date
    last: datetime.date
    left: int = 48
    right: int = 16
    top: int = 44
    bottom: int = 40

    @property
    def plot_w(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> int:
        return self.height - self.top - self.bottom

    def x(self, day: datetime.date) -> float:
        span = max((self.last - self.first).days, 1)
        return round(self.left + self.plot_w * (day - self.first).days / span, 1)

    def y(self, pct: float) -> float:
        return round(self.top + self.plot_h * (1 - pct / 100.0), 1)


def _curve_axes(p: _Plot) -> list[str]:
    """Horizontal rules every 25 %, month ticks on the x axis, the x axis."""
    body = []
    right = p.width - p.right
    for pct in (0, 25, 50, 75, 100):
        body.append(
            f'<line x1="{p.left}" x2="{right}" y1="{p.y(pct)}" y2="{p.y(pct)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{p.left - 6}" y="{p.y(pct) + 4}" text-anchor="end" font-size="11" '
            f'fill="{INK}">{pct}%</text>'
        )
    base = p.top + p.plot_h
    month = datetime.date(p.first.year, p.first.month, 1)
    while month <= p.last:
        if month >= p.first:
            body.append(
                f'<line x1="{p.x(month)}" x2="{p.x(month)}" y1="{base}" '
                f'y2="{base + 5}" stroke="{INK}"/>'
                f'<text x="{p.x(month)}" y="{base + 18}" text-anchor="middle" '
                f'font-size="11" fill="{INK}">{month:%m/%Y}</text>'
            )
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    body.append(f'<line x1="{p.left}" x2="{right}" y1="{base}" y2="{base}" stroke="{INK}"/>')
    return body


def _as_of_rule(p: _Plot, as_of: datetime.date) -> list[str]:
    """A dotted vertical rule at the as-of date, with the date above it."""
    if not p.first <= as_of <= p.last:
        return []
    ax = p.x(as_of)
    return [
        f'<line x1="{ax}" x2="{ax}" y1="{p.top}" y2="{p.top + p.plot_h}" stroke="{INK}" '
        f'stroke-width="1" stroke-dasharray="2 3"/>'
        f'<text x="{ax}" y="{p.top - 4}" text-anchor="middle" font-size="11" '
        f'fill="{INK}">{escape(as_of.strftime("%d/%m/%Y"))}</text>'
    ]


def _curve_lines(p: _Plot, points) -> list[str]:
    """Planned: dashed grey with square markers; actual: solid blue with round markers."""
    planned = [(p.x(d), p.y(pct)) for d, pct, _a in points]
    actual = [(p.x(d), p.y(a)) for d, _p, a in points if a is not None]
    body = [
        f'<polyline fill="none" stroke="{PLANNED}" stroke-width="2" stroke-dasharray="6 4" '
        f'points="{" ".join(f"{px},{py}" for px, py in planned)}"/>'
    ]
    body.extend(
        f'<rect x="{px - 3}" y="{py - 3}" width="6" height="6" fill="#fff" '
        f'stroke="{PLANNED}" stroke-width="1.5"/>'
        for px, py in planned
    )
    if actual:
        body.append(
            f'<polyline fill="none" stroke="{ACTUAL}" stroke-width="2.5" '
            f'points="{" ".join(f"{px},{py}" for px, py in actual)}"/>'
        )
        body.extend(f'<circle cx="{px}" cy="{py}" r="3.2" fill="{ACTUAL}"/>' for px, py in actual)
    return body


def _curve_legend(left: int, plan_text: str, actual_text: str) -> str:
    return (
        f'<line x1="{left}" x2="{left + 28}" y1="14" y2="14" stroke="{PLANNED}" '
        f'stroke-width="2" stroke-dasharray="6 4"/>'
        f'<rect x="{left + 11}" y="11" width="6" height="6" fill="#fff" stroke="{PLANNED}"/>'
        f'<text x="{left + 34}" y="18" font-size="12" fill="{INK}">{escape(plan_text)}</text>'
        f'<line x1="{left + 190}" x2="{left + 218}" y1="14" y2="14" stroke="{ACTUAL}" '
        f'stroke-width="2.5"/><circle cx="{left + 204}" cy="14" r="3.2" fill="{ACTUAL}"/>'
        f'<text x="{left + 224}" y="18" font-size="12" fill="{INK}">{escape(actual_text)}</text>'
    )


def progress_curve_svg(
    figures: Figures, *, uid: str = "curve", width: int = 640, height: int = 300
) -> SafeString:
    """Planned against actual progress (mean % of roadmap weight) over time.

    Planned: a dashed grey line with square markers; actual: a solid blue line with round
    markers, ending at the as-of date, which a vertical rule marks. The last values are written
    beside the legend.
    """
    points = figures.curve
    title = _("Planned and actual progress")
    if not points:
        body = (
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" font-size="14" '
            f'fill="{INK}">{escape(_("No roadmap yet."))}</text>'
        )
        return _svg(width, height, uid, title, _("No roadmap yet."), body)

    first, last = points[0][0], points[-1][0]
    plot = _Plot(width, height, first, last)
    body = [*_curve_axes(plot), *_as_of_rule(plot, figures.as_of), *_curve_lines(plot, points)]
    last_planned = next((p for d, p, _a in reversed(points) if d <= figures.as_of), points[0][1])
    last_actual = next((a for _d, _p, a in reversed(points) if a is not None), 0.0)
    plan_text = _("Planned: %(pct)s") % {"pct": _fmt_pct(last_planned)}
    actual_text = _("Actual: %(pct)s") % {"pct": _fmt_pct(last_actual)}
    body.append(_curve_legend(plot.left, plan_text, actual_text))
    desc = _(
        "From %(first)s to %(last)s. As of %(as_of)s, planned progress %(planned)s, "
        "actual progress %(actual)s."
    ) % {
        "first": first.strftime("%d/%m/%Y"),
        "last": last.strftime("%d/%m/%Y"),
        "as_of": figures.as_of.strftime("%d/%m/%Y"),
        "planned": _fmt_pct(last_planned),
        "actual": _fmt_pct(last_actual),
    }
    return _svg(width, height, uid, title, desc, "".join(body))


def timeline_bar_svg(
    *,
    planned_start: datetime.date,
    due_date: datetime.date,
    completed_on: datetime.date | None,
    span_start: datetime.date,
    span_end: datetime.date,
    as_of: datetime.date,
    overdue: bool = False,
    late: bool = False,
    width: int = 220,
    height: int = 18,
) -> SafeString:
    """One roadmap step on a shared time axis: the planned period as a bar, the completion as
    a diamond (filled when on time, hollow when ``late``), the as-of date as a thin rule. Purely
    decorative next to the written dates, so it is hidden from screen readers."""
    span = max((span_end - span_start).days, 1)

    def x(day: datetime.date) -> float:
        day = min(max(day, span_start), span_end)
        return round(2 + (width - 4) * (day - span_start).days / span, 1)

    bar_w = max(x(due_date) - x(planned_start), 2)
    fill = "#fde68a" if overdue else "#cbd5e1"
    body = [
        f'<rect x="{x(planned_start)}" y="5" width="{bar_w}" height="8" fill="{fill}" '
        f'stroke="{INK}" stroke-width="0.6"/>'
    ]
    if span_start <= as_of <= span_end:
        body.append(
            f'<line x1="{x(as_of)}" x2="{x(as_of)}" y1="0" y2="{height}" stroke="{INK}" '
            f'stroke-dasharray="2 2"/>'
        )
    if completed_on:
        cx = x(completed_on)
        body.append(
            f'<path d="M{cx},2 L{cx + 6},9 L{cx},16 L{cx - 6},9 Z" '
            f'fill="{"#fff" if late else ACTUAL}" stroke="{ACTUAL}" stroke-width="1.5"/>'
        )
    return mark_safe(  # noqa: S308 - numbers only
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false" '
        f'class="timeline-bar">{"".join(body)}</svg>'
    )
