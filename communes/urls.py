"""Old addresses of units by GSO code alone; the units' own pages are the reports app's
(``reports:commune_detail`` and ``reports:district_detail``, by code and period)."""

from django.urls import re_path

from communes import views

app_name = "communes"

CODE = r"(?P<code>[0-9]{1,5})"

urlpatterns = [
    re_path(
        rf"^communes/{CODE}/(?P<rest>(?:audits/new/|announcements/new/|scope/)?)$",
        views.unit_by_code,
        {"kind": "commune"},
        name="commune_by_code",
    ),
    re_path(
        rf"^districts/{CODE}/$", views.unit_by_code, {"kind": "district"}, name="district_by_code"
    ),
    re_path(
        rf"^reports/communes/{CODE}\.(?P<fmt>pdf|xlsx)$",
        views.unit_by_code,
        {"kind": "commune"},
        name="commune_report_by_code",
    ),
    re_path(
        rf"^reports/districts/{CODE}\.(?P<fmt>pdf|xlsx)$",
        views.unit_by_code,
        {"kind": "district"},
        name="district_report_by_code",
    ),
]
