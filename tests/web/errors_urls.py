"""URLs for the error-page tests: the real ones plus a view that fails."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from samenspel.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [*urlpatterns, path("kapot/", explode)]
