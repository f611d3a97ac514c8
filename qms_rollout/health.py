"""``/healthz``: is this process able to serve? For the proxy and for monitoring.

Checks the database (a query), the cache (a write read back), the media storage (a file written,
read back and removed) and the background tasks (how many wait, for how long). The answer is JSON;
503 when the database, the cache or the storage fails, 200 otherwise. Tasks waiting longer than
``HEALTH_TASK_MAX_WAIT`` seconds (no worker running?) make the status ``degraded`` with a 200:
the web pages still work, monitoring should warn. So does a report task whose worker stopped
while running it (killed, restarted) in the last ``HEALTH_TASK_MAX_WAIT`` seconds: the check
fails such a task (:func:`reports.tasks.fail_stale_tasks`) and counts it as ``worker_lost``.
Nothing in the answer is confidential.
"""

import datetime
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

TASK_MAX_WAIT = getattr(settings, "HEALTH_TASK_MAX_WAIT", 600)


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def _cache() -> dict:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    ok = cache.get(key) == value
    cache.delete(key)
    return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _storage() -> dict:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as stored:
            ok = stored.read() == b"ok"
    finally:
        default_storage.delete(name)
    return {"ok": ok}


def _tasks() -> dict:
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return {"ok": True, "backend": settings.TASKS["default"]["BACKEND"]}
    from django_tasks_db.models import DBTaskResult

    from reports.tasks import fail_stale_tasks, lost_since

    fail_stale_tasks()  # a task whose worker is gone is failed here too, not left "running"
    lost = lost_since(timezone.now() - datetime.timedelta(seconds=TASK_MAX_WAIT))
    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    wait = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    return {
        "ok": wait <= TASK_MAX_WAIT and not lost,
        "pending": waiting.count(),
        "running": DBTaskResult.objects.running().count(),
        "oldest_pending_seconds": wait,
        "worker_lost": lost,
    }


CHECKS = {"database": _database, "cache": _cache, "storage": _storage, "tasks": _tasks}
ESSENTIAL = ("database", "cache", "storage")


def run_checks() -> dict:
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            results[name] = check()
        except Exception as exc:  # any failure is the answer, not an error page
            results[name] = {"ok": False, "error": exc.__class__.__name__}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return results


def sees_details(request) -> bool:
    """A staff member's session or a valid API token: they may read what each check found
    (the database's vendor, the cache's backend, the task counts); anyone else only the
    status."""
    if request.user.is_authenticated and request.user.is_staff:
        return True
    from rest_framework.exceptions import AuthenticationFailed

    from api.authentication import BearerTokenAuthentication

    try:
        return BearerTokenAuthentication().authenticate(request) is not None
    except AuthenticationFailed:
        return False


@never_cache
@require_GET
def healthz(request):
    """The status as JSON (200 ``ok`` or ``degraded``, 503 ``failing``); with the checks for
    staff or an API token (:func:`sees_details`)."""
    checks = run_checks()
    if not all(checks[name]["ok"] for name in ESSENTIAL):
        status = "failing"
    elif not all(check["ok"] for check in checks.values()):
        status = "degraded"
    else:
        status = "ok"
    body = {"status": status, "checks": checks} if sees_details(request) else {"status": status}
    return JsonResponse(body, status=503 if status == "failing" else 200)
