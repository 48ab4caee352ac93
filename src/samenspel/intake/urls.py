"""Signal pages, under /signalen/."""

from django.urls import path

from samenspel.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.my_signals, name="my_signals"),
    path("melden/", views.submit, name="submit"),
    path("weeglijst/", views.queue, name="queue"),
    path("weegploeg/", views.seats, name="seats"),
    path(
        "weegploeg/<uuid:user_uuid>/verwijderen/",
        views.seat_remove,
        name="seat_remove",
    ),
    path("<uuid:signal_uuid>/", views.detail, name="detail"),
    path("<uuid:signal_uuid>/status/", views.status, name="status"),
    path("<uuid:signal_uuid>/oppakken/", views.pick_up, name="pick_up"),
    path(
        "<uuid:signal_uuid>/bijlagen/<uuid:attachment_uuid>/",
        views.attachment,
        name="attachment",
    ),
]
