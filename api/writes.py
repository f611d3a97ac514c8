"""The API's writes, each through the pages' form (its validation and messages) and the pages'
service (the same history, with its author). The views only route to these."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from accounts import access
from audits import services as audit_services
from audits.forms import (
    ActionDoneForm,
    AnnouncementForm,
    AuditForm,
    CorrectiveActionForm,
    FindingForm,
)
from audits.models import CorrectiveAction
from communes.models import Commune
from core.uploads import check_upload
from roadmap.forms import MilestoneUpdateForm
from roadmap.models import Milestone
from roadmap.services import MilestoneConflict, evidence_add, milestone_record_update


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _('Send If-Match: "<version>", the ETag of the milestone you read.')


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("Someone else changed it since the version you sent: read it again.")


ETAG = re.compile(r'^\s*(?:W/)?"(\d{1,9})"\s*$')
MILESTONE_FIELDS = ("status", "completed_on", "note")


def etag(milestone: Milestone) -> str:
    return f'"{milestone.version}"'


def expected_version(request) -> int:
    """The version named by ``If-Match`` (428 when absent, 412 when it names no version)."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired
    match = ETAG.match(header)
    if match is None:
        raise PreconditionFailed
    return int(match.group(1))


def _body(request, allowed) -> dict:
    """The JSON object sent, with only ``allowed`` keys (400 otherwise)."""
    data = request.data
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise exceptions.ValidationError(
            {name: [_("This field is not known.")] for name in unknown}
        )
    return data


def _form_errors(form) -> exceptions.ValidationError:
    errors = {name: list(messages) for name, messages in form.errors.items()}
    if "__all__" in errors:
        errors["non_field_errors"] = errors.pop("__all__")
    return exceptions.ValidationError(errors)


