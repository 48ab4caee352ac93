from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from samenspel.accounts import selectors, services
from samenspel.accounts.models import ApiToken
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.sharing.policy import Denied
from samenspel.testing import Cast, force_verified_login


def test_create_stores_only_a_hash_and_audits(cast: Cast) -> None:
    token, secret = services.create_api_token(
        cast.case_manager, name="Koppeling", by=cast.case_manager
    )
    assert secret.startswith("ssp_") and len(secret) > 40
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.name, token.secret_hash}
    assert secret.startswith(token.prefix)
    assert (token.expires_at - token.created_at).days == 90
    row = AuditEvent.objects.get(event=Event.API_TOKEN_CREATED, object_id=str(token.uuid))
    assert row.actor == cast.case_manager
    assert row.details["days"] == 90


def test_validity_is_between_one_and_365_days(cast: Cast) -> None:
    for days in (0, 366):
        with pytest.raises(ValidationError) as exc:
            services.create_api_token(cast.case_manager, name="x", days=days, by=cast.case_manager)
        assert "days" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_api_token(cast.case_manager, name=" ", by=cast.case_manager)
    assert "name" in exc.value.message_dict
    assert not ApiToken.objects.exists()


def test_nobody_makes_a_token_for_somebody_else(cast: Cast) -> None:
    with pytest.raises(Denied):
        services.create_api_token(cast.case_manager, name="x", by=cast.admin_a)


def test_revoke_is_audited_and_only_by_the_owner(cast: Cast) -> None:
    token, secret = services.create_api_token(cast.adviser, name="x", by=cast.adviser)
    with pytest.raises(Denied):
        services.revoke_api_token(token, by=cast.case_manager)
    services.revoke_api_token(token, by=cast.adviser)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(
        event=Event.API_TOKEN_REVOKED, actor=cast.adviser, object_id=str(token.uuid)
    ).exists()
    assert services.authenticate_api_token(secret) is None


def test_authenticate_refuses_expired_unknown_and_disabled(cast: Cast) -> None:
    token, secret = services.create_api_token(cast.adviser, name="x", by=cast.adviser)
    assert services.authenticate_api_token(secret) == cast.adviser
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert services.authenticate_api_token(secret + "x") is None
    assert services.authenticate_api_token("not-a-token") is None
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=now - dt.timedelta(days=2), expires_at=now - dt.timedelta(seconds=1)
    )
    assert services.authenticate_api_token(secret) is None
    _other, second = services.create_api_token(cast.adviser, name="y", by=cast.adviser)
    services.disable_user(cast.adviser, by=cast.admin_a)
    assert services.authenticate_api_token(second) is None


def test_a_user_sees_only_their_own_tokens(cast: Cast) -> None:
    mine, _ = services.create_api_token(cast.adviser, name="mine", by=cast.adviser)
    services.create_api_token(cast.case_manager, name="theirs", by=cast.case_manager)
    assert list(selectors.api_tokens_of(cast.adviser)) == [mine]
    with pytest.raises(Denied):
        selectors.get_api_token_for(cast.case_manager, mine.uuid)


def test_command_creates_lists_and_revokes(cast: Cast) -> None:
    out = io.StringIO()
    call_command("apitoken", "create", "adviser", "--name", "Koppeling", "--days", "30", stdout=out)
    secret = next(line.split()[-1] for line in out.getvalue().splitlines() if "secret" in line)
    assert services.authenticate_api_token(secret) == cast.adviser
    token = ApiToken.objects.get(user=cast.adviser)
    created = AuditEvent.objects.get(event=Event.API_TOKEN_CREATED, object_id=str(token.uuid))
    assert created.actor is None and created.details["days"] == 30
    out = io.StringIO()
    call_command("apitoken", "list", "adviser", stdout=out)
    assert str(token.uuid) in out.getvalue() and "active" in out.getvalue()
    assert secret not in out.getvalue()
    call_command("apitoken", "revoke", str(token.uuid), stdout=io.StringIO())
    assert services.authenticate_api_token(secret) is None
    assert AuditEvent.objects.filter(
        event=Event.API_TOKEN_REVOKED, object_id=str(token.uuid)
    ).exists()


def test_page_creates_a_token_shown_once_and_revokes_it(cast: Cast, client: Client) -> None:
    force_verified_login(client, cast.adviser)
    assert "API-sleutels" in client.get("/account/").content.decode()
    response = client.post("/account/api-sleutels/", {"name": "Koppeling", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=cast.adviser)
    page = response.content.decode()
    secret = page.split('<code class="ss-secret">')[1].split("<")[0]
    assert services.authenticate_api_token(secret) == cast.adviser
    assert secret not in client.get("/account/api-sleutels/").content.decode()
    assert AuditEvent.objects.filter(event=Event.API_TOKEN_CREATED, actor=cast.adviser).exists()
    response = client.post(f"/account/api-sleutels/{token.uuid}/intrekken/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(event=Event.API_TOKEN_REVOKED, actor=cast.adviser).exists()


def test_page_refuses_invalid_days(cast: Cast, client: Client) -> None:
    force_verified_login(client, cast.adviser)
    response = client.post("/account/api-sleutels/", {"name": "x", "days": "400"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_outsider_cannot_revoke_somebody_elses_token(cast: Cast, client: Client) -> None:
    token, secret = services.create_api_token(cast.adviser, name="x", by=cast.adviser)
    force_verified_login(client, cast.outsider)
    assert client.post(f"/account/api-sleutels/{token.uuid}/intrekken/").status_code == 404
    assert services.authenticate_api_token(secret) == cast.adviser
    assert AuditEvent.objects.filter(
        event=Event.ACCESS_DENIED, actor=cast.outsider, object_id=str(token.uuid)
    ).exists()


def test_page_needs_a_verified_login(cast: Cast, client: Client) -> None:
    client.force_login(cast.adviser, backend="samenspel.accounts.backends.PasswordBackend")
    response = client.post("/account/api-sleutels/", {"name": "x", "days": "30"})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()
