"""Case pages, under /casussen/."""

from django.urls import path

from samenspel.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("export.csv", views.case_list_csv, name="list_csv"),
    path("overdrachten/", views.transfers, name="transfers"),
    path("noodtoegang/", views.break_glass, name="break_glass"),
    path("noodtoegang/beoordelen/", views.break_glass_queue, name="break_glass_queue"),
    path(
        "noodtoegang/<uuid:use_uuid>/beoordelen/",
        views.break_glass_review,
        name="break_glass_review",
    ),
    path(
        "overdrachten/<uuid:transfer_uuid>/accepteren/",
        views.transfer_accept,
        name="transfer_accept",
    ),
    path(
        "overdrachten/<uuid:transfer_uuid>/afwijzen/",
        views.transfer_decline,
        name="transfer_decline",
    ),
    path("<uuid:case_uuid>/", views.detail, name="detail"),
    path("<uuid:case_uuid>/geschiedenis/", views.history, name="history"),
    path("<uuid:case_uuid>/casus.pdf", views.case_pdf, name="pdf"),
    path("<uuid:case_uuid>/balans/", views.justify, name="justify"),
    path("<uuid:case_uuid>/plan/", views.plan, name="plan"),
    path("<uuid:case_uuid>/plan/toevoegen/", views.intervention_add, name="intervention_add"),
    path(
        "<uuid:case_uuid>/plan/<uuid:intervention_uuid>/",
        views.intervention_edit,
        name="intervention_edit",
    ),
    path("<uuid:case_uuid>/informatie/", views.information, name="information"),
    path("<uuid:case_uuid>/informatie/nieuw/", views.information_add, name="information_add"),
    path(
        "<uuid:case_uuid>/informatie/<uuid:item_uuid>/",
        views.information_detail,
        name="information_detail",
    ),
    path(
        "<uuid:case_uuid>/informatie/<uuid:item_uuid>/bestand",
        views.information_file,
        name="information_file",
    ),
    path("<uuid:case_uuid>/processtap/", views.stage, name="stage"),
    path("<uuid:case_uuid>/fase/", views.phase, name="phase"),
    path("<uuid:case_uuid>/sporen/", views.tracks, name="tracks"),
    path("<uuid:case_uuid>/team/", views.team, name="team"),
    path(
        "<uuid:case_uuid>/team/<uuid:user_uuid>/verwijderen/",
        views.team_remove,
        name="team_remove",
    ),
    path("<uuid:case_uuid>/sluiten/", views.close, name="close"),
    path("<uuid:case_uuid>/heropenen/", views.reopen, name="reopen"),
    path("<uuid:case_uuid>/overdragen/", views.transfer_request, name="transfer_request"),
    path(
        "<uuid:case_uuid>/overdragen/<uuid:transfer_uuid>/intrekken/",
        views.transfer_cancel,
        name="transfer_cancel",
    ),
]
