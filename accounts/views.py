from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, resolve_url

from accounts.models import User


def _start_page(user) -> str:
    if user.role == User.Role.DISTRICT_OFFICER and user.district_id:
        return user.district.get_absolute_url()
    if user.role == User.Role.COMMUNE_OFFICER and user.commune_id:
        return user.commune.get_absolute_url()
    if user.role == User.Role.CONSULTANT:
        return resolve_url("reports:commune_list")
    return resolve_url("reports:dashboard")


@login_required
def home(request):
    """Each role's start page: the dashboard, the district, the commune, or the communes served.
    The "as of" date travels along (``/?as_of=15/12/2017`` opens the 2017 picture); a user whose
    unit has ended (or a consultant whose communes all have) starts on its last day."""
    url = _start_page(request.user)
    query = request.GET.copy()
    last_day = request.user.last_day_in_scope
    if not query.get("as_of") and last_day is not None:
        query["as_of"] = f"{last_day:%d/%m/%Y}"
    return redirect(f"{url}?{query.urlencode()}" if query.get("as_of") else url)
