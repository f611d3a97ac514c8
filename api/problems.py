"""Errors as RFC 9457 problem details (``application/problem+json``): ``type``, ``title``,
``status``, ``detail`` and, for invalid input, ``errors`` ({field: [messages]}, the messages of
the pages' forms, in the language asked). No input gives a 500: what the API cannot read is 400.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://qms.invalid/problems/"

# Status -> (type slug, title in the language asked).
KINDS = {
    400: ("invalid", gettext_lazy("The request is not valid.")),
    401: ("unauthenticated", gettext_lazy("Credentials are missing or not valid.")),
    403: ("forbidden", gettext_lazy("You may not do this.")),
    404: ("not-found", gettext_lazy("Not found.")),
    405: ("method-not-allowed", gettext_lazy("Method not allowed.")),
    406: ("not-acceptable", gettext_lazy("Not acceptable.")),
    412: ("precondition-failed", gettext_lazy("Someone else changed it since your version.")),
    415: ("unsupported-media-type", gettext_lazy("Unsupported media type.")),
    428: ("precondition-required", gettext_lazy("Send If-Match with the version you read.")),
    429: ("throttled", gettext_lazy("Too many requests.")),
}


def _title(code: int) -> str:
    return str(KINDS[code][1]) if code in KINDS else ""


def problem(code: int, detail: str = "", **extra) -> dict:
    """The body of a problem of HTTP status ``code``."""
    slug = KINDS.get(code, ("error", ""))[0]
    body = {"type": TYPE_BASE + slug, "title": _title(code), "status": code}
    if detail:
        body["detail"] = str(detail)
    body.update(extra)
    return body


def problem_response(code: int, detail: str = "", headers=None, **extra) -> Response:
    return Response(
        problem(code, detail, **extra), status=code, headers=headers, content_type=CONTENT_TYPE
    )


def _errors(data) -> dict:
    """DRF's validation detail as {field: [messages]} (``non_field_errors`` for the whole)."""
    if isinstance(data, dict):
        return {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in data.items()}
    return {"non_field_errors": [str(m) for m in (data if isinstance(data, list) else [data])]}


def handle(exc, context):
    """DRF's handler, with Django's own exceptions mapped (Http404, PermissionDenied,
    ValidationError from a service), its body turned into a problem; headers (``Retry-After``,
    ``WWW-Authenticate``) kept."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        errors = _errors(exc.detail)
        body = problem(code, _("See errors for what to correct."), errors=errors)
    else:
        detail = getattr(exc, "detail", "") or ""
        if isinstance(exc, Http404 | exceptions.NotFound):
            detail = _("Not found, or not within what you may see.")
        elif isinstance(exc, PermissionDenied | exceptions.PermissionDenied):
            detail = _("Your role may not do this here.")
        body = problem(code, detail)
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after"] = int(exc.wait)
    response.data = body
    response.content_type = CONTENT_TYPE
    return response


@csrf_exempt
def not_found(request, exception=None):
    """A path under /api/ that names nothing: a problem, not the HTML 404 page (for a POST
    too: not the HTML page of a missing CSRF token, as nothing is written)."""
    return JsonResponse(
        problem(status.HTTP_404_NOT_FOUND, _("No such address in the API.")),
        status=404,
        content_type=CONTENT_TYPE,
    )
