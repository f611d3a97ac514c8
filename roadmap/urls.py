from django.urls import path

from roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("milestones/", views.milestone_list, name="milestone_list"),
    path("milestones/<int:pk>/", views.milestone_update, name="milestone_update"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path(
        "programmes/successors/",
        views.programme_from_successors,
        name="programme_from_successors",
    ),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path(
        "programmes/<int:pk>/communes/new/",
        views.participation_create,
        name="participation_create",
    ),
    path(
        "programmes/<int:pk>/communes/bulk/",
        views.participation_bulk_create,
        name="participation_bulk_create",
    ),
    path(
        "programmes/<int:pk>/apply-template/",
        views.programme_apply_template,
        name="programme_apply_template",
    ),
    path("programmes/<int:pk>/officers/new/", views.officer_assign, name="officer_assign"),
]
