from django.urls import path

from procedures import views

app_name = "procedures"

urlpatterns = [
    path("procedures/", views.procedure_list, name="procedure_list"),
    path("communes/<str:code>/<str:since>/scope/", views.scope_edit, name="scope_edit"),
]
