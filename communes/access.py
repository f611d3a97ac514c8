"""The units a user may open: a commune, a district, a province by GSO code, within ``User.scope``
(through ``Model.objects.visible_to(user)``, ``core/querysets.py``), 404 outside it.

``communes`` comes before ``accounts``: these helpers only read, and a write's check is the
caller's (``accounts.access.can_manage_quality_records``).
"""

from django.http import Http404

from communes.models import Commune, District, Province


def get_commune_for_user(user, code: str, *, on=None) -> Commune:
    """The unit with GSO ``code`` in force on ``on`` (default today), else the one that carried
    the code last."""
    commune = (
        Commune.objects.visible_to(user).select_related("district", "province").by_code(code, on=on)
    )
    if commune is None:
        raise Http404
    return commune


def get_province_for_user(user, code: str, *, on=None) -> Province:
    """The province with GSO ``code`` in force on ``on`` (a national deployment's drill-down);
    404 outside what the user may see."""
    province = Province.objects.visible_to(user).by_code(code, on=on)
    if province is None:
        raise Http404
    return province


def get_district_for_user(user, code: str) -> District:
    district = District.objects.visible_to(user).select_related("province").by_code(code)
    if district is None:
        raise Http404
    return district
