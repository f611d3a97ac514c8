from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from accounts.models import User


@login_required
def home(request):
    """Each role's start page: the dashboard, the district, the commune, or the communes served."""
    user = request.user
    if user.role == User.Role.DISTRICT_OFFICER and user.district_id:
        return redirect("communes:district_detail", user.district.code)
    if user.role == User.Role.COMMUNE_OFFICER and user.commune_id:
        return redirect("communes:commune_detail", user.commune.code)
    if user.role == User.Role.CONSULTANT:
        return redirect("communes:commune_list")
    return redirect("reports:dashboard")
