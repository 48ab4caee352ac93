"""Single sign-on with OpenID Connect, end to end against a small provider on loopback."""

from __future__ import annotations

import hashlib
import time
import urllib.error
import urllib.request
from base64 import urlsafe_b64encode
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from samenspel.accounts import services
from samenspel.accounts.models import Role, User
from samenspel.audit.events import Event, Outcome
from samenspel.audit.models import AuditEvent
from samenspel.settings import OIDC_BACKEND, oidc_settings
from samenspel.testing import Cast, make_user
from tests.oidc_provider import Behaviour, Provider, running_provider

SUBJECT = "sso-subject-1"
CALLBACK = "http://testserver/oidc/callback/"
FAILED = "Inloggen via uw organisatie (SSO) is niet gelukt"


@pytest.fixture
def provider() -> Iterator[Provider]:
    with running_provider() as op:
        yield op


def enable_sso(
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    provider: Provider,
    **environment: str,
) -> None:
    """Switch SSO on exactly as settings.py would for these environment variables."""
    for name, value in {**provider.environment(), **environment}.items():
        monkeypatch.setenv(name, value)
    for name, value in oidc_settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]


@pytest.fixture
def sso(settings: Any, monkeypatch: pytest.MonkeyPatch, provider: Provider) -> Provider:
    enable_sso(settings, monkeypatch, provider)
    return provider


@pytest.fixture
def sso_user(cast: Cast) -> User:
    """A case director who only ever logs in through SSO: no TOTP device."""
    user = make_user(cast.municipality_a, Role.CASE_DIRECTOR, username="sso.user", with_totp=False)
    return link(user, SUBJECT, by=cast.admin_a)


def link(user: User, subject: str, *, by: User) -> User:
    """Set the user's SSO subject the way an administrator does."""
    return services.change_user(
        user,
        full_name=user.full_name,
        email=user.email,
        roles=sorted(user.role_set),
        oidc_subject=subject,
        by=by,
    )


# The browser's part of the flow -----------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def start(client: Client, provider: Provider, query: str = "") -> dict[str, str]:
    """Press "Inloggen met SSO": return the authorization request's parameters."""
    response = client.get("/oidc/authenticate/" + query)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        provider.authorization_endpoint
    )
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def visit_provider(provider: Provider, params: dict[str, str]) -> dict[str, str]:
    """Let the provider authenticate the user: return the parameters it sends back."""
    url = f"{provider.authorization_endpoint}?{urlencode(params)}"
    try:
        _opener.open(url, timeout=5)
    except urllib.error.HTTPError as exc:
        assert exc.code == 302, exc.read()
        location = urlsplit(exc.headers["Location"])
    else:
        raise AssertionError("the provider did not redirect")
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def sso_login(client: Client, provider: Provider) -> Any:
    """Run the whole flow; return the callback's response."""
    back = visit_provider(provider, start(client, provider))
    return client.get("/oidc/callback/", back)


def failures(reason: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            event=Event.SSO_LOGIN_FAILED, outcome=Outcome.FAILURE, details__reason=reason
        )
    )


def assert_refused(client: Client, response: Any, reason: str) -> AuditEvent:
    """The login failed: not logged in, a Dutch message, and one audit row with the reason."""
    assert response.status_code == 302
    assert response["Location"] == "/inloggen/?sso=mislukt"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert FAILED in page.content.decode()
    assert not page.wsgi_request.user.is_authenticated
    assert client.get("/").status_code == 302
    assert not AuditEvent.objects.filter(event=Event.SSO_LOGIN_SUCCEEDED).exists()
    rows = failures(reason)
    assert len(rows) == 1, list(
        AuditEvent.objects.filter(event=Event.SSO_LOGIN_FAILED).values_list("details", flat=True)
    )
    return rows[0]


# The happy path ---------------------------------------------------------------------------


def test_sso_login_gives_a_verified_session_without_totp(
    sso: Provider, sso_user: User, client: Client
) -> None:
    params = start(client, sso)
    assert params["response_type"] == "code"
    assert params["client_id"] == sso.client_id
    assert params["redirect_uri"] == CALLBACK
    assert params["scope"].split() == ["openid"]
    assert len(params["state"]) >= 32
    assert len(params["nonce"]) >= 32
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43  # base64url of a SHA-256 digest

    back = visit_provider(sso, params)
    assert back["state"] == params["state"]
    cookie_before = client.cookies["samenspel_session"].value
    response = client.get("/oidc/callback/", back)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.cookies["samenspel_session"].value != cookie_before  # new session id
    verifier = sso.token_requests[0]["code_verifier"]
    digest = urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert digest.decode() == params["code_challenge"]
    start_page = client.get("/")
    assert start_page.status_code == 200
    assert start_page.wsgi_request.user == sso_user
    assert start_page.wsgi_request.user.is_verified()  # type: ignore[attr-defined]
    assert sso.userinfo_requests == 0  # the signed ID token is enough
    row = AuditEvent.objects.get(event=Event.SSO_LOGIN_SUCCEEDED)
    assert row.actor == sso_user
    assert row.object_id == str(sso_user.uuid)
    assert row.outcome == Outcome.SUCCESS


