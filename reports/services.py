"""Progress reports: what goes into one (province, district or commune), rendered as PDF or Excel,
with a cache keyed by the data's last change.

Cache: the default cache (``CACHES["default"]``, set by ``CACHE_URL``) holds the rendered files
and the *data generation*, a random token replaced by ``reports/signals.py`` after any change to
a row of the roadmap, audits, procedures or communes apps (when the transaction commits). A
report's key is its scope, the audience (what the user may see), the language, the as-of date,
the format and that token, so a change makes every older copy unreachable (they expire after
:data:`CACHE_SECONDS`). The token is read *before* the data, so a change committed during a render
leaves that render under the old token. With the default local-memory cache each process has its
own copy; a deployment with several worker processes sets ``CACHE_URL`` to a shared cache
(``filecache:///srv/qms/var/cache`` or Redis) so that a change seen by one process reaches all.

Rendering reads the database outside ``transaction.atomic``: with SQLite's immediate
transactions an atomic block would take the write lock for the whole render.

A large programme (more than :data:`ANNEX_MAX_COMMUNES` communes in the report) leaves the annex
out of the PDF and says so: the per-commune sections are in the district and commune reports
(WeasyPrint's time grows with the text it draws; see ``bench/bench_reports.py``).
"""

import datetime
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from audits.models import Announcement, CorrectiveAction, Finding
from qms_rollout import clock
from reports import metrics
from roadmap.models import Milestone

