from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/preferences/", views.preference_update, name="preferences"),
    path("notifications/count/", views.notification_count, name="count"),
]
