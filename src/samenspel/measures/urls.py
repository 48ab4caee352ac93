"""Measure pages, under /maatregelen/: a case's measures, one measure, terms, designations."""

from django.urls import URLPattern, URLResolver, path

from samenspel.measures.views import designations as designation_views
from samenspel.measures.views import letter as letter_views
from samenspel.measures.views import lists as list_views
from samenspel.measures.views import measure as views
from samenspel.measures.views import reviews as review_views

app_name = "measures"

urlpatterns: list[URLPattern | URLResolver] = [
    path("termijnen/", list_views.calendar, name="calendar"),
    path("aanwijzingen/", designation_views.designations, name="designations"),
    path(
        "aanwijzingen/<uuid:designation_uuid>/beeindigen/",
        designation_views.designation_end,
        name="designation_end",
    ),
    path("casus/<uuid:case_uuid>/", list_views.case_measures, name="case_measures"),
    path("casus/<uuid:case_uuid>/voorstellen/", list_views.propose, name="propose"),
    path("<uuid:measure_uuid>/", views.detail, name="detail"),
    path("<uuid:measure_uuid>/besluitbrief.pdf", letter_views.letter, name="letter"),
    path("<uuid:measure_uuid>/informatie/", views.basis_add, name="basis_add"),
    path("<uuid:measure_uuid>/verificatie/", views.verification_add, name="verification_add"),
    path("<uuid:measure_uuid>/motivering/", views.reasons, name="reasons"),
    path("<uuid:measure_uuid>/overleg/", views.consultation_add, name="consultation_add"),
    path("<uuid:measure_uuid>/raadpleging/", views.minister_request, name="minister_request"),
    path(
        "<uuid:measure_uuid>/raadpleging/<uuid:consultation_uuid>/antwoord/",
        views.consultation_answer,
        name="consultation_answer",
    ),
    path("<uuid:measure_uuid>/besluit/", views.decide, name="decide"),
    path("<uuid:measure_uuid>/besluit-van-buiten/", views.record_external, name="record_external"),
    path("<uuid:measure_uuid>/advies/", views.advise, name="advise"),
    path("<uuid:measure_uuid>/stand/", review_views.move, name="move"),
    path("<uuid:measure_uuid>/intrekken/", views.withdraw, name="withdraw"),
    path("<uuid:measure_uuid>/beeindigen/", views.end, name="end"),
    path("<uuid:measure_uuid>/verlengen/", views.extend, name="extend"),
    path("<uuid:measure_uuid>/bezwaar/", review_views.review_file, name="review_file"),
    path(
        "<uuid:measure_uuid>/bezwaar/<uuid:review_uuid>/uitkomst/",
        review_views.review_decide,
        name="review_decide",
    ),
]