def _form_data(data: dict, names) -> dict:
    """The JSON values as a posted form has them: text ("" for null); a list or an object is 400."""
    values = {}
    for name in names:
        value = data.get(name)
        if isinstance(value, dict | list):
            raise exceptions.ValidationError({name: [_("A single value is expected.")]})
        values[name] = (
            "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        )
    return values


def milestone_patch(request, milestone: Milestone) -> Milestone:
    """Change ``milestone``'s status, completion date and note: If-Match names the version read,
    the milestone page's form checks the values, ``milestone_record_update`` saves them."""
    version = expected_version(request)
    data = _body(request, MILESTONE_FIELDS)
    if version != milestone.version:
        raise PreconditionFailed
    current = {name: getattr(milestone, name) for name in MILESTONE_FIELDS}
    values = _form_data({**current, **data}, MILESTONE_FIELDS)
    form = MilestoneUpdateForm.for_milestone(milestone, {**values, "version": str(version)})
    if not form.is_valid():
        raise _form_errors(form)
    clean = form.cleaned_data
    try:
        return milestone_record_update(
            milestone=milestone,
            by=request.user,
            status=clean["status"],
            completed_on=clean["completed_on"],
            note=clean["note"],
            expected_version=version,
        )
    except MilestoneConflict as exc:
        raise PreconditionFailed from exc


def audit_create(request):
    """Record an audit at the unit named by ``commune_code`` and ``commune_since`` (404 outside
    the user's scope, 403 unless the role may), through the audit page's form and service."""
    fields = ("commune_code", "commune_since", "kind", "date", "lead", "summary")
    data = _body(request, fields)
    commune = _commune_named(request, data)
    access.require(access.can_manage_quality_records(request.user, commune))
    may_inspect = access.can_record_inspection(request.user)
    form = AuditForm(_form_data(data, fields[2:]), may_inspect=may_inspect)
    form.instance.commune = commune
    if not form.is_valid():
        raise _form_errors(form)
    clean = form.cleaned_data
    try:
        return audit_services.audit_record(
            commune=commune,
            by=request.user,
            kind=clean["kind"],
            date=clean["date"],
            lead=clean["lead"],
            summary=clean["summary"],
        )
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(exc.message_dict) from exc


def finding_create(request, audit):
    """Record a finding of ``audit`` (already checked for writing) through the audit page's form."""
    fields = ("clause", "severity", "procedure", "description")
    data = _body(request, fields)
    form = FindingForm(_form_data(data, fields), audit=audit)
    form.instance.audit = audit
    return _save(form, request.user)


def corrective_action_create(request, finding):
    """Record a corrective action of ``finding`` (already checked) through the page's form."""
    fields = ("description", "owner", "due_date")
    data = _body(request, fields)
    form = CorrectiveActionForm(_form_data(data, fields))
    form.instance.finding = finding
    return _save(form, request.user)


def _save(form, user):
    if not form.is_valid():
        raise _form_errors(form)
    form.instance._history_user = user
    return form.save()


def _upload_errors(exc: DjangoValidationError, name: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({name: list(exc.messages)})


def evidence_create(request, milestone: Milestone):
    """Attach the multipart ``file`` to ``milestone`` (already checked for writing), checked as
    the milestone page checks its file (:func:`core.uploads.check_upload`); an ``If-Match``, when
    sent, must name the milestone's version (412 otherwise)."""
    if (
        request.headers.get("If-Match", "").strip()
        and expected_version(request) != milestone.version
    ):
        raise PreconditionFailed
    data = request.data
    unknown = sorted(set(data) - {"file"}) if hasattr(data, "keys") else []
    if unknown or not hasattr(data, "keys"):
        raise exceptions.ValidationError(
            {name: [_("This field is not known.")] for name in unknown}
            or {"file": [_("Send the file as multipart/form-data, in the field “file”.")]}
        )
    upload = request.FILES.get("file")
    if upload is None:
        raise exceptions.ValidationError({"file": [_("Choose a file to upload.")]})
    try:
        upload.checked_content_type = check_upload(upload)
    except DjangoValidationError as exc:
        raise _upload_errors(exc, "file") from exc
    return evidence_add(milestone=milestone, by=request.user, upload=upload)


def action_etag(action: CorrectiveAction) -> str:
    """The version of a corrective action: its latest history record (every change makes one)."""
    latest = action.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return f'"{latest or 0}"'


def _check_action_version(request, action: CorrectiveAction) -> None:
    expected = expected_version(request)
    if f'"{expected}"' != action_etag(action):
        raise PreconditionFailed


def action_mark_done(request, action: CorrectiveAction) -> CorrectiveAction:
    """The corrective action page's "done" (the commune's officer, DOST staff, the consultant):
    ``done_on`` and the ``evidence`` file (required the first time), through its form."""
    _check_action_version(request, action)
    data = request.data
    if not hasattr(data, "keys"):
        raise exceptions.ValidationError({"non_field_errors": [_("Send a form.")]})
    unknown = sorted(set(data) - {"done_on", "evidence"})
    if unknown:
        raise exceptions.ValidationError({n: [_("This field is not known.")] for n in unknown})
    values = _form_data({"done_on": data.get("done_on")}, ("done_on",))
    form = ActionDoneForm(values, request.FILES, action=action)
    if not form.is_valid():
        raise _form_errors(form)
    return audit_services.corrective_action_mark_done(
        action=action,
        by=request.user,
        done_on=form.cleaned_data["done_on"],
        evidence=form.cleaned_data.get("evidence"),
    )


def action_verify(request, action: CorrectiveAction) -> CorrectiveAction:
    """The corrective action page's "verify" (DOST staff, the consultant): refused with the
    page's message when the action is not done; the finding closes once all are verified."""
    _check_action_version(request, action)
    _body(request, ())
    try:
        return audit_services.corrective_action_verify(action=action, by=request.user)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError({"non_field_errors": list(exc.messages)}) from exc


ANNOUNCEMENT_FIELDS = (
    "kind",
    "decision_number",
    "decision_date",
    "signer_title",
    "signer_name",
    "standard",
    "scope_size",
    "sent_to_dost_on",
    "posted_at_office_on",
    "posted_online_on",
    "override_reason",
)


def announcement_create(request):
    """Record an announcement of conformity at the unit named by ``commune_code`` and
    ``commune_since`` (404 outside the scope; 403 unless the role may, as the page), through
    the announcement page's form and service (which completes the roadmap's step)."""
    data = _body(request, ("commune_code", "commune_since", *ANNOUNCEMENT_FIELDS))
    commune = _commune_named(request, data)
    access.require(access.can_manage_quality_records(request.user, commune))
    may_override = access.can_manage_inspections(request.user)
    if "override_reason" in data and not may_override:
        raise exceptions.ValidationError(
            {"override_reason": [_("Only DOST staff may record why an announcement goes ahead.")]}
        )
    form = AnnouncementForm(
        _form_data(data, ANNOUNCEMENT_FIELDS), commune=commune, may_override=may_override
    )
    if not form.is_valid():
        raise _form_errors(form)
    try:
        return audit_services.announcement_record(
            commune=commune, by=request.user, **form.cleaned_data
        )
    except DjangoValidationError as exc:
        raise exceptions.ValidationError({"non_field_errors": list(exc.messages)}) from exc
    except MilestoneConflict as exc:
        raise PreconditionFailed from exc


def _commune_named(request, data) -> Commune:
    code, since = str(data.get("commune_code") or ""), str(data.get("commune_since") or "")
    commune = Commune.objects.visible_to(request.user).by_key(code, since) if code else None
    if commune is None:
        raise exceptions.NotFound
    return commune
