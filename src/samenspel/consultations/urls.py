"""Consultation pages, under /overleg/, and capacity requests, under /overleg/capaciteit/."""

from django.urls import URLPattern, URLResolver, path

from samenspel.consultations.views import capacity as capacity_views
from samenspel.consultations.views import items as item_views
from samenspel.consultations.views import meetings as views
from samenspel.consultations.views import pdf as pdf_views

app_name = "consultations"

urlpatterns: list[URLPattern | URLResolver] = []

# --- Case consultations (series, meetings, agenda, minutes, actions) ---------------------------
urlpatterns += [
    path("", views.series_list, name="series_list"),
    path("nieuw/", views.series_create, name="series_create"),
    path("acties/", views.actions, name="actions"),
    path("acties/<uuid:action_uuid>/afsluiten/", views.action_close, name="action_close"),
    path("casus/<uuid:case_uuid>/inbrengen/", views.nominate, name="nominate"),
    path("vergadering/<uuid:meeting_uuid>/", views.meeting, name="meeting"),
    path(
        "vergadering/<uuid:meeting_uuid>/voorstellen/",
        views.agenda_propose,
        name="agenda_propose",
    ),
    path(
        "vergadering/<uuid:meeting_uuid>/vaststellen/",
        views.agenda_confirm,
        name="agenda_confirm",
    ),
    path("vergadering/<uuid:meeting_uuid>/toevoegen/", views.item_add, name="item_add"),
    path("vergadering/<uuid:meeting_uuid>/agenda/", views.agenda_edit, name="agenda_edit"),
    path("vergadering/<uuid:meeting_uuid>/gehouden/", views.meeting_held, name="meeting_held"),
    path(
        "vergadering/<uuid:meeting_uuid>/verslag/commentaar/",
        views.minutes_comment,
        name="minutes_comment",
    ),
    path(
        "vergadering/<uuid:meeting_uuid>/verslag/vaststellen/",
        views.minutes_approve,
        name="minutes_approve",
    ),
    path(
        "vergadering/<uuid:meeting_uuid>/verslag/correctie/",
        views.minutes_correct,
        name="minutes_correct",
    ),
    path("agendapunt/<uuid:item_uuid>/", item_views.item, name="item"),
    path("agendapunt/<uuid:item_uuid>/bewerken/", item_views.item_edit, name="item_edit"),
    path("agendapunt/<uuid:item_uuid>/uitnodigen/", item_views.item_invite, name="item_invite"),
    path("agendapunt/<uuid:item_uuid>/verslag/", item_views.item_note, name="item_note"),
    path("agendapunt/<uuid:item_uuid>/besluit/", item_views.item_decision, name="item_decision"),
    path("agendapunt/<uuid:item_uuid>/actie/", item_views.item_action, name="item_action"),
    path("<uuid:series_uuid>/", views.series_detail, name="series_detail"),
    path("<uuid:series_uuid>/partner/", views.partner_add, name="partner_add"),
    path("<uuid:series_uuid>/plannen/", views.meeting_create, name="meeting_create"),
]

# --- Capacity requests -------------------------------------------------------------------------
urlpatterns += [
    path("capaciteit/", capacity_views.capacity_list, name="capacity_list"),
    path("capaciteit/nieuw/", capacity_views.capacity_create, name="capacity_create"),
    path("capaciteit/cijfers/", capacity_views.capacity_statistics, name="capacity_statistics"),
    path(
        "capaciteit/cijfers.csv",
        capacity_views.capacity_statistics_csv,
        name="capacity_statistics_csv",
    ),
    path("capaciteit/<uuid:request_uuid>/", capacity_views.capacity_detail, name="capacity_detail"),
    path(
        "capaciteit/<uuid:request_uuid>/toezeggen/",
        capacity_views.capacity_accept,
        name="capacity_accept",
    ),
    path(
        "capaciteit/<uuid:request_uuid>/andere-datum/",
        capacity_views.capacity_other_date,
        name="capacity_other_date",
    ),
    path(
        "capaciteit/<uuid:request_uuid>/afwijzen/",
        capacity_views.capacity_decline,
        name="capacity_decline",
    ),
    path(
        "capaciteit/<uuid:request_uuid>/intrekken/",
        capacity_views.capacity_withdraw,
        name="capacity_withdraw",
    ),
]

# --- PDFs --------------------------------------------------------------------------------------
urlpatterns += [
    path(
        "vergadering/<uuid:meeting_uuid>/agenda.pdf",
        pdf_views.meeting_agenda_pdf,
        name="meeting_agenda_pdf",
    ),
    path(
        "vergadering/<uuid:meeting_uuid>/verslag.pdf",
        pdf_views.meeting_minutes_pdf,
        name="meeting_minutes_pdf",
    ),
    # An earlier version of the minutes (a correction keeps the approved one): same name.
    path(
        "vergadering/<uuid:meeting_uuid>/verslag-<int:minutes_number>.pdf",
        pdf_views.meeting_minutes_pdf,
        name="meeting_minutes_pdf",
    ),
]
