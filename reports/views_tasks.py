"""Pages following long work done by the background worker (a report, an export): queued →
building n % → ready, then the file.

A large export (``core.spreadsheets.export_list``) is queued by :func:`queue_export` and
followed at ``/exports/<task>/``; a report is followed on its own address (``?task=<id>``,
``reports.views``). Both pages are :func:`follow_task`: htmx polls the progress every 2 s
(``reports/task_progress.html#progress``); once the file is built, the fragment says it is ready
and ``static/js/app.js`` starts the download; without JavaScript the page has the link.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils.translation import gettext as _

from core import work
from reports.tasks import build_export, task_result, worker_lost


def file_response(content, filename, content_type, from_cache) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Report-Cache"] = "hit" if from_cache else "miss"
    return response


def task_state(result) -> str:
    """``queued``, ``building``, ``ready`` or ``failed``: what the page says of ``result``."""
    if result.status == TaskResultStatus.SUCCESSFUL:
        ready = default_storage.exists(result.return_value["path"])
        return "ready" if ready else "failed"
    if result.status == TaskResultStatus.RUNNING:
        return "building"
    if result.status == TaskResultStatus.READY:
        return "queued"
    return "failed"


def follow_task(request, result, ctx: dict):
    """The task's page (its htmx fragment when polled), or its file once built and asked
    without htmx. ``ctx``: ``title``, ``fmt``, ``retry_url`` of the page."""
    state = task_state(result)
    if state == "ready" and not request.htmx:
        value = result.return_value
        with default_storage.open(value["path"], "rb") as stored:
            return file_response(stored.read(), value["filename"], value["content_type"], False)
    ctx = {
        **ctx,
        "state": state,
        "percent": work.progress(result.id) or 0,
        "worker_lost": worker_lost(result),
        "poll_url": request.get_full_path(),
    }
    if request.htmx:
        return render(request, "reports/task_progress.html#progress", ctx)
    return render(request, "reports/task_progress.html", ctx)


def queue_export(request, fmt: str):
    """Queue the export ``request`` asks (its list page with ``?export=``) in the worker and
    send the user to its page (``core.spreadsheets.register_background_export``)."""
    result = build_export.enqueue(
        user_id=request.user.pk,
        path=request.path,
        query=request.GET.urlencode(),
        fmt=fmt,
        language=request.LANGUAGE_CODE,
    )
    return redirect("reports:export_task", task_id=result.id)


@login_required
def export_task(request, task_id):
    """The page of an export made by the worker; 404 for another user's."""
    try:
        result = task_result(str(task_id), of=build_export)
    except (TaskResultDoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc
    if result.kwargs.get("user_id") != request.user.pk:
        raise Http404
    query = result.kwargs["query"]
    ctx = {
        "title": _("Export"),
        "fmt": result.kwargs["fmt"],
        "retry_url": f"{result.kwargs['path']}?{query}",
        "back_url": f"{result.kwargs['path']}?{_without_export(query)}".rstrip("?"),
    }
    return follow_task(request, result, ctx)


def _without_export(query: str) -> str:
    params = QueryDict(query, mutable=True)
    params.pop("export", None)
    return params.urlencode()
