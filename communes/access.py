"""The units a user may open: a commune, a district, a province by GSO code, within ``User.scope``
(through ``Model.objects.visible_to(user)``, ``core/querysets.py``), 404 outside it.

``communes`` comes before ``accounts``: these helpers only read, and a write's check is the
caller's (``accounts.access.can_manage_quality_records``).
"""

from django.http import Http404

from communes.models import Commune, District, Province


def get_commune_for_user(user, code: str, since: str) -> Commune:
    """The unit that carried GSO ``code`` from ``since`` (its period key,
    :attr:`AdministrativeUnit.since_key`): one unit, whoever asks and on whatever day; 404
    outside what ``user`` may see."""
    units = Commune.objects.visible_to(user).select_related("district", "province")
    commune = units.by_key(code, since)
    if commune is None:
        raise Http404
    return commune


def get_carriers_for_user(user, model, code: str) -> list:
    """Every unit of ``model`` that carried GSO ``code`` and that ``user`` may see, in the order
    of their periods (an old link by code alone leads to them); 404 when there is none."""
    units = list(model.objects.visible_to(user).carriers(code).select_related("province"))
    if not units:
        raise Http404
    return units


def get_province_for_user(user, code: str, *, on=None) -> Province:
    """The province with GSO ``code`` in force on ``on`` (a national deployment's drill-down);
    404 outside what the user may see."""
    province = Province.objects.visible_to(user).by_code(code, on=on)
    if province is None:
        raise Http404
    return province


def get_district_for_user(user, code: str, since: str) -> District:
    """The district that carried GSO ``code`` from ``since``; 404 outside what ``user`` may
    see."""
    district = District.objects.visible_to(user).select_related("province").by_key(code, since)
    if district is None:
        raise Http404
    return district
