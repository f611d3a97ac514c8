"""Old links by a unit's code alone (before units were addressed by code and period): each leads
to the unit it meant, or to the list of the units that carried the code, with their periods."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from communes.access import get_carriers_for_user
from communes.models import Commune, District
from core.asof import as_of_from_request

MODELS = {"commune": Commune, "district": District}


def _meant(units: list, as_of) -> object | None:
    """The unit a link by code meant: the only one that carried it, or the only one in force on
    the link's "as of" day; None when the link cannot tell."""
    if as_of.given:
        in_force = [u for u in units if u.is_valid_on(as_of.date)]
        if len(in_force) == 1:
            return in_force[0]
    return units[0] if len(units) == 1 else None


def _target(unit, rest: str, fmt: str) -> str:
    if fmt:
        name = f"reports:{'commune' if isinstance(unit, Commune) else 'district'}_report"
        return reverse(name, args=[*unit.url_args, fmt])
    return unit.get_absolute_url() + rest


@login_required
def unit_by_code(request, code: str, kind: str = "commune", rest: str = "", fmt: str = ""):
    """``/communes/<code>/…`` (and districts, and report downloads) by code alone: a redirect to
    the unit's own address, keeping the query, or the list of the units that carried ``code``
    (404 when the user may see none)."""
    units = get_carriers_for_user(request.user, MODELS[kind], code)
    unit = _meant(units, as_of_from_request(request))
    query = request.GET.urlencode()
    if unit is not None:
        return redirect(_target(unit, rest, fmt) + (f"?{query}" if query else ""))
    ctx = {"code": code, "units": units, "query": query, "kind": kind}
    return render(request, "communes/unit_carriers.html", ctx, status=300)
