from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from samenspel.accounts.models import Role, User
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.cases import services as cases
from samenspel.cases.models import Case, CaseStatus, Intervention, Transfer, TransferStatus
from samenspel.testing import (
    Cast,
    force_verified_login,
    make_case,
    make_organisation,
    make_user,
)


def _client(user: User) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)
    return client


def _post(client: Client, url: str, body: Any = None, **headers: str) -> Any:
    return client.post(url, body or {}, content_type="application/json", **headers)


def _audited(event: Event, actor: User, case: Case) -> bool:
    return AuditEvent.objects.filter(event=event, actor=actor, object_id=str(case.uuid)).exists()


def test_case_director_lists_and_reads_cases(cast: Cast) -> None:
    case = make_case(cast)
    other = make_case(cast, municipality=cast.municipality_b, case_director=cast.outsider)
    director = _client(cast.case_manager)
    page = director.get("/api/v1/cases?mine=true").json()
    assert page["count"] == 1 and page["page_size"] == 100
    assert page["results"][0]["uuid"] == str(case.uuid)
    assert director.get("/api/v1/cases?q=nobodyknows").json()["count"] == 0
    assert AuditEvent.objects.filter(event=Event.CASE_LIST_VIEWED, actor=cast.case_manager).exists()
    detail = director.get(f"/api/v1/cases/{case.uuid}")
    assert detail.status_code == 200
    assert detail["ETag"] == f'"{case.version}"'
    assert detail.json()["stage"] == "ST-3"
    assert _audited(Event.CASE_VIEWED, cast.case_manager, case)
    history = director.get(f"/api/v1/cases/{case.uuid}/history").json()
    assert {row["dimension"] for row in history} == {"stage", "phase"}
    assert _audited(Event.CASE_HISTORY_VIEWED, cast.case_manager, case)
    assert director.get(f"/api/v1/cases/{other.uuid}").status_code == 404


def test_police_officer_on_the_team_reads_but_does_not_steer(cast: Cast) -> None:
    case = make_case(cast, team=(cast.police_officer,))
    police = _client(cast.police_officer)
    assert police.get(f"/api/v1/cases/{case.uuid}").status_code == 200
    assert police.get(f"/api/v1/cases/{case.uuid}/plan").status_code == 200
    assert police.get(f"/api/v1/cases/{case.uuid}/team").status_code == 200
    moved = _post(
        police,
        f"/api/v1/cases/{case.uuid}/phase",
        {"to": "PH-2", "reason": "x"},
        HTTP_IF_MATCH=f'"{case.version}"',
    )
    assert moved.status_code == 403  # the officer sees the case: forbidden, not unknown
    case.refresh_from_db()
    assert case.phase == "PH-1"


def test_stage_phase_and_tracks_need_the_current_version(cast: Cast) -> None:
    case = make_case(cast)
    director = _client(cast.case_manager)
    url = f"/api/v1/cases/{case.uuid}"
    assert _post(director, f"{url}/phase", {"to": "PH-2", "reason": "x"}).status_code == 428
    stale = _post(director, f"{url}/phase", {"to": "PH-2", "reason": "x"}, HTTP_IF_MATCH='"99"')
    assert stale.status_code == 412
    assert stale.json()["current_version"] == case.version
    case.refresh_from_db()
    assert case.phase == "PH-1"
    assert not _audited(Event.CASE_PHASE_CHANGED, cast.case_manager, case)
    phase = _post(
        director, f"{url}/phase", {"to": "PH-2", "reason": "x"}, HTTP_IF_MATCH=f'"{case.version}"'
    )
    assert phase.status_code == 200 and phase.json()["phase"] == "PH-2"
    assert _audited(Event.CASE_PHASE_CHANGED, cast.case_manager, case)
    tracks = _post(
        director,
        f"{url}/tracks",
        {"tracks": ["TR-PGA", "TR-STRAF"], "reason": "Strafzaak loopt."},
        HTTP_IF_MATCH=phase["ETag"],
    )
    assert tracks.status_code == 200 and tracks.json()["tracks"] == ["TR-PGA", "TR-STRAF"]
    assert _audited(Event.CASE_TRACKS_CHANGED, cast.case_manager, case)
    bad = _post(
        director, f"{url}/stage", {"to": "ST-4", "reason": "x"}, HTTP_IF_MATCH=tracks["ETag"]
    )
    assert bad.status_code == 422
    assert bad.json()["errors"]["to"] == ["Het plan heeft nog geen interventies."]


