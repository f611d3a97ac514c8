"""The import workflow: keep an upload, preview it, then apply it all or nothing.

The kinds of spreadsheet are those the apps register (``core.resources.register_import``, from
their ``resources.py``); this module knows none of them by name. An upload is kept in a private
temporary directory under a random token (the page keeps the token in the session); the preview
and the confirmation both read and check the stored file, so what is written is what was checked,
and nothing is written before the confirmation.

A kind that plans (``SpreadsheetResource.plans``: the milestones) previews from bulk reads, with
no write and no transaction, and keeps the version of each object its rows name; the
confirmation writes in bulk in one short transaction and refuses the file when one of those
objects changed since the preview. The other kinds preview by a dry run that is rolled back.
"""

import json
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from core.resources import IMPORT_KINDS, CellError, ImportKind, Plan, Report
from core.spreadsheets import FileRejected, read_sheet
from reports.services import data_changed

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


def upload_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "qms-imports"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def upload_store(*, kind: str, filename: str, data: bytes) -> Upload:
    """Keep ``data`` under a new token; uploads older than a day are removed on the way."""
    now = time.time()
    for old in [*upload_dir().glob("*.upload"), *upload_dir().glob("*.seen.json")]:
        try:
            if now - old.stat().st_mtime > KEEP_SECONDS:
                old.unlink()
        except OSError:
            continue
    token = secrets.token_urlsafe(24)
    (upload_dir() / f"{token}.upload").write_bytes(data)
    return Upload(token=token, kind=kind, filename=filename, data=data)


def upload_load(*, token: str, kind: str, filename: str) -> Upload | None:
    if not TOKEN_RE.match(token or ""):
        return None
    path = upload_dir() / f"{token}.upload"
    if not path.is_file():
        return None
    return Upload(token=token, kind=kind, filename=filename, data=path.read_bytes())


def upload_discard(*, token: str) -> None:
    if TOKEN_RE.match(token or ""):
        (upload_dir() / f"{token}.upload").unlink(missing_ok=True)
        (upload_dir() / f"{token}.seen.json").unlink(missing_ok=True)


def preview_record(*, token: str, versions: dict[str, int]) -> None:
    """Keep the versions the preview of upload ``token`` read, for the check at confirmation."""
    if TOKEN_RE.match(token or ""):
        (upload_dir() / f"{token}.seen.json").write_text(json.dumps(versions))


def preview_versions(*, token: str) -> dict[str, int] | None:
    """The versions the last preview of upload ``token`` read; None when it was not previewed."""
    path = upload_dir() / f"{token}.seen.json"
    if not TOKEN_RE.match(token or "") or not path.is_file():
        return None
    return json.loads(path.read_text())


def _read(resource, *, data, filename, limit_mb=None):
    """The sheet of ``data``, or a report of why the file was refused."""
    try:
        return read_sheet(data, filename, limit_mb=limit_mb), None
    except FileRejected as exc:
        report = Report(title=str(resource.title), filename=filename)
        report.errors = [CellError(None, "", exc.message)]
        return None, report


def _run(*, kind, data, filename, user, dry_run, progress=None, limit_mb=None) -> Report:
    resource = resource_class(kind)(user=user, source=filename)
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


def import_preview(*, kind: str, data: bytes, filename: str, user, token: str = "") -> Report:
    """What importing ``data`` would do, row by row, and every error; nothing is written.

    A kind that plans (``SpreadsheetResource.plans``) reads in a fixed number of queries and
    takes no lock; the versions it read are kept under ``token`` for the confirmation. The
    other kinds make a dry run whose changes are rolled back.
    """
    if getattr(resource_class(kind), "plans", False):
        _resource, plan = _plan(kind=kind, data=data, filename=filename, user=user)
        if token and plan.report.ok:
            preview_record(token=token, versions=plan.versions)
        plan.report.written = False
        return plan.report
    with transaction.atomic():
        report = _run(kind=kind, data=data, filename=filename, user=user, dry_run=True)
        transaction.set_rollback(True)
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
    if report.ok and plan.changes:
        data_changed()  # bulk writes send no signal (reports/signals.py)
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
) -> Report:
    """Import ``data`` all or nothing: when any row has an error, nothing is written.

    Each saved row leaves a history entry naming ``user``, as an edit in the page would. A kind
    that plans writes in bulk, and refuses the file when a row's object changed since the preview
    of upload ``token``. ``dry_run`` checks and reports without writing; ``progress(done, total)``
    follows the work (the administrative units only); ``limit_mb`` overrides ``IMPORT_MAX_MB``.
    """
    if getattr(resource_class(kind), "plans", False) and progress is None and limit_mb is None:
        return _apply_plan(
            kind=kind, data=data, filename=filename, user=user, token=token, dry_run=dry_run
        )
    with transaction.atomic():
        report = _run(
            kind=kind,
            data=data,
            filename=filename,
            user=user,
            dry_run=dry_run,
            progress=progress,
            limit_mb=limit_mb,
        )
        if dry_run:
            transaction.set_rollback(True)
        if not report.ok:
            transaction.set_rollback(True)
    report.written = report.ok and report.changes_anything and not dry_run
    return report
