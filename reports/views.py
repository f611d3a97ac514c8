"""Pages of the reports app: the province dashboard (``dashboard*``), then the report downloads."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils.translation import gettext as _

from accounts import access
from communes.search import unit_key
from qms_rollout import clock
from reports import charts, metrics
from reports.services import (
    DIRECT_MAX_COMMUNES,
    ReportScope,
    report_cached,
    report_communes,
    report_render,
)
from reports.tasks import build_report
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
    return render(request, "reports/dashboard.html", ctx)


# Report downloads: the province, a district, a commune, as PDF or Excel ----------------------


def _report_response(request, scope, fmt):
    """The report file; a large report not yet rendered is built by the background worker.

    The first request queues :func:`reports.tasks.build_report` and sends the browser to a page
    (``?task=<id>``) that follows the task (htmx polls it; without JavaScript, a link) and
    downloads the stored file once it is built.
    """
    task_id = request.GET.get("task", "")
    if task_id:
        return _report_task_response(request, scope, fmt, task_id)
    report = report_cached(user=request.user, scope=scope, fmt=fmt)
    if report is None:
        if report_communes(user=request.user, scope=scope) > DIRECT_MAX_COMMUNES:
            result = build_report.enqueue(**_task_kwargs(request, scope, fmt))
            return redirect(f"{request.path}?task={result.id}")
        report = report_render(user=request.user, scope=scope, fmt=fmt)
    return _file_response(report.content, report.filename, report.content_type, report.from_cache)


def _file_response(content, filename, content_type, from_cache):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Report-Cache"] = "hit" if from_cache else "miss"
    return response


def _task_kwargs(request, scope, fmt) -> dict:
    return {
        "user_id": request.user.pk,
        "level": scope.level,
        "code": scope.code,
        "fmt": fmt,
        "language": request.LANGUAGE_CODE,
    }


def _report_task_response(request, scope, fmt, task_id):
    """The task's progress page (or its htmx fragment), then the built file; 404 for a task
    of another user, scope or format."""
    try:
        result = build_report.get_result(task_id)
    except (TaskResultDoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc
    wanted = _task_kwargs(request, scope, fmt)
    if {k: result.kwargs.get(k) for k in ("user_id", "level", "code", "fmt")} != {
        k: wanted[k] for k in ("user_id", "level", "code", "fmt")
    }:
        raise Http404
    done = result.status == TaskResultStatus.SUCCESSFUL
    if done and request.htmx:
        response = HttpResponse()
        response["HX-Redirect"] = request.get_full_path()
        return response
    if done and default_storage.exists(result.return_value["path"]):
        value = result.return_value
        with default_storage.open(value["path"], "rb") as stored:
            return _file_response(stored.read(), value["filename"], value["content_type"], False)
    ctx = {
        "scope": scope,
        "fmt": fmt,
        "status": result.status,
        "failed": result.status == TaskResultStatus.FAILED or done,
        "poll_url": request.get_full_path(),
        "retry_url": request.path,
    }
    if request.htmx:
        return render(request, "reports/report_progress.html#progress", ctx)
    return render(request, "reports/report_progress.html", ctx)


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
