import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import can_import, require
from core.resources import import_kinds, sample_note
from core.spreadsheets import FORMATS, Column, export_response
from imports import services
from imports.forms import UploadForm

SESSION_KEY = "imports_pending"
DONE_KEY = "imports_done"  # the tokens of the last uploads imported, to say so if confirmed again
UPLOAD_OPTIONS = ("effective", "list_date", "legal_basis", "create_missing")


def _kind_or_404(kind: str):
    resource = services.resource_class(kind)
    if resource is None:
        raise Http404
    return resource


@login_required
@require_GET
def import_index(request):
    """The kinds of spreadsheet DOST staff may import, with their template files."""
    require(can_import(request.user))
    kinds = [
        {
            "kind": k.name,
            "title": k.resource.title,
            "required": k.resource.required_columns,
            "optional": [c for c in k.resource.columns() if c not in k.resource.required_columns],
        }
        for k in import_kinds()
    ]
    return render(request, "imports/import_index.html", {"kinds": kinds})


@login_required
def import_upload(request, kind):
    """Upload a file; it is kept under a token and previewed, not imported."""
    require(can_import(request.user))
    resource = _kind_or_404(kind)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        options=getattr(resource, "upload_options", None),
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stored = services.upload_store(kind=kind, filename=upload.name, data=upload.read())
        pending = request.session.get(SESSION_KEY, {})
        pending[stored.token] = {"kind": kind, "filename": upload.name, **form.options()}
        request.session[SESSION_KEY] = dict(list(pending.items())[-10:])
        return redirect("imports:preview", kind=kind, token=stored.token)
    ctx = {"kind": kind, "title": resource.title, "form": form, "resource": resource}
    return render(request, "imports/import_upload.html", ctx, status=400 if form.errors else 200)


class StaleUpload(Exception):
    """The upload of a token was already imported, or its preview expired: what to tell."""

    def __init__(self, message, kind):
        super().__init__(message)
        self.message, self.kind = message, kind


def _pending_upload(request, kind, token):
    """The stored upload of ``token`` and the options given with it (404 if not this user's;
    :class:`StaleUpload` when it was already imported or is no longer kept)."""
    if token in request.session.get(DONE_KEY, []):
        raise StaleUpload(
            _("This file was already imported: nothing was imported a second time."), kind
        )
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry or entry["kind"] != kind:
        raise Http404
    upload = services.upload_load(token=token, kind=kind, filename=entry["filename"])
    if upload is None:
        raise StaleUpload(
            _(
                "The preview has expired (an upload is kept for 24 hours): nothing was "
                "imported. Upload the file again."
            ),
            kind,
        )
    options = {k: v for k, v in entry.items() if k in UPLOAD_OPTIONS}
    for name in ("effective", "list_date"):
        if name in options:
            options[name] = datetime.date.fromisoformat(options[name])
    return upload, options


def _context(kind, resource, report, token, options) -> dict:
    return {
        "kind": kind,
        "title": resource.title,
        "report": report,
        "token": token,
        "effective": options.get("effective"),
        "list_date": options.get("list_date"),
        "legal_basis": options.get("legal_basis", ""),
        "create_missing": options.get("create_missing", False),
    }


def _stale(request, stale: StaleUpload):
    """Back to the upload page of the kind, saying what happened to the upload."""
    messages.warning(request, stale.message)
    return redirect("imports:upload", kind=stale.kind)


def _refusal(report) -> str:
    """Why a confirmation imported nothing: the data changed since the preview (the file is
    fine), or the file has errors."""
    if report.stale:
        return _(
            "Nothing was imported: the data changed after the preview (the file itself is "
            "fine). Look at the rows below and preview the file again."
        )
    return _("Nothing was imported: the file has errors.")


def _forget_upload(request, token) -> None:
    """The upload of ``token`` is imported: discarded, and remembered as imported."""
    services.upload_discard(token=token)
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    request.session[DONE_KEY] = [*request.session.get(DONE_KEY, [])[-9:], token]


@login_required
@require_GET
def import_preview(request, kind, token):
    """A dry run of the stored upload: what would be created, changed and left alone."""
    require(can_import(request.user))
    resource = _kind_or_404(kind)
    try:
        upload, options = _pending_upload(request, kind, token)
    except StaleUpload as stale:
        return _stale(request, stale)
    report = services.import_preview(
        kind=kind,
        data=upload.data,
        filename=upload.filename,
        user=request.user,
        token=token,
        options=options,
    )
    ctx = _context(kind, resource, report, token, options)
    return render(request, "imports/import_preview.html", ctx)


@login_required
@require_POST
def import_confirm(request, kind, token):
    """Check the stored upload again and import it, all or nothing."""
    require(can_import(request.user))
    resource = _kind_or_404(kind)
    try:
        upload, options = _pending_upload(request, kind, token)
    except StaleUpload as stale:
        return _stale(request, stale)
    report = services.import_apply(
        kind=kind,
        data=upload.data,
        filename=upload.filename,
        user=request.user,
        token=token,
        options=options,
    )
    ctx = _context(kind, resource, report, token, options)
    if not report.ok:
        messages.error(request, _refusal(report))
        return render(request, "imports/import_preview.html", ctx, status=400)
    _forget_upload(request, token)
    if report.written:
        messages.success(
            request,
            _("Imported: %(new)s created, %(update)s changed, %(skip)s unchanged.")
            % {
                "new": report.counts["new"],
                "update": report.counts["update"],
                "skip": report.counts["skip"],
            },
        )
    else:
        messages.info(request, _("Nothing to change: the data already matches the file."))
    return render(request, "imports/import_done.html", ctx)


@login_required
@require_GET
def import_template(request, kind, fmt):
    """A template file: the headers of the kind, a note that the next row is a sample, and the
    example row, whose code names no unit (the import skips both: core.resources)."""
    require(can_import(request.user))
    resource = _kind_or_404(kind)
    if fmt not in FORMATS:
        raise Http404
    names = resource.columns()
    columns = [Column(c, lambda row, c=c: row.get(c, "")) for c in names]
    return export_response(
        rows=[{names[0]: sample_note()}, resource.example],
        columns=columns,
        filename=services.import_kind(kind).filename,
        fmt=fmt,
    )
