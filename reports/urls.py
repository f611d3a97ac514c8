from django.urls import path, re_path

from reports import views, views_inspections, views_money, views_tasks, views_units

app_name = "reports"

# A unit's address: its GSO code and its period key (the first day it was in force, or 0 for a
# unit older than the records). Codes are reused; old links by code alone: communes/urls.py.
UNIT = r"(?P<code>[0-9]{1,5})/(?P<since>[0-9]{4}-[0-9]{2}-[0-9]{2}|0)"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    # The progress pages of units (their paths are those of the units).
    path("communes/", views_units.commune_list, name="commune_list"),
    re_path(rf"^communes/{UNIT}/$", views_units.commune_detail, name="commune_detail"),
    re_path(rf"^districts/{UNIT}/$", views_units.district_detail, name="district_detail"),
    # Report downloads (province, district, commune; PDF and Excel) go below.
    re_path(
        r"^reports/province\.(?P<fmt>pdf|xlsx)$", views.province_report, name="province_report"
    ),
    re_path(
        rf"^reports/districts/{UNIT}\.(?P<fmt>pdf|xlsx)$",
        views.district_report,
        name="district_report",
    ),
    re_path(
        rf"^reports/communes/{UNIT}\.(?P<fmt>pdf|xlsx)$",
        views.commune_report,
        name="commune_report",
    ),
    # The page of an export made by the background worker (core.spreadsheets.export_list).
    path("exports/<uuid:task_id>/", views_tasks.export_task, name="export_task"),
    # The yearly cycle's official documents (PDF and Word) and the annual report.
    path("reports/annual/", views.annual_report_list, name="annual_report_list"),
    path("money/", views_money.budget_year, name="budget_year"),
    path("money/<int:pk>/", views_money.budget_line_update, name="budget_line_update"),
    path("bodies/", views_money.body_list, name="body_list"),
    path("bodies/<int:pk>/", views_money.body_update, name="body_update"),
    path("reports/annual/<int:pk>/", views.annual_report_detail, name="annual_report_detail"),
    re_path(
        r"^reports/annual/(?P<pk>[0-9]+)\.(?P<fmt>pdf|docx)$",
        views.annual_report_document,
        name="annual_report_document",
    ),
    re_path(
        r"^reports/annual/(?P<pk>[0-9]+)/province\.(?P<fmt>pdf|docx)$",
        views.annual_report_document,
        {"which": "province"},
        name="annual_report_province_document",
    ),
    # The inspection trail (TT 26/2014 Arts. 34–38): each document from the page of its data.
    re_path(
        r"^inspections/(?P<pk>[0-9]+)/(?P<name>[a-z]+)\.(?P<fmt>pdf|docx)$",
        views_inspections.plan_file,
        name="plan_file",
    ),
    re_path(
        r"^inspections/visits/(?P<pk>[0-9]+)/(?P<name>[a-z]+)\.(?P<fmt>pdf|docx)$",
        views_inspections.inspection_file,
        name="inspection_file",
    ),
]
