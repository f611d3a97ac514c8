"""The API tokens page of one's account: create a token (shown once), see each one's last use,
revoke it. A user sees and revokes only their own tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import ApiTokenForm
from api.models import ApiToken


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    """The user's tokens, newest first, and the form that creates one; a new token is shown on
    the page that answers its creation, and never again."""
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = ApiToken.issue(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        form = ApiTokenForm()
    ctx = {
        "tokens": ApiToken.objects.filter(user=request.user),
        "form": form,
        "new_key": new_key,
    }
    response = render(request, "api/apitoken_list.html", ctx)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    """Revoke one of the user's own tokens (404 for anyone else's)."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if not token.revoked:
        token.revoked = True
        token.save(update_fields=["revoked"])
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api:token_list")