GENERATION_KEY = "reports:generation"
CACHE_SECONDS = 24 * 3600
ANNEX_MAX_COMMUNES = getattr(settings, "QMS_REPORT_ANNEX_MAX_COMMUNES", 100)
# Above this many communes a download first shows a "being generated" page whose htmx request
# renders the report (several seconds for 1,000 communes), then downloads it from the cache.
DIRECT_MAX_COMMUNES = getattr(settings, "QMS_REPORT_DIRECT_MAX_COMMUNES", 200)
FORMATS = ("pdf", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: the whole province (all the user sees), a district or a commune."""

    level: str  # "province", "district" or "commune"
    code: str = ""
    name: str = ""
    district: object = None
    commune: object = None

    @classmethod
    def province(cls):
        return cls(level="province", code="tinh")

    @classmethod
    def for_district(cls, district):
        return cls(level="district", code=district.code, name=district.name, district=district)

    @classmethod
    def for_commune(cls, commune):
        return cls(level="commune", code=commune.code, name=commune.name, commune=commune)


@dataclass
class RenderedReport:
    content: bytes
    filename: str
    content_type: str
    from_cache: bool


# The data generation -----------------------------------------------------------------------


def data_generation() -> str:
    """The current data generation token (a new one when the cache has none)."""
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(GENERATION_KEY)
    return token


def data_changed() -> None:
    """Start a new data generation: every cached report becomes unreachable."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _audience(user) -> str:
    """What ``user`` may see, as a key part: users who see the same rows share cached reports."""
    if user.is_province_wide:
        return "all"
    scope_id = user.district_id or user.commune_id or user.consultant_id
    return f"{user.role}-{scope_id}"


def report_cache_key(*, user, scope: ReportScope, fmt: str, as_of: datetime.date) -> str:
    return ":".join(
        [
            "reports",
            scope.level,
            scope.code,
            _audience(user),
            get_language() or settings.LANGUAGE_CODE,
            as_of.isoformat(),
            fmt,
            data_generation(),
        ]
    )


# What a report holds ------------------------------------------------------------------------


# Grid cell codes: (css class, letter) with the letter translated, so the grid prints without colour.
def _cell_codes() -> dict[str, tuple[str, str, str]]:
    return {
        "on_time": ("c-done", pgettext("report grid", "D"), _("done on time")),
        "late": ("c-late", pgettext("report grid", "L"), _("done late")),
        "overdue": ("c-overdue", pgettext("report grid", "O"), _("overdue")),
        "in_progress": ("c-progress", pgettext("report grid", "P"), _("in progress")),
        "blocked": ("c-blocked", pgettext("report grid", "B"), _("blocked")),
        "not_applicable": ("c-na", pgettext("report grid", "N"), _("not applicable")),
        "not_started": ("c-todo", "·", _("not started, not yet due")),
        "none": ("c-none", " ", ""),
    }


# Columns of the monospace blocks. Kept narrow: WeasyPrint's time grows with the glyphs it draws,
# padding spaces included (tabs would be cheaper but WeasyPrint does not line them up exactly).
NAME_WIDTH = 26
STEP_WIDTH = 46


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else " " * 10


def _fix(text: str, width: int) -> str:
    """``text`` cut or padded with spaces to exactly ``width`` characters (short columns)."""
    text = str(text)
    return text[:width].ljust(width)


def _pad(text: str, width: int) -> str:
    """``text`` cut to fit and padded with spaces to ``width`` characters, the last a space.
    NFC, so a Vietnamese letter is one character (and one column of the monospace font)."""
    text = unicodedata.normalize("NFC", str(text))
    if len(text) >= width:
        text = text[: width - 2] + "…"
    return text.ljust(width)


def _cell_code(cell: dict | None) -> str | None:
    if cell is None:
        return None
    status = cell["status"]
    if status == Milestone.Status.DONE:
        return "late" if cell["late"] else "on_time"
    if status == Milestone.Status.NOT_APPLICABLE:
        return "not_applicable"
    if cell["overdue"]:
        return "overdue"
    if status == Milestone.Status.IN_PROGRESS:
        return "in_progress"
    if status == Milestone.Status.BLOCKED:
        return "blocked"
    return "not_started"


def _headline(figures: metrics.Figures) -> list[dict]:
    """The headline figures as rows (label, value, unit or share), shared by PDF and Excel."""
    stage_labels = metrics.stage_labels()
    rows = [
        {"label": _("Communes in the report"), "value": figures.total},
    ]
    for stage in metrics.Stage.ORDER:
        n = figures.by_stage[stage]
        rows.append(
            {
                "label": stage_labels[stage],
                "value": n,
                "pct": metrics.percent(n, figures.total),
            }
        )
    rows += [
        {
            "label": _("Announced (first or re-announcement)"),
            "value": figures.announced,
            "pct": figures.announced_pct,
        },
        {"label": _("Mean progress (%)"), "value": figures.progress, "decimal": True},
        {
            "label": _("Planned progress by now (%)"),
            "value": figures.planned_progress,
            "decimal": True,
        },
        {"label": _("Milestones"), "value": figures.counts.total},
        {"label": _("Milestones done on time"), "value": figures.counts.done_on_time},
        {"label": _("Milestones done late"), "value": figures.counts.done_late},
        {"label": _("Milestones overdue"), "value": figures.counts.overdue},
        {
            "label": _("On-time rate of done milestones (%)"),
            "value": figures.counts.on_time_rate,
            "decimal": True,
        },
        {
            "label": _("Internal audits held"),
            "value": figures.audits_by_kind.get("internal_audit", 0),
        },
        {
            "label": _("Management reviews held"),
            "value": figures.audits_by_kind.get("management_review", 0),
        },
        {"label": _("Communes inspected by the DOST"), "value": figures.communes_inspected},
        {"label": _("Findings open"), "value": figures.findings_open},
        {"label": _("Findings closed"), "value": figures.findings_closed},
        {"label": _("Corrective actions open"), "value": figures.actions_open},
        {"label": _("Corrective actions overdue"), "value": figures.actions_overdue},
        {
            "label": _("Procedures covered by the QMS"),
            "value": figures.scope_covered,
            "of": figures.procedures_in_force * figures.total,
            "pct": figures.coverage_pct,
        },
        {"label": _("Processes needing revision"), "value": figures.scope_needing_revision},
        {
            "label": _("Silent communes (no change for %(days)s days)")
            % {"days": figures.silent_days},
            "value": len(figures.silent),
        },
        {"label": _("Budget allocated (VND)"), "value": figures.budget_allocated},
        {"label": _("Budget spent (VND)"), "value": figures.budget_spent},
    ]
    return rows


def place_and_date(place: str, day: datetime.date) -> str:
    """The place-and-date line of an administrative document: "Bến Tre, ngày 05 tháng 02 năm 2018".

    Days below 10 and months below 3 take a leading zero, as the rules on administrative
    documents ask.
    """
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month < 3 else str(day.month),
        "year": day.year,
    }


def _title(scope: ReportScope) -> tuple[str, str]:
    title = _("PROGRESS REPORT ON THE QMS ROLLOUT AT COMMUNE PEOPLE'S COMMITTEES")
    if scope.level == "province":
        return title, _("The whole province")
    if scope.level == "district":
        return title, scope.name
    district = scope.commune.district
    return title, f"{scope.name}, {district.name}" if district else scope.name


