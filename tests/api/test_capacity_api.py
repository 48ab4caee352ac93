"""The capacity request endpoints: same rules, services and audit as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from samenspel.accounts.models import Role, User
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.consultations.models import CapacityRequest, CapacityStatus
from samenspel.testing import Cast, force_verified_login, make_user
from tests.consultations.test_capacity import ask

BASE = "/api/v1/capacity-requests"


def _client(user: User) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)
    return client


def _post(client: Client, url: str, body: Any = None, **headers: str) -> Any:
    return client.post(url, body or {}, content_type="application/json", headers=headers)


def _body(cast: Cast, **overrides: Any) -> dict[str, Any]:
    return {
        "municipality": str(cast.municipality_a.uuid),
        "addressed": str(cast.police.uuid),
        "kind": "attendance",
        "urgency": "non_acute",
        "needed_by": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "question": "Kan de wijkagent bij het overleg van dinsdag zijn?",
        **overrides,
    }


def test_create_answers_201_and_the_same_key_again_200(cast: Cast) -> None:
    client = _client(cast.case_manager)
    first = _post(client, BASE, _body(cast), **{"Idempotency-Key": "k-1"})
    again = _post(client, BASE, _body(cast), **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["uuid"] == again.json()["uuid"]
    assert first.json()["priority_municipality"] is True
    assert first["ETag"] == '"1"'
    assert CapacityRequest.objects.count() == 1


def test_create_without_idempotency_key_is_refused(cast: Cast) -> None:
    response = _post(_client(cast.case_manager), BASE, _body(cast))
    assert response.status_code == 400
    assert not CapacityRequest.objects.exists()


def test_bad_input_answers_422_with_dutch_messages_per_field(cast: Cast) -> None:
    client = _client(cast.case_manager)
    not_a_partner = _post(
        client, BASE, _body(cast, addressed=str(cast.care.uuid)), **{"Idempotency-Key": "a"}
    )
    assert not_a_partner.status_code == 422
    assert "Kies de NCTV, het OM of de politie" in not_a_partner.json()["errors"]["addressed"][0]
    past = _post(client, BASE, _body(cast, needed_by="2020-01-01"), **{"Idempotency-Key": "b"})
    assert "voorbij" in past.json()["errors"]["needed_by"][0]
    empty = _post(client, BASE, _body(cast, question=""), **{"Idempotency-Key": "c"})
    assert "Schrijf uw vraag" in empty.json()["errors"]["question"][0]
    other = _post(
        client,
        BASE,
        _body(cast, municipality=str(cast.municipality_b.uuid)),
        **{"Idempotency-Key": "d"},
    )
    assert other.status_code == 422
    assert "municipality" in other.json()["errors"]
    assert not CapacityRequest.objects.exists()


def test_the_outsider_gets_404_for_a_request_and_its_answers(cast: Cast) -> None:
    request = ask(cast, to=cast.police)
    client = _client(cast.outsider)
    assert client.get(f"{BASE}/{request.uuid}").status_code == 404
    assert _post(client, f"{BASE}/{request.uuid}/decline", {"reason": "x"}).status_code == 404
    assert _post(client, f"{BASE}/{request.uuid}/withdraw").status_code == 404
    assert client.get(BASE).json() == []


def test_the_desk_reads_and_accepts_and_the_second_answer_gets_409(cast: Cast) -> None:
    request = ask(cast, to=cast.police)
    client = _client(cast.police_officer)
    got = client.get(f"{BASE}/{request.uuid}")
    assert (got.status_code, got["ETag"]) == (200, '"1"')
    assert AuditEvent.objects.filter(
        event=Event.CAPACITY_VIEWED, actor=cast.police_officer
    ).exists()
    colleague = make_user(cast.police, Role.PARTNER_LIAISON, username="police.2")
    accepted = _post(client, f"{BASE}/{request.uuid}/accept", {"assignee": str(colleague.uuid)})
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["assignee"]["uuid"]) == (
        "accepted",
        str(colleague.uuid),
    )
    assert accepted["ETag"] == '"2"'
    lost = _post(_client(colleague), f"{BASE}/{request.uuid}/decline", {"reason": "Nee."})
    assert lost.status_code == 409
    assert lost.json()["code"] == "decided_meanwhile"
    assert lost.json()["current_status"] == "accepted"


def test_accepting_with_a_person_of_another_organisation_answers_422(cast: Cast) -> None:
    request = ask(cast, to=cast.police)
    response = _post(
        _client(cast.police_officer),
        f"{BASE}/{request.uuid}/accept",
        {"assignee": str(cast.prosecutor.uuid)},
    )
    assert response.status_code == 422
    assert "eigen organisatie" in response.json()["errors"]["assignee"][0]


def test_propose_date_and_decline_without_reason(cast: Cast) -> None:
    first, second = ask(cast, to=cast.om), ask(cast, to=cast.om)
    client = _client(cast.prosecutor)
    later = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    proposed = _post(client, f"{BASE}/{first.uuid}/propose-date", {"proposed_date": later})
    assert (proposed.status_code, proposed.json()["proposed_date"]) == (200, later)
    refused = _post(client, f"{BASE}/{second.uuid}/decline", {"reason": " "})
    assert refused.status_code == 422
    assert "reason" in refused.json()["errors"]


def test_the_requester_withdraws_and_cannot_answer(cast: Cast) -> None:
    request = ask(cast)
    client = _client(cast.case_manager)
    assert _post(client, f"{BASE}/{request.uuid}/decline", {"reason": "x"}).status_code == 404
    withdrawn = _post(client, f"{BASE}/{request.uuid}/withdraw")
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")
    assert _post(client, f"{BASE}/{request.uuid}/withdraw").status_code == 409
    assert CapacityRequest.objects.get().status == CapacityStatus.WITHDRAWN


def test_statistics_answer_json_and_are_audited(cast: Cast) -> None:
    ask(cast)
    today = timezone.localdate().isoformat()
    response = _client(cast.case_manager).get(f"{BASE}/statistics", {"start": today, "end": today})
    assert response.status_code == 200
    body = response.json()
    assert body["priority"]["requests"] == 1
    assert body["partners"][0]["partner"]["name"] == "NCTV"
    row = AuditEvent.objects.get(event=Event.CAPACITY_STATISTICS_VIEWED)
    assert row.details["api"] is True
    bad = _client(cast.case_manager).get(
        f"{BASE}/statistics", {"start": today, "end": "2020-01-01"}
    )
    assert bad.status_code == 422


def test_a_date_is_only_a_date_written_as_a_date(cast: Cast) -> None:
    client = _client(cast.case_manager)
    for start in ("0", "1700000000", "7-12-2026", "2026-13-45"):
        response = client.get(f"{BASE}/statistics", {"start": start})
        assert response.status_code == 422, start
        assert response.json()["errors"] == {
            "query.start": ["Dit is geen geldige datum (jjjj-mm-dd)."]
        }
    created = client.post(
        BASE,
        {
            "municipality": str(cast.municipality_a.uuid),
            "addressed": str(cast.nctv.uuid),
            "kind": "advice",
            "urgency": "non_acute",
            "needed_by": 0,
            "question": "Advies graag.",
        },
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="date-as-number",
    )
    assert created.status_code == 422
    assert "needed_by" in created.json()["errors"]
    assert not CapacityRequest.objects.exists()
