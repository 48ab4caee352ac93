"""Django settings for Samenspel, read from the environment only (see docs/configuration.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from samenspel.lib.env import (
    DEMO_MARKER_NAME,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    read_or_create_secret,
)

PACKAGE_DIR = Path(__file__).resolve().parent

_default_data_dir = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
DATA_DIR = Path(env_str("SAMENSPEL_DATA_DIR") or _default_data_dir / "samenspel").resolve()

# `samenspel demo` leaves this file in its data folder, so that every later command on that
# folder runs as the demo without SAMENSPEL_ENV. An explicit SAMENSPEL_ENV always wins.
DEMO_MARKER = DATA_DIR / DEMO_MARKER_NAME

# "production" (the default), "demo" or "test". Only production refuses to invent secrets.
ENVIRONMENT = env_str("SAMENSPEL_ENV") or ("demo" if DEMO_MARKER.is_file() else "production")
if ENVIRONMENT not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(
        f"SAMENSPEL_ENV must be production, demo or test, not {ENVIRONMENT!r}. "
        "Set it to production (or leave it unset) on a server."
    )
PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = env_secret("SAMENSPEL_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SAMENSPEL_SECRET_KEY (or SAMENSPEL_SECRET_KEY_FILE) is required in production: "
            "set SAMENSPEL_SECRET_KEY_FILE to a file holding a key made with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    SECRET_KEY = read_or_create_secret(DATA_DIR / "secret_key")
SECRET_KEY_FALLBACKS = env_list("SAMENSPEL_SECRET_KEY_FALLBACKS")

DEBUG = env_bool("SAMENSPEL_DEBUG", default=False)
if DEBUG and PRODUCTION:
    raise ImproperlyConfigured(
        "SAMENSPEL_DEBUG cannot be on when SAMENSPEL_ENV is production: unset SAMENSPEL_DEBUG."
    )

ALLOWED_HOSTS = env_list(
    "SAMENSPEL_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "SAMENSPEL_ALLOWED_HOSTS is required in production: set it to the site's host names, "
        "comma-separated, e.g. SAMENSPEL_ALLOWED_HOSTS=samenspel.example.nl"
    )
CSRF_TRUSTED_ORIGINS = env_list("SAMENSPEL_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "samenspel.accounts",
    "samenspel.audit",
    "samenspel.frameworks",
    "samenspel.cases",
    "samenspel.intake",
    "samenspel.consultations",
    "samenspel.measures",
    "samenspel.notifications",
    "samenspel.sharing",
    "samenspel.web",
    "samenspel.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "samenspel.web.middleware.RequestContextMiddleware",
    # Under /api/ every error answer from below becomes a problem (application/problem+json).
    "samenspel.web.middleware.ApiProblemMiddleware",
    # Before anything reads the session: until the database is ready, and while it fails,
    # pages answer 503 (and /healthz, /readyz answer without a session).
    "samenspel.web.health.DatabaseAvailabilityMiddleware",
    # Before anything reads or parses an API body (and before the session: no database).
    "samenspel.web.middleware.LimitJsonBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Dutch first: pages follow the language button, not the browser (the API does follow it).
    "samenspel.web.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "samenspel.web.middleware.SessionLifetimeMiddleware",
    "samenspel.web.middleware.RequireVerifiedLoginMiddleware",
    "samenspel.web.middleware.RefuseNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "samenspel.web.middleware.NoStoreMiddleware",
    # Last, so that it sees the final outcome of authentication attempts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samenspel.urls"
WSGI_APPLICATION = "samenspel.wsgi.application"
ASGI_APPLICATION = "samenspel.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samenspel.web.context_processors.shell",
            ],
        },
    }
]

# Database: SQLite in the data folder unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL")
SQLITE_PATH = DATA_DIR / "samenspel.sqlite3"
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            # In production a missing database file is never created on connecting (it would
            # be empty): only `samenspel migrate` creates it. Django opens SQLite names as URIs.
            "NAME": f"file:{quote(str(SQLITE_PATH))}?mode=rw" if PRODUCTION else str(SQLITE_PATH),
        }
    }
_db = DATABASES["default"]
_db["ATOMIC_REQUESTS"] = True
# Test a kept connection before each request reuses it, so that a restarted database server
# costs no failed request.
_db["CONN_HEALTH_CHECKS"] = True
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # Every transaction takes the write lock at BEGIN, so audit appends are serialised.
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SAMENSPEL_SQLITE_BUSY_TIMEOUT", default=20, minimum=1),
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        ),
    }
    _db["TEST"] = {"NAME": None}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db.setdefault("OPTIONS", {})["connect_timeout"] = 10
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so that a locked-out login never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "samenspel.accounts.backends.PasswordBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Sessions: idle expiry slides with every request; the absolute lifetime is enforced by
# SessionLifetimeMiddleware from the login time stored in the session.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_MINUTES = env_int("SAMENSPEL_SESSION_IDLE_MINUTES", default=15, minimum=1)
SESSION_ABSOLUTE_HOURS = env_int("SAMENSPEL_SESSION_ABSOLUTE_HOURS", default=12, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_NAME = "samenspel_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "samenspel.web.errors.csrf_failure"

# Transport security: on in production, off on the demo's plain-HTTP loopback.
SECURE = env_bool("SAMENSPEL_SECURE", default=PRODUCTION)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("SAMENSPEL_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int(
    "SAMENSPEL_HSTS_SECONDS", default=31_536_000 if SECURE else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
if env_bool("SAMENSPEL_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes often come in over plain HTTP on loopback, past the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Requests: small bodies; files (signal attachments) have their own limits below.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int(
    "SAMENSPEL_MAX_REQUEST_BYTES", default=1_048_576, minimum=1024
)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
# How deeply arrays and objects may nest in an API body; checked before anything parses it.
MAX_JSON_DEPTH = env_int("SAMENSPEL_MAX_JSON_DEPTH", default=32, minimum=2)

# Signals (meldingen): how soon the triage team must pick one up, and attachment limits.
SIGNAL_ACUTE_PICKUP_MINUTES = env_int("SAMENSPEL_ACUTE_PICKUP_MINUTES", default=60, minimum=1)
SIGNAL_TRIAGE_DAYS = env_int("SAMENSPEL_TRIAGE_DAYS", default=10, minimum=1)
ATTACHMENT_MAX_BYTES = env_int("SAMENSPEL_ATTACHMENT_MAX_BYTES", default=10_485_760, minimum=1024)
ATTACHMENT_MAX_COUNT = env_int("SAMENSPEL_ATTACHMENT_MAX_COUNT", default=5, minimum=1)

# Lockout after repeated failed logins (django-axes): per user name and address together,
# so a third party cannot lock somebody out from elsewhere.
AXES_FAILURE_LIMIT = env_int("SAMENSPEL_LOGIN_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = env_int("SAMENSPEL_LOGIN_COOLOFF_MINUTES", default=15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "samenspel.web.errors.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

OTP_TOTP_ISSUER = env_str("SAMENSPEL_TOTP_ISSUER", "Samenspel")
OTP_TOTP_THROTTLE_FACTOR = 1

# Single sign-on with OpenID Connect (docs/sso.md), on when a client id is configured. The
# identity provider then supplies the second factor, so its endpoints and issuer are required.
OIDC_BACKEND = "samenspel.accounts.backends.OIDCBackend"


def oidc_settings() -> dict[str, Any]:
    """Return the OIDC_* settings read from the SAMENSPEL_OIDC_* variables."""
    client_id = env_str("SAMENSPEL_OIDC_CLIENT_ID")
    if not client_id:
        return {"OIDC_ENABLED": False}
    required_acr = env_list("SAMENSPEL_OIDC_REQUIRED_ACR")
    values: dict[str, Any] = {
        "OIDC_ENABLED": True,
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": env_secret("SAMENSPEL_OIDC_CLIENT_SECRET"),
        "OIDC_OP_ISSUER": env_str("SAMENSPEL_OIDC_ISSUER"),
        "OIDC_OP_AUTHORIZATION_ENDPOINT": env_str("SAMENSPEL_OIDC_AUTHORIZATION_ENDPOINT"),
        "OIDC_OP_TOKEN_ENDPOINT": env_str("SAMENSPEL_OIDC_TOKEN_ENDPOINT"),
        "OIDC_OP_JWKS_ENDPOINT": env_str("SAMENSPEL_OIDC_JWKS_ENDPOINT"),
        # The signed ID token carries all Samenspel needs (sub, acr): userinfo is never fetched.
        "OIDC_OP_USER_ENDPOINT": "",
        "OIDC_RP_SCOPES": env_str("SAMENSPEL_OIDC_SCOPES", "openid"),
        # The library defaults to HS256 (signed with the client secret) and to no timeout.
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_TIMEOUT": env_int("SAMENSPEL_OIDC_TIMEOUT_SECONDS", default=10, minimum=1),
        "OIDC_VERIFY_SSL": True,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_CREATE_USER": False,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "web:oidc_callback",
        "OIDC_REQUIRED_ACR": required_acr,
        "OIDC_AUTH_REQUEST_EXTRA_PARAMS": (
            {"acr_values": " ".join(required_acr)} if required_acr else {}
        ),
        # A failed SSO callback carries no user name, so django-axes would count every failure
        # from one address (a whole organisation behind NAT) together; the identity provider
        # throttles the guessing of credentials instead.
        "AXES_WHITELIST_CALLABLE": "samenspel.accounts.backends.is_single_sign_on_attempt",
    }
    missing = [
        variable
        for variable, setting in (
            ("SAMENSPEL_OIDC_CLIENT_SECRET", "OIDC_RP_CLIENT_SECRET"),
            ("SAMENSPEL_OIDC_ISSUER", "OIDC_OP_ISSUER"),
            ("SAMENSPEL_OIDC_AUTHORIZATION_ENDPOINT", "OIDC_OP_AUTHORIZATION_ENDPOINT"),
            ("SAMENSPEL_OIDC_TOKEN_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT"),
            ("SAMENSPEL_OIDC_JWKS_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"),
        )
        if not values[setting]
    ]
    if missing:
        raise ImproperlyConfigured(
            "SAMENSPEL_OIDC_CLIENT_ID is set, so these are required too: " + ", ".join(missing)
        )
    if "openid" not in values["OIDC_RP_SCOPES"].split():
        raise ImproperlyConfigured("SAMENSPEL_OIDC_SCOPES must contain openid.")
    return values


_oidc = oidc_settings()
OIDC_ENABLED: bool = _oidc.pop("OIDC_ENABLED")
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append(OIDC_BACKEND)
    globals().update(_oidc)

# Language and formats: Dutch first, English second.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "samenspel_language"
LANGUAGE_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("SAMENSPEL_STATIC_ROOT") or DATA_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
MEDIA_ROOT = DATA_DIR / "uploads"

_mail_backend = env_str(
    "SAMENSPEL_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
_mail_options: dict[str, object] = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("SAMENSPEL_EMAIL_HOST", "localhost"),
        "port": env_int("SAMENSPEL_EMAIL_PORT", default=25, minimum=1),
        "username": env_str("SAMENSPEL_EMAIL_USER"),
        "password": env_secret("SAMENSPEL_EMAIL_PASSWORD"),
        "use_tls": env_bool("SAMENSPEL_EMAIL_USE_TLS", default=False),
        "timeout": 10,
    }
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env_str("SAMENSPEL_EMAIL_FROM", "samenspel@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Audit checkpoints are signed with an Ed25519 key kept outside the database.
AUDIT_ORIGIN = env_str("SAMENSPEL_AUDIT_ORIGIN", "samenspel")
AUDIT_SIGNING_KEY = env_secret("SAMENSPEL_AUDIT_SIGNING_KEY")
AUDIT_SIGNING_KEY_PATH = DATA_DIR / "audit_signing_key"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "database_unavailable": {"()": "samenspel.lib.unavailable.OneLineForUnavailableDatabase"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["database_unavailable"]}},
    "root": {"handlers": ["console"], "level": env_str("SAMENSPEL_LOG_LEVEL", "WARNING")},
}

TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Notifications: mails carry only a link, built from the site's public address. Without it,
# the first allowed host over HTTPS (production) or the demo's loopback address.
_first_host = next((h for h in ALLOWED_HOSTS if h and not h.startswith((".", "*"))), "")
BASE_URL = (
    env_str("SAMENSPEL_BASE_URL")
    or (f"https://{_first_host}" if PRODUCTION and _first_host else "http://127.0.0.1:8000")
).rstrip("/")
# The worker (`samenspel worker`) drains the mail outbox: retries back off exponentially from
# MAIL_RETRY_SECONDS; a claimed mail whose worker died is retried after MAIL_LEASE_SECONDS.
MAIL_MAX_ATTEMPTS = env_int("SAMENSPEL_MAIL_MAX_ATTEMPTS", default=8, minimum=1)
MAIL_RETRY_SECONDS = env_int("SAMENSPEL_MAIL_RETRY_SECONDS", default=60, minimum=1)
MAIL_LEASE_SECONDS = env_int("SAMENSPEL_MAIL_LEASE_SECONDS", default=300, minimum=30)
WORKER_INTERVAL_SECONDS = env_int("SAMENSPEL_WORKER_INTERVAL_SECONDS", default=5, minimum=1)
REVIEW_NOTICE_DAYS = env_int("SAMENSPEL_REVIEW_NOTICE_DAYS", default=7, minimum=0)