def report_context(*, user, scope: ReportScope, as_of: datetime.date | None = None) -> dict:
    """Everything a report shows, for ``user`` (within what they may see) and ``scope``."""
    as_of = as_of or clock.today()
    participations = metrics.participations_in_scope(
        user, district=scope.district, commune=scope.commune
    )
    figures = metrics.compute(participations, as_of=as_of)
    commune_ids = [c.commune_id for c in figures.communes]
    coverage = metrics.scope_coverage_by_commune(commune_ids)
    codes = _cell_codes()

    # Step names per participation (the annex) and per kind (the grid's columns and legend).
    step_names: dict[int, dict[int, dict]] = defaultdict(dict)
    kind_steps: dict[str, dict[int, str]] = defaultdict(dict)
    kinds = {c.participation_id: c.kind for c in figures.communes}
    for m in (
        Milestone.objects.filter(participation__in=participations)
        .values("participation_id", "step__order", "step__name", "planned_start")
        .order_by("participation_id", "step__order")
    ):
        step_names[m["participation_id"]][m["step__order"]] = m
        kind_steps[kinds[m["participation_id"]]].setdefault(m["step__order"], m["step__name"])

    # The grid: one block per kind of participation, one line per commune, a letter per step, in
    # a monospace font (a line of text costs WeasyPrint far less than a table cell).
    grids = []
    for kind in sorted(kind_steps):
        orders = sorted(kind_steps[kind])
        communes = [c for c in figures.communes if c.kind == kind]
        header = _pad(_("Commune"), NAME_WIDTH) + "  %" + "".join(str(o).rjust(3) for o in orders)
        lines, district = [], None
        for c in communes:
            if c.district_name != district:
                district = c.district_name
                lines.append(f"[{district}]")
            letters = "".join(
                codes[_cell_code(c.cells.get(o)) or "none"][1].rjust(3) for o in orders
            )
            lines.append(f"{_pad(c.name, NAME_WIDTH)}{c.progress:3.0f}{letters}")
        grids.append(
            {
                "kind_label": communes[0].kind_label if communes else kind,
                "steps": [{"order": o, "name": kind_steps[kind][o]} for o in orders],
                "text": "\n".join([header, *lines]),
            }
        )

    overdue = [
        {
            "commune": m.participation.commune.name,
            "district": m.participation.commune.district.name
            if m.participation.commune.district
            else "",
            "step": m.step.name,
            "due_date": m.due_date,
            "days_late": (as_of - m.due_date).days,
            "status": m.get_status_display(),
        }
        for m in metrics.overdue_milestones(participations, as_of=as_of)
    ]
    overdue.sort(key=lambda r: (r["district"], r["commune"], -r["days_late"]))
    overdue_by_commune = []
    for r in overdue:
        if not overdue_by_commune or overdue_by_commune[-1]["commune"] != r["commune"]:
            overdue_by_commune.append(
                {"commune": r["commune"], "district": r["district"], "items": []}
            )
        overdue_by_commune[-1]["items"].append(r)

    findings = list(
        Finding.objects.filter(audit__commune_id__in=commune_ids)
        .select_related("audit__commune__district", "procedure")
        .order_by("audit__commune__district__code", "audit__commune__name", "audit__date", "pk")
    )
    open_findings = [f for f in findings if f.status == Finding.Status.OPEN]
    findings_by_commune = defaultdict(list)
    for f in findings:
        findings_by_commune[f.audit.commune_id].append(f)
    open_actions = list(
        CorrectiveAction.objects.filter(
            finding__audit__commune_id__in=commune_ids, done_on__isnull=True
        )
        .select_related("finding__audit__commune__district")
        .order_by("due_date", "pk")
    )
    announcements = list(
        Announcement.objects.filter(commune_id__in=commune_ids, decision_date__lte=as_of)
        .select_related("commune__district")
        .order_by("-decision_date", "commune__name")
    )

    announcements_text = "\n".join(
        [
            _pad(_("Commune"), NAME_WIDTH)
            + _pad(_("Decision"), 24)
            + " ".join(
                [
                    _fix(pgettext("report column", "Date"), 10),
                    _fix(pgettext("report column", "ISO"), 4),
                    _fix(pgettext("report column", "Proc."), 5),
                    _("Kind"),
                ]
            ),
            *(
                _pad(a.commune.name, NAME_WIDTH)
                + _pad(a.decision_number, 24)
                + f"{_date(a.decision_date)} {a.standard} {a.scope_size:>5} {a.get_kind_display()}"
                for a in announcements
            ),
        ]
    )

    stage_labels = metrics.stage_labels()
    with_annex = figures.total <= ANNEX_MAX_COMMUNES
    annex = []
    if with_annex:
        for c in figures.communes:
            steps = []
            for order, m in step_names[c.participation_id].items():
                cell = c.cells.get(order) or {}
                code = _cell_code(cell) if cell else None
                steps.append(
                    {
                        "order": order,
                        "name": m["step__name"],
                        "planned_start": m["planned_start"],
                        "due_date": cell.get("due_date"),
                        "completed_on": cell.get("completed_on"),
                        "code": codes[code][:2] if code else ("c-none", ""),
                        "status": codes[code][2] if code else "",
                    }
                )
            covered = coverage.get(c.commune_id, 0)
            roadmap = [
                _pad("#  " + _("Step"), STEP_WIDTH)
                + " ".join(
                    [
                        _fix(pgettext("report column", "Start"), 10),
                        _fix(pgettext("report column", "Due"), 10),
                        "  " + pgettext("report column", "Done"),
                    ]
                )
            ]
            roadmap += [
                _pad(f"{st['order']:>2} {st['name']}", STEP_WIDTH)
                + f"{_date(st['planned_start'])} {_date(st['due_date'])} {st['code'][1] or ' '}  "
                + (_date(st["completed_on"]) if st["completed_on"] else "")
                for st in steps
            ]
            annex.append(
                {
                    "commune": c,
                    "stage_label": stage_labels[c.stage],
                    "steps": steps,
                    "roadmap_text": "\n".join(roadmap),
                    "covered": covered,
                    "in_force": figures.procedures_in_force,
                    "coverage_pct": metrics.percent(covered, figures.procedures_in_force),
                    "findings": findings_by_commune.get(c.commune_id, []),
                }
            )

    title, subtitle = _title(scope)
    return {
        "scope": scope,
        "title": title,
        "subtitle": subtitle,
        "issuer_parent": settings.QMS_ISSUER_PARENT,
        "issuer": settings.QMS_ISSUER,
        "place": settings.QMS_ISSUER_PLACE,
        "as_of": as_of,
        "place_date": place_and_date(settings.QMS_ISSUER_PLACE, as_of),
        "generated_at": timezone.localtime(),
        "figures": figures,
        "headline": _headline(figures),
        "stage_labels": stage_labels,
        "grids": grids,
        "legend": [(css, letter, label) for css, letter, label in codes.values() if label],
        "overdue": overdue,
        "overdue_by_commune": overdue_by_commune,
        "findings": findings,
        "open_findings": open_findings,
        "open_actions": open_actions,
        "announcements": announcements,
        "announcements_text": announcements_text,
        "with_annex": with_annex,
        "annex": annex,
        "annex_max": ANNEX_MAX_COMMUNES,
    }


