from django.urls import path

from audits import views

app_name = "audits"

urlpatterns = [
    path("findings/", views.finding_list, name="finding_list"),
    path("corrective-actions/", views.action_list, name="action_list"),
]
