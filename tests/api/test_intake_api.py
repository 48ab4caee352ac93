from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest
from django.test import Client

from samenspel.accounts.models import User
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.intake import services as intake
from samenspel.intake.models import Signal, SignalStatus
from samenspel.testing import Cast, force_verified_login, make_signal, publish_framework


def _client(user: User) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)
    return client


def _body(cast: Cast, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "municipality": str(cast.municipality_a.uuid),
        "observed_on": "2026-11-01",
        "observation": "Deelt filmpjes die geweld verheerlijken.",
        "concern": "Lijkt snel te radicaliseren.",
        "family_name": "Amrani",
        "given_names": "Mohamed",
        "birth_date": "2005-03-14",
    }
    body.update(overrides)
    return body


def _post(client: Client, url: str, body: Any = None, **headers: str) -> Any:
    return client.post(url, body or {}, content_type="application/json", **headers)


def test_police_officer_reports_a_signal_once_per_key(cast: Cast) -> None:
    police = _client(cast.police_officer)
    attachment = {"name": "notitie.txt", "content_base64": base64.b64encode(b"tekst").decode()}
    body = _body(cast, attachments=[attachment])
    first = _post(police, "/api/v1/signals", body, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == 201, first.content
    again = _post(police, "/api/v1/signals", body, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert again.status_code == 200
    assert first.json() == again.json()
    assert set(first.json()) == {
        "uuid",
        "reference",
        "status",
        "is_acute",
        "received_at",
        "municipality",
    }
    signal = Signal.objects.get()
    assert signal.attachments.get().content == b"tekst"
    assert (
        AuditEvent.objects.filter(
            event=Event.SIGNAL_SUBMITTED, actor=cast.police_officer, object_id=str(signal.uuid)
        ).count()
        == 1
    )


def test_a_signal_needs_an_idempotency_key(cast: Cast) -> None:
    response = _post(_client(cast.police_officer), "/api/v1/signals", _body(cast))
    assert response.status_code == 400
    assert not Signal.objects.exists()


def test_invalid_signal_answers_422_per_field_in_dutch(cast: Cast) -> None:
    body = _body(
        cast,
        observation=" ",
        family_name="",
        attachments=[{"name": "x.pdf", "content_base64": "***"}],
    )
    response = _post(
        _client(cast.police_officer), "/api/v1/signals", body, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 422
    assert response.json()["errors"]["attachments"][0].endswith("geen geldige base64-tekst.")
    body["attachments"] = []
    response = _post(
        _client(cast.police_officer), "/api/v1/signals", body, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["observation"] == ["Beschrijf wat u zag of hoorde."]
    assert "subject_family_name" in errors
    assert not Signal.objects.exists()


def test_reporter_sees_only_the_status_of_own_signals(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    other = make_signal(cast.care_worker, cast.municipality_a)
    police = _client(cast.police_officer)
    mine = police.get("/api/v1/signals/mine").json()
    assert [row["uuid"] for row in mine] == [str(signal.uuid)]
    one = police.get(f"/api/v1/signals/mine/{signal.uuid}")
    assert one.json()["status"] == "received"
    assert "observation" not in one.json()
    assert police.get(f"/api/v1/signals/mine/{other.uuid}").status_code == 404


def test_triage_team_works_the_queue(cast: Cast) -> None:
    make_signal(cast.police_officer, cast.municipality_a)
    acute = make_signal(cast.care_worker, cast.municipality_a, is_acute=True)
    make_signal(cast.police_officer, cast.municipality_b)
    director = _client(cast.case_manager)
    queue = director.get("/api/v1/triage/signals").json()
    assert len(queue) == 2
    assert queue[0]["uuid"] == str(acute.uuid)
    only_acute = director.get("/api/v1/triage/signals?acute=true").json()
    assert [row["uuid"] for row in only_acute] == [str(acute.uuid)]
    assert director.get("/api/v1/triage/signals?overdue=true").json() == []
    assert (
        AuditEvent.objects.filter(event=Event.SIGNAL_QUEUE_VIEWED, actor=cast.case_manager).count()
        == 3
    )


def test_police_with_a_triage_seat_picks_up_and_reads(cast: Cast) -> None:
    signal = make_signal(cast.care_worker, cast.municipality_a)
    police = _client(cast.police_officer)
    assert police.get(f"/api/v1/triage/signals/{signal.uuid}").status_code == 404
    intake.add_triage_seat(cast.municipality_a, user=cast.police_officer, by=cast.case_manager)
    detail = police.get(f"/api/v1/triage/signals/{signal.uuid}")
    assert detail.status_code == 200
    assert detail["ETag"] == f'"{signal.version}"'
    assert detail.json()["observation"] == signal.observation
    assert AuditEvent.objects.filter(
        event=Event.SIGNAL_VIEWED, actor=cast.police_officer, object_id=str(signal.uuid)
    ).exists()
    picked = _post(police, f"/api/v1/triage/signals/{signal.uuid}/pick-up")
    assert picked.status_code == 200
    assert picked.json()["status"] == SignalStatus.IN_TRIAGE
    assert picked["ETag"] == f'"{signal.version + 1}"'
    assert AuditEvent.objects.filter(
        event=Event.SIGNAL_PICKED_UP, actor=cast.police_officer, object_id=str(signal.uuid)
    ).exists()


def test_decision_includes_the_person_and_opens_a_case(cast: Cast) -> None:
    publish_framework(cast.national_admin)
    signal = make_signal(cast.police_officer, cast.municipality_a)
    director = _client(cast.case_manager)
    decision = {
        "outcome": "include",
        "reason": "Voldoet aan de criteria.",
        "criteria": "Criteria weegploeg 2026",
        "create_person": True,
        "case_director": str(cast.case_manager.uuid),
        "phase": "PH-1",
    }
    url = f"/api/v1/triage/signals/{signal.uuid}/decision"
    response = _post(director, url, decision, HTTP_IF_MATCH=f'"{signal.version}"')
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "closed" and data["case"] and data["person"]
    assert AuditEvent.objects.filter(
        event=Event.SIGNAL_TRIAGED, actor=cast.case_manager, object_id=str(signal.uuid)
    ).exists()
    assert AuditEvent.objects.filter(event=Event.CASE_OPENED, object_id=data["case"]).exists()


def test_decision_without_or_with_a_stale_if_match_saves_nothing(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    intake.pick_up(signal, by=cast.case_manager)
    director = _client(cast.case_manager)
    decision = {"outcome": "no_concern", "reason": "Geen zorg.", "criteria": "Criteria 2026"}
    url = f"/api/v1/triage/signals/{signal.uuid}/decision"
    assert _post(director, url, decision).status_code == 428
    stale = _post(director, url, decision, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert stale.json()["current_version"] == signal.version
    signal.refresh_from_db()
    assert signal.status == SignalStatus.IN_TRIAGE
    assert not AuditEvent.objects.filter(event=Event.SIGNAL_TRIAGED).exists()
    assert AuditEvent.objects.filter(
        event=Event.CASE_EDIT_CONFLICT, actor=cast.case_manager, object_id=str(signal.uuid)
    ).exists()
    done = _post(director, url, decision, HTTP_IF_MATCH=f'"{signal.version}"')
    assert done.status_code == 200
    assert done["ETag"] == f'"{signal.version + 1}"'


def test_decision_errors_are_per_field(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    url = f"/api/v1/triage/signals/{signal.uuid}/decision"
    response = _post(
        _client(cast.case_manager),
        url,
        {"outcome": "include", "reason": "", "criteria": ""},
        HTTP_IF_MATCH=f'"{signal.version}"',
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"reason", "criteria", "person", "case_director"}


def test_candidates_come_from_the_signal_municipality(cast: Cast) -> None:
    publish_framework(cast.national_admin)
    from samenspel.cases import services as cases

    known = cases.create_person(
        municipality=cast.municipality_a,
        family_name="Amrani",
        given_names="Mohamed",
        by=cast.case_manager,
    )
    signal = make_signal(cast.police_officer, cast.municipality_a)
    response = _client(cast.case_manager).get(f"/api/v1/triage/signals/{signal.uuid}/candidates")
    assert response.status_code == 200
    assert [row["uuid"] for row in response.json()] == [str(known.uuid)]
    assert AuditEvent.objects.filter(
        event=Event.PERSON_CANDIDATES_SEARCHED, actor=cast.case_manager
    ).exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/signals/mine/{s}"),
        ("get", "/api/v1/triage/signals/{s}"),
        ("post", "/api/v1/triage/signals/{s}/pick-up"),
        ("post", "/api/v1/triage/signals/{s}/decision"),
        ("get", "/api/v1/triage/signals/{s}/candidates"),
    ],
)
def test_outsider_gets_404_on_every_signal_endpoint(cast: Cast, method: str, path: str) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    outsider = _client(cast.outsider)
    body = {"outcome": "no_concern", "reason": "x", "criteria": "y"}
    hidden = getattr(outsider, method)(
        path.format(s=signal.uuid), body, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    missing = getattr(outsider, method)(
        path.format(s=uuid.uuid4()), body, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    signal.refresh_from_db()
    assert signal.status == SignalStatus.RECEIVED
    assert outsider.get("/api/v1/triage/signals").json() == []
