"""Break-the-glass in the JSON API: the same service and rules as the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from samenspel.accounts.models import Role, User
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.cases.models import BreakGlass, Case
from samenspel.testing import Cast, force_verified_login, make_case, make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/break-glass"
REASON = "Acute dreiging gemeld; de regisseur is niet bereikbaar."
NOT_FOUND = "Er is geen casus met dit kenmerk die u met noodtoegang kunt openen."


def _client(user: User) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)
    return client


def _post(client: Client, url: str, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, body, content_type="application/json", **headers)


def _body(case: Case, **overrides: Any) -> dict[str, Any]:
    return {
        "municipality": str(case.municipality.uuid),
        "reference": case.reference,
        "reason": REASON,
        **overrides,
    }


def test_a_partner_opens_a_case_once_per_key(cast: Cast) -> None:
    case = make_case(cast)
    police = _client(cast.police_officer)
    assert police.get(f"/api/v1/cases/{case.uuid}").status_code == 404
    assert _post(police, URL, _body(case)).status_code == 400  # no Idempotency-Key

    first = _post(police, URL, _body(case), key="bg-1")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["case"] == str(case.uuid) and body["case_reference"] == case.reference
    assert body["active"] is True and body["review"] == "pending"
    opened = dt.datetime.fromisoformat(body["opened_at"])
    assert dt.datetime.fromisoformat(body["expires_at"]) - opened == dt.timedelta(hours=1)
    again = _post(police, URL, _body(case), key="bg-1")
    assert again.status_code == 200 and again.json()["uuid"] == body["uuid"]
    assert BreakGlass.objects.count() == 1

    assert police.get(f"/api/v1/cases/{case.uuid}").status_code == 200
    BreakGlass.objects.update(
        opened_at=timezone.now() - dt.timedelta(hours=2),
        expires_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert police.get(f"/api/v1/cases/{case.uuid}").status_code == 404


def test_refusals_answer_422_in_dutch_and_are_audited(cast: Cast) -> None:
    case = make_case(cast)
    police = _client(cast.police_officer)
    no_reason = _post(police, URL, _body(case, reason=" "), key="bg-2")
    assert no_reason.status_code == 422
    assert no_reason["Content-Type"] == "application/problem+json"
    assert no_reason.json()["errors"] == {"reason": ["Schrijf op waarom u noodtoegang nodig hebt."]}
    aivd = _post(police, URL, _body(case, part="aivd"), key="bg-3")
    assert aivd.status_code == 422
    assert "nooit AIVD-informatie" in aivd.json()["errors"]["part"][0]
    unknown = _post(police, URL, _body(case, reference="PGA-1999-000000"), key="bg-4")
    assert unknown.json()["errors"] == {"__all__": [NOT_FOUND]}
    nctv = _post(_client(cast.nctv_adviser), URL, _body(case), key="bg-5")
    assert nctv.status_code == 422 and nctv.json()["errors"] == {"__all__": [NOT_FOUND]}
    reasons = list(
        AuditEvent.objects.filter(event=Event.BREAK_GLASS_REFUSED)
        .order_by("seq")
        .values_list("details__reason", flat=True)
    )
    assert reasons == ["incomplete", "part", "not_found", "not_eligible"]
    assert not BreakGlass.objects.exists()


def test_the_privacy_officer_lists_and_reviews_once(cast: Cast) -> None:
    police_fg = make_user(cast.police, Role.PRIVACY_OFFICER)
    case = make_case(cast)
    police = _client(cast.police_officer)
    use = _post(police, URL, _body(case), key="bg-6").json()
    fg = _client(cast.privacy_officer)
    listed = fg.get(URL)
    assert listed.status_code == 200 and [u["uuid"] for u in listed.json()] == [use["uuid"]]
    assert AuditEvent.objects.filter(
        event=Event.BREAK_GLASS_QUEUE_VIEWED, actor=cast.privacy_officer
    ).exists()
    assert [u["uuid"] for u in police.get(URL).json()] == [use["uuid"]]  # their own
    assert _client(cast.case_manager).get(URL).json() == []

    review = f"{URL}/{use['uuid']}/review"
    assert _post(police, review, {"outcome": "accepted"}).status_code == 403
    assert _post(_client(cast.outsider), review, {"outcome": "accepted"}).status_code == 404
    flag = _post(fg, review, {"outcome": "flagged"})
    assert flag.status_code == 422 and "comment" in flag.json()["errors"]
    done = _post(fg, review, {"outcome": "flagged", "comment": "Geen noodgeval."})
    assert done.status_code == 200, done.content
    assert done.json()["review"] == "flagged"
    assert done.json()["reviewed_by"]["uuid"] == str(cast.privacy_officer.uuid)
    second = _post(_client(police_fg), review, {"outcome": "accepted"})
    assert second.status_code == 409
    assert second.json()["code"] == "decided_meanwhile"
