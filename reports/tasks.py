"""Background work of the reports app: a large report built by the worker (``db_worker``).

:func:`build_report` calls the same builder as a direct download (:func:`report_render`, which
also fills the report cache) and stores the file in the media storage under a new random name;
the task's stored result names that file. The result is recorded only once the file is saved: a
worker that dies midway leaves a task that is not successful and, at worst, a file no result
points to (removed after :data:`KEEP_SECONDS` by the next build). The page then offers to
request the report again.

A worker killed midway (``kill -9``, the machine restarted) leaves its task "running" in the
database for ever: django-tasks-db records when a task started and which worker took it, not
whether that worker is still alive. So while :func:`build_report` runs, a thread of the worker
writes a heartbeat in the shared cache every :data:`HEARTBEAT_SECONDS`; a task running for more
than :data:`STALE_SECONDS` without a heartbeat that recent has lost its worker, and
:func:`fail_stale_tasks` marks it failed with :data:`WORKER_LOST` as its error. The report's
page (:func:`task_result`) and ``/healthz`` run it, so the page says the worker stopped and
offers to make the report again, and health says ``degraded``.
"""

import datetime
import tempfile
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpRequest, QueryDict
from django.tasks import TaskContext, TaskResultStatus, task
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.http import urlencode

from accounts import access
from communes.access import get_commune_for_user, get_district_for_user
from core import work
from reports.services import ReportScope, report_render

BUILT_DIR = "reports-built"
KEEP_SECONDS = 24 * 3600
HEARTBEAT_SECONDS = 5
# A running task without a heartbeat for this long has lost its worker (settings override).
STALE_SECONDS = getattr(settings, "TASK_STALE_SECONDS", 30)
WORKER_LOST = "reports.tasks.WorkerLost"
DB_BACKEND = "django_tasks_db.DatabaseBackend"


class WorkerLost(Exception):
    """The worker running the task stopped (killed, restarted) before it finished."""


def _heartbeat_key(task_id) -> str:
    return f"reports:task-heartbeat:{task_id}"


@contextmanager
def heartbeat(task_id):
    """While the block runs, a thread writes the time under the task's key in the shared cache
    every :data:`HEARTBEAT_SECONDS` (the cache is the database's by default, which every web
    and worker process reads)."""
    key, stop = _heartbeat_key(task_id), threading.Event()

    def beat():
        try:
            while True:
                cache.set(key, time.time(), timeout=STALE_SECONDS * 10)
                if stop.wait(HEARTBEAT_SECONDS):
                    return
        finally:
            connections.close_all()  # this thread's own connections (the database cache's)

    thread = threading.Thread(target=beat, name=f"heartbeat-{task_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        cache.delete(key)


def _uses_database_backend() -> bool:
    return settings.TASKS["default"]["BACKEND"] == DB_BACKEND


def stale_tasks() -> list:
    """The report tasks still "running" whose worker is gone: started more than
    :data:`STALE_SECONDS` ago, with no heartbeat in the last :data:`STALE_SECONDS`."""
    if not _uses_database_backend():
        return []
    from django_tasks_db.models import DBTaskResult

    since = timezone.now() - datetime.timedelta(seconds=STALE_SECONDS)
    running = list(
        DBTaskResult.objects.running().filter(task_path__in=task_paths(), started_at__lt=since)
    )
    beats = cache.get_many([_heartbeat_key(row.id) for row in running]) if running else {}
    alive_since = time.time() - STALE_SECONDS
    return [row for row in running if (beats.get(_heartbeat_key(row.id)) or 0) < alive_since]


def fail_stale_tasks() -> int:
    """Mark failed every task of :func:`stale_tasks` (unless it finished meanwhile), with
    :data:`WORKER_LOST` and a message as its error; returns how many."""
    from django_tasks_db.models import DBTaskResult

    failed = 0
    for row in stale_tasks():
        seconds = round((timezone.now() - row.started_at).total_seconds())
        failed += DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        ).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            return_value=None,
            exception_class_path=WORKER_LOST,
            traceback=(
                f"The worker {', '.join(row.worker_ids) or '?'} stopped while running the task: "
                f"no heartbeat for {STALE_SECONDS} s, started {seconds} s ago."
            ),
        )
    return failed


def lost_since(since: datetime.datetime) -> int:
    """How many tasks were failed for a lost worker since ``since`` (for ``/healthz``)."""
    if not _uses_database_backend():
        return 0
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        exception_class_path=WORKER_LOST, finished_at__gte=since
    ).count()


def task_paths() -> list[str]:
    """The tasks of long work: a report, an export."""
    return [build_report.module_path, build_export.module_path]


def task_result(task_id: str, of=None):
    """The result of the task ``task_id`` (of the task ``of``, the report's by default), a
    stale one failed first (its page asks)."""
    of = of or build_report
    result = of.get_result(task_id)
    if result.status == TaskResultStatus.RUNNING and fail_stale_tasks():
        result = of.get_result(task_id)
    return result


def task_page_url(result) -> str:
    """The page following the task ``result`` (a report's or an export's), whence its file."""
    kwargs = result.kwargs
    if result.task.module_path == build_export.module_path:
        return reverse("reports:export_task", args=[result.id])
    args = {"fmt": kwargs["fmt"]}
    if kwargs["level"] != "province":
        args.update(code=kwargs["code"], since=kwargs["since"] or "0")
    query = urlencode({"task": result.id, "as_of": kwargs.get("as_of", "")})
    return f"{reverse(f'reports:{kwargs["level"]}_report', kwargs=args)}?{query}"


