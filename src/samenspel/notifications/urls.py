"""Notification pages, under /berichten/."""

from django.urls import path

from samenspel.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("instellingen/", views.mail_settings, name="settings"),
    path("alles-gelezen/", views.mark_all_read, name="mark_all_read"),
    path("<uuid:notification_uuid>/", views.open_notification, name="open"),
    path("<uuid:notification_uuid>/gelezen/", views.mark_read, name="mark_read"),
]