def test_plan_add_is_idempotent_and_changes_need_if_match(cast: Cast) -> None:
    case = make_case(cast)
    director = _client(cast.case_manager)
    url = f"/api/v1/cases/{case.uuid}/plan"
    body = {"measure": "I-01", "domain": "prevention", "owner": str(cast.municipality_a.uuid)}
    assert _post(director, url, body).status_code == 400
    first = _post(director, url, body, HTTP_IDEMPOTENCY_KEY="plan-1")
    assert first.status_code == 201, first.content
    again = _post(director, url, body, HTTP_IDEMPOTENCY_KEY="plan-1")
    assert again.status_code == 200 and again.json()["uuid"] == first.json()["uuid"]
    assert Intervention.objects.filter(case=case).count() == 1
    assert (
        AuditEvent.objects.filter(event=Event.INTERVENTION_ADDED, object_id=str(case.uuid)).count()
        == 1
    )
    plan = director.get(url).json()
    assert plan["balance"]["counts"]["prevention"] == 1
    assert plan["balance"]["shares"]["prevention"] == 100
    item = f"{url}/{first.json()['uuid']}"
    patch = {"goal": "Weer naar school."}
    assert director.patch(item, patch, content_type="application/json").status_code == 428
    stale = director.patch(item, patch, content_type="application/json", HTTP_IF_MATCH='"5"')
    assert stale.status_code == 412
    assert Intervention.objects.get().goal == ""
    done = director.patch(item, patch, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert done.status_code == 200 and done.json()["goal"] == "Weer naar school."
    assert done["ETag"] == '"2"'
    assert _audited(Event.INTERVENTION_CHANGED, cast.case_manager, case)
    # A stale version stays stale even when the value sent equals the current one.
    same = director.patch(item, patch, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert same.status_code == 412
    unchanged = director.patch(item, patch, content_type="application/json", HTTP_IF_MATCH='"2"')
    assert unchanged.status_code == 200 and unchanged["ETag"] == '"2"'
    wrong = _post(director, url, {**body, "domain": "repression"}, HTTP_IDEMPOTENCY_KEY="plan-2")
    assert wrong.status_code == 422 and "domain" in wrong.json()["errors"]


def test_close_and_reopen(cast: Cast) -> None:
    case = make_case(cast)
    cases.add_intervention(
        case, measure="I-01", domain="prevention", owner=cast.municipality_a, by=cast.case_manager
    )
    director = _client(cast.case_manager)
    url = f"/api/v1/cases/{case.uuid}"
    version = director.get(url)["ETag"]
    staged = _post(
        director,
        f"{url}/stage",
        {"to": "ST-4", "reason": "Plan vastgesteld."},
        HTTP_IF_MATCH=version,
    )
    assert staged.status_code == 200, staged.content
    assert _audited(Event.CASE_STAGE_CHANGED, cast.case_manager, case)
    closed = _post(
        director, f"{url}/close", {"reason": "Doelen bereikt."}, HTTP_IF_MATCH=staged["ETag"]
    )
    assert closed.status_code == 200 and closed.json()["status"] == CaseStatus.CLOSED
    assert _audited(Event.CASE_CLOSED, cast.case_manager, case)
    reopened = _post(
        director, f"{url}/reopen", {"reason": "Nieuw signaal."}, HTTP_IF_MATCH=closed["ETag"]
    )
    assert reopened.status_code == 200 and reopened.json()["stage"] == "ST-3"
    assert _audited(Event.CASE_REOPENED, cast.case_manager, case)


def test_team_add_and_remove(cast: Cast) -> None:
    case = make_case(cast)
    director = _client(cast.case_manager)
    url = f"/api/v1/cases/{case.uuid}/team"
    added = _post(director, url, {"user": str(cast.care_worker.uuid), "task": "zorg"})
    assert added.status_code == 201, added.content
    assert _audited(Event.CASE_MEMBER_ADDED, cast.case_manager, case)
    assert str(cast.care_worker.uuid) in {m["user"]["uuid"] for m in director.get(url).json()}
    assert _client(cast.care_worker).get(f"/api/v1/cases/{case.uuid}").status_code == 200
    removed = director.delete(f"{url}/{cast.care_worker.uuid}")
    assert removed.status_code == 204
    assert _audited(Event.CASE_MEMBER_REMOVED, cast.case_manager, case)
    assert _client(cast.care_worker).get(f"/api/v1/cases/{case.uuid}").status_code == 404
    outsider_added = _post(director, url, {"user": str(cast.outsider.uuid)})
    assert outsider_added.status_code == 422


def test_warm_transfer_request_accept_decline_cancel(cast: Cast) -> None:
    case = make_case(cast)
    director = _client(cast.case_manager)
    receiving = _client(cast.outsider)
    body = {"to_municipality": str(cast.municipality_b.uuid), "reason": "Verhuisd."}
    requested = _post(director, f"/api/v1/cases/{case.uuid}/transfers", body)
    assert requested.status_code == 201, requested.content
    assert _audited(Event.TRANSFER_REQUESTED, cast.case_manager, case)
    transfer = requested.json()["uuid"]
    assert [t["uuid"] for t in receiving.get("/api/v1/transfers/incoming").json()] == [transfer]
    assert director.get("/api/v1/transfers/incoming").json() == []
    cancelled = _post(director, f"/api/v1/transfers/{transfer}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert AuditEvent.objects.filter(event=Event.TRANSFER_CANCELLED, object_id=transfer).exists()
    second = _post(director, f"/api/v1/cases/{case.uuid}/transfers", body).json()["uuid"]
    declined = _post(receiving, f"/api/v1/transfers/{second}/decline", {"reason": "Niet hier."})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert AuditEvent.objects.filter(event=Event.TRANSFER_DECLINED, object_id=second).exists()
    third = _post(director, f"/api/v1/cases/{case.uuid}/transfers", body).json()["uuid"]
    assert (
        _post(
            director,
            f"/api/v1/transfers/{third}/accept",
            {"case_director": str(cast.case_manager.uuid)},
        ).status_code
        == 404
    )
    accepted = _post(
        receiving, f"/api/v1/transfers/{third}/accept", {"case_director": str(cast.outsider.uuid)}
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["municipality"]["uuid"] == str(cast.municipality_b.uuid)
    assert _audited(Event.TRANSFER_ACCEPTED, cast.outsider, case)
    assert Transfer.objects.get(uuid=third).status == TransferStatus.ACCEPTED
    assert director.get(f"/api/v1/cases/{case.uuid}").status_code == 404
    # Deciding again: a conflict, the same on the page and in the API, and nothing changes.
    again = _post(receiving, f"/api/v1/transfers/{third}/decline", {"reason": "Toch niet."})
    assert again.status_code == 409, again.content
    assert again.json()["detail"] == "Over deze overdracht is al beslist. Er is niets gewijzigd."
    page = receiving.post(f"/casussen/overdrachten/{third}/afwijzen/", {"reason": "Toch niet."})
    assert page.status_code == 409
    assert Transfer.objects.get(uuid=third).status == TransferStatus.ACCEPTED
    assert AuditEvent.objects.filter(event=Event.DECISION_CONFLICT).count() == 2


CASE_ENDPOINTS = [
    ("get", "/api/v1/cases/{c}"),
    ("get", "/api/v1/cases/{c}/history"),
    ("post", "/api/v1/cases/{c}/stage"),
    ("post", "/api/v1/cases/{c}/phase"),
    ("post", "/api/v1/cases/{c}/tracks"),
    ("post", "/api/v1/cases/{c}/close"),
    ("post", "/api/v1/cases/{c}/reopen"),
    ("get", "/api/v1/cases/{c}/plan"),
    ("post", "/api/v1/cases/{c}/plan"),
    ("patch", "/api/v1/cases/{c}/plan/{i}"),
    ("get", "/api/v1/cases/{c}/team"),
    ("post", "/api/v1/cases/{c}/team"),
    ("delete", "/api/v1/cases/{c}/team/{u}"),
    ("post", "/api/v1/cases/{c}/transfers"),
    ("post", "/api/v1/transfers/{t}/accept"),
    ("post", "/api/v1/transfers/{t}/decline"),
    ("post", "/api/v1/transfers/{t}/cancel"),
]


@pytest.mark.parametrize(("method", "path"), CASE_ENDPOINTS)
def test_outsider_gets_404_on_every_case_endpoint(cast: Cast, method: str, path: str) -> None:
    case = make_case(cast)
    item = cases.add_intervention(
        case, measure="I-01", domain="prevention", owner=cast.municipality_a, by=cast.case_manager
    )
    stranger_org = make_user(cast.municipality_b, Role.CASE_DIRECTOR)
    transfer = cases.request_transfer(
        case,
        to_municipality=make_organisation("Gemeente C"),
        reason="Verhuisd.",
        by=cast.case_manager,
    )
    body = {
        "to": "PH-2",
        "reason": "x",
        "tracks": ["TR-PGA"],
        "measure": "I-01",
        "domain": "prevention",
        "owner": str(cast.municipality_b.uuid),
        "user": str(cast.care_worker.uuid),
        "to_municipality": str(cast.municipality_b.uuid),
        "case_director": str(stranger_org.uuid),
        "goal": "x",
    }
    # Each endpoint gets the fields it takes (unknown fields would answer 422 first).
    fields = {
        "stage": ["to", "reason"],
        "phase": ["to", "reason"],
        "tracks": ["tracks", "reason"],
        "close": ["reason"],
        "reopen": ["reason"],
        "plan": ["measure", "domain", "owner", "goal"],
        "team": ["user"],
        "transfers": ["to_municipality", "reason"],
        "accept": ["case_director", "reason"],
        "decline": ["reason"],
        "cancel": ["reason"],
    }.get(path.rstrip("}").rsplit("/", 1)[-1].strip("{"), [])
    if path.endswith("/plan/{i}"):
        fields = ["goal"]
    body = {key: body[key] for key in fields}
    outsider = _client(cast.outsider)

    def call(c: uuid.UUID, i: uuid.UUID, t: uuid.UUID) -> Any:
        url = path.format(c=c, i=i, t=t, u=cast.case_manager.uuid)
        return getattr(outsider, method)(
            url,
            body,
            content_type="application/json",
            HTTP_IF_MATCH='"1"',
            HTTP_IDEMPOTENCY_KEY="k",
        )

    hidden = call(case.uuid, item.uuid, transfer.uuid)
    missing = call(uuid.uuid4(), uuid.uuid4(), uuid.uuid4())
    assert hidden.status_code == missing.status_code == 404, hidden.content
    assert hidden.content == missing.content
    before = case.version
    case.refresh_from_db()
    assert case.version == before and case.status == CaseStatus.OPEN
    assert Intervention.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED, actor=cast.outsider).exists()


def test_openapi_document_lists_all_new_paths(db: None, client: Client) -> None:
    paths = set(client.get("/api/v1/openapi.json").json()["paths"])
    wanted = {
        "/api/v1/signals",
        "/api/v1/signals/mine",
        "/api/v1/signals/mine/{signal_uuid}",
        "/api/v1/triage/signals",
        "/api/v1/triage/signals/{signal_uuid}",
        "/api/v1/triage/signals/{signal_uuid}/pick-up",
        "/api/v1/triage/signals/{signal_uuid}/decision",
        "/api/v1/triage/signals/{signal_uuid}/candidates",
        "/api/v1/cases",
        "/api/v1/cases/{case_uuid}",
        "/api/v1/cases/{case_uuid}/history",
        "/api/v1/cases/{case_uuid}/stage",
        "/api/v1/cases/{case_uuid}/phase",
        "/api/v1/cases/{case_uuid}/tracks",
        "/api/v1/cases/{case_uuid}/close",
        "/api/v1/cases/{case_uuid}/reopen",
        "/api/v1/cases/{case_uuid}/plan",
        "/api/v1/cases/{case_uuid}/plan/{intervention_uuid}",
        "/api/v1/cases/{case_uuid}/team",
        "/api/v1/cases/{case_uuid}/team/{user_uuid}",
        "/api/v1/cases/{case_uuid}/transfers",
        "/api/v1/transfers/incoming",
        "/api/v1/transfers/{transfer_uuid}/accept",
        "/api/v1/transfers/{transfer_uuid}/decline",
        "/api/v1/transfers/{transfer_uuid}/cancel",
    }
    assert wanted <= paths, wanted - paths
    schemes = client.get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_a_repression_only_plan_moves_to_execution_after_a_justification(cast: Cast) -> None:
    case = make_case(cast, team=(cast.police_officer,))
    cases.add_intervention(
        case, measure="I-19", domain="repression", owner=cast.police, by=cast.case_manager
    )
    case.refresh_from_db()
    director = _client(cast.case_manager)
    url = f"/api/v1/cases/{case.uuid}"
    move = {"to": "ST-4", "reason": "Plan staat."}
    refused = _post(director, f"{url}/stage", move, HTTP_IF_MATCH=f'"{case.version}"')
    assert refused.status_code == 422 and "to" in refused.json()["errors"]

    def put(body: Any, version: int) -> Any:
        return director.put(
            f"{url}/plan/justification",
            body,
            content_type="application/json",
            HTTP_IF_MATCH=f'"{version}"',
        )

    too_long = put({"text": "x" * 4001}, case.version)
    assert too_long.status_code == 422
    assert too_long.json()["errors"]["text"] == ["Gebruik ten hoogste 4000 tekens."]
    assert put({"text": "Zorg is geweigerd."}, case.version + 5).status_code == 412
    police = _client(cast.police_officer)  # on the team: reads the plan, does not steer it
    assert police.get(f"{url}/plan").status_code == 200
    assert (
        police.put(
            f"{url}/plan/justification",
            {"text": "x"},
            content_type="application/json",
            HTTP_IF_MATCH=f'"{case.version}"',
        ).status_code
        == 403
    )
    done = put({"text": "Zorg is geweigerd; de familie werkt niet mee."}, case.version)
    assert done.status_code == 200, done.content
    plan = done.json()
    assert plan["balance"]["repression_only"] is True
    assert plan["balance"]["justification"] == "Zorg is geweigerd; de familie werkt niet mee."
    assert done["ETag"] == f'"{case.version + 1}"'
    assert _audited(Event.PLAN_BALANCE_JUSTIFIED, cast.case_manager, case)
    moved = _post(director, f"{url}/stage", move, HTTP_IF_MATCH=done["ETag"])
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage"] == "ST-4"


# --- Pagination bounds (issue 14, finding 2) -------------------------------------------------


@pytest.mark.parametrize(
    "page", ["0", "-1", "100001", "922337203685477580", "99999999999999999999"]
)
def test_an_absurd_page_number_answers_422_not_500(cast: Cast, page: str) -> None:
    response = _client(cast.case_manager).get(f"/api/v1/cases?page={page}")
    assert response.status_code == 422, response.content[:200]
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["query.page"]


def test_a_page_past_the_end_is_empty(cast: Cast) -> None:
    make_case(cast)
    response = _client(cast.case_manager).get("/api/v1/cases?page=100000")
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert response.json()["count"] == 1


def test_an_unknown_status_answers_422(cast: Cast) -> None:
    response = _client(cast.case_manager).get("/api/v1/cases?status=gesloten")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["query.status"]
