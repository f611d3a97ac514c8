"""Progress reports: what goes into one (province, district or commune), rendered as PDF or Excel
(by :func:`reports.documents.render`), with a cache keyed by the data's last change.

Cache: the default cache (``CACHES["default"]``, set by ``CACHE_URL``) holds the rendered files
and the *data generation* (:mod:`core.generation`), random tokens replaced by
``reports/signals.py`` after any change to a row of the roadmap, audits, procedures or communes
apps (when the transaction commits). A report's key is its scope, the audience (what the user may
see), the language, the as-of date, the format and those tokens, so a change makes every older copy unreachable (they expire after
:data:`CACHE_SECONDS`). The token is read *before* the data, so a change committed during a render
leaves that render under the old token. With the default local-memory cache each process has its
own copy; a deployment with several worker processes sets ``CACHE_URL`` to a shared cache
(``filecache:///srv/qms/var/cache`` or Redis) so that a change seen by one process reaches all.

Rendering reads the database outside ``transaction.atomic``: with SQLite's immediate
transactions an atomic block would take the write lock for the whole render.

A large programme (more than :data:`ANNEX_MAX_COMMUNES` communes in the report) leaves the annex
out of the PDF and says so: the per-commune sections are in the district and commune reports
(WeasyPrint's time grows with the text it draws; see ``bench/bench_reports.py``). Above
:data:`SUMMARY_MIN_COMMUNES` the report summarises, and its annexes (a line per commune) are pages
written straight to PDF by :mod:`reports.documents.pdftext` after WeasyPrint's pages: 10,000 lines
in well under a second where WeasyPrint took ~30 s (``bench/bench_province_report.py``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import localize, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from audits.models import Announcement, CorrectiveAction, CorrectiveActionQuerySet, Finding
from communes.models import Commune, Province
from core import clock
from core.filenames import download_name
from core.generation import data_generation
from core.text import unit_sort_key
from procedures.models import ScopeItem
from reports import documents, metrics
from reports.documents import textlayout
from reports.documents.official import issuer
from reports.grid import grid_tables
from roadmap.models import Milestone

CACHE_SECONDS = 24 * 3600
ANNEX_MAX_COMMUNES = getattr(settings, "QMS_REPORT_ANNEX_MAX_COMMUNES", 100)
# Above this many communes a report is a summary: the table by district, then an annex per district
# with one line per commune, in place of the grid and the lists of overdue milestones, findings
# and actions one by one (those are in each district's report). Set by QMS_REPORT_SUMMARY_MIN.
SUMMARY_MIN_COMMUNES = getattr(settings, "QMS_REPORT_SUMMARY_MIN_COMMUNES", 500)
# Above this many communes a download first shows a "being generated" page whose htmx request
# renders the report (several seconds for 1,000 communes), then downloads it from the cache.
DIRECT_MAX_COMMUNES = getattr(settings, "QMS_REPORT_DIRECT_MAX_COMMUNES", 200)
FORMATS = ("pdf", "xlsx")


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: the whole province (all the user sees), a district or a commune."""

    level: str  # "province", "district" or "commune"
    code: str = ""
    since: str = ""  # the unit's period key (codes are reused): code and since name one unit
    name: str = ""
    district: object = None
    commune: object = None

    @classmethod
    def province(cls):
        return cls(level="province", code="tinh")

    @classmethod
    def for_district(cls, district):
        return cls(
            level="district",
            code=district.code,
            since=district.since_key,
            name=district.name,
            district=district,
        )

    @classmethod
    def for_commune(cls, commune):
        return cls(
            level="commune",
            code=commune.code,
            since=commune.since_key,
            name=commune.name,
            commune=commune,
        )


@dataclass
class RenderedReport:
    content: bytes
    filename: str
    content_type: str
    from_cache: bool


# The data generation -----------------------------------------------------------------------


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
            scope.since,
            _audience(user),
            get_language() or settings.LANGUAGE_CODE,
            as_of.isoformat(),
            fmt,
            data_generation(),
        ]
    )


# What a report holds ------------------------------------------------------------------------


def _headline(figures: metrics.Figures) -> list[dict]:
    """The headline figures as rows (label, value, unit or share), shared by PDF and Excel."""
    stage_labels = metrics.stage_labels()
    rows = [
        {"label": _("Communes in the report"), "value": figures.total},
    ]
    for stage in metrics.Stage.values:
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


