from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from qms_rollout.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("accounts.urls")),
    path("", include("communes.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("audits.urls")),
    path("imports/", include("imports.urls")),
    path("", include("roadmap.urls")),
    path("", include("procedures.urls")),
    path("", include("reports.urls")),
    path("", include("notifications.urls")),
    path("", include("api.urls")),
]
# Uploaded files (evidence, audit reports) are never served from MEDIA_URL: only through the
# access-checked download views of roadmap and audits.
