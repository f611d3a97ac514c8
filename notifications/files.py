"""The files the background worker made for a user (:class:`~notifications.models.FileReady`):
each shown once in the page the user opens next, then listed for :data:`KEPT_DAYS` days."""

import datetime

from django.core.cache import cache
from django.utils import timezone

from notifications.models import FileReady

KEPT_DAYS = 7
SHOWN_AT_ONCE = 3


def _pending_key(user_id) -> str:
    return f"notifications:files-pending:{user_id}"


def file_recorded(user_id) -> None:
    """Say that ``user_id`` has a file to be shown (the header asks the cache first, so that a
    page costs no query while nothing is pending)."""
    cache.set(_pending_key(user_id), True, timeout=KEPT_DAYS * 24 * 3600)


def files_to_show(user) -> list[FileReady]:
    """The user's files not yet shown (the latest few), marked shown."""
    if not cache.get(_pending_key(user.pk)):
        return []
    files = list(FileReady.objects.filter(user=user, shown_at=None)[:SHOWN_AT_ONCE])
    FileReady.objects.filter(user=user, shown_at=None).update(shown_at=timezone.now())
    cache.delete(_pending_key(user.pk))
    return files


def recent_files(user) -> list[FileReady]:
    """The user's files of the last :data:`KEPT_DAYS` days, the latest first."""
    since = timezone.now() - datetime.timedelta(days=KEPT_DAYS)
    return list(FileReady.objects.filter(user=user, created_at__gte=since)[:20])