def report_province(participations, as_of: datetime.date):
    """The province a report is about: the one whose units in force on ``as_of`` take part in
    ``participations``, else the territory's province in force then (``None`` when neither
    tells, as in a national deployment)."""
    provinces = list(
        Province.objects.filter(
            communes__in=Commune.objects.current(as_of),
            communes__participations__in=participations,
        ).distinct()[:2]
    )
    if len(provinces) == 1:
        return provinces[0]
    return Province.objects.territory_province(as_of)


def territory_label(province) -> str:
    """What a report of everything the user sees covers: "Toàn tỉnh Vĩnh Long", or the whole
    country when it covers no one province."""
    if province is None:
        return _("The whole country")
    name = province.name
    return _("The whole of %(unit)s") % {"unit": name[:1].lower() + name[1:]}


def _title(scope: ReportScope, province) -> tuple[str, str]:
    title = _("PROGRESS REPORT ON THE QMS ROLLOUT AT COMMUNE PEOPLE'S COMMITTEES")
    if scope.level == "province":
        return title, territory_label(province)
    if scope.level == "district":
        return title, scope.name
    district = scope.commune.district
    return title, f"{scope.name}, {district.name}" if district else scope.name


def _overdue_rows(figures: metrics.Figures) -> list[dict]:
    """The overdue milestones as the report lists them, by district, commune, most late first:
    the overdue cells of the figures, so the list agrees with the counts on any date."""
    labels = {status.value: status.label for status in Milestone.Status}
    rows = [
        {
            "commune": c.name,
            "district": c.district_name,
            "step": cell["name"],
            "due_date": cell["due_date"],
            "days_late": (figures.as_of - cell["due_date"]).days,
            "status": str(labels[cell["status"]]),
        }
        for c in figures.communes
        for cell in c.cells.values()
        if cell["overdue"]
    ]
    rows.sort(key=lambda r: (r["district"], r["commune"], -r["days_late"]))
    return rows


def _by_commune(overdue: list[dict]) -> list[dict]:
    """The overdue rows grouped by commune: ``commune``, ``district``, ``items``."""
    groups = []
    for r in overdue:
        if not groups or groups[-1]["commune"] != r["commune"]:
            groups.append({"commune": r["commune"], "district": r["district"], "items": []})
        groups[-1]["items"].append(r)
    return groups


def _quality_records(commune_ids, as_of: datetime.date) -> dict:
    """Findings as they stood on ``as_of``, open corrective actions (each with ``overdue``) and
    announcements (3 queries), by the rules of :class:`audits.models.FindingQuerySet` and
    :class:`audits.models.CorrectiveActionQuerySet` that the lists and the figures ask."""
    findings = [
        finding.take_status_on(as_of)
        for finding in Finding.objects.filter(audit__commune_id__in=commune_ids)
        .raised_by(as_of)
        .with_status_on(as_of)
        .select_related("audit__commune__district", "procedure")
        .order_by("audit__commune__district__code", "audit__commune__name", "audit__date", "pk")
    ]
    open_actions = list(
        CorrectiveAction.objects.filter(finding__audit__commune_id__in=commune_ids)
        .raised_by(as_of)
        .filter(CorrectiveActionQuerySet.open_q(as_of))
        .select_related("finding__audit__commune__district")
        .order_by("due_date", "pk")
    )
    for action in open_actions:
        action.overdue = action.is_overdue_on(as_of)
    return {
        "findings": findings,
        "open_findings": [f for f in findings if f.status == Finding.Status.OPEN],
        "open_actions": open_actions,
        **_announcements(commune_ids, as_of),
    }


def _pdf_grids(figures: metrics.Figures, codes: dict) -> list[dict]:
    """The grid as the PDF prints it: per kind, its steps and its lines of letters."""
    return [
        {
            "kind_label": table.label,
            "steps": table.steps,
            "text": textlayout.grid_text(table, codes),
        }
        for table in grid_tables(figures)
    ]


def _annex_item(commune: metrics.CommuneRow, figures, covered: int, findings, codes) -> dict:
    steps = []
    for cell in sorted(commune.cells.values(), key=lambda c: c["order"]):
        code = codes[cell["outcome"]]
        steps.append({**cell, "code": code[:2], "status": code[2]})
    return {
        "commune": commune,
        "stage_label": str(metrics.Stage(commune.stage).label),
        "steps": steps,
        "roadmap_text": textlayout.roadmap_text(steps),
        "covered": covered,
        "in_force": figures.procedures_in_force,
        "coverage_pct": metrics.percent(covered, figures.procedures_in_force),
        "findings": findings,
    }


