"""The root URL configuration."""

from django.urls import include, path
from django.views.i18n import set_language

from samenspel.api.main import api
from samenspel.web import auth
from samenspel.web.batching import audit_at_end

# Every view appends its audit records when it returns (see web/batching.py).
urlpatterns = audit_at_end(
    [
        path("", include("samenspel.web.urls")),
        path("kader/", include("samenspel.frameworks.urls")),
        path("casussen/", include("samenspel.cases.urls")),
        path("signalen/", include("samenspel.intake.urls")),
        path("berichten/", include("samenspel.notifications.urls")),
        path("overleg/", include("samenspel.consultations.urls")),
        path("maatregelen/", include("samenspel.measures.urls")),
        # Always routed, so that settings can switch SSO on in tests; both answer 404 while it is
        # off. The callback, /oidc/callback/, is web:oidc_callback.
        path(
            "oidc/authenticate/",
            auth.OIDCAuthenticateView.as_view(),
            name="oidc_authentication_init",
        ),
        path("taal/", set_language, name="set_language"),
        path("api/v1/", api.urls),
    ]
)

handler400 = "samenspel.web.errors.bad_request"
handler403 = "samenspel.web.errors.permission_denied"
handler404 = "samenspel.web.errors.page_not_found"
handler500 = "samenspel.web.errors.server_error"
