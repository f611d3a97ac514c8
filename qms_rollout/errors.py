"""The CSRF failure page, in the site's frame (the 400/403/404/500 pages are the templates
``templates/<code>.html`` rendered by Django's own handlers)."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A form sent from a page kept open too long, or from another site: say what to do."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