def _annex(figures: metrics.Figures, findings: list, codes: dict) -> list[dict]:
    """One section per commune: its stage, progress, coverage, roadmap and findings (1 query)."""
    coverage = ScopeItem.objects.coverage_by_commune(
        [c.commune_id for c in figures.communes], on=figures.as_of
    )
    findings_by_commune = defaultdict(list)
    for f in findings:
        findings_by_commune[f.audit.commune_id].append(f)
    return [
        _annex_item(
            c,
            figures,
            coverage.get(c.commune_id, 0),
            findings_by_commune.get(c.commune_id, []),
            codes,
        )
        for c in figures.communes
    ]


def _annex_groups(figures: metrics.Figures) -> tuple[list, str, bool]:
    """The units the annexes of a summary go by: the districts of one province (the provinces
    when units have no district), or the provinces with a line per district when several
    provinces take part; the attribute naming a commune's group; whether districts are
    sub-headings."""
    if len(figures.provinces) > 1:
        return figures.provinces, "province_code", figures.has_districts
    if figures.has_districts:
        return figures.districts, "district_code", False
    return figures.provinces, "province_code", False


def _annex_lines(communes: list, districts: dict | None) -> list[str]:
    """The lines of one annex: a line per commune in Vietnamese order (the row's
    ``Commune.sort_key``), under a line per district (``districts``: code -> its row) when
    districts are sub-headings."""
    if districts is None:
        ordered = sorted(communes, key=lambda c: c.sort_key or unit_sort_key(c.name, c.code))
        return textlayout.commune_table_lines(ordered, metrics.stage_labels())
    by_district = defaultdict(list)
    for c in communes:
        by_district[c.district_code].append(c)
    lines = []
    for code in sorted(by_district):
        d = districts[code]
        lines.append(
            f"[{d.name}] {_('Progress (%)')}: {number_format(d.progress, 1)} · "
            f"{_('Overdue milestones')}: {localize(d.counts.overdue)}"
        )
        lines += _annex_lines(by_district[code], None)
    return lines


def district_annexes(figures: metrics.Figures) -> list[dict]:
    """The annexes of a summary report: per district (per province when units have no district
    or several provinces take part), in the table's order, its row of the figures (``unit``),
    the ``header`` and the ``lines`` of its communes (one each, in Vietnamese order)."""
    groups, attribute, with_districts = _annex_groups(figures)
    by_group = defaultdict(list)
    for c in figures.communes:
        by_group[getattr(c, attribute)].append(c)
    districts = {d.code: d for d in figures.districts} if with_districts else None
    return [
        {
            "unit": unit,
            "header": textlayout.commune_table_header(),
            "lines": _annex_lines(by_group[unit.code], districts),
        }
        for unit in groups
    ]


def _announcements(commune_ids, as_of: datetime.date) -> dict:
    """The announcements of conformity made by ``as_of`` (one query), and their text."""
    announcements = list(
        Announcement.objects.filter(commune_id__in=commune_ids, decision_date__lte=as_of)
        .select_related("commune__district")
        .order_by("-decision_date", "commune__name")
    )
    return {
        "announcements": announcements,
        "announcements_text": textlayout.announcements_text(announcements),
    }


def _itemised(participations, figures, as_of) -> dict:
    """The parts listed one by one: overdue milestones, findings, actions (empty in a summary,
    which loads none of them)."""
    commune_ids = participations.of_units_in_force(as_of).values("commune_id")
    if figures.total > SUMMARY_MIN_COMMUNES:
        return {
            **_announcements(commune_ids, as_of),
            **{"findings": [], "open_findings": [], "open_actions": [], "overdue": []},
            "summary": True,
            "annexes": district_annexes(figures),
        }
    records = _quality_records(commune_ids, as_of)
    return {**records, "overdue": _overdue_rows(figures), "summary": False}


def _by_province(figures: metrics.Figures, summary: bool) -> bool:
    """Whether section 2 is the table by province (a summary over several provinces: a
    nation-wide report's hundreds of districts are in its annexes) rather than by district."""
    return summary and len(figures.provinces) > 1


