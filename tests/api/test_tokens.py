from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from samenspel.accounts import services
from samenspel.accounts.models import ApiToken, User
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.testing import Cast, force_verified_login, make_case


def _bearer(user: User) -> tuple[ApiToken, dict[str, str]]:
    token, secret = services.create_api_token(user, name="test", by=user)
    return token, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_answers_like_the_session_of_its_user(cast: Cast, client: Client) -> None:
    case = make_case(cast)
    _, auth = _bearer(cast.case_manager)
    with_token = Client(REMOTE_ADDR="127.0.0.1").get(f"/api/v1/cases/{case.uuid}", **auth)
    force_verified_login(client, cast.case_manager)
    with_session = client.get(f"/api/v1/cases/{case.uuid}")
    assert with_token.status_code == with_session.status_code == 200
    assert with_token.json() == with_session.json()
    reads = AuditEvent.objects.filter(event=Event.CASE_VIEWED, object_id=str(case.uuid))
    assert reads.count() == 2
    assert {r.actor for r in reads} == {cast.case_manager}


def test_a_token_has_only_its_users_rights(cast: Cast) -> None:
    case = make_case(cast)
    _, auth = _bearer(cast.outsider)
    api = Client(REMOTE_ADDR="127.0.0.1")
    assert api.get(f"/api/v1/cases/{case.uuid}", **auth).status_code == 404
    assert api.get("/api/v1/cases", **auth).json()["count"] == 0
    assert AuditEvent.objects.filter(
        event=Event.ACCESS_DENIED, actor=cast.outsider, object_id=str(case.uuid)
    ).exists()


def test_revoked_expired_and_disabled_tokens_get_401(cast: Cast) -> None:
    api = Client(REMOTE_ADDR="127.0.0.1")
    revoked, revoked_auth = _bearer(cast.adviser)
    services.revoke_api_token(revoked, by=cast.adviser)
    expired, expired_auth = _bearer(cast.adviser)
    now = timezone.now()
    ApiToken.objects.filter(pk=expired.pk).update(
        created_at=now - dt.timedelta(days=3), expires_at=now - dt.timedelta(days=1)
    )
    _, disabled_auth = _bearer(cast.mayor)
    assert api.get("/api/v1/cases", **disabled_auth).status_code == 200
    services.disable_user(cast.mayor, by=cast.admin_a)
    for auth in (revoked_auth, expired_auth, disabled_auth, {"HTTP_AUTHORIZATION": "Bearer ssp_x"}):
        response = api.get("/api/v1/cases", **auth)
        assert response.status_code == 401, auth
        assert response.json()["code"] == "unauthenticated"
        assert response["WWW-Authenticate"] == 'Bearer realm="samenspel", error="invalid_token"'
        assert "werkt niet" in response.json()["detail"]


def test_token_calls_need_no_csrf_but_session_calls_do(cast: Cast) -> None:
    case = make_case(cast)
    _, auth = _bearer(cast.case_manager)
    api = Client(REMOTE_ADDR="127.0.0.1", enforce_csrf_checks=True)
    body = {"to": "PH-2", "reason": "Nieuwe informatie."}
    response = api.post(
        f"/api/v1/cases/{case.uuid}/phase",
        body,
        content_type="application/json",
        HTTP_IF_MATCH=f'"{case.version}"',
        **auth,
    )
    assert response.status_code == 200, response.content
    assert AuditEvent.objects.filter(
        event=Event.CASE_PHASE_CHANGED, actor=cast.case_manager, object_id=str(case.uuid)
    ).exists()
    session = Client(REMOTE_ADDR="127.0.0.1", enforce_csrf_checks=True)
    force_verified_login(session, cast.case_manager)
    response = session.post(
        f"/api/v1/cases/{case.uuid}/phase",
        {"to": "PH-3", "reason": "x"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{response.json()["version"]}"',
    )
    assert response.status_code == 403


def test_a_token_marks_when_it_was_last_used(cast: Cast) -> None:
    token, auth = _bearer(cast.adviser)
    assert token.last_used_at is None
    Client(REMOTE_ADDR="127.0.0.1").get("/api/v1/cases", **auth)
    token.refresh_from_db()
    assert token.last_used_at is not None


# --- A key is independent of sessions and CSRF (issue 14, findings 1 and 3) ---------------


def test_a_key_with_a_stale_session_cookie_beside_it_answers_the_data(cast: Cast) -> None:
    case = make_case(cast)
    _, auth = _bearer(cast.case_manager)
    api = Client(REMOTE_ADDR="127.0.0.1")
    # A proxy passed a browser's old session cookie on.
    api.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    expired_before = AuditEvent.objects.filter(event=Event.SESSION_EXPIRED).count()
    response = api.get(f"/api/v1/cases/{case.uuid}", **auth)
    assert response.status_code == 200
    assert response.json()["uuid"] == str(case.uuid)
    write = api.post(
        f"/api/v1/cases/{case.uuid}/phase",
        {"to": "PH-2", "reason": "Verhuisd."},
        content_type="application/json",
        HTTP_IF_MATCH='"999"',
        **auth,
    )
    assert write.status_code == 412  # reached the API: no redirect, no CSRF refusal
    assert AuditEvent.objects.filter(event=Event.SESSION_EXPIRED).count() == expired_before


def test_a_key_beside_a_live_session_of_another_user_acts_as_the_key(
    cast: Cast, client: Client
) -> None:
    case = make_case(cast)
    force_verified_login(client, cast.case_manager)
    _, outsider = _bearer(cast.outsider)
    assert client.get(f"/api/v1/cases/{case.uuid}").status_code == 200
    assert client.get(f"/api/v1/cases/{case.uuid}", **outsider).status_code == 404


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("key", ["none", "revoked", "malformed"])
def test_every_method_without_a_valid_key_answers_401_problem(
    cast: Cast, method: str, key: str
) -> None:
    case = make_case(cast)
    headers: dict[str, str] = {}
    if key == "revoked":
        token, headers = _bearer(cast.case_manager)
        services.revoke_api_token(token, by=cast.case_manager)
    elif key == "malformed":
        headers = {"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"}
    api = Client(REMOTE_ADDR="127.0.0.1", enforce_csrf_checks=True)
    paths = {
        "get": f"/api/v1/cases/{case.uuid}",
        "post": f"/api/v1/cases/{case.uuid}/phase",
        "put": f"/api/v1/cases/{case.uuid}/plan/justification",
        "patch": f"/api/v1/cases/{case.uuid}/plan/00000000-0000-0000-0000-000000000000",
        "delete": f"/api/v1/cases/{case.uuid}/team/00000000-0000-0000-0000-000000000000",
    }
    if method == "get":
        response = api.get(paths[method], **headers)
    else:
        send = getattr(api, method)
        response = send(paths[method], "{}", content_type="application/json", **headers)
    assert response.status_code == 401, (method, key, response.content[:200])
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith('Bearer realm="samenspel"')
    assert response.json()["code"] == "unauthenticated"
    assert AuditEvent.objects.filter(event=Event.API_UNAUTHENTICATED).exists()
