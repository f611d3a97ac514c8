from django.urls import path, re_path

from reports import views, views_units

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    # The progress pages of units (their paths are those of the units).
    path("communes/", views_units.commune_list, name="commune_list"),
    path("communes/<str:code>/", views_units.commune_detail, name="commune_detail"),
    path("districts/<str:code>/", views_units.district_detail, name="district_detail"),
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
    # The yearly cycle's official documents (PDF and Word) and the annual report.
    path("reports/annual/", views.annual_report_list, name="annual_report_list"),
    path("reports/annual/<int:pk>/", views.annual_report_detail, name="annual_report_detail"),
    re_path(
        r"^reports/annual/(?P<pk>[0-9]+)\.(?P<fmt>pdf|docx)$",
        views.annual_report_document,
        name="annual_report_document",
    ),
    re_path(
        r"^inspections/(?P<pk>[0-9]+)/plan\.(?P<fmt>pdf|docx)$",
        views.plan_document,
        name="plan_document",
    ),
    re_path(
        r"^inspections/(?P<pk>[0-9]+)/summary\.(?P<fmt>pdf|docx)$",
        views.summary_document,
        name="summary_document",
    ),
    re_path(
        r"^inspections/visits/(?P<pk>[0-9]+)/decision\.(?P<fmt>pdf|docx)$",
        views.decision_document,
        name="decision_document",
    ),
    re_path(
        r"^inspections/visits/(?P<pk>[0-9]+)/minutes\.(?P<fmt>pdf|docx)$",
        views.minutes_document,
        name="minutes_document",
    ),
]
