from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """Each role's start page."""
    return render(request, "accounts/home.html", {})
