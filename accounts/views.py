from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, resolve_url
from django.urls import reverse_lazy
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.forms import PasswordResetForm
from accounts.models import User
from accounts.services import password_reset_throttled


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


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, limited per address and per client (the sign-in lockout's client
    address), the mail queued for the worker."""

    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        client = import_string(settings.AXES_CLIENT_IP_CALLABLE)(self.request)
        if password_reset_throttled(email=form.cleaned_data["email"], client=client):
            form.add_error(
                None,
                _(
                    "Too many requests to reset a password: no link was sent. Wait an hour, "
                    "then try again, or ask the DOST to reset it."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
