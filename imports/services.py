"""The import workflow: keep an upload, preview it (a dry run), then apply it all or nothing.

The kinds of spreadsheet are those the apps register (``core.resources.register_import``, from
their ``resources.py``); this module knows none of them by name. An upload is kept in the media
storage (``imports-pending/``, never served) under a random token (the page keeps the token in
the session, stored in the database), so the preview and the confirmation may be served by
different worker processes or servers; both read and check the stored file, so what is written
is what was checked, and nothing is written before the confirmation. A successful import sends
:data:`core.signals.data_bulk_written`, which starts a new report-cache generation as a form
save does.
"""

import re
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from core.resources import IMPORT_KINDS, CellError, ImportKind, Report
from core.signals import data_bulk_written
from core.spreadsheets import FileRejected, read_sheet

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600


@dataclass
class Upload:
    """A stored upload waiting for its confirmation."""

    token: str
    kind: str
    filename: str
    data: bytes


def import_kind(kind: str) -> ImportKind | None:
    """The registered import kind named ``kind``, or None."""
    return IMPORT_KINDS.get(kind)


def resource_class(kind: str):
    """The resource class of an import kind, or None for an unknown kind."""
    found = import_kind(kind)
    return found.resource if found else None


PENDING_DIR = "imports-pending"


def _pending_name(token: str) -> str:
    return f"{PENDING_DIR}/{token}.upload"


def _discard_old_uploads() -> None:
    """Remove pending uploads older than :data:`KEEP_SECONDS` (never confirmed)."""
    try:
        _, names = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return
    now = timezone.now()
    for name in names:
        path = f"{PENDING_DIR}/{name}"
        try:
            if (now - default_storage.get_modified_time(path)).total_seconds() > KEEP_SECONDS:
                default_storage.delete(path)
        except OSError:
            continue


def upload_store(*, kind: str, filename: str, data: bytes) -> Upload:
    """Keep ``data`` under a new token; uploads older than a day are removed on the way."""
    _discard_old_uploads()
    token = secrets.token_urlsafe(24)
    default_storage.save(_pending_name(token), ContentFile(data))
    return Upload(token=token, kind=kind, filename=filename, data=data)


def upload_load(*, token: str, kind: str, filename: str) -> Upload | None:
    if not TOKEN_RE.match(token or "") or not default_storage.exists(_pending_name(token)):
        return None
    with default_storage.open(_pending_name(token), "rb") as stored:
        data = stored.read()
    return Upload(token=token, kind=kind, filename=filename, data=data)


def upload_discard(*, token: str) -> None:
    if TOKEN_RE.match(token or ""):
        default_storage.delete(_pending_name(token))


def _run(
    *, kind, data, filename, user, dry_run, progress=None, limit_mb=None, options=None
) -> Report:
    resource = resource_class(kind)(user=user, source=filename, **(options or {}))
    try:
        sheet = read_sheet(data, filename, limit_mb=limit_mb)
    except FileRejected as exc:
        return Report(
            title=str(resource.title),
            filename=filename,
            errors=[CellError(None, "", exc.message)],
        )
    if progress is not None:
        return resource.run(sheet, dry_run=dry_run, progress=progress)
    return resource.run(sheet, dry_run=dry_run)


def import_preview(*, kind: str, data: bytes, filename: str, user) -> Report:
    """What importing ``data`` would do, row by row; every change is rolled back."""
    with transaction.atomic():
        report = _run(kind=kind, data=data, filename=filename, user=user, dry_run=True)
        transaction.set_rollback(True)
    report.written = False
    return report


def import_apply(
    *,
    kind: str,
    data: bytes,
    filename: str,
    user,
    dry_run: bool = False,
    progress=None,
    limit_mb: int | None = None,
    options: dict | None = None,
) -> Report:
    """Import ``data`` all or nothing: when any row has an error, nothing is written.

    Each saved row leaves a history entry naming ``user``, as an edit in the page would.
    ``dry_run`` checks and reports without writing; ``progress(done, total)`` follows the work
    (the administrative units only); ``limit_mb`` overrides ``IMPORT_MAX_MB``; ``options`` are
    passed to the resource (the administrative units' ``effective`` date).
    """
    with transaction.atomic():
        report = _run(
            kind=kind,
            data=data,
            filename=filename,
            user=user,
            dry_run=dry_run,
            progress=progress,
            limit_mb=limit_mb,
            options=options,
        )
        if dry_run:
            transaction.set_rollback(True)
        if not report.ok:
            transaction.set_rollback(True)
    report.written = report.ok and report.changes_anything and not dry_run
    if report.written:
        # Bulk writes send no model signal: say so once, for the report cache.
        data_bulk_written.send(sender=resource_class(kind))
    return report
