"""Pages of the reports app: the province dashboard (``dashboard*``), then the report downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from audits.models import InspectionPlan
from communes.access import get_commune_for_user, get_district_for_user, get_province_for_user
from communes.models import Province
from core import clock, work
from core.asof import as_of_from_request
from core.filenames import download_name
from reports import documents, metrics
from reports.access import get_annual_report_for_user
from reports.dashboard import dashboard_context
from reports.documents import annual
from reports.forms import AnnualReportCreateForm, AnnualReportForm
from reports.models import AnnualReport
from reports.services import (
    DIRECT_MAX_COMMUNES,
    ReportScope,
    report_cached,
    report_communes,
    report_render,
)
from reports.tasks import build_report, task_result, waiting_for_user
from reports.views_tasks import file_response, follow_task
from roadmap.models import Programme


def year_context(participations, wanted: str | None, as_of=None, *, first=None) -> dict:
    """The year section of the dashboard: the year picked in ``?year=`` (the as-of date's year
    by default, none after it), its figures (the annual report's table) and the communes late in
    their maintenance; ``first``: the first programme's year, when the page has read it."""
    years = metrics.years_available(as_of, first=first)
    year = metrics.picked_year(wanted, years)
    figures = metrics.year_figures_cached(participations, year, today=as_of)
    labels = metrics.duty_labels()
    late = [(row, [labels[key] for key in row.late_duties]) for row in figures.compliance.late]
    return {
        "years": years,
        "year": year,
        "year_figures": figures,
        "year_table": metrics.year_table(figures),
        "bodies_table": metrics.bodies_table(figures),
        "money_table": metrics.money_table(figures),
        "year_late": sorted(late, key=lambda item: item[0].sort_key),
    }


def _picked_province(request, as_of):
    """The province of ``?province=<code>`` (a national deployment's drill-down), within what
    the user may see (404 outside), or ``None``."""
    code = request.GET.get("province", "").strip()
    if code and not (code.isascii() and code.isdigit() and len(code) <= 3):
        raise Http404  # not a province's code (PostgreSQL refuses a NUL byte in a literal)
    return get_province_for_user(request.user, code, on=as_of) if code else None


@login_required
def dashboard(request):
    """The province dashboard: headline figures, districts, the commune × step grid, charts; in
    a national deployment the provinces, each opening its own dashboard (``?province=``)."""
    as_of = as_of_from_request(request)
    province = _picked_province(request, as_of.date)
    programmes = list(
        Programme.objects.visible_to(request.user)
        .annotate(first_year=metrics.first_programme_year())  # for the years offered
        .order_by("-start_date", "name")
    )
    programme = None
    wanted = request.GET.get("programme", "")
    if wanted.isdigit():
        programme = next((p for p in programmes if p.pk == int(wanted)), None)
    ctx = dashboard_context(
        request.user,
        programme=programme,
        province=province,
        page=request.GET.get("page"),
        as_of=as_of.date,
    )
    ctx.update({"programmes": programmes, "programme": programme, "as_of_choice": as_of})
    participations = metrics.participations_in_scope(
        request.user, programme=programme, province=province
    )
    first = programmes[0].first_year if programmes else None
    ctx.update(year_context(participations, request.GET.get("year"), as_of.date, first=first))
    if ctx["national"]:
        ctx["year_provinces"] = metrics.year_tables_by_province(
            participations, ctx["year"], today=as_of.date
        )
    return render(request, "reports/dashboard.html", ctx)


# Report downloads: the province, a district, a commune, as PDF or Excel ----------------------


def _report_response(request, scope, fmt):
    """The report file; a large report not yet rendered is built by the background worker.

    A report of more than ``DIRECT_MAX_COMMUNES`` communes (the province's, beyond a small
    province), and any report asked while the user already holds the web workers with long requests
    (:mod:`core.work`) are queued (:func:`reports.tasks.build_report`): the browser goes to a
    page (``?task=<id>``) that follows the task (htmx polls it; without JavaScript, a link) and
    downloads the stored file once it is built.
    """
    as_of = as_of_from_request(request)  # read once: the task's kwargs and links carry it
    task_id = request.GET.get("task", "")
    if task_id:
        return _report_task_response(request, scope, fmt, task_id, as_of)
    report = report_cached(user=request.user, scope=scope, fmt=fmt, as_of=as_of.date)
    if report is None:
        if _report_queued(request, scope):
            result = build_report.enqueue(**_task_kwargs(request, scope, fmt, as_of))
            param = f"&{as_of.query}" if as_of.query else ""
            return redirect(f"{request.path}?task={result.id}{param}")
        with work.user_slot(request.user.pk):
            report = report_render(user=request.user, scope=scope, fmt=fmt, as_of=as_of.date)
    return file_response(report.content, report.filename, report.content_type, report.from_cache)


def _report_queued(request, scope) -> bool:
    """Whether the report is made by the worker rather than in this request."""
    user = request.user
    return report_communes(user=user, scope=scope) > DIRECT_MAX_COMMUNES or work.should_queue(
        user.pk, waiting_for_user(user.pk)
    )


def _task_kwargs(request, scope, fmt, as_of) -> dict:
    return {
        "user_id": request.user.pk,
        "level": scope.level,
        "code": scope.code,
        "since": scope.since,
        "fmt": fmt,
        "language": request.LANGUAGE_CODE,
        "as_of": as_of.date.isoformat(),
    }


def _report_task_response(request, scope, fmt, task_id, as_of):
    """The task's progress page (or its htmx fragment), then the built file; 404 for a task
    of another user, scope or format."""
    try:
        result = task_result(task_id)  # a task whose worker is gone is failed first
    except (TaskResultDoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc
    wanted = _task_kwargs(request, scope, fmt, as_of)
    keys = ("user_id", "level", "code", "since", "fmt", "as_of")
    if {k: result.kwargs.get(k) for k in keys} != {k: wanted[k] for k in keys}:
        raise Http404
    ctx = {
        "title": _("Progress report"),
        "name": scope.name,
        "fmt": fmt,
        "retry_url": f"{request.path}?{as_of.query}".rstrip("?"),
    }
    return follow_task(request, result, ctx)


@login_required
def province_report(request, fmt):
    """The progress report of the whole province (DOST staff and managers)."""
    access.require(access.can_download_province_report(request.user))
    return _report_response(request, ReportScope.province(), fmt)


@login_required
def district_report(request, code, since, fmt):
    """The progress report of one district, within what the user may see."""
    district = get_district_for_user(request.user, code, since)
    return _report_response(request, ReportScope.for_district(district), fmt)


@login_required
def commune_report(request, code, since, fmt):
    """The progress report of one commune (that very unit: codes are reused), within what the
    user may see."""
    commune = get_commune_for_user(request.user, code, since)
    return _report_response(request, ReportScope.for_commune(commune), fmt)


# Official documents of the yearly cycle (Nghị định 30/2020/NĐ-CP form), as PDF or Word --------


def _document_response(doc, fmt: str) -> HttpResponse:
    response = HttpResponse(documents.render(doc, fmt), content_type=documents.CONTENT_TYPES[fmt])
    filename = download_name(doc.filename, ext=fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def annual_participations(user, report):
    """The participations an annual report counts: the province's, as the dashboard's."""
    return metrics.participations_in_scope(user).filter(programme__province=report.province)


ANNUAL_DOCUMENTS = {
    "so": annual.annual_report_document,
    "province": annual.province_report_document,
}


def annual_figures(user, report):
    """The figures of ``report``: its province's, as of its cut-off day (as the dashboard's of
    that day)."""
    participations = annual_participations(user, report)
    return metrics.year_figures(participations, report.year, today=report.cut_off)


@login_required
def annual_report_document(request, pk: int, fmt: str, which: str = "so"):
    """The annual report (QĐ 19/2014 Phụ lục II; TT 26/2014 Art. 42.4): the Sở's report to the
    province's People's Committee (``so``), or the Committee's report to the Ministry
    (``province``)."""
    report = get_annual_report_for_user(request.user, pk)
    document = ANNUAL_DOCUMENTS[which](report, annual_figures(request.user, report))
    return _document_response(document, fmt)


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
    provinces = Province.objects.in_territory().filter(programmes__isnull=False).distinct()
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
    report = get_annual_report_for_user(request.user, pk, write=write)
    form = AnnualReportForm(request.POST or None, instance=report)
    if write and form.is_valid():
        form.instance._history_user = request.user
        form.save()
        messages.success(request, _("Saved. Download the report below."))
        return redirect(report)
    figures = annual_figures(request.user, report)
    ctx = {
        "report": report,
        "form": form,
        "figures": figures,
        "year_table": metrics.year_table(figures),
        "bodies_table": metrics.bodies_table(figures),
        "money_table": metrics.money_table(figures),
        "can_manage": access.can_manage_inspections(request.user),
        "plans": InspectionPlan.objects.visible_to(request.user).filter(year=report.year),
    }
    return render(request, "reports/annualreport_detail.html", ctx)
