"""Background work of the reports app: a large report built by the worker (``db_worker``).

:func:`build_report` calls the same builder as a direct download (:func:`report_render`, which
also fills the report cache) and stores the file in the media storage under a new random name;
the task's stored result names that file. The result is recorded only once the file is saved: a
worker that dies midway leaves a task that is not successful and, at worst, a file no result
points to (removed after :data:`KEEP_SECONDS` by the next build). The page then offers to
request the report again.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.tasks import task
from django.utils import timezone, translation
from django.utils.crypto import get_random_string

from accounts import access
from communes.access import get_commune_for_user, get_district_for_user
from reports.services import ReportScope, report_render

BUILT_DIR = "reports-built"
KEEP_SECONDS = 24 * 3600


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


@task()
def build_report(
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
    it; returns where it is and its name."""
    user = get_user_model().objects.get(pk=user_id)
    day = datetime.date.fromisoformat(as_of) if as_of else None
    with translation.override(language):
        scope = scope_for_user(user, level, code, since)
        report = report_render(user=user, scope=scope, fmt=fmt, as_of=day)
    _discard_old_files()
    name = f"{BUILT_DIR}/{get_random_string(32)}.{fmt}"
    stored = default_storage.save(name, ContentFile(report.content))
    return {"path": stored, "filename": report.filename, "content_type": report.content_type}
