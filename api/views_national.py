"""The national figures page: this deployment's annual table beside the provinces' tables pulled
from their own deployments (``manage.py pull_annual_figures``), row by row with the dashboard's
labels (the same ``metrics.year_table``)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import territory_name
from api.models import PulledYearFigures
from core.asof import as_of_from_request
from reports import metrics


def _number(value):
    """A pulled value shown as the dashboard shows its own: a whole number grouped, else as is."""
    text = str(value)
    return int(text) if text.lstrip("-").isdigit() and len(text) < 19 else text


def national_rows(user, year: int, as_of) -> dict:
    """The rows of ``year``: (label, own value, [pulled values]), and the pulled columns."""
    figures = metrics.year_figures_cached(metrics.participations_in_scope(user), year, today=as_of)
    with translation.override("en"):  # the labels' message ids: what a pull stores
        keys = [str(label) for label, _value in metrics.year_table(figures)]
    own = [value for _label, value in metrics.year_table(figures)]
    pulled = list(PulledYearFigures.objects.of_year(year))
    values = [p.values_by_label() for p in pulled]
    rows = [
        (_(key), mine, [_number(v[key]) if key in v else "–" for v in values])
        for key, mine in zip(keys, own, strict=True)
    ]
    return {"rows": rows, "pulled": pulled, "own_as_of": figures.as_of}


@login_required
def national_figures(request):
    """A year's annual figures of this deployment beside the provinces' pulled figures
    (province-wide roles: DOST staff and managers)."""
    access.require(request.user.is_province_wide)
    as_of = as_of_from_request(request)
    pulled_years = PulledYearFigures.objects.values_list("year", flat=True)
    years = sorted(set(metrics.years_available(as_of.date)) | set(pulled_years), reverse=True)
    year = metrics.picked_year(request.GET.get("year"), years)
    rows = national_rows(request.user, year, as_of.date)
    # The territory as it was on the table's day (tỉnh Bến Tre before 1/7/2025), as a pull names it.
    ctx = {"years": years, "year": year, "own_name": territory_name(rows["own_as_of"]), **rows}
    return render(request, "api/national_figures.html", ctx)
