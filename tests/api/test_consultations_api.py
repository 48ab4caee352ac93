"""The JSON API of case consultations: series, meetings, agenda, minutes, decisions, actions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from samenspel.accounts.models import User
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.consultations.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Decision,
    Meeting,
    MinutesStatus,
    Series,
)
from samenspel.testing import (
    Cast,
    Consultation,
    force_verified_login,
    make_case,
    make_consultation,
)

API = "/api/v1/consultations"
PROBLEM = "application/problem+json"


def _client(user: User) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)
    return client


def _post(client: Client, url: str, body: Any = None, **headers: str) -> Any:
    return client.post(url, body or {}, content_type="application/json", **headers)


def _audited(event: Event, actor: User, obj: Any) -> bool:
    return AuditEvent.objects.filter(event=event, actor=actor, object_id=str(obj.uuid)).exists()


def _held(consultation: Consultation, director: Client) -> dict[str, Any]:
    """Move the meeting into the past (the services plan only ahead) and mark it held."""
    meeting = consultation.meeting
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2))
    answer = _post(director, f"{API}/meetings/{meeting.uuid}/held")
    assert answer.status_code == 201, answer.content
    return dict(answer.json())


def test_director_sets_up_a_series_and_plans_a_meeting_with_an_agenda(cast: Cast) -> None:
    director = _client(cast.case_manager)
    created = _post(
        director,
        f"{API}/series",
        {"name": "Casusoverleg Noord", "chair": str(cast.case_manager.uuid)},
    )
    assert created.status_code == 201, created.content
    series = created.json()
    assert series["owner"]["uuid"] == str(cast.municipality_a.uuid)
    assert [p["organisation"]["uuid"] for p in series["partners"]] == [
        str(cast.municipality_a.uuid)
    ]
    partner = _post(
        director,
        f"{API}/series/{series['uuid']}/partners",
        {"organisation": str(cast.police.uuid), "kind": "core", "legal_ground": "Art. 18 Wpg."},
    )
    assert partner.status_code == 201, partner.content
    assert partner.json()["legal_ground"] == "Art. 18 Wpg."
    read = director.get(f"{API}/series/{series['uuid']}")
    assert read.status_code == 200
    assert {p["kind"] for p in read.json()["partners"]} == {"core"}
    assert AuditEvent.objects.filter(event=Event.SERIES_VIEWED, actor=cast.case_manager).exists()
    starts = (timezone.now() + dt.timedelta(days=5)).isoformat()
    planned = _post(
        director,
        f"{API}/series/{series['uuid']}/meetings",
        {"starts_at": starts, "place": "Stadhuis"},
    )
    assert planned.status_code == 201, planned.content
    meeting = planned.json()
    listed = director.get(f"{API}/series/{series['uuid']}/meetings").json()
    assert [m["uuid"] for m in listed] == [meeting["uuid"]]
    case = make_case(cast, family_name="Jansen")
    added = _post(
        director, f"{API}/meetings/{meeting['uuid']}/agenda/items", {"case": str(case.uuid)}
    )
    assert added.status_code == 201, added.content
    assert added.json()["case"] == {
        "uuid": str(case.uuid),
        "reference": case.reference,
        "person": case.person.full_name,
    }
    again = _post(
        director, f"{API}/meetings/{meeting['uuid']}/agenda/items", {"case": str(case.uuid)}
    )
    assert again.status_code == 200 and again.json()["uuid"] == added.json()["uuid"]
    assert AgendaItem.objects.filter(meeting__uuid=meeting["uuid"]).count() == 1
    confirmed = _post(director, f"{API}/meetings/{meeting['uuid']}/agenda/confirm")
    assert confirmed.status_code == 200
    assert confirmed.json()["agenda_confirmed_at"] is not None
    detail = director.get(f"{API}/meetings/{meeting['uuid']}").json()
    assert [(row["number"], row["status"], row["not_for_you"]) for row in detail["agenda"]] == [
        (1, "confirmed", False)
    ]


def test_second_series_with_the_same_name_answers_422_on_the_name(cast: Cast) -> None:
    director = _client(cast.case_manager)
    body = {"name": "Casusoverleg Zuid", "chair": str(cast.case_manager.uuid)}
    assert _post(director, f"{API}/series", body).status_code == 201
    again = _post(director, f"{API}/series", body)
    assert again.status_code == 422
    assert again["Content-Type"] == PROBLEM
    assert again.json()["errors"]["name"] == [
        "Uw organisatie heeft al een casusoverleg met deze naam."
    ]
    assert Series.objects.filter(name="Casusoverleg Zuid").count() == 1


def test_police_sees_only_its_item_and_not_for_you_for_the_other(cast: Cast) -> None:
    consultation = make_consultation(cast)
    director = _client(cast.case_manager)
    invited = _post(
        director,
        f"{API}/items/{consultation.hidden.uuid}/invitations",
        {"organisation": str(cast.police.uuid), "reason": "Politie-informatie nodig."},
    )
    assert invited.status_code == 201, invited.content
    police = _client(cast.police_officer)
    agenda = police.get(f"{API}/meetings/{consultation.meeting.uuid}").json()["agenda"]
    assert agenda[0] == {
        "number": 1,
        "uuid": str(consultation.item.uuid),
        "not_for_you": True,
    }
    assert agenda[1]["not_for_you"] is False
    assert agenda[1]["case"]["person"] == consultation.hidden.case.person.full_name
    record = AuditEvent.objects.filter(event=Event.MEETING_VIEWED, actor=cast.police_officer).get()
    assert record.details == {"cases": [str(consultation.hidden.case.uuid)], "hidden": 1}
    assert police.get(f"{API}/items/{consultation.item.uuid}").status_code == 404
    own = police.get(f"{API}/items/{consultation.hidden.uuid}")
    assert own.status_code == 200
    assert {p["uuid"] for p in own.json()["participants"]} >= {str(cast.police.uuid)}
    assert _audited(Event.AGENDA_ITEM_VIEWED, cast.police_officer, consultation.hidden)


def test_item_view_shows_the_plan_as_shared_and_leaves_out_care_without_consent(
    cast: Cast,
) -> None:
    from samenspel.cases import services as case_services

    consultation = make_consultation(cast)
    case = consultation.item.case
    case_services.add_intervention(
        case,
        measure="I-08",
        domain="care",
        owner=cast.care,
        consent="not_asked",
        by=cast.case_manager,
    )
    case_services.add_intervention(
        case, measure="I-07", domain="repression", owner=cast.municipality_a, by=cast.case_manager
    )
    seen = _client(cast.prosecutor).get(f"{API}/items/{consultation.item.uuid}").json()
    assert [row["measure"] for row in seen["plan"]] == ["I-07"]
    assert set(seen["plan"][0]) == {"measure", "name", "domain", "owner", "status"}
    assert seen["plan"][0]["owner"] == cast.municipality_a.name
    assert seen["hidden_plan"] == 1


def test_outsider_gets_404_on_series_meeting_item_and_action(cast: Cast) -> None:
    consultation = make_consultation(cast)
    outsider = _client(cast.outsider)
    for url in (
        f"{API}/series/{consultation.series.uuid}",
        f"{API}/series/{consultation.series.uuid}/meetings",
        f"{API}/meetings/{consultation.meeting.uuid}",
        f"{API}/items/{consultation.item.uuid}",
    ):
        answer = outsider.get(url)
        assert answer.status_code == 404, url
        assert answer["Content-Type"] == PROBLEM, url
    for url, body in (
        (f"{API}/series/{consultation.series.uuid}/partners", {"kind": "core"}),
        (f"{API}/meetings/{consultation.meeting.uuid}/agenda/confirm", {}),
        (f"{API}/meetings/{consultation.meeting.uuid}/held", {}),
        (f"{API}/items/{consultation.item.uuid}/invitations", {}),
        (f"{API}/actions/{consultation.action.uuid}/close", {}),
        (f"{API}/meetings/{consultation.meeting.uuid}/minutes/approve", {}),
    ):
        assert _post(outsider, url, body).status_code == 404, url
    assert outsider.get(f"{API}/series").json() == []
    assert outsider.get(f"{API}/actions?scope=organisation").json() == []
    consultation.action.refresh_from_db()
    assert consultation.action.status == ActionStatus.OPEN


def test_partner_sees_the_series_but_may_not_run_it(cast: Cast) -> None:
    consultation = make_consultation(cast)
    prosecutor = _client(cast.prosecutor)
    assert [s["uuid"] for s in prosecutor.get(f"{API}/series").json()] == [
        str(consultation.series.uuid)
    ]
    refused = _post(prosecutor, f"{API}/meetings/{consultation.meeting.uuid}/agenda/confirm")
    assert refused.status_code == 403
    consultation.meeting.refresh_from_db()
    assert consultation.meeting.agenda_confirmed_at is None
    # Nor may a partner set up a series of its own: 403, a documented answer of a write.
    own = _post(prosecutor, f"{API}/series", {"name": "Eigen overleg", "chair": None})
    assert own.status_code == 403, own.content
    assert Series.objects.count() == 1


def test_decision_of_the_casusoverleg_on_i07_is_refused_but_an_advice_is_accepted(
    cast: Cast,
) -> None:
    consultation = make_consultation(cast)
    director = _client(cast.case_manager)
    _held(consultation, director)
    url = f"{API}/items/{consultation.item.uuid}/decisions"
    refused = _post(
        director,
        url,
        {"kind": "decision", "measure": "I-07", "text": "Gesprek voeren."},
        HTTP_IDEMPOTENCY_KEY="d1",
    )
    assert refused.status_code == 422
    assert refused["Content-Type"] == PROBLEM
    assert "bevoegd gezag" in refused.json()["errors"]["decided_by"][0]
    assert _audited(Event.DECISION_REFUSED, cast.case_manager, consultation.item)
    unknown = _post(
        director,
        url,
        {"kind": "decision", "measure": "I-07", "text": "x", "decided_by": str(uuid.uuid4())},
        HTTP_IDEMPOTENCY_KEY="d2",
    )
    assert unknown.status_code == 422 and "decided_by" in unknown.json()["errors"]
    assert not Decision.objects.exists()
    body = {"kind": "advice", "measure": "I-07", "text": "Gesprek."}
    assert _post(director, url, body).status_code == 400  # no Idempotency-Key
    advice = _post(director, url, body, HTTP_IDEMPOTENCY_KEY="d3")
    assert advice.status_code == 201, advice.content
    again = _post(director, url, body, HTTP_IDEMPOTENCY_KEY="d3")
    assert again.status_code == 200 and again.json()["uuid"] == advice.json()["uuid"]
    assert advice.json()["decided_by"] is None and advice.json()["kind"] == "advice"
    decided = _post(
        director,
        url,
        {
            "kind": "decision",
            "measure": "I-07",
            "text": "De burgemeester voert het gesprek.",
            "decided_by": str(cast.municipality_a.uuid),
        },
        HTTP_IDEMPOTENCY_KEY="d4",
    )
    assert decided.status_code == 201, decided.content
    assert decided.json()["decided_by"]["uuid"] == str(cast.municipality_a.uuid)
    detail = director.get(f"{API}/meetings/{consultation.meeting.uuid}").json()
    row = next(r for r in detail["agenda"] if r["uuid"] == str(consultation.item.uuid))
    assert [d["kind"] for d in row["decisions"]] == ["advice", "decision"]
    # The item's case has one open action in this series (made with the consultation), none late.
    assert (row["open_actions"], row["overdue_actions"]) == (1, 0)


def test_action_with_the_same_idempotency_key_twice_creates_one(cast: Cast) -> None:
    consultation = make_consultation(cast)
    director = _client(cast.case_manager)
    url = f"{API}/items/{consultation.item.uuid}/actions"
    body = {
        "description": "Officier levert het proces-verbaal aan.",
        "owner": str(cast.prosecutor.uuid),
        "deadline": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    }
    assert _post(director, url, body).status_code == 400  # no Idempotency-Key
    first = _post(director, url, body, HTTP_IDEMPOTENCY_KEY="actie-1")
    assert first.status_code == 201, first.content
    assert first.json()["owner"]["uuid"] == str(cast.prosecutor.uuid)
    again = _post(director, url, body, HTTP_IDEMPOTENCY_KEY="actie-1")
    assert again.status_code == 200 and again.json()["uuid"] == first.json()["uuid"]
    assert ActionItem.objects.filter(submission_key="actie-1").count() == 1
    assert AuditEvent.objects.filter(event=Event.ACTION_CREATED).count() == 2  # with the builder's
    stranger = _post(
        director, url, {**body, "owner": str(cast.outsider.uuid)}, HTTP_IDEMPOTENCY_KEY="actie-2"
    )
    assert stranger.status_code == 422 and "owner" in stranger.json()["errors"]


def test_closing_an_action_twice_answers_409(cast: Cast) -> None:
    consultation = make_consultation(cast)
    prosecutor = _client(cast.prosecutor)
    mine = prosecutor.get(f"{API}/actions?scope=mine").json()
    assert [a["uuid"] for a in mine] == [str(consultation.action.uuid)]
    assert AuditEvent.objects.filter(event=Event.ACTION_LIST_VIEWED, actor=cast.prosecutor).exists()
    assert prosecutor.get(f"{API}/actions?overdue=true").json() == []
    url = f"{API}/actions/{consultation.action.uuid}/close"
    closed = _post(prosecutor, url, {"done": True})
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "done"
    again = _post(_client(cast.case_manager), url, {"done": True})
    assert again.status_code == 409
    assert again.json()["current_status"] == "done"
    assert AuditEvent.objects.filter(event=Event.ACTION_CLOSED).count() == 1


def test_marking_a_meeting_held_twice_answers_409(cast: Cast) -> None:
    consultation = make_consultation(cast)
    director = _client(cast.case_manager)
    minutes = _held(consultation, director)
    assert minutes["number"] == 1 and minutes["status"] == "draft"
    again = _post(director, f"{API}/meetings/{consultation.meeting.uuid}/held")
    assert again.status_code == 409
    assert again.json()["current_status"] == "held"


def test_minutes_are_approved_by_the_chair_only_and_once(cast: Cast) -> None:
    consultation = make_consultation(cast)
    director = _client(cast.case_manager)
    _held(consultation, director)
    url = f"{API}/items/{consultation.item.uuid}/note"
    body = {"attendance": [str(cast.om.uuid)], "summary": "Besproken."}
    missing = director.put(url, body, content_type="application/json")
    assert missing.status_code == 428
    note = director.put(url, body, content_type="application/json", HTTP_IF_MATCH='"0"')
    assert note.status_code == 200, note.content
    assert note.json()["attendance"] == [str(cast.om.uuid)]
    assert note.json()["version"] == 1
    # A second writer who still saw no note gets 412 and overwrites nothing.
    stale = director.put(
        url,
        {"attendance": [], "summary": "Anders."},
        content_type="application/json",
        HTTP_IF_MATCH='"0"',
    )
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 1
    newer = director.put(url, body, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert newer.status_code == 200 and newer.json()["version"] == 2
    meeting = f"{API}/meetings/{consultation.meeting.uuid}"
    early = _post(director, f"{meeting}/minutes/approve")
    assert early.status_code == 422  # not yet for comment
    today = timezone.localdate().isoformat()
    sent = _post(_client(cast.adviser), f"{meeting}/minutes/comment", {"until": today})
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == MinutesStatus.COMMENTS
    by_secretary = _post(_client(cast.adviser), f"{meeting}/minutes/approve")
    assert by_secretary.status_code in (403, 404)
    by_partner = _post(_client(cast.prosecutor), f"{meeting}/minutes/approve")
    assert by_partner.status_code in (403, 404)
    approved = _post(director, f"{meeting}/minutes/approve")
    assert approved.status_code == 200, approved.content
    assert approved.json()["approved_by"]["uuid"] == str(cast.case_manager.uuid)
    again = _post(director, f"{meeting}/minutes/approve")
    assert again.status_code == 409
    assert AuditEvent.objects.filter(event=Event.MINUTES_APPROVED).count() == 1
    empty = _post(director, f"{meeting}/minutes/correction", {"reason": " "})
    assert empty.status_code == 422 and "reason" in empty.json()["errors"]
    corrected = _post(
        director, f"{meeting}/minutes/correction", {"reason": "Aanwezigheid klopte niet."}
    )
    assert corrected.status_code == 201, corrected.content
    assert corrected.json()["number"] == 2
    versions = director.get(meeting).json()["minutes"]
    assert [(m["number"], m["status"]) for m in versions] == [(2, "draft"), (1, "approved")]


def test_agenda_items_are_moved_and_removed_by_the_chair(cast: Cast) -> None:
    consultation = make_consultation(cast)
    director = _client(cast.case_manager)
    meeting = f"{API}/meetings/{consultation.meeting.uuid}"
    moved = _post(
        director, f"{meeting}/agenda/items/{consultation.hidden.uuid}/move", {"direction": "up"}
    )
    assert moved.status_code == 204
    order = [row["uuid"] for row in director.get(meeting).json()["agenda"]]
    assert order == [str(consultation.hidden.uuid), str(consultation.item.uuid)]
    removed = director.delete(f"{meeting}/agenda/items/{consultation.hidden.uuid}")
    assert removed.status_code == 204
    prosecutor_view = _client(cast.prosecutor).get(meeting).json()["agenda"]
    assert [row["uuid"] for row in prosecutor_view] == [str(consultation.item.uuid)]
    proposed = _post(director, f"{meeting}/agenda/propose")
    assert proposed.status_code == 200 and proposed.json() == {"proposed": []}


def test_bad_input_answers_a_problem_never_a_500(cast: Cast) -> None:
    consultation = make_consultation(cast)
    director = _client(cast.case_manager)
    unknown = uuid.uuid4()
    for url in (
        f"{API}/series/{unknown}",
        f"{API}/meetings/{unknown}",
        f"{API}/items/{unknown}",
    ):
        answer = director.get(url)
        assert answer.status_code == 404, url
        assert answer["Content-Type"] == PROBLEM, url
    malformed = director.get(f"{API}/series/not-a-uuid")
    assert malformed.status_code == 422
    assert malformed.json()["errors"] == {"path.series_uuid": ["Dit is geen geldige uuid."]}
    assert _post(director, f"{API}/actions/{unknown}/close").status_code == 404
    series = f"{API}/series/{consultation.series.uuid}"
    meeting = f"{API}/meetings/{consultation.meeting.uuid}"
    item = f"{API}/items/{consultation.item.uuid}"
    for url, body in (
        (f"{series}/meetings", {"starts_at": "morgen", "place": "Stadhuis"}),
        (f"{series}/meetings", {"starts_at": "9999-12-31T23:59:00-12:00", "place": "x"}),
        (f"{series}/meetings", {"starts_at": "2000-01-01T10:00:00", "place": "x"}),
        (f"{series}/partners", {"organisation": "x", "kind": "core"}),
        (f"{series}/partners", {"organisation": str(unknown), "kind": "core"}),
        (f"{series}/partners", {"kind": "friend"}),
        (f"{meeting}/agenda/items", {"case": 12}),
        (f"{meeting}/agenda/items", {"case": str(unknown)}),
        (f"{meeting}/minutes/comment", {"until": "2026-13-45"}),
        (f"{meeting}/minutes/comment", {"until": today_iso()}),  # no minutes yet
        (f"{item}/decisions", {"kind": "vonnis", "text": "x"}),
        (f"{item}/invitations", {"organisation": str(unknown), "reason": "x"}),
        (f"{API}/series", {"name": ["lijst"], "chair": "x"}),
        (f"{API}/series", {"name": "Nieuw", "unknown": 1}),
    ):
        answer = _post(director, url, body, HTTP_IDEMPOTENCY_KEY="k")
        assert answer.status_code == 422, (url, body, answer.content)
        assert answer["Content-Type"] == PROBLEM, (url, body)
        assert answer.json()["errors"], (url, body)
    wrong_type = director.put(
        f"{item}/note", {"attendance": "GGZ", "summary": 3}, content_type="application/json"
    )
    assert wrong_type.status_code == 422
    assert set(wrong_type.json()["errors"]) == {"attendance", "summary"}
    assert director.get(f"{API}/actions?scope=everybody").status_code == 422
    assert director.get(f"{API}/actions?overdue=perhaps").status_code == 422


def today_iso() -> str:
    return timezone.localdate().isoformat()


def test_the_openapi_document_declares_consultation_conflicts_and_keys(
    db: None, client: Client
) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/consultations/meetings/{meeting_uuid}/held",
        "/api/v1/consultations/meetings/{meeting_uuid}/minutes/approve",
        "/api/v1/consultations/actions/{action_uuid}/close",
    ):
        assert "409" in paths[path]["post"]["responses"], path
    add = paths["/api/v1/consultations/items/{item_uuid}/actions"]["post"]
    headers = {p["name"]: p for p in add["parameters"] if p["in"] == "header"}
    assert headers["Idempotency-Key"]["required"] is True
    agenda = paths["/api/v1/consultations/meetings/{meeting_uuid}"]["get"]
    assert {"200", "404"} <= set(agenda["responses"])


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_calls_answer_401(db: None, client: Client, method: str) -> None:
    answer = getattr(client, method)(f"{API}/series")
    assert answer.status_code == 401
    assert answer["Content-Type"] == PROBLEM


def test_every_api_schema_has_a_name_of_its_own() -> None:
    """The OpenAPI document names its schemas by class: two alike would overwrite each other."""
    import importlib
    import inspect
    import pkgutil

    from pydantic import BaseModel

    import samenspel.api

    owners: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(samenspel.api.__path__):
        module = importlib.import_module(f"samenspel.api.{info.name}")
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseModel)
                and obj.__module__ == module.__name__
            ):
                owners.setdefault(name, []).append(module.__name__)
    assert "ItemDecisionIn" in owners
    assert {name: where for name, where in owners.items() if len(where) > 1} == {}


def test_meeting_and_action_list_take_as_many_queries_for_two_items_as_for_four(
    cast: Cast,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samenspel.consultations import services

    consultation = make_consultation(cast)
    director = _client(cast.case_manager)
    urls = (f"{API}/meetings/{consultation.meeting.uuid}", f"{API}/actions?scope=organisation")

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert director.get(url).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    for name in ("Derde", "Vierde"):
        item = services.add_item(
            consultation.meeting, case=make_case(cast, family_name=name), by=cast.case_manager
        )
        services.invite(item, organisation=cast.om, reason="Nodig.", by=cast.case_manager)
        services.add_action(
            item,
            description="Bellen.",
            owner=cast.case_manager,
            deadline=timezone.localdate() + dt.timedelta(days=3),
            by=cast.case_manager,
        )
    assert len(director.get(urls[0]).json()["agenda"]) == 4
    assert counts() == before