# Rendering -----------------------------------------------------------------------------------


def report_filename(*, scope: ReportScope, fmt: str, as_of: datetime.date) -> str:
    name = slugify(f"bao-cao-tien-do {scope.level} {scope.code}") or "bao-cao-tien-do"
    return f"{name}-{as_of:%Y%m%d}.{fmt}"


def _render(*, context: dict, fmt: str) -> bytes:
    if fmt == "pdf":
        from reports import charts, pdf

        context["progress_svg"] = charts.progress_curve_svg(context["figures"])
        context["stages_svg"] = charts.stage_chart_svg(context["figures"])
        return pdf.render_pdf("reports/pdf/progress_report.html", context)
    from reports import xlsx

    return xlsx.build_workbook(context)


def report_communes(*, user, scope: ReportScope) -> int:
    """How many communes the report of ``scope`` holds for ``user`` (one query)."""
    return metrics.participations_in_scope(
        user, district=scope.district, commune=scope.commune
    ).count()


def report_cached(*, user, scope: ReportScope, fmt: str) -> RenderedReport | None:
    """The report from the cache when nothing changed since it was rendered, else None."""
    as_of = clock.today()
    content = cache.get(report_cache_key(user=user, scope=scope, fmt=fmt, as_of=as_of))
    if content is None:
        return None
    filename = report_filename(scope=scope, fmt=fmt, as_of=as_of)
    return RenderedReport(content, filename, CONTENT_TYPES[fmt], from_cache=True)


def report_render(*, user, scope: ReportScope, fmt: str) -> RenderedReport:
    """The report of ``scope`` as ``user`` may see it, in ``fmt`` ("pdf" or "xlsx"), cached."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown report format {fmt!r}")
    as_of = clock.today()
    key = report_cache_key(user=user, scope=scope, fmt=fmt, as_of=as_of)
    filename = report_filename(scope=scope, fmt=fmt, as_of=as_of)
    content = cache.get(key)
    if content is not None:
        return RenderedReport(content, filename, CONTENT_TYPES[fmt], from_cache=True)
    content = _render(context=report_context(user=user, scope=scope, as_of=as_of), fmt=fmt)
    cache.set(key, content, timeout=CACHE_SECONDS)
    return RenderedReport(content, filename, CONTENT_TYPES[fmt], from_cache=False)
