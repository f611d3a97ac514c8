from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import clock
from notifications.files import files_to_show, recent_files
from notifications.forms import PreferenceForm
from notifications.items import by_commune, count_for, items_for
from notifications.models import NotificationPreference


@login_required
def notification_list(request):
    """What the user has to act on: the items of their digest, by commune, with links."""
    items = items_for(request.user)
    ctx = {"groups": by_commune(items), "count": len(items), "as_of": clock.today()}
    ctx["files"] = recent_files(request.user)
    return render(request, "notifications/notification_list.html", ctx)


@login_required
def preference_update(request):
    """The user's reminders: digest on or off, which kinds, the language of the mails."""
    preference = NotificationPreference.objects.filter(user=request.user).first()
    preference = preference or NotificationPreference(user=request.user)
    data = request.POST if request.method == "POST" else None
    form = PreferenceForm(data, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your reminder preferences were saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preference_update.html", {"form": form})


@login_required
def notification_count(request):
    """The header's badge, loaded by htmx after the page (so no page pays for it): cached; and
    once each, the files the background worker finished for the user (:func:`files_to_show`)."""
    ctx = {"count": count_for(request.user), "files": files_to_show(request.user)}
    return render(request, "notifications/_count.html", ctx)
