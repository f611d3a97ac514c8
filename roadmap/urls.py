from django.urls import path

from roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("milestones/", views.milestone_list, name="milestone_list"),
    path("milestones/<int:pk>/", views.milestone_update, name="milestone_update"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
