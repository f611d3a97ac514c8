from django.urls import path

from communes import views

app_name = "communes"

urlpatterns = [
    path("communes/", views.commune_list, name="commune_list"),
    path("communes/<str:code>/", views.commune_detail, name="commune_detail"),
    path("districts/<str:code>/", views.district_detail, name="district_detail"),
]