def test_required_acr_is_asked_for_and_recorded(
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    provider: Provider,
    sso_user: User,
    client: Client,
) -> None:
    substantial, high = "http://eidas.europa.eu/LoA/substantial", "http://eidas.europa.eu/LoA/high"
    enable_sso(
        settings, monkeypatch, provider, SAMENSPEL_OIDC_REQUIRED_ACR=f"{substantial}, {high}"
    )
    provider.behaviour = Behaviour(acr=high)
    params = start(client, provider)
    assert params["acr_values"] == f"{substantial} {high}"
    response = client.get("/oidc/callback/", visit_provider(provider, params))
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    row = AuditEvent.objects.get(event=Event.SSO_LOGIN_SUCCEEDED)
    assert row.details["acr"] == high


@pytest.mark.parametrize(
    "query,target",
    [("?next=/account/", "/account/"), ("?next=https://evil.example/", "/")],
)
def test_sso_login_returns_only_to_a_local_page(
    sso: Provider, sso_user: User, client: Client, query: str, target: str
) -> None:
    back = visit_provider(sso, start(client, sso, query))
    assert client.get("/oidc/callback/", back)["Location"] == target


def test_failed_sso_logins_do_not_lock_out_the_address(
    sso: Provider, sso_user: User, client: Client, settings: Any
) -> None:
    sso.behaviour = Behaviour(subject="nobody")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert sso_login(client, sso)["Location"] == "/inloggen/?sso=mislukt"
    sso.behaviour = Behaviour()
    assert sso_login(client, sso)["Location"] == "/"


