"""Pages of the reports app: the province dashboard (``dashboard*``), then the report downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from audits.models import InspectionPlan
from communes.models import Province
from core.text import unit_key
from qms_rollout import clock
from reports import charts, documents, metrics, official
from reports.forms import AnnualReportCreateForm, AnnualReportForm
from reports.models import AnnualReport
from reports.services import (
    DIRECT_MAX_COMMUNES,
    ReportScope,
    report_cached,
    report_communes,
    report_render,
)
from roadmap.models import Milestone, ParticipationKind, Programme

GRID_SYMBOLS = {
    Milestone.Status.DONE: "✓",
    Milestone.Status.IN_PROGRESS: "◐",
    Milestone.Status.BLOCKED: "✕",
    Milestone.Status.NOT_APPLICABLE: "–",
    Milestone.Status.NOT_STARTED: "·",
}


def dashboard_grids(figures: metrics.Figures, steps_by_kind: dict) -> list[dict]:
    """The commune × step grid as one table per kind of participation (their steps differ).

    Each table: ``kind``, ``label``, ``steps`` (order, name) and ``rows`` of (commune row, cells).
    A cell carries what the template prints as is (hundreds of cells: the template stays a
    few variable lookups per cell): ``css`` (status, overdue, late), ``symbol`` (the status as
    a sign, "!" when overdue), ``text`` (the status in words, for screen readers) and
    ``title`` (the step, its status and its due date, on hover).
    """
    words = {
        "overdue": _("overdue"),
        "late": _("done late"),
        "due": _("due"),
        "absent": _("Not on the roadmap"),
    }
    labels = {status.value: status.label for status in Milestone.Status}
    grids = []
    for kind in ParticipationKind:
        steps = steps_by_kind.get(kind.value)
        communes = sorted(
            (c for c in figures.communes if c.kind == kind.value),
            key=lambda c: (c.district_code, unit_key(c.name)),
        )
        if not steps or not communes:
            continue
        rows = []
        for commune in communes:
            cells = []
            for step in steps:
                heading = f"{step['order']}. {step['name']}"
                cell = commune.cells.get(step["order"])
                if cell is None:
                    text = str(words["absent"])
                    cells.append(
                        {"css": "cell st-none", "symbol": "", "text": text, "title": heading}
                    )
                    continue
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
                cells.append(
                    {
                        "css": css,
                        "symbol": "!" if cell["overdue"] else GRID_SYMBOLS.get(status, ""),
                        "text": text,
                        "title": f"{heading}: {text} ({words['due']} {due})",
                        "overdue": cell["overdue"],
                        "late": cell["late"],
                    }
                )
            rows.append((commune, cells))
        grids.append({"kind": kind.value, "label": kind.label, "steps": steps, "rows": rows})
    return grids


def dashboard_figures_context(figures: metrics.Figures, participations) -> dict:
    """What the headline, the charts and the grid need; shared by the dashboard and the
    district page (``participations``: the queryset ``figures`` was computed from)."""
    labels = metrics.stage_labels()
    return {
        "figures": figures,
        "stage_labels": labels,
        "stage_rows": [(label, figures.by_stage.get(stage, 0)) for stage, label in labels.items()],
        "kind_rows": [
            (kind.label, figures.by_kind.get(kind.value, 0))
            for kind in ParticipationKind
            if figures.by_kind.get(kind.value)
        ],
        "grids": dashboard_grids(figures, metrics.steps_by_kind(participations)),
        "curve_svg": charts.progress_curve_svg(figures),
        "stage_svg": charts.stage_chart_svg(figures),
        "milestone_svg": charts.milestone_chart_svg(figures),
        "first_announcements": figures.announcements_by_kind.get("first", 0),
        "reannouncements": figures.announcements_by_kind.get("re", 0),
    }


def dashboard_context(user, *, programme=None) -> dict:
    """Everything the dashboard shows, for ``user``'s scope (optionally one programme)."""
    participations = metrics.participations_in_scope(user, programme=programme)
    figures = metrics.compute(participations, as_of=clock.today())
    ctx = dashboard_figures_context(figures, participations)
    ctx["recent"] = metrics.recent_changes_with_previous(participations, limit=15)
    return ctx


def year_context(participations, wanted: str | None) -> dict:
    """The year section of the dashboard: the year picked in ``?year=`` (this year by default),
    its figures (the annual report's table) and the communes late in their maintenance."""
    years = metrics.years_available()
    year = metrics.picked_year(wanted, years)
    figures = metrics.year_figures(participations, year)
    labels = metrics.duty_labels()
    late = [(row, [labels[key] for key in row.late_duties]) for row in figures.compliance.late]
    return {
        "years": years,
        "year": year,
        "year_figures": figures,
        "year_table": metrics.year_table(figures),
        "year_late": sorted(late, key=lambda item: (unit_key(item[0].name), item[0].code)),
    }


@login_required
def dashboard(request):
    """The province dashboard: headline figures, districts, the commune × step grid, charts."""
    programmes = list(Programme.objects.visible_to(request.user).order_by("-start_date", "name"))
    programme = None
    wanted = request.GET.get("programme", "")
    if wanted.isdigit():
        programme = next((p for p in programmes if p.pk == int(wanted)), None)
    ctx = dashboard_context(request.user, programme=programme)
    ctx.update({"programmes": programmes, "programme": programme})
    participations = metrics.participations_in_scope(request.user, programme=programme)
    ctx.update(year_context(participations, request.GET.get("year")))
    return render(request, "reports/dashboard.html", ctx)


