"""Login with password and a mandatory second factor, SSO, logout."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from samenspel import audit
from samenspel.accounts import services
from samenspel.accounts.backends import SSO_OUTCOME, SingleSignOnOutcome, as_identifier
from samenspel.accounts.models import RecoveryCodeDevice, User
from samenspel.accounts.selectors import is_verified
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.web.forms import LoginForm, RecoveryCodeForm, TokenForm
from samenspel.web.middleware import LOGIN_AT

NEXT = "samenspel_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:home")


def _name_hash(username: str) -> str:
    """Return a keyed hash of an attempted user name: correlatable, never readable."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, username.strip().lower().encode(), hashlib.sha256).hexdigest()[:24]


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and is_verified(request.user):
        return redirect("web:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if isinstance(user, User):
            login(request, user)
            request.session[LOGIN_AT] = time.time()
            request.session[NEXT] = _safe_next(request, request.GET.get("next"))
            audit.record(Event.LOGIN_SUCCEEDED, by=user, obj=user, purpose=Purpose.AUTHENTICATION)
            if services.confirmed_totp_device(user) is None:
                return redirect("web:mfa_enrol")
            return redirect("web:mfa")
        known = User.objects.filter(username__iexact=username.strip()).first()
        audit.record(
            Event.LOGIN_FAILED,
            by=None,
            obj=known,
            purpose=Purpose.AUTHENTICATION,
            outcome=Outcome.FAILURE,
            name_hash=_name_hash(username),
        )
        form.add_error(None, _("De gebruikersnaam of het wachtwoord klopt niet."))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/login.html",
        {"form": form, "oidc_enabled": settings.OIDC_ENABLED, "sso_failed": "sso" in request.GET},
        status=status,
    )


def _finish_second_factor(request: HttpRequest, device: Any, event: Event) -> HttpResponse:
    user = request.user
    otp_login(request, device)
    request.session.cycle_key()
    audit.record(event, by=user, obj=user, purpose=Purpose.AUTHENTICATION)  # type: ignore[arg-type]
    return HttpResponseRedirect(request.session.pop(NEXT, reverse("web:home")))