def test_password_login_does_not_reach_the_provider(
    sso: Provider, cast: Cast, client: Client
) -> None:
    response = client.post(
        "/inloggen/?code=stolen&state=guessed",
        {"username": "casemanager", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/inloggen/code/"
    assert sso.token_requests == []


@pytest.mark.django_db
def test_login_page_offers_sso_only_when_enabled(
    settings: Any, monkeypatch: pytest.MonkeyPatch, provider: Provider, client: Client
) -> None:
    assert "Inloggen met SSO" not in client.get("/inloggen/").content.decode()
    enable_sso(settings, monkeypatch, provider)
    assert 'href="/oidc/authenticate/"' in client.get("/inloggen/").content.decode()


# Switched off -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/oidc/authenticate/", "/oidc/callback/?code=a&state=b"])
def test_sso_routes_answer_404_when_sso_is_off(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_sso_settings_refuse_an_incomplete_configuration(
    monkeypatch: pytest.MonkeyPatch, provider: Provider
) -> None:
    for name, value in provider.environment().items():
        monkeypatch.setenv(name, value)
    assert oidc_settings()["OIDC_RP_SIGN_ALGO"] == "RS256"
    assert oidc_settings()["OIDC_TIMEOUT"] == 10
    monkeypatch.setenv("SAMENSPEL_OIDC_SCOPES", "email")
    with pytest.raises(ImproperlyConfigured, match="openid"):
        oidc_settings()
    monkeypatch.delenv("SAMENSPEL_OIDC_SCOPES")
    monkeypatch.delenv("SAMENSPEL_OIDC_ISSUER")
    with pytest.raises(ImproperlyConfigured, match="SAMENSPEL_OIDC_ISSUER"):
        oidc_settings()


# Refusals: each ends without a session, with a message and an audit row ------------------

REFUSED_TOKENS = {
    "tampered_signature": (Behaviour(tamper_subject="someone-else"), "invalid_token"),
    "signed_by_unknown_key": (Behaviour(foreign_key=True), "invalid_token"),
    "wrong_audience": (Behaviour(audience="another-client"), "wrong_audience"),
    "extra_audience_without_azp": (
        Behaviour(audience=["samenspel-test", "another-client"]),
        "wrong_audience",
    ),
    "wrong_azp": (Behaviour(azp="another-client"), "wrong_audience"),
    "wrong_issuer": (Behaviour(issuer="http://127.0.0.1:1/evil"), "wrong_issuer"),
    "expired": (Behaviour(lifetime_seconds=-30), "token_expired"),
    "no_exp": (Behaviour(omit_claims=("exp",)), "invalid_token"),
    "no_iat": (Behaviour(omit_claims=("iat",)), "invalid_token"),
    "issued_in_the_future": (Behaviour(issued_offset_seconds=3600), "token_time_invalid"),
    "issued_long_ago": (
        Behaviour(issued_offset_seconds=-3600, lifetime_seconds=3600 * 2),
        "token_time_invalid",
    ),
    "wrong_nonce": (Behaviour(nonce="replayed-nonce-from-another-login"), "wrong_nonce"),
    "no_nonce": (Behaviour(omit_claims=("nonce",)), "wrong_nonce"),
    "alg_none": (Behaviour(alg="none"), "invalid_token"),
    "alg_none_jwks_without_alg": (Behaviour(alg="none", kid_in_jwks_alg=False), "invalid_token"),
    "hs256_with_client_secret": (Behaviour(alg="HS256"), "invalid_token"),
    "hs256_jwks_without_alg": (Behaviour(alg="HS256", kid_in_jwks_alg=False), "invalid_token"),
    "empty_subject": (Behaviour(subject=""), "invalid_token"),
    "unknown_subject": (Behaviour(subject="not-linked-to-anyone"), "unknown_subject"),
    "cancelled_at_provider": (Behaviour(authorize_error="access_denied"), "provider_error"),
}


@pytest.mark.parametrize("behaviour,reason", REFUSED_TOKENS.values(), ids=REFUSED_TOKENS.keys())
def test_bad_answer_from_provider_is_refused(
    sso: Provider, sso_user: User, cast: Cast, client: Client, behaviour: Behaviour, reason: str
) -> None:
    link(cast.admin_a, "someone-else", by=cast.national_admin)
    sso.behaviour = behaviour
    users = User.objects.count()
    assert_refused(client, sso_login(client, sso), reason)
    assert User.objects.count() == users  # SSO never creates accounts


def test_disabled_user_is_refused(
    sso: Provider, sso_user: User, cast: Cast, client: Client
) -> None:
    services.disable_user(sso_user, by=cast.admin_a)
    row = assert_refused(client, sso_login(client, sso), "account_disabled")
    assert row.object_id == str(sso_user.uuid)


def test_user_of_disabled_organisation_is_refused(
    sso: Provider, cast: Cast, client: Client
) -> None:
    link(cast.outsider, SUBJECT, by=cast.admin_b)
    org = cast.municipality_b
    services.change_organisation(
        org,
        name=org.name,
        region=org.region,
        is_priority=org.is_priority,
        is_active=False,
        by=cast.national_admin,
    )
    assert_refused(client, sso_login(client, sso), "account_disabled")


@pytest.mark.parametrize("acr", [None, "http://eidas.europa.eu/LoA/low"])
def test_too_low_acr_is_refused(
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    provider: Provider,
    sso_user: User,
    client: Client,
    acr: str | None,
) -> None:
    enable_sso(
        settings,
        monkeypatch,
        provider,
        SAMENSPEL_OIDC_REQUIRED_ACR="http://eidas.europa.eu/LoA/substantial",
    )
    provider.behaviour = Behaviour(acr=acr)
    row = assert_refused(client, sso_login(client, provider), "acr_too_low")
    assert row.details.get("acr", "") == (acr or "")


def test_replayed_callback_is_refused(sso: Provider, sso_user: User, client: Client) -> None:
    back = visit_provider(sso, start(client, sso))
    assert client.get("/oidc/callback/", back)["Location"] == "/"
    response = client.get("/oidc/callback/", back)
    assert response["Location"] == "/inloggen/?sso=mislukt"
    assert len(failures("unknown_state")) == 1
    assert len(sso.token_requests) == 1  # the state, and with it the nonce, was used up


def test_callback_from_another_browser_is_refused(
    sso: Provider, sso_user: User, client: Client
) -> None:
    """Login CSRF: a victim's browser gets a callback that the attacker's login started."""
    back = visit_provider(sso, start(Client(REMOTE_ADDR="127.0.0.1"), sso))
    response = client.get("/oidc/callback/", back)
    assert_refused(client, response, "unknown_state")
    assert sso.token_requests == []


def test_injected_code_fails_pkce(sso: Provider, sso_user: User, client: Client) -> None:
    """A code stolen from the victim, pasted into the attacker's own login, fails at PKCE."""
    victim = Client(REMOTE_ADDR="127.0.0.1")
    stolen = visit_provider(sso, start(victim, sso))["code"]
    own = visit_provider(sso, start(client, sso))
    response = client.get("/oidc/callback/", {"code": stolen, "state": own["state"]})
    assert_refused(client, response, "provider_refused")
    assert sso.token_requests[0]["code"] == stolen


def test_wrong_client_secret_is_refused(sso: Provider, sso_user: User, client: Client) -> None:
    sso.client_secret = "rotated-at-the-provider"
    assert_refused(client, sso_login(client, sso), "provider_refused")


def test_slow_provider_times_out(
    sso: Provider, sso_user: User, client: Client, settings: Any
) -> None:
    settings.OIDC_TIMEOUT = 0.2
    sso.behaviour = Behaviour(token_delay_seconds=2)
    began = time.monotonic()
    response = sso_login(client, sso)
    assert time.monotonic() - began < 1.5
    assert_refused(client, response, "provider_unreachable")


def test_unreachable_provider_is_refused(
    settings: Any, monkeypatch: pytest.MonkeyPatch, sso_user: User, client: Client
) -> None:
    with running_provider() as gone:
        enable_sso(settings, monkeypatch, gone)
        back = visit_provider(gone, start(client, gone))
    response = client.get("/oidc/callback/", back)
    assert_refused(client, response, "provider_unreachable")