# Report downloads: the province, a district, a commune, as PDF or Excel ----------------------


def _report_response(request, scope, fmt):
    """The report file; for a large report not yet rendered, first a page that renders it.

    That page's htmx request (``?build=1``) renders the report into the cache while the page
    says so, then sends the browser to the download, now served from the cache. Without
    JavaScript the page's link does the same in one request. No worker process is needed.
    """
    report = report_cached(user=request.user, scope=scope, fmt=fmt)
    if report is None:
        building = request.GET.get("build") == "1"
        if not building and report_communes(user=request.user, scope=scope) > DIRECT_MAX_COMMUNES:
            ctx = {"scope": scope, "fmt": fmt, "build_url": f"{request.path}?build=1"}
            return render(request, "reports/report_progress.html", ctx)
        report = report_render(user=request.user, scope=scope, fmt=fmt)
        if building and request.htmx:
            response = HttpResponse()
            response["HX-Redirect"] = request.path
            return response
    response = HttpResponse(report.content, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    response["X-Report-Cache"] = "hit" if report.from_cache else "miss"
    return response


@login_required
def province_report(request, fmt):
    """The progress report of the whole province (DOST staff and managers)."""
    access.require(access.can_download_province_report(request.user))
    return _report_response(request, ReportScope.province(), fmt)


@login_required
def district_report(request, code, fmt):
    """The progress report of one district, within what the user may see."""
    district = access.get_district_for_user(request.user, code)
    return _report_response(request, ReportScope.for_district(district), fmt)


@login_required
def commune_report(request, code, fmt):
    """The progress report of one commune, within what the user may see."""
    commune = access.get_commune_for_user(request.user, code)
    return _report_response(request, ReportScope.for_commune(commune), fmt)


# Official documents of the yearly cycle (Nghị định 30/2020/NĐ-CP form), as PDF or Word --------


def _document_response(doc, fmt: str) -> HttpResponse:
    content, content_type, filename = official.render(doc, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def plan_document(request, pk: int, fmt: str):
    """The year's inspection plan (Mẫu 19. KHKT)."""
    plan = access.get_inspection_plan_for_user(request.user, pk)
    return _document_response(documents.plan_document(plan), fmt)


@login_required
def decision_document(request, pk: int, fmt: str):
    """The decision of an on-site inspection (Mẫu 20. QĐKT)."""
    item = access.get_planned_inspection_for_user(request.user, pk)
    if not item.is_onsite:
        raise Http404
    return _document_response(documents.decision_document(item), fmt)


@login_required
def minutes_document(request, pk: int, fmt: str):
    """The minutes of an inspection (Mẫu 21. BBKT), once recorded."""
    item = access.get_planned_inspection_for_user(request.user, pk)
    if item.audit is None:
        raise Http404
    return _document_response(documents.minutes_document(item), fmt)


def annual_participations(user, report):
    """The participations an annual report counts: the province's, as the dashboard's."""
    return metrics.participations_in_scope(user).filter(programme__province=report.province)


@login_required
def annual_report_document(request, pk: int, fmt: str):
    """The December report to the Ministry (QĐ 19/2014 Phụ lục II)."""
    report = access.get_annual_report_for_user(request.user, pk)
    figures = metrics.year_figures(annual_participations(request.user, report), report.year)
    return _document_response(documents.annual_report_document(report, figures), fmt)


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_list(request):
    """The years' annual reports; DOST staff open the report of a year."""
    access.require(request.user.is_province_wide)
    form = AnnualReportCreateForm(request.POST or None, initial={"year": clock.today().year})
    if request.method == "POST":
        access.require(access.can_manage_inspections(request.user))
        if form.is_valid():
            form.instance.created_by = request.user
            return redirect(form.save())
    provinces = Province.objects.filter(programmes__isnull=False).distinct()
    form.fields["province"].queryset = provinces
    form.fields["province"].initial = provinces.first()
    ctx = {
        "reports": AnnualReport.objects.visible_to(request.user),
        "form": form,
        "can_manage": access.can_manage_inspections(request.user),
    }
    return render(request, "reports/annualreport_list.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_detail(request, pk: int):
    """A year's report: its figures (as the dashboard's), the narrative the user writes, the
    downloads."""
    write = request.method == "POST"
    report = access.get_annual_report_for_user(request.user, pk, write=write)
    form = AnnualReportForm(request.POST or None, instance=report)
    if write and form.is_valid():
        form.instance._history_user = request.user
        form.save()
        messages.success(request, _("Saved. Download the report below."))
        return redirect(report)
    figures = metrics.year_figures(annual_participations(request.user, report), report.year)
    ctx = {
        "report": report,
        "form": form,
        "figures": figures,
        "year_table": metrics.year_table(figures),
        "can_manage": access.can_manage_inspections(request.user),
        "plans": InspectionPlan.objects.visible_to(request.user).filter(year=report.year),
    }
    return render(request, "reports/annualreport_detail.html", ctx)
