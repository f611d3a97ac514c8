"""The progress pages of units: the list of communes, the commune page, the district page.

They gather every app (the roadmap, the scope, the audits, the figures), so they live in
``reports``: ``/communes/``, ``/communes/<code>/<since>/`` and ``/districts/<code>/<since>/``
(a unit by its code and period key; old links by code alone: ``communes/views.py``).
"""

from typing import NamedTuple

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch
from django.shortcuts import render

from accounts import access
from audits.models import Announcement, Audit, Finding
from communes.access import get_commune_for_user, get_district_for_user
from core import clock
from core.asof import as_of_from_request
from core.generation import OTHER, kept
from core.lists import PER_PAGE, render_list
from core.scope import scope_of
from core.spreadsheets import export_format, export_list
from procedures.models import ScopeItem
from reports import charts, metrics
from reports.dashboard import dashboard_figures_context, figure_links
from reports.filters import CommuneFilterSet
from reports.resources import commune_rows
from roadmap.models import Milestone


@login_required
def commune_list(request):
    """Participating communes the user may see, filtered in the URL, in Vietnamese order.

    Filtering, order and the page are the database's; figures are computed for the page only.
    """
    as_of = as_of_from_request(request)
    in_scope = metrics.participations_in_scope(request.user).of_units_in_force(as_of.date)
    filterset = CommuneFilterSet(request.GET, in_scope, request=request, as_of=as_of.date)
    participations = filterset.qs.order_by("commune__sort_key", "pk")
    if fmt := export_format(request):
        return export_list("communes", participations, fmt, day=as_of.date, request=request)
    page = Paginator(participations, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = commune_rows(page.object_list, as_of.date)
    ctx = {
        "page": page,
        "filterset": filterset,
        "as_of_choice": as_of,
        "with_districts": "district" in filterset.filters,
    }
    return render_list(request, "reports/commune_list.html", ctx)


def _roadmaps(participations, milestones, as_of) -> list[dict]:
    """Each participation with its milestones and a timeline bar per milestone."""
    by_participation: dict[int, list] = {p.pk: [] for p in participations}
    for m in milestones:
        by_participation[m.participation_id].append(m)
    roadmaps = []
    for p in participations:
        steps = by_participation[p.pk]
        if steps:
            start = min(m.planned_start for m in steps)
            end = max(
                [m.due_date for m in steps] + [m.completed_on for m in steps if m.completed_on]
            )
        rows = [
            {
                "milestone": m,
                "overdue": m.is_overdue_on(as_of),
                "days_overdue": max(0, (as_of - m.due_date).days),
                "bar": charts.timeline_bar_svg(
                    planned_start=m.planned_start,
                    due_date=m.due_date,
                    completed_on=m.completed_on,
                    span_start=start,
                    span_end=end,
                    as_of=as_of,
                    overdue=m.is_overdue_on(as_of),
                    late=m.is_done_late,
                ),
            }
            for m in steps
        ]
        roadmaps.append({"participation": p, "rows": rows})
    return roadmaps


def _commune_milestones(user, in_scope, as_of) -> list:
    """The milestones of the commune's participations as they stood on ``as_of`` (the one rule,
    ``MilestoneQuerySet.with_status_on``), each marked ``editable`` or not (never on a past
    day)."""
    milestones = list(
        Milestone.objects.filter(participation__in=in_scope)
        .with_status_on(as_of)
        .with_list_related()
        .order_by("participation_id", "step__order")
    )
    for m in milestones:
        m.take_status_on(as_of)
        m.editable = not m.read_only and access.can_edit_milestone(user, m)
    return milestones


def _commune_changes(in_scope, as_of) -> list[dict]:
    """Every change of the commune's milestones made by the end of ``as_of`` (creations left
    out), newest first."""
    history = Milestone.history.filter(participation_id__in=in_scope.values("pk"))
    if clock.is_past(as_of):  # today: everything recorded
        history = history.filter(history_date__lt=clock.end_of(as_of))
    history = list(
        history.select_related("history_user", "step").order_by("-history_date", "-history_id")
    )
    return [c for c in metrics.changes_with_previous(history) if c["row"].history_type == "~"]


def _commune_audits(user, commune, as_of) -> list:
    """The commune's audits held by ``as_of``, with their findings and the findings' corrective
    actions as they stood that day."""
    findings = (
        Finding.objects.raised_by(as_of)
        .with_status_on(as_of)
        .select_related("procedure")
        .with_list_related(as_of)
    )
    audits = list(
        Audit.objects.visible_to(user)
        .filter(commune=commune)
        .held_by(as_of)
        .prefetch_related(Prefetch("findings", queryset=findings))
    )
    for audit in audits:
        for finding in audit.findings.all():
            finding.take_status_on(as_of)
    return audits


def _kept_for_commune(
    kind: str, commune, participations: list, as_of, build, *, users=False, seen_as=()
):
    """``build()``, today kept while the commune's participations (``participations``, all of
    the page's scope, read with the revisions of their sums: every write of a milestone renews
    its participation's) and what is not a milestone do not change (nor the users, when
    ``users``: for what names them), for the users ``seen_as`` names (their role and unit, for
    what depends on them); a past day's computed again."""
    if clock.is_past(as_of):
        return build()
    return metrics.kept_by_revisions(
        kind,
        (commune.pk, *seen_as),
        as_of,
        repr(sorted((p.pk, p.sums_revision) for p in participations)),
        build,
        users=users,
    )


def _seen_as(user) -> tuple:
    """What the commune page's records and roadmaps depend on of the user reading them: what
    they may see (their scope, the one rule of ``User.scope``) and update (their role too)."""
    return (user.role, scope_of(user).key)


def _progress_ctx(user, commune, in_scope, as_of) -> dict:
    """The commune's participations (``in_scope``), figures and roadmaps as of ``as_of``."""
    participations = list(
        in_scope.with_budget_on(as_of)
        .with_list_related()
        .select_related("template")
        .annotate(first_year=metrics.first_programme_year())  # for the years offered
        .annotate(sums_revision=F("totals__revision"))  # what keeps the figures below
        .order_by("start_date")
    )

    def kept_today(kind, build, **how):
        return _kept_for_commune(kind, commune, participations, as_of, build, **how)

    # No grid, no chart; the page lists the audits, findings and actions itself.
    figures = kept_today(
        "commune-figures",
        lambda: metrics.compute(
            in_scope, as_of=as_of, curve=False, records=False, records_of=metrics.records_cached
        ),
    )

    def roadmaps():
        return _roadmaps(participations, _commune_milestones(user, in_scope, as_of), as_of)

    changes = kept_today("commune-changes", lambda: _commune_changes(in_scope, as_of), users=True)
    return {
        "participations": participations,
        "figures": figures,
        "row": figures.communes[0] if len(figures.communes) == 1 else None,
        "roadmaps": kept_today("commune-roadmaps", roadmaps, seen_as=_seen_as(user)),
        "changes": changes[:50],
        "changes_total": len(changes),
    }


def _records_ctx(user, commune, as_of) -> dict:
    """The commune's quality records as of ``as_of``: scope to revise, audits, announcements;
    kept in the process while nothing but the milestones changes (they read none), for the
    users who see them alike: those of one role and unit."""

    def build():
        return {
            "needing_revision": list(
                ScopeItem.objects.visible_to(user)
                .filter(commune=commune)
                .needing_revision(on=as_of)
                .select_related("procedure__field")
            ),
            "audits": _commune_audits(user, commune, as_of),
            "announcements": list(
                Announcement.objects.visible_to(user).filter(commune=commune).decided_by(as_of)
            ),
        }

    return {
        **kept("commune-records", (commune.pk, as_of, _seen_as(user)), build, (OTHER,)),
        "can_edit_scope": not clock.is_past(as_of)
        and access.can_manage_quality_records(user, commune),
    }


@login_required
def commune_detail(request, code: str, since: str):
    """A commune, as it stood on the page's day (an ended unit's page opens on its last day):
    its roadmap as a timeline, scope, audits, announcements, people, history, lineage."""
    user = request.user
    commune = get_commune_for_user(user, code, since)
    as_of_choice = as_of_from_request(request, default=commune.last_day)
    as_of = as_of_choice.date
    in_scope = metrics.participations_in_scope(user, commune=commune)
    ctx = {
        "commune": commune,
        **_progress_ctx(user, commune, in_scope, as_of),
        **_records_ctx(user, commune, as_of),
        **kept("commune-lineage", (commune.pk, as_of), lambda: _lineage(commune, as_of), (OTHER,)),
        "as_of_choice": as_of_choice,
    }
    first = ctx["participations"][0].first_year if ctx["participations"] else None
    ctx.update(_compliance_ctx(request, in_scope, as_of, first=first))
    return render(request, "reports/commune_detail.html", ctx)


def _lineage(commune, as_of) -> dict:
    """What the unit became (when it had ended by ``as_of``), where it came from by then, and
    its inheritance: the QMS record of every unit it succeeds (announcements, audits, scope) as
    of that day, in its page's access."""
    ancestry, became = commune.lineage(on=as_of)
    # From its last day on, the page says that the unit ended and what it went into (the
    # successions that ended it); before, nothing of it.
    ended = commune.valid_until is not None and commune.valid_until <= as_of
    ctx = {"as_of": as_of, "ended": ended, "successions": became if ended else []}
    ancestors = [s.predecessor for s in ancestry]
    if not ancestors:  # most units: nothing inherited, nothing to read
        return ctx | {
            "ancestry": [],
            "inherited_scope": [],
            "inherited_announcements": [],
            "inherited_audits": [],
            "inherited_audits_total": 0,
        }
    scope = dict(
        ScopeItem.objects.filter(commune__in=ancestors)
        .in_scope_on(as_of)
        .values_list("commune")
        .annotate(n=Count("pk"))
    )
    audits = Audit.objects.filter(commune__in=ancestors).held_by(as_of).order_by("-date")
    inherited = list(audits.select_related("commune")[:21])
    return ctx | {
        "ancestry": ancestry,
        "inherited_scope": [(u, scope.get(u.pk, 0)) for u in ancestors],
        "inherited_announcements": list(
            Announcement.objects.filter(commune__in=ancestors)
            .decided_by(as_of)
            .select_related("commune")
            .order_by("decision_date")
        ),
        "inherited_audits": inherited[:20],
        # Counted only when there are more than the 20 shown.
        "inherited_audits_total": audits.count() if len(inherited) > 20 else len(inherited),
    }


def _compliance_ctx(request, in_scope, as_of, *, first=None) -> dict:
    """The commune's maintenance duties in the year picked (``?year=``, the as-of date's year
    by default, none after it), as of the page's date; ``first``: the first programme's year,
    when the page has read it."""
    years = metrics.years_available(as_of, first=first)
    year = metrics.picked_year(request.GET.get("year"), years)
    return {
        "years": years,
        "year": year,
        "compliance": metrics.commune_compliance_cached(in_scope, year, today=as_of),
        "duty_labels": metrics.duty_labels(),
        "status_labels": metrics.status_labels(),
    }


class DistrictCommune(NamedTuple):
    """A line of a district page's list of communes."""

    row: metrics.CommuneRow
    qms_representative: str
    iso_secretary: str


def _district_communes(participations, shown) -> list[DistrictCommune]:
    """The lines of a district page's list: the rows ``shown``, in name order, with their
    participations' QMS people."""
    rows = sorted(shown, key=lambda r: r.sort_key)
    people = participations.filter(pk__in=[r.participation_id for r in rows]).order_by()
    people = {
        pk: (representative, secretary)
        for pk, representative, secretary in people.values_list(
            "pk", "qms_representative", "iso_secretary"
        )
    }
    return [DistrictCommune(r, *people.get(r.participation_id, ("", ""))) for r in rows]


def _most_overdue(participations, day, limit: int = 25) -> list:
    """The ``limit`` most overdue milestones of a district's ``participations`` on ``day``, as
    they stood. Narrowed first to the participations' ids (one small query): as a subquery, the
    planner joined every milestone of the province with every commune before narrowing."""
    ids = list(participations.values_list("pk", flat=True))
    return [m.take_status_on(day) for m in metrics.overdue_milestones(ids, as_of=day)[:limit]]


@login_required
def district_detail(request, code: str, since: str):
    """A district: its headline figures, communes with their QMS people, grid, curve, changes."""
    user = request.user
    district = get_district_for_user(user, code, since)
    as_of = as_of_from_request(request, default=district.last_day)
    participations = metrics.participations_in_scope(user, district=district)
    figures = metrics.compute_cached(participations, as_of=as_of.date)
    # The lists filter by the districts in force on their day: links only while it is.
    links = figure_links(as_of.date, district=district) if district.is_valid_on(as_of.date) else {}
    ctx = dashboard_figures_context(figures, page=request.GET.get("page"), links=links)
    # A large district lists the communes of the grid's page (the whole list: the commune list).
    shown = ctx["grid_page"].object_list if ctx["summarised"] else figures.communes
    ctx.update(
        {
            "district": district,
            "communes": _district_communes(participations, shown),
            "overdue": _most_overdue(participations, as_of.date),
            "recent": metrics.recent_changes_cached(
                participations, limit=15, as_of=as_of.date, size=len(figures.communes)
            ),
            "as_of_choice": as_of,
            "announcements": list(
                Announcement.objects.visible_to(user)
                .filter(commune__district=district)
                .select_related("commune")
            ),
            "audit_kinds": [
                (label, figures.audits_by_kind.get(kind, 0)) for kind, label in Audit.Kind.choices
            ],
        }
    )
    return render(request, "reports/district_detail.html", ctx)
