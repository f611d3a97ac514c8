"""A national deployment pulls a provincial deployment's annual figures through that deployment's
API (``/api/v1/figures/<year>/``, with a token the province issued) and keeps them beside its
own (:class:`api.models.PulledYearFigures`). Everything is read and checked before anything is
saved; a second pull of the same address, province and year replaces the first."""

import datetime
import json
import urllib.error
import urllib.parse
import urllib.request

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import PulledYearFigures
from core import clock

FIRST_YEAR = 2000
TIMEOUT_SECONDS = 30
MAX_BYTES = 2 * 1024 * 1024


class PullError(Exception):
    """A pull that cannot be done: the message says why, in the active language."""


def base_url(url: str) -> str:
    """The deployment's address as given (``https://qms.example.vn``, with or without a final
    ``/`` or ``/api/v1/``), normalised; a PullError for anything else."""
    text = (url or "").strip()
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise PullError(
            _("“%(url)s” is not the address of a deployment: give it as https://name.example.vn.")
            % {"url": text}
        )
    path = parts.path.rstrip("/")
    if path.endswith("/api/v1"):
        path = path[: -len("/api/v1")]
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))


def checked_year(value) -> int:
    """The year asked, from 2000 to this year."""
    text = str(value).strip()
    this_year = clock.today().year
    if not (text.isascii() and text.isdigit()) or not FIRST_YEAR <= int(text) <= this_year:
        raise PullError(
            _("The year must be a year from %(first)s to %(last)s; “%(value)s” is not.")
            % {"first": FIRST_YEAR, "last": this_year, "value": text}
        )
    return int(text)


def _problem_detail(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read(MAX_BYTES).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, OSError):
        return ""
    return str(body.get("detail") or body.get("title") or "") if isinstance(body, dict) else ""


def _http_error(error: urllib.error.HTTPError, source: str, year: int) -> PullError:
    if error.code == 401:
        return PullError(
            _(
                "%(url)s refused the token (401): it is wrong, expired or revoked. Ask the province for a new one."
            )
            % {"url": source}
        )
    if error.code == 403:
        return PullError(
            _("%(url)s does not let this token read the figures (403).") % {"url": source}
        )
    if error.code == 404:
        return PullError(
            _(
                "%(url)s has no figures of %(year)s (404): the year is not one of its years, or the address is not a deployment of this application."
            )
            % {"url": source, "year": year}
        )
    detail = _problem_detail(error)
    return PullError(
        _("%(url)s answered with an error (%(status)s). %(detail)s")
        % {"url": source, "status": error.code, "detail": detail}
    )


def fetch(source: str, token: str, year: int) -> dict:
    """The year's figures as the province's API gives them in English (the labels of the table
    are then the message ids, translated where they are shown)."""
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked by base_url
        f"{source}/api/v1/figures/{year}/",
        headers={
            "Authorization": f"Bearer {token.strip()}",
            "Accept": "application/json",
            "Accept-Language": "en",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise _http_error(exc, source, year) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PullError(
            _("Could not reach %(url)s: %(reason)s.") % {"url": source, "reason": reason}
        ) from exc
    if len(body) > MAX_BYTES:
        raise PullError(_("%(url)s sent more than expected.") % {"url": source})
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise PullError(_not_figures(source)) from exc
    return data


def _not_figures(source: str) -> str:
    return _(
        "%(url)s did not answer with annual figures: is it a deployment of this application?"
    ) % {"url": source}


def parse(data, source: str, year: int) -> dict:
    """The fields kept, checked: a province's whole figures of ``year``, a table of rows."""
    if not isinstance(data, dict) or data.get("year") != year:
        raise PullError(_not_figures(source))
    table = data.get("table")
    rows_ok = isinstance(table, list) and all(
        isinstance(row, dict) and isinstance(row.get("label"), str) and "value" in row
        for row in table
    )
    try:
        as_of = datetime.date.fromisoformat(str(data.get("as_of")))
    except ValueError:
        as_of = None
    province = data.get("province")
    if not rows_ok or not table or as_of is None:
        raise PullError(_not_figures(source))
    if not isinstance(province, dict) or not province.get("code") or not province.get("name"):
        raise PullError(
            _("%(url)s is not a provincial deployment (it names no province).") % {"url": source}
        )
    if data.get("whole_province") is not True:
        raise PullError(
            _(
                "The token is not of a province-wide account (DOST staff or manager): its figures are not the whole province's."
            )
        )
    return {
        "province_code": str(province["code"])[:3],
        "province_name": str(province["name"])[:100],
        "as_of": as_of,
        "table": [[row["label"], str(row["value"])] for row in table],
        "figures": data,
    }


def pull_annual_figures(*, url: str, token: str, year) -> PulledYearFigures:
    """Pull ``year``'s figures from the deployment at ``url`` with ``token`` and store them,
    replacing an earlier pull of the same address, province and year. Raises PullError (nothing
    saved) for a bad address, token, year or answer."""
    source = base_url(url)
    year = checked_year(year)
    if not (token or "").strip():
        raise PullError(_("Give the token the province issued."))
    fields = parse(fetch(source, token, year), source, year)
    with transaction.atomic():
        pulled, _created = PulledYearFigures.objects.update_or_create(
            source_url=source,
            province_code=fields.pop("province_code"),
            year=year,
            defaults={**fields, "pulled_at": timezone.now()},
        )
    return pulled