def waiting_for_user(user_id: int) -> int:
    """How many reports and exports of ``user_id`` are queued or running in the worker."""
    if not _uses_database_backend():
        return 0
    from django_tasks_db.models import DBTaskResult

    unfinished = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    return DBTaskResult.objects.filter(
        task_path__in=task_paths(),
        status__in=unfinished,
        args_kwargs__kwargs__user_id=user_id,
    ).count()


def worker_lost(result) -> bool:
    """Whether the task ``result`` failed because its worker stopped."""
    return any(error.exception_class_path == WORKER_LOST for error in result.errors)


def _discard_old_files() -> None:
    try:
        _, names = default_storage.listdir(BUILT_DIR)
    except FileNotFoundError:
        return
    now = timezone.now()
    for name in names:
        path = f"{BUILT_DIR}/{name}"
        try:
            if (now - default_storage.get_modified_time(path)).total_seconds() > KEEP_SECONDS:
                default_storage.delete(path)
        except OSError:
            continue


def scope_for_user(user, level: str, code: str, since: str = "") -> ReportScope:
    """The report scope ``level``/``code`` as ``user`` may see it (404/403 as the page would)."""
    if level == "province":
        access.require(access.can_download_province_report(user))
        return ReportScope.province()
    if level == "district":
        return ReportScope.for_district(get_district_for_user(user, code, since))
    return ReportScope.for_commune(get_commune_for_user(user, code, since))


@task(takes_context=True)
def build_report(
    context: TaskContext,
    *,
    user_id: int,
    level: str,
    code: str,
    fmt: str,
    language: str,
    as_of: str = "",
    since: str = "",
) -> dict:
    """Render the report for ``user_id`` as of ``as_of`` (ISO date, default today) and store
    it; returns where it is and its name. A heartbeat says the worker is alive meanwhile."""
    user = get_user_model().objects.get(pk=user_id)
    day = datetime.date.fromisoformat(as_of) if as_of else None
    task_id = context.task_result.id
    with heartbeat(task_id), work.progress_of(task_id), translation.override(language):
        work.report_progress(10)
        scope = scope_for_user(user, level, code, since)
        report = report_render(user=user, scope=scope, fmt=fmt, as_of=day)
        work.report_progress(90)
    _discard_old_files()
    name = f"{BUILT_DIR}/{get_random_string(32)}.{fmt}"
    stored = default_storage.save(name, ContentFile(report.content))
    work.report_progress(100)
    return {"path": stored, "filename": report.filename, "content_type": report.content_type}


class ExportFailed(Exception):
    """The list's page answered something else than a file (the user lost access meanwhile)."""


def _list_request(user, path: str, query: str, language: str) -> HttpRequest:
    """A GET of the list page ``path?query`` by ``user``, as the web request asked it."""
    request = HttpRequest()
    request.method, request.path = "GET", path
    request.path_info = path
    request.GET = QueryDict(query)
    request.META = {"REQUEST_METHOD": "GET", "QUERY_STRING": query, "SERVER_NAME": "worker"}
    request.user, request.LANGUAGE_CODE = user, language
    return request


def _release(response) -> None:
    """Close what ``response`` holds (its streamed content), as ``response.close()`` does but
    without sending ``request_finished``: there is no request here, and that signal's receiver
    (``close_old_connections``) would close the worker's database connection in the middle of
    the task (inside a transaction, a connection Django still takes as open)."""
    for closer in response._resource_closers:
        closer()
    response._resource_closers.clear()


def _store_response(response, fmt: str) -> str:
    """Save the file of ``response`` (streamed or not) under a new name; returns the path."""
    with tempfile.TemporaryFile() as out:
        chunks = response.streaming_content if response.streaming else [response.content]
        for chunk in chunks:
            out.write(chunk)
        _release(response)
        out.seek(0)
        name = f"{BUILT_DIR}/{get_random_string(32)}.{fmt}"
        return default_storage.save(name, File(out))


@task(takes_context=True)
def build_export(
    context: TaskContext, *, user_id: int, path: str, query: str, fmt: str, language: str
) -> dict:
    """Write the export the list page ``path?query`` asks for ``user_id`` and store it.

    The worker asks the list's own view (so the rows are filtered, scoped and ordered exactly
    as the page's; ``core.spreadsheets.export_list`` writes the file in the task, saying how far
    it is); returns where the file is and its name."""
    user = get_user_model().objects.get(pk=user_id)
    if not user.is_active:
        raise ExportFailed(f"the user {user_id} was deactivated after asking the export")
    task_id = context.task_result.id
    with heartbeat(task_id), work.progress_of(task_id), translation.override(language):
        match = resolve(path)
        request = _list_request(user, path, query, language)
        response = match.func(request, *match.args, **match.kwargs)
        disposition = response.get("Content-Disposition", "")
        if response.status_code != 200 or "filename=" not in disposition:
            raise ExportFailed(f"{path}?{query} answered {response.status_code}")
        _discard_old_files()
        stored = _store_response(response, fmt)
    work.report_progress(100)
    filename = disposition.split("filename=", 1)[1].strip('"')
    return {"path": stored, "filename": filename, "content_type": response["Content-Type"]}
