"""The API's writes, each through the pages' form (its validation and messages) and the pages'
service (the same history, with its author). The views only route to these."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from accounts import access
from audits import services as audit_services
from audits.forms import AuditForm, CorrectiveActionForm, FindingForm
from communes.models import Commune
from roadmap.forms import MilestoneUpdateForm
from roadmap.models import Milestone
from roadmap.services import MilestoneConflict, milestone_record_update


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
    code, since = str(data.get("commune_code") or ""), str(data.get("commune_since") or "")
    commune = Commune.objects.visible_to(request.user).by_key(code, since) if code else None
    if commune is None:
        raise exceptions.NotFound
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
