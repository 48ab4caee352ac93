from django.urls import path

from samenspel.accounts import views as accounts
from samenspel.audit import views as audit_log
from samenspel.web import auth, health, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("inloggen/", auth.login_view, name="login"),
    path("inloggen/code/", auth.mfa_view, name="mfa"),
    path("inloggen/herstelcode/", auth.recovery_view, name="mfa_recovery"),
    path("inloggen/tweede-factor-instellen/", auth.mfa_enrol_view, name="mfa_enrol"),
    path("uitloggen/", auth.logout_view, name="logout"),
    path("oidc/callback/", auth.OIDCCallbackView.as_view(), name="oidc_callback"),
    path("account/", accounts.account, name="account"),
    path("account/herstelcodes/", accounts.new_recovery_codes, name="new_recovery_codes"),
    path("account/api-sleutels/", accounts.api_tokens, name="api_tokens"),
    path(
        "account/api-sleutels/<uuid:token_uuid>/intrekken/",
        accounts.api_token_revoke,
        name="api_token_revoke",
    ),
    path("beheer/organisaties/", accounts.organisation_list, name="organisation_list"),
    path("beheer/organisaties/nieuw/", accounts.organisation_create, name="organisation_create"),
    path(
        "beheer/organisaties/<uuid:org_uuid>/",
        accounts.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "beheer/organisaties/<uuid:org_uuid>/wijzigen/",
        accounts.organisation_edit,
        name="organisation_edit",
    ),
    path("beheer/gebruikers/", accounts.user_list, name="user_list"),
    path("beheer/gebruikers/nieuw/", accounts.user_create, name="user_create"),
    path("beheer/gebruikers/<uuid:user_uuid>/", accounts.user_detail, name="user_detail"),
    path("beheer/gebruikers/<uuid:user_uuid>/wijzigen/", accounts.user_edit, name="user_edit"),
    path(
        "beheer/gebruikers/<uuid:user_uuid>/<slug:action>/",
        accounts.user_action,
        name="user_action",
    ),
    path("logboek/", audit_log.audit_log, name="audit_log"),
    path("logboek/export.csv", audit_log.audit_export, name="audit_export"),
    path("logboek/<int:seq>/", audit_log.audit_record_detail, name="audit_record"),
]