def _sections(figures: metrics.Figures, by_province: bool = False) -> dict:
    """The PDF's section numbers: "By district" (2) only where units have districts, or "By
    province" (2) in a summary over several provinces."""
    first = 3 if figures.has_districts or by_province else 2
    names = ("grid", "overdue", "findings", "announcements")
    return {name: first + i for i, name in enumerate(names)}


def report_context(*, user, scope: ReportScope, as_of: datetime.date | None = None) -> dict:
    """Everything a report shows, for ``user`` (within what they may see) and ``scope``.

    Above :data:`SUMMARY_MIN_COMMUNES` communes (``summary``), the report summarises: the table
    by district, an annex per district (``annexes``), counts in place of itemised lists."""
    as_of = as_of or clock.today()
    participations = metrics.participations_in_scope(
        user, district=scope.district, commune=scope.commune
    )
    figures = metrics.compute(participations, as_of=as_of)
    records = _itemised(participations, figures, as_of)
    overdue = records.pop("overdue")
    codes = textlayout.cell_codes()
    with_annex = figures.total <= ANNEX_MAX_COMMUNES
    by_province = _by_province(figures, records["summary"])
    province = report_province(participations, as_of)
    body = issuer(province)
    title, subtitle = _title(scope, province)
    return {
        "scope": scope,
        "title": title,
        "subtitle": subtitle,
        "issuer_parent": body["parent_body"],
        "issuer": body["issuing_body"],
        "place": body["place"],
        "as_of": as_of,
        "place_date": place_and_date(body["place"], as_of),
        "generated_at": timezone.localtime(),
        "figures": figures,
        "headline": _headline(figures),
        "stage_labels": metrics.stage_labels(),
        "grids": [] if records["summary"] else _pdf_grids(figures, codes),
        "legend": textlayout.legend(),
        "overdue": overdue,
        "overdue_by_commune": _by_commune(overdue),
        **records,
        "by_province": by_province,
        "table_units": figures.provinces if by_province else figures.districts,
        "section": _sections(figures, by_province),
        "with_annex": with_annex,
        "annex": _annex(figures, records["findings"], codes) if with_annex else [],
        "annex_max": ANNEX_MAX_COMMUNES,
        "summary_min": SUMMARY_MIN_COMMUNES,
    }


# Rendering -----------------------------------------------------------------------------------


def report_filename(*, scope: ReportScope, fmt: str, as_of: datetime.date) -> str:
    """``bao-cao-tien-do-xa-phu-phung-15-12-2017.pdf``: what it is, of which unit, which day;
    the province's report names the province (``bao-cao-tien-do-toan-tinh-...``)."""
    unit = scope.name or "toàn tỉnh"
    return download_name("Báo cáo tiến độ", unit, as_of, ext=fmt)


def report_communes(*, user, scope: ReportScope) -> int:
    """How many communes the report of ``scope`` holds for ``user`` (one query)."""
    return metrics.participations_in_scope(
        user, district=scope.district, commune=scope.commune
    ).count()


def report_cached(
    *, user, scope: ReportScope, fmt: str, as_of: datetime.date | None = None
) -> RenderedReport | None:
    """The report from the cache when nothing changed since it was rendered, else None."""
    as_of = as_of or clock.today()
    content = cache.get(report_cache_key(user=user, scope=scope, fmt=fmt, as_of=as_of))
    if content is None:
        return None
    filename = report_filename(scope=scope, fmt=fmt, as_of=as_of)
    return RenderedReport(content, filename, documents.CONTENT_TYPES[fmt], from_cache=True)


def report_render(
    *, user, scope: ReportScope, fmt: str, as_of: datetime.date | None = None
) -> RenderedReport:
    """The report of ``scope`` as ``user`` may see it, in ``fmt`` ("pdf" or "xlsx"), as of
    ``as_of`` (default today), cached."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown report format {fmt!r}")
    as_of = as_of or clock.today()
    key = report_cache_key(user=user, scope=scope, fmt=fmt, as_of=as_of)
    filename = report_filename(scope=scope, fmt=fmt, as_of=as_of)
    content = cache.get(key)
    if content is not None:
        return RenderedReport(content, filename, documents.CONTENT_TYPES[fmt], from_cache=True)
    content = documents.render(report_context(user=user, scope=scope, as_of=as_of), fmt)
    cache.set(key, content, timeout=CACHE_SECONDS)
    return RenderedReport(content, filename, documents.CONTENT_TYPES[fmt], from_cache=False)
