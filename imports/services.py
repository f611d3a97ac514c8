"""The import workflow: keep an upload, preview it, then apply it all or nothing.

The kinds of spreadsheet are those the apps register (``core.resources.register_import``, from
their ``resources.py``); this module knows none of them by name. An upload is kept in the media
storage (``imports-pending/``, never served) under a random token (the page keeps the token in
the session, stored in the database), so the preview and the confirmation may be served by
different worker processes or servers; both read and check the stored file, so what is written
is what was checked, and nothing is written before the confirmation. A successful import sends
:data:`core.signals.data_bulk_written`, which starts a new report-cache generation as a form
save does.

No preview writes, opens a transaction or takes a lock (on SQLite a transaction holds the write
lock, which a commune officer saving a milestone meanwhile would wait for). A kind that plans
(``SpreadsheetResource.plans``: the milestones) previews from bulk reads and keeps the version of
each object its rows name beside the upload; the confirmation writes in bulk in one short
transaction and refuses the file when one of those objects changed since the preview. The other
kinds preview by a dry run that reads and writes nothing (the administrative units and their
successions from bulk reads) and confirm in one transaction, all or nothing.
"""

import json
import re
import secrets
from contextlib import nullcontext
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from core.resources import IMPORT_KINDS, CellError, ImportKind, Plan, Report
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


def _pending_name(token: str, suffix: str = "upload") -> str:
    return f"{PENDING_DIR}/{token}.{suffix}"


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
        default_storage.delete(_pending_name(token, "seen.json"))


def preview_record(*, token: str, versions: dict[str, int]) -> None:
    """Keep the versions the preview of upload ``token`` read, for the check at confirmation."""
    if TOKEN_RE.match(token or ""):
        name = _pending_name(token, "seen.json")
        default_storage.delete(name)
        default_storage.save(name, ContentFile(json.dumps(versions).encode()))


def preview_versions(*, token: str) -> dict[str, int] | None:
    """The versions the last preview of upload ``token`` read; None when it was not previewed."""
    if not TOKEN_RE.match(token or ""):
        return None
    name = _pending_name(token, "seen.json")
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as stored:
        return json.loads(stored.read())


def _read(resource, *, data, filename, limit_mb=None):
    """The sheet of ``data``, or a report of why the file was refused."""
    try:
        return read_sheet(data, filename, limit_mb=limit_mb), None
    except FileRejected as exc:
        report = Report(title=str(resource.title), filename=filename)
        report.errors = [CellError(None, "", exc.message)]
        return None, report


def _run(
    *, kind, data, filename, user, dry_run, progress=None, limit_mb=None, options=None
) -> Report:
    resource = resource_class(kind)(user=user, source=filename, **(options or {}))
    sheet, refused = _read(resource, data=data, filename=filename, limit_mb=limit_mb)
    if refused is not None:
        return refused
    if progress is not None:
        return resource.run(sheet, dry_run=dry_run, progress=progress)
    return resource.run(sheet, dry_run=dry_run)


def _plan(*, kind, data, filename, user):
    """The resource and its plan of ``data`` (bulk reads, no write, no transaction)."""
    resource = resource_class(kind)(user=user, source=filename)
    sheet, refused = _read(resource, data=data, filename=filename)
    if refused is not None:
        return resource, Plan(report=refused)
    return resource, resource.plan(sheet)


def import_preview(
    *, kind: str, data: bytes, filename: str, user, token: str = "", options: dict | None = None
) -> Report:
    """What importing ``data`` would do, row by row, and every error; nothing is written, no
    transaction is opened, no lock taken.

    A kind that plans (``SpreadsheetResource.plans``) reads in a fixed number of queries; the
    versions it read are kept under ``token`` for the confirmation. The other kinds make a dry
    run that only reads. ``options`` are passed to the resource (the ``effective`` date).
    """
    if getattr(resource_class(kind), "plans", False):
        _resource, plan = _plan(kind=kind, data=data, filename=filename, user=user)
        if token and plan.report.ok:
            preview_record(token=token, versions=plan.versions)
        plan.report.written = False
        return plan.report
    report = _run(kind=kind, data=data, filename=filename, user=user, dry_run=True, options=options)
    report.written = False
    return report


def _apply_plan(*, kind, data, filename, user, token, dry_run) -> Report:
    """Check ``data`` again, then write it in bulk in one transaction, all or nothing: refused
    when an object changed since the preview of ``token``."""
    resource, plan = _plan(kind=kind, data=data, filename=filename, user=user)
    report = plan.report
    if not report.ok or dry_run:
        return report
    seen = preview_versions(token=token) if token else None
    report.errors = resource.apply_plan(plan, seen=seen)
    report.stale = not report.ok  # the plan was checked: only a change since the preview
    if report.ok and plan.changes:
        # Bulk writes send no model signal: say so once, for the report cache.
        data_bulk_written.send(sender=type(resource))
    if not report.ok:
        report.rows, report.counts = [], dict.fromkeys(report.counts, 0)
    report.written = report.ok and report.changes_anything
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
    token: str = "",
    options: dict | None = None,
) -> Report:
    """Import ``data`` all or nothing: when any row has an error, nothing is written.

    Each saved row leaves a history entry naming ``user``, as an edit in the page would. A kind
    that plans writes in bulk, and refuses the file when a row's object changed since the preview
    of upload ``token``. ``dry_run`` checks and reports without writing; ``progress(done, total)``
    follows the work (the administrative units only); ``limit_mb`` overrides ``IMPORT_MAX_MB``;
    ``options`` are passed to the resource (the administrative units' ``effective`` date).
    """
    if getattr(resource_class(kind), "plans", False) and progress is None and limit_mb is None:
        return _apply_plan(
            kind=kind, data=data, filename=filename, user=user, token=token, dry_run=dry_run
        )
    with transaction.atomic() if not dry_run else nullcontext():  # a dry run only reads
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
        if not report.ok and not dry_run:
            transaction.set_rollback(True)
    report.written = report.ok and report.changes_anything and not dry_run
    if report.written:
        # Bulk writes send no model signal: say so once, for the report cache.
        data_bulk_written.send(sender=resource_class(kind))
    return report