def mfa_view(request: HttpRequest) -> HttpResponse:
    """Ask for the TOTP code after the password."""
    user = request.user
    if not isinstance(user, User):
        return redirect("web:login")
    if is_verified(user):
        return redirect("web:home")
    device = services.confirmed_totp_device(user)
    if device is None:
        return redirect("web:mfa_enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, info = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            return _finish_second_factor(request, device, Event.MFA_VERIFIED)
        audit.record(
            Event.MFA_FAILED,
            by=user,
            obj=user,
            purpose=Purpose.AUTHENTICATION,
            outcome=Outcome.FAILURE,
            throttled=not allowed,
        )
        if not allowed and info and info.get("locked_until"):
            wait = max(1, int((info["locked_until"] - timezone.now()).total_seconds()))
            form.add_error(
                "token",
                _("Te veel onjuiste codes. Wacht %(seconds)d seconden en probeer het opnieuw.")
                % {"seconds": wait},
            )
        else:
            form.add_error(
                "token",
                _(
                    "Deze code klopt niet of is al gebruikt. "
                    "Wacht op de volgende code en probeer het opnieuw."
                ),
            )
    return render(request, "web/mfa.html", {"form": form}, status=400 if form.errors else 200)


def recovery_view(request: HttpRequest) -> HttpResponse:
    """Let a user in with a single-use recovery code instead of the TOTP code."""
    user = request.user
    if not isinstance(user, User):
        return redirect("web:login")
    if is_verified(user):
        return redirect("web:home")
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None and device.verify_token(form.cleaned_data["code"]):
            remaining = device.unused_count()
            messages.warning(
                request,
                _(
                    "U hebt een herstelcode gebruikt. U hebt er nog %(count)d. Maak nieuwe "
                    "codes via Mijn account als u er weinig over hebt."
                )
                % {"count": remaining},
            )
            return _finish_second_factor(request, device, Event.RECOVERY_CODE_USED)
        audit.record(
            Event.MFA_FAILED,
            by=user,
            obj=user,
            purpose=Purpose.AUTHENTICATION,
            outcome=Outcome.FAILURE,
            step="recovery_code",
        )
        form.add_error("code", _("Deze herstelcode klopt niet of is al gebruikt."))
    return render(request, "web/recovery.html", {"form": form}, status=400 if form.errors else 200)


def mfa_enrol_view(request: HttpRequest) -> HttpResponse:
    """Set up the TOTP second factor at the first login, with a QR code."""
    user = request.user
    if not isinstance(user, User):
        return redirect("web:login")
    if services.confirmed_totp_device(user) is not None:
        return redirect("web:home" if is_verified(user) else "web:mfa")
    device = services.start_totp_enrolment(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        codes = services.confirm_totp_enrolment(user, device, form.cleaned_data["token"])
        if codes is not None:
            otp_login(request, device)
            request.session.cycle_key()
            return render(request, "web/recovery_codes.html", {"codes": codes, "first_time": True})
        if not allowed:
            form.add_error(
                "token",
                _(
                    "U probeerde het net te snel opnieuw. "
                    "Wacht een paar seconden en vul de code in."
                ),
            )
        else:
            form.add_error(
                "token",
                _(
                    "Deze code klopt niet. Controleer of de tijd op uw telefoon klopt "
                    "en probeer de volgende code."
                ),
            )
    uri = device.config_url
    qr_svg = segno.make(uri, error="m").svg_inline(
        scale=5, title=_("QR-code voor uw authenticator-app")
    )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "web/mfa_enrol.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out and end every session of this account."""
    user = request.user
    if isinstance(user, User):
        with transaction.atomic():
            services.end_all_sessions(user)
            audit.record(Event.LOGOUT, by=user, obj=user, purpose=Purpose.AUTHENTICATION)
    logout(request)
    messages.info(request, _("U bent uitgelogd. Al uw sessies zijn beëindigd."))
    return redirect("web:login")


class OIDCAuthenticateView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Send the browser to the identity provider with state, nonce and a PKCE challenge."""

    def __init__(self, **kwargs: Any) -> None:
        # The library reads the OIDC settings here, and they do not exist while SSO is off.
        View.__init__(self, **kwargs)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        return response


class OIDCCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """Finish an SSO login: the identity provider supplied the second factor."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        return response

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation:
            # The state is not one this browser session was sent away with: a replayed or
            # forged callback. The library raises here; it should read as a failed login.
            return self.login_failure()
        return response

    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        user = self.user
        outcome: SingleSignOnOutcome | None = getattr(self.request, SSO_OUTCOME, None)
        otp_login(self.request, services.sso_device(user))
        self.request.session.cycle_key()
        self.request.session[LOGIN_AT] = time.time()
        acr = outcome.acr if outcome is not None else ""
        details: dict[str, Any] = {"acr": acr} if acr else {}
        audit.record(
            Event.SSO_LOGIN_SUCCEEDED, by=user, obj=user, purpose=Purpose.AUTHENTICATION, **details
        )
        return response

    def login_failure(self) -> HttpResponse:
        request = self.request
        outcome: SingleSignOnOutcome | None = getattr(request, SSO_OUTCOME, None)
        if outcome is None:
            outcome = SingleSignOnOutcome(reason=self._failure_reason())
        details: dict[str, Any] = {"reason": outcome.reason}
        if outcome.acr:
            details["acr"] = outcome.acr
        if outcome.reason == "provider_error":
            details["error"] = as_identifier(request.GET.get("error"))
        audit.record(
            Event.SSO_LOGIN_FAILED,
            by=None,
            obj=outcome.user,
            purpose=Purpose.AUTHENTICATION,
            outcome=Outcome.FAILURE,
            **details,
        )
        return HttpResponseRedirect(reverse("web:login") + "?sso=mislukt")

    def _failure_reason(self) -> str:
        """Name a failure that happened before the backend ran."""
        query = self.request.GET
        if query.get("error"):
            return "provider_error"  # e.g. the user cancelled at the identity provider
        if "code" in query and "state" in query:
            return "unknown_state"
        return "missing_code"
