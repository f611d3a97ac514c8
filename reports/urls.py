from django.urls import path, re_path

from reports import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    # Report downloads (province, district, commune; PDF and Excel) go below.
    re_path(
        r"^reports/province\.(?P<fmt>pdf|xlsx)$", views.province_report, name="province_report"
    ),
    re_path(
        r"^reports/districts/(?P<code>[0-9]+)\.(?P<fmt>pdf|xlsx)$",
        views.district_report,
        name="district_report",
    ),
    re_path(
        r"^reports/communes/(?P<code>[0-9]+)\.(?P<fmt>pdf|xlsx)$",
        views.commune_report,
        name="commune_report",
    ),
]
