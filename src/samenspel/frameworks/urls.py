"""Pages over the framework, under /kader/."""

from django.urls import path

from samenspel.frameworks.views import pages, printable, versions

app_name = "frameworks"

urlpatterns = [
    path("", pages.overview, name="overview"),
    path("wie-doet-wat/", pages.raci, name="raci"),
    path("wie-doet-wat/<str:stage_id>/<str:actor_id>/", pages.raci_cell, name="raci_cell"),
    path("actoren/", pages.actor_list, name="actor_list"),
    path("actoren/<str:actor_id>/", pages.actor_detail, name="actor_detail"),
    path("fasen/", pages.scope_list, name="scope_list"),
    path("fasen/<str:scope_id>/", pages.scope_detail, name="scope_detail"),
    path("domeinen/", pages.domain_list, name="domain_list"),
    path("domeinen/<str:domain_id>/", pages.domain_detail, name="domain_detail"),
    path("maatregelen/", pages.measure_list, name="measure_list"),
    path("maatregelen/<str:measure_id>/", pages.measure_detail, name="measure_detail"),
    path("informatiestromen/", pages.flow_list, name="flow_list"),
    path("bronnen/", pages.source_list, name="source_list"),
    path("bewaartermijnen/", pages.retention_list, name="retention_list"),
    path("waar-kan-ik-terecht/", pages.routing, name="routing"),
    path("zoeken/", pages.search, name="search"),
    path("versies/", versions.version_list, name="version_list"),
    path("versies/verschil/", versions.version_diff, name="version_diff"),
    path("versies/<uuid:version_uuid>/", versions.version_detail, name="version_detail"),
    path(
        "versies/<uuid:version_uuid>/<slug:action>/",
        versions.version_action,
        name="version_action",
    ),
    path("handelingsperspectief/<str:scope_id>/", printable.course, name="course"),
    path("handelingsperspectief/<str:scope_id>/pdf/", printable.course_pdf, name="course_pdf"),
]
