from django.urls import path

from audits import views

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
    path("inspections/", views.plan_list, name="plan_list"),
    path("inspections/new/", views.plan_create, name="plan_create"),
    path("inspections/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("inspections/visits/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path(
        "inspections/visits/<int:pk>/decision/",
        views.inspection_decision,
        name="inspection_decision",
    ),
    path(
        "inspections/visits/<int:pk>/minutes/", views.inspection_minutes, name="inspection_minutes"
    ),
]
