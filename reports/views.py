"""Pages of the reports app: the province dashboard (``dashboard*``), then the report downloads."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts import access
from reports.dashboard import dashboard_context
from reports.services import (
    DIRECT_MAX_COMMUNES,
    ReportScope,
    report_cached,
    report_communes,
    report_render,
)
from roadmap.models import Programme


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
