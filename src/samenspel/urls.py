"""The root URL configuration."""

from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language

from samenspel.api.main import api

urlpatterns = [
    path("", include("samenspel.web.urls")),
    path("taal/", set_language, name="set_language"),
    path("api/v1/", api.urls),
]
if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "samenspel.web.errors.bad_request"
handler403 = "samenspel.web.errors.permission_denied"
handler404 = "samenspel.web.errors.page_not_found"
handler500 = "samenspel.web.errors.server_error"
