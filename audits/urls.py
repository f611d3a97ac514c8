from django.urls import path

from audits import views

app_name = "audits"

urlpatterns = [
    path("findings/", views.finding_list, name="finding_list"),
    path("corrective-actions/", views.action_list, name="action_list"),
    path("communes/<str:code>/audits/new/", views.audit_create, name="audit_create"),
    path("audits/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/report/", views.audit_report, name="audit_report"),
    path("audits/<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("findings/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("findings/<int:pk>/close/", views.finding_close, name="finding_close"),
    path("corrective-actions/<int:pk>/", views.action_update, name="action_update"),
    path("corrective-actions/<int:pk>/evidence/", views.action_evidence, name="action_evidence"),
    path(
        "communes/<str:code>/announcements/new/",
        views.announcement_create,
        name="announcement_create",
    ),
]
