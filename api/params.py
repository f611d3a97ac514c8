"""What a request asks for: its language (``Accept-Language``), its day (``?as_of=``) and the
filters of the page it mirrors. What cannot be read is a 400, never silently today."""

import datetime

from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework.exceptions import ValidationError

from core import clock
from core.asof import AsOfForm


def language_asked(request) -> str | None:
    """The first supported language of ``Accept-Language`` (vi, en), or None."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            return None
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def as_of(request) -> datetime.date:
    """``?as_of=`` as dd/mm/yyyy or yyyy-mm-dd (the pages' form), today when absent."""
    value = request.query_params.get("as_of", "").strip()
    if not value:
        return clock.today()
    form = AsOfForm({"as_of": value})
    if not form.is_valid() or form.cleaned_data["as_of"] is None:
        raise ValidationError({"as_of": form.errors.get("as_of") or [_("A date is expected.")]})
    return form.cleaned_data["as_of"]


def integer(request, name: str) -> int | None:
    """``?name=`` as a positive integer (an id), None when absent; 400 when not one."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise ValidationError({name: [_("A whole number is expected.")]})
    return int(value)


def filtered(filterset):
    """The page's FilterSet applied: its rows, or 400 with its messages for a value it refuses
    (the page would ignore it; a program is told)."""
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs
