from django.urls import path

from audits import views, views_inspections

app_name = "audits"

urlpatterns = [
    path("findings/", views.finding_list, name="finding_list"),
    path("announcements/", views.announcement_list, name="announcement_list"),
    path("corrective-actions/", views.action_list, name="action_list"),
    path("communes/<str:code>/<str:since>/audits/new/", views.audit_create, name="audit_create"),
    path("audits/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/report/", views.audit_report, name="audit_report"),
    path("audits/<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("findings/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("findings/<int:pk>/close/", views.finding_close, name="finding_close"),
    path("corrective-actions/<int:pk>/", views.action_update, name="action_update"),
    path("corrective-actions/<int:pk>/evidence/", views.action_evidence, name="action_evidence"),
    path(
        "communes/<str:code>/<str:since>/announcements/new/",
        views.announcement_create,
        name="announcement_create",
    ),
    path("inspections/", views_inspections.plan_list, name="plan_list"),
    path("inspections/new/", views_inspections.plan_create, name="plan_create"),
    path("inspections/<int:pk>/", views_inspections.plan_detail, name="plan_detail"),
    path(
        "inspections/visits/<int:pk>/",
        views_inspections.inspection_detail,
        name="inspection_detail",
    ),
    path(
        "inspections/visits/<int:pk>/decision/",
        views_inspections.inspection_decision,
        name="inspection_decision",
    ),
    path(
        "inspections/visits/<int:pk>/announcement/",
        views_inspections.inspection_presence,
        name="inspection_presence",
    ),
    path(
        "inspections/visits/<int:pk>/minutes/",
        views_inspections.inspection_minutes,
        name="inspection_minutes",
    ),
    path(
        "inspections/visits/<int:pk>/letter/",
        views_inspections.inspection_letter,
        name="inspection_letter",
    ),
    path(
        "inspections/visits/<int:pk>/answer/",
        views_inspections.inspection_answer,
        name="inspection_answer",
    ),
]
