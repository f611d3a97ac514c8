from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_index, name="index"),
    path("<slug:kind>/", views.import_upload, name="upload"),
    path("<slug:kind>/template.<str:fmt>", views.import_template, name="template"),
    path("<slug:kind>/preview/<str:token>/", views.import_preview, name="preview"),
    path("<slug:kind>/confirm/<str:token>/", views.import_confirm, name="confirm"),
]
