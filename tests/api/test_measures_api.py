"""The JSON API of the measure register: same rules, services and audit as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from samenspel.accounts import services as accounts
from samenspel.accounts.models import User
from samenspel.audit.events import Event, Outcome
from samenspel.audit.models import AuditEvent
from samenspel.cases.models import Case
from samenspel.measures import services
from samenspel.measures.models import BasisItem, CaseMeasure, Designation, MeasureStatus, Review
from samenspel.testing import Cast, force_verified_login, make_case

API = "/api/v1"
PROBLEM = "application/problem+json"


def _client(user: User) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)
    return client


def _keyed(user: User) -> Client:
    """A client that calls with the user's personal API key, as another system would."""
    _token, secret = accounts.create_api_token(user, name="test", by=user)
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")


def _post(client: Client, url: str, body: Any = None, **headers: str) -> Any:
    return client.post(url, body or {}, content_type="application/json", headers=headers)


def _put(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.put(url, body, content_type="application/json", headers=headers)


def _last(event: Event) -> AuditEvent:
    record = AuditEvent.objects.filter(event=event).order_by("-seq").first()
    assert record is not None, f"no audit record {event.name}"
    return record


def _case(cast: Cast) -> Case:
    return make_case(cast, team=(cast.police_officer, cast.prosecutor, cast.care_worker))


def _propose(client: Client, case: Case, measure: str, key: str) -> dict[str, Any]:
    answer = _post(
        client,
        f"{API}/cases/{case.uuid}/measures",
        {"measure": measure, "reason": "Signaal van de politie."},
        **{"Idempotency-Key": key},
    )
    assert answer.status_code == 201, answer.content
    return dict(answer.json())


def _today() -> str:
    return timezone.localdate().isoformat()


def _in(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _decision(**overrides: Any) -> dict[str, Any]:
    return {
        "decision_text": "Het paspoort wordt vervallen verklaard.",
        "decided_on": _today(),
        "starts_on": _today(),
        **overrides,
    }


# --- Proposing ----------------------------------------------------------------------------------


def test_propose_answers_201_and_the_same_key_again_200(cast: Cast) -> None:
    case = _case(cast)
    director = _client(cast.case_manager)
    url = f"{API}/cases/{case.uuid}/measures"
    body = {"measure": "I-17", "reason": "Signaal van voorgenomen uitreis."}
    first = _post(director, url, body, **{"Idempotency-Key": "m-1"})
    again = _post(director, url, body, **{"Idempotency-Key": "m-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["uuid"] == again.json()["uuid"]
    proposed = first.json()
    assert proposed["measure"] == "I-17"
    assert proposed["case"] == str(case.uuid)
    assert proposed["legal_domain"] == "D-NATVEI"
    assert proposed["status"] == "proposed"
    assert proposed["external"] is False
    assert CaseMeasure.objects.filter(case=case).count() == 1
    assert _last(Event.MEASURE_PROPOSED).actor == cast.case_manager


def test_propose_needs_a_key_a_framework_measure_and_a_reason(cast: Cast) -> None:
    case = _case(cast)
    director = _client(cast.case_manager)
    url = f"{API}/cases/{case.uuid}/measures"
    assert _post(director, url, {"measure": "I-17", "reason": "x"}).status_code == 400
    wrong = _post(director, url, {"measure": "I-99", "reason": ""}, **{"Idempotency-Key": "a"})
    assert wrong.status_code == 422
    assert wrong["Content-Type"] == PROBLEM
    assert "Kies een maatregel" in wrong.json()["errors"]["measure"][0]
    assert "Schrijf waarom" in wrong.json()["errors"]["reason"][0]
    assert not CaseMeasure.objects.exists()


def test_another_users_key_never_answers_their_proposal(cast: Cast) -> None:
    case = _case(cast)
    criminal = _propose(_client(cast.prosecutor), case, "I-29", "same-key")
    mayor = _post(
        _client(cast.mayor),
        f"{API}/cases/{case.uuid}/measures",
        {"measure": "I-17", "reason": "Uitreis."},
        **{"Idempotency-Key": "same-key"},
    )
    assert mayor.status_code == 422
    assert criminal["uuid"] not in mayor.content.decode()
    assert CaseMeasure.objects.filter(case=case).count() == 1


def test_an_outsider_gets_404_for_the_register_and_the_measure(cast: Cast) -> None:
    case = _case(cast)
    measure = _propose(_client(cast.case_manager), case, "I-17", "k")
    outsider = _client(cast.outsider)
    assert outsider.get(f"{API}/cases/{case.uuid}/measures").status_code == 404
    assert outsider.get(f"{API}/measures/{measure['uuid']}").status_code == 404
    refused = _post(
        outsider,
        f"{API}/cases/{case.uuid}/measures",
        {"measure": "I-23", "reason": "x"},
        **{"Idempotency-Key": "o"},
    )
    assert refused.status_code == 404
    assert CaseMeasure.objects.count() == 1


# --- Grounds and dossiers -----------------------------------------------------------------------


def test_each_reader_sees_the_grounds_and_dossiers_of_its_own(cast: Cast) -> None:
    case = _case(cast)
    passport = _propose(_client(cast.case_manager), case, "I-17", "p")
    criminal = _propose(_client(cast.prosecutor), case, "I-29", "c")
    mayor, police = _client(cast.mayor), _keyed(cast.police_officer)

    grounds = mayor.get(f"{API}/cases/{case.uuid}/measures").json()
    assert [(g["legal_domain"], [m["measure"] for m in g["measures"]]) for g in grounds] == [
        ("D-NATVEI", ["I-17"])
    ]
    listed = _last(Event.MEASURE_LIST_VIEWED)
    assert listed.actor == cast.mayor
    assert listed.details["shown"] == [passport["uuid"]]
    assert listed.details["api"] is True
    # The mayor does not learn that a criminal measure exists.
    assert mayor.get(f"{API}/measures/{criminal['uuid']}").status_code == 404

    # The police carry out the passport measure but do not read its dossier.
    seen = police.get(f"{API}/measures/{passport['uuid']}")
    assert seen.status_code == 200
    assert seen.json()["dossier"] is None
    assert "ETag" not in seen
    viewed = _last(Event.MEASURE_VIEWED)
    assert (viewed.actor, viewed.details["dossier"]) == (cast.police_officer, False)
    police_grounds = police.get(f"{API}/cases/{case.uuid}/measures").json()
    assert {g["legal_domain"] for g in police_grounds} == {"D-NATVEI", "D-STRAF"}
    own = police.get(f"{API}/measures/{criminal['uuid']}").json()
    assert own["dossier"] is not None


def test_the_aivd_summary_comes_only_from_the_mayor_or_a_designated_official(cast: Cast) -> None:
    case = _case(cast)
    measure = _propose(_client(cast.case_manager), case, "I-17", "k")
    url = f"{API}/measures/{measure['uuid']}/basis"
    summary = {
        "compartment": "aivd",
        "source": "Ambtsbericht AIVD, kenmerk 2026-0042",
        "received_on": _today(),
        "summary": "Betrokkene is voornemens uit te reizen.",
    }
    adviser = _client(cast.adviser)
    refused = _post(adviser, url, summary, **{"Idempotency-Key": "b-1"})
    assert refused.status_code == 403
    assert refused["Content-Type"] == PROBLEM
    assert not BasisItem.objects.exists()

    mayor = _client(cast.mayor)
    designated = _post(
        mayor,
        f"{API}/measures/designations",
        {"user": str(cast.adviser.uuid), "reason": "Bereidt de OOV-besluiten voor."},
    )
    assert designated.status_code == 201, designated.content
    added = _post(adviser, url, summary, **{"Idempotency-Key": "b-2"})
    assert added.status_code == 201, added.content
    assert added.json()["compartment"] == "aivd"
    assert BasisItem.objects.get().added_by == cast.adviser


# --- The mayor's decision -----------------------------------------------------------------------


def test_the_case_director_is_refused_the_mayors_decision_and_the_refusal_is_audited(
    cast: Cast,
) -> None:
    case = _case(cast)
    measure = _propose(_client(cast.case_manager), case, "I-17", "k")
    refused = _post(
        _client(cast.case_manager), f"{API}/measures/{measure['uuid']}/decide", _decision()
    )
    assert refused.status_code == 422
    assert refused["Content-Type"] == PROBLEM
    assert "niet het bevoegd gezag" in refused.json()["errors"]["__all__"][0]
    record = _last(Event.MEASURE_DECISION_REFUSED)
    assert record.actor == cast.case_manager
    assert record.outcome == Outcome.DENIED
    assert record.details["reason"] == "not_competent"
    assert record.details["measure"] == measure["uuid"]
    assert CaseMeasure.objects.get().status == MeasureStatus.PROPOSED


def test_the_mayor_decides_once_the_dossier_is_complete(cast: Cast) -> None:
    case = _case(cast)
    measure = _propose(_client(cast.case_manager), case, "I-17", "k")
    base = f"{API}/measures/{measure['uuid']}"
    mayor = _client(cast.mayor)

    early = _post(mayor, f"{base}/decide", _decision())
    assert early.status_code == 422
    assert "vergewisplicht" in early.json()["errors"]["__all__"][0]
    assert set(_last(Event.MEASURE_DECISION_REFUSED).details["missing"]) >= {
        "basis",
        "verification",
        "necessity",
        "persons_view",
        "consultation",
    }

    read = mayor.get(base)
    assert read.status_code == 200
    assert "measure.decide" in read.json()["may"]
    dossier = read.json()["dossier"]
    assert read["ETag"] == f'"{dossier["version"]}"'
    assert {m["part"] for m in dossier["missing"]} >= {"basis", "necessity", "consultation"}

    assert (
        _post(
            mayor,
            f"{base}/basis",
            {
                "compartment": "aivd",
                "source": "Ambtsbericht AIVD, kenmerk 2026-0042",
                "received_on": _today(),
                "summary": "Betrokkene is voornemens uit te reizen naar een strijdgebied.",
            },
            **{"Idempotency-Key": "basis-1"},
        ).status_code
        == 201
    )
    assert (
        _post(
            mayor,
            f"{base}/verifications",
            {
                "asked": "AIVD, via de NCTV",
                "asked_on": _today(),
                "result": "confirmed",
                "answer": "De informatie is van deze maand en komt uit meer dan een bron.",
            },
            **{"Idempotency-Key": "verification-1"},
        ).status_code
        == 201
    )
    saved = _put(
        mayor,
        f"{base}/reasons",
        {
            "necessity": "Zonder maatregel reist betrokkene uit.",
            "proportionality": "Het paspoort is het middel om te reizen; de zorg loopt door.",
            "subsidiarity": "Een gesprek heeft niet geholpen.",
            "persons_view": "not_asked",
            "persons_view_text": "Vragen zou de uitreis kunnen versnellen (spoed).",
        },
        **{"If-Match": read["ETag"]},
    )
    assert saved.status_code == 200, saved.content
    assert saved["ETag"] == f'"{dossier["version"] + 1}"'
    consulted = _post(
        mayor,
        f"{base}/consultations",
        {
            "consulted": "Wethouder zorg en het wijkteam",
            "held_on": _today(),
            "outcome": "Geen bezwaar; het wijkteam blijft contact houden.",
        },
        **{"Idempotency-Key": "consultation-1"},
    )
    assert consulted.status_code == 201, consulted.content
    assert mayor.get(base).json()["dossier"]["missing"] == []

    decided = _post(mayor, f"{base}/decide", _decision())
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "in_force"
    assert decided.json()["decided_by"]["uuid"] == str(cast.mayor.uuid)
    assert decided.json()["decided_on"] == _today()
    assert _last(Event.MEASURE_DECIDED).details["measure"] == measure["uuid"]
    # A second decision on a decided measure changes nothing.
    again = _post(mayor, f"{base}/decide", _decision())
    assert again.status_code == 422
    assert CaseMeasure.objects.get().decided_on == timezone.localdate()


def test_the_reasons_need_the_current_version_in_if_match(cast: Cast) -> None:
    case = _case(cast)
    measure = _propose(_client(cast.case_manager), case, "I-17", "k")
    url = f"{API}/measures/{measure['uuid']}/reasons"
    mayor = _client(cast.mayor)
    body = {"necessity": "Zonder maatregel reist betrokkene uit."}
    missing = _put(mayor, url, body)
    assert missing.status_code == 428
    assert missing["Content-Type"] == PROBLEM
    first = _put(mayor, url, body, **{"If-Match": '"1"'})
    assert first.status_code == 200
    assert first.json()["necessity"] == body["necessity"]
    stale = _put(mayor, url, {"necessity": "Een oude versie."}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    conflict = _last(Event.CASE_EDIT_CONFLICT)
    assert (conflict.object_type, conflict.object_id) == ("measures.dossier", measure["uuid"])
    assert (
        mayor.get(f"{API}/measures/{measure['uuid']}").json()["dossier"]["necessity"]
        == (body["necessity"])
    )


def test_withdraw_names_the_reason_field_and_answers_409_when_too_late(cast: Cast) -> None:
    case = _case(cast)
    measure = _propose(_client(cast.case_manager), case, "I-23", "k")
    director = _client(cast.case_manager)
    url = f"{API}/measures/{measure['uuid']}/withdraw"
    empty = _post(director, url, {"reason": " "})
    assert empty.status_code == 422
    assert "reason" in empty.json()["errors"]
    done = _post(director, url, {"reason": "Niet meer nodig."})
    assert done.status_code == 200
    assert done.json()["status"] == "withdrawn"
    assert done.json()["closing_note"] == "Niet meer nodig."
    assert _post(director, url, {"reason": "Nog eens."}).status_code == 403


# --- External decisions and the terms calendar --------------------------------------------------


def test_the_ministers_decision_is_recorded_only_after_the_mayor_was_consulted(
    cast: Cast,
) -> None:
    case = _case(cast)
    measure = _propose(_client(cast.case_manager), case, "I-19", "k")
    assert measure["external"] is True
    base = f"{API}/measures/{measure['uuid']}"
    mayor = _client(cast.mayor)
    record = {
        "reference": "DGVZ-2026-123",
        "decision_text": "Meldplicht twee keer per week.",
        "decided_on": _today(),
        "starts_on": _today(),
        "ends_on": _in(20),
    }
    early = _post(mayor, f"{base}/external-decision", record)
    assert early.status_code == 422
    assert "raadpleegt eerst de burgemeester" in early.json()["errors"]["__all__"][0]
    assert _last(Event.MEASURE_DECISION_REFUSED).details["reason"] == "mayor_not_consulted"

    bad = _post(
        mayor,
        f"{base}/mayor-consultations",
        {"received_on": _in(3), "answer_due": None},
        **{"Idempotency-Key": "mc-bad"},
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"received_on", "answer_due"}
    received = _post(
        mayor,
        f"{base}/mayor-consultations",
        {"received_on": _today(), "answer_due": _in(7)},
        **{"Idempotency-Key": "mc-1"},
    )
    assert received.status_code == 201, received.content
    consultation = received.json()
    assert consultation["kind"] == "mayor"
    answer_url = f"{base}/consultations/{consultation['uuid']}/answer"
    assert _post(_client(cast.police_officer), answer_url, {"answer": "x"}).status_code == 404
    answered = _post(mayor, answer_url, {"answer": "Geen bezwaar."})
    assert answered.status_code == 200, answered.content
    assert answered.json()["answered_by"]["uuid"] == str(cast.mayor.uuid)
    assert _post(mayor, answer_url, {"answer": "Nog eens."}).status_code == 422

    too_long = _post(mayor, f"{base}/external-decision", {**record, "ends_on": _in(200)})
    assert too_long.status_code == 422
    assert "langer dan mag" in too_long.json()["errors"]["ends_on"][0]
    no_reference = _post(mayor, f"{base}/external-decision", {**record, "reference": ""})
    assert "reference" in no_reference.json()["errors"]
    done = _post(mayor, f"{base}/external-decision", record)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "in_force"
    assert done.json()["external_authority"] == "Minister van JenV"
    assert done.json()["external_reference"] == "DGVZ-2026-123"
    assert done.json()["ends_on"] == _in(20)


def test_the_terms_calendar_lists_what_ends_within_the_days_asked(cast: Cast) -> None:
    case = _case(cast)
    measure = _propose(_client(cast.case_manager), case, "I-19", "k")
    base = f"{API}/measures/{measure['uuid']}"
    mayor = _client(cast.mayor)
    consultation = _post(
        mayor,
        f"{base}/mayor-consultations",
        {"received_on": _today(), "answer_due": _in(7)},
        **{"Idempotency-Key": "mc-1"},
    ).json()
    _post(mayor, f"{base}/consultations/{consultation['uuid']}/answer", {"answer": "Akkoord."})
    done = _post(
        mayor,
        f"{base}/external-decision",
        {
            "reference": "DGVZ-2026-7",
            "decision_text": "Meldplicht.",
            "decided_on": _today(),
            "starts_on": _today(),
            "ends_on": _in(20),
        },
    )
    assert done.status_code == 200, done.content

    listed = mayor.get(f"{API}/measures/terms")
    assert listed.status_code == 200
    assert [m["uuid"] for m in listed.json()] == [measure["uuid"]]
    calendar = _last(Event.MEASURE_LIST_VIEWED)
    assert (calendar.details["calendar_days"], calendar.details["api"]) == (30, True)
    assert mayor.get(f"{API}/measures/terms?days=10").json() == []
    assert _client(cast.outsider).get(f"{API}/measures/terms").json() == []
    for days in ("0", "367", "x"):
        assert mayor.get(f"{API}/measures/terms?days={days}").status_code == 422

    ended = _post(mayor, f"{base}/end", {"evaluation": ""})
    assert ended.status_code == 422
    assert "evaluation" in ended.json()["errors"]
    extension = _post(mayor, f"{base}/extend", {"reason": "De dreiging blijft."})
    assert extension.status_code == 201, extension.content
    assert extension.json()["extends"] == measure["uuid"]
    assert extension.json()["status"] == "proposed"
    assert mayor.get(base).json()["extensions"] == [extension.json()["uuid"]]


# --- Objection and appeal, moves, double submits ---------------------------------------------


def _decided_talk(cast: Cast, *, days_ago: int) -> CaseMeasure:
    """A talk with the mayor (I-07, public order; the police carry it out), decided
    `days_ago` days ago on a complete dossier, through the services."""
    case = _case(cast)
    measure = services.propose_measure(case, measure="I-07", reason="Gesprek.", by=cast.mayor)
    today = timezone.localdate()
    services.add_basis_item(
        measure,
        compartment="municipal",
        source="Meldpunt",
        received_on=today,
        summary="Zorgen van de school.",
        by=cast.mayor,
    )
    services.save_reasons(
        measure,
        necessity="Nodig.",
        proportionality="In verhouding.",
        subsidiarity="Geen lichter middel.",
        persons_view="given",
        persons_view_text="Wil praten.",
        expected_version=1,
        by=cast.mayor,
    )
    services.add_consultation(
        measure, consulted="Wijkteam", held_on=today, outcome="Samen doen.", by=cast.mayor
    )
    decided_on = today - dt.timedelta(days=days_ago)
    return services.decide_measure(
        measure,
        decision_text="Stopgesprek.",
        decided_on=decided_on,
        starts_on=decided_on,
        ends_on=None,
        by=cast.mayor,
    )


def test_a_late_objection_needs_its_reason_and_an_upheld_one_annuls(cast: Cast) -> None:
    measure = _decided_talk(cast, days_ago=60)
    assert measure.decided_on is not None
    base = f"{API}/measures/{measure.uuid}"
    mayor, police = _client(cast.mayor), _keyed(cast.police_officer)
    objection = {
        "kind": "objection",
        "notified_on": measure.decided_on.isoformat(),
        "filed_on": _today(),
        "grounds": "Er was geen ordeverstoring.",
    }
    assert _post(mayor, f"{base}/reviews", objection).status_code == 400  # no Idempotency-Key
    late = _post(mayor, f"{base}/reviews", objection, **{"Idempotency-Key": "r-1"})
    assert late.status_code == 422
    assert late["Content-Type"] == PROBLEM
    last = (measure.decided_on + dt.timedelta(days=42)).strftime("%d-%m-%Y")
    assert f"De termijn liep tot en met {last}." in late.json()["errors"]["late_reason"][0]
    assert not Review.objects.exists()
    assert _last(Event.MEASURE_REVIEW_REFUSED).details["reason"] == "late"

    body = {**objection, "late_reason": "De brief kwam pas later aan."}
    filed = _post(mayor, f"{base}/reviews", body, **{"Idempotency-Key": "r-2"})
    assert filed.status_code == 201, filed.content
    review = filed.json()
    assert (review["kind"], review["late"], review["outcome"]) == ("objection", True, "pending")
    assert review["deadline"] == (measure.decided_on + dt.timedelta(days=42)).isoformat()
    again = _post(mayor, f"{base}/reviews", body, **{"Idempotency-Key": "r-2"})
    assert (again.status_code, again.json()["uuid"]) == (200, review["uuid"])
    assert Review.objects.count() == 1

    read = mayor.get(base).json()
    assert "measure.review" in read["may"]
    assert [r["uuid"] for r in read["reviews"]] == [review["uuid"]]
    assert _last(Event.MEASURE_VIEWED).details["reviews"] == [review["uuid"]]
    # The police carry the measure out: they see it, not its dossier nor its objections.
    seen = police.get(base).json()
    assert (seen["dossier"], seen["reviews"]) == (None, None)

    decide = f"{base}/reviews/{review['uuid']}/decide"
    outcome = {
        "outcome": "dismissed",
        "outcome_on": _today(),
        "outcome_text": "Ongegrond.",
        "annuls": True,
    }
    wrong = _post(mayor, decide, outcome)
    assert wrong.status_code == 422
    assert "annuls" in wrong.json()["errors"]
    assert _post(police, decide, {**outcome, "outcome": "upheld"}).status_code == 404
    done = _post(mayor, decide, {**outcome, "outcome": "upheld", "outcome_text": "Gegrond."})
    assert done.status_code == 200, done.content
    assert (done.json()["outcome"], done.json()["annuls"]) == ("upheld", True)
    assert done.json()["decided_by"]["uuid"] == str(cast.mayor.uuid)
    assert _last(Event.MEASURE_REVIEW_DECIDED).details["annuls"] is True
    twice = _post(mayor, decide, {**outcome, "outcome": "upheld", "outcome_text": "Nog eens."})
    assert twice.status_code == 409
    assert mayor.get(base).json()["status"] == "annulled"
    assert police.get(base).json()["status"] == "annulled"


def test_an_outsider_gets_404_for_the_objections(cast: Cast) -> None:
    measure = _decided_talk(cast, days_ago=5)
    assert measure.decided_on is not None
    review = services.file_review(
        measure,
        kind="objection",
        notified_on=measure.decided_on,
        filed_on=timezone.localdate(),
        grounds="Onterecht.",
        by=cast.mayor,
    )
    outsider = _client(cast.outsider)
    base = f"{API}/measures/{measure.uuid}"
    body = {"kind": "objection", "filed_on": _today(), "grounds": "x"}
    assert _post(outsider, f"{base}/reviews", body, **{"Idempotency-Key": "o"}).status_code == 404
    decide = f"{base}/reviews/{review.uuid}/decide"
    assert _post(outsider, decide, {"outcome": "upheld"}).status_code == 404
    assert Review.objects.get().pending


def test_dossier_items_with_the_same_key_are_added_once(cast: Cast) -> None:
    case = _case(cast)
    measure = _propose(_client(cast.case_manager), case, "I-23", "k")
    base = f"{API}/measures/{measure['uuid']}"
    mayor = _client(cast.mayor)
    item = {
        "compartment": "police",
        "source": "Mutatie politie, kenmerk 7",
        "received_on": _today(),
        "summary": "Onrust op het plein.",
    }
    assert _post(mayor, f"{base}/basis", item).status_code == 400  # no Idempotency-Key
    first = _post(mayor, f"{base}/basis", item, **{"Idempotency-Key": "b-1"})
    again = _post(mayor, f"{base}/basis", item, **{"Idempotency-Key": "b-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["uuid"] == again.json()["uuid"]
    assert BasisItem.objects.count() == 1
    # Another user's key is never answered with the first user's row.
    services.designate(cast.municipality_a, user=cast.adviser, reason="OOV.", by=cast.mayor)
    other = _post(_client(cast.adviser), f"{base}/basis", item, **{"Idempotency-Key": "b-1"})
    assert other.status_code == 422
    assert first.json()["uuid"] not in other.content.decode()
    check = {"asked": "De wijkagent", "asked_on": _today(), "result": "confirmed", "answer": "Ja."}
    for _ in range(2):
        done = _post(mayor, f"{base}/verifications", check, **{"Idempotency-Key": "v-1"})
        assert done.status_code in (200, 201)
    talk = {"consulted": "Wijkteam", "held_on": _today(), "outcome": "Akkoord."}
    for _ in range(2):
        done = _post(mayor, f"{base}/consultations", talk, **{"Idempotency-Key": "c-1"})
        assert done.status_code in (200, 201)
    dossier = mayor.get(base).json()["dossier"]
    assert (len(dossier["verifications"]), len(dossier["consultations"])) == (1, 1)


def test_the_measure_moves_to_requested_once(cast: Cast) -> None:
    case = _case(cast)
    measure = _propose(_client(cast.case_manager), case, "I-23", "k")
    url = f"{API}/measures/{measure['uuid']}/move"
    mayor = _client(cast.mayor)
    assert _post(mayor, url, {"to": "decided"}).status_code == 422
    moved = _post(mayor, url, {"to": "requested"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "requested"
    assert _last(Event.MEASURE_STAGE_CHANGED).details["status"] == "requested"
    assert _post(mayor, url, {"to": "requested"}).status_code == 409
    assert _post(_keyed(cast.police_officer), url, {"to": "intended"}).status_code == 403
    assert CaseMeasure.objects.get().status == MeasureStatus.REQUESTED


# --- Designations -------------------------------------------------------------------------------


def test_the_mayor_designates_and_ends_a_designation(cast: Cast) -> None:
    mayor, adviser = _client(cast.mayor), _client(cast.adviser)
    url = f"{API}/measures/designations"
    body = {"user": str(cast.adviser.uuid), "reason": "Bereidt de OOV-besluiten voor."}
    assert _post(_client(cast.case_manager), url, body).status_code == 403
    not_ours = _post(mayor, url, {**body, "user": str(cast.police_officer.uuid)})
    assert not_ours.status_code == 422
    assert "Kies een medewerker" in not_ours.json()["errors"]["user"][0]

    made = _post(mayor, url, body)
    assert made.status_code == 201, made.content
    designation = made.json()
    assert designation["user"]["uuid"] == str(cast.adviser.uuid)
    assert designation["ended_at"] is None
    assert _post(mayor, url, body).status_code == 422  # already designated
    assert [d["uuid"] for d in mayor.get(url).json()] == [designation["uuid"]]
    viewed = _last(Event.DESIGNATIONS_VIEWED)
    assert (viewed.actor, viewed.details["shown"]) == (cast.mayor, [designation["uuid"]])
    assert viewed.details["api"] is True
    assert [d["uuid"] for d in adviser.get(url).json()] == [designation["uuid"]]
    assert _client(cast.case_manager).get(url).json() == []

    end_url = f"{url}/{designation['uuid']}/end"
    assert _post(adviser, end_url).status_code == 403
    ended = _post(mayor, end_url)
    assert ended.status_code == 200
    assert ended.json()["ended_by"]["uuid"] == str(cast.mayor.uuid)
    assert Designation.objects.get().ended_at is not None
    assert _last(Event.DESIGNATION_ENDED).actor == cast.mayor
    assert _post(_client(cast.outsider), end_url).status_code == 404


@pytest.mark.parametrize("path", ["/measures/terms", "/measures/designations"])
def test_the_lists_need_a_login(cast: Cast, path: str) -> None:
    assert Client().get(f"{API}{path}").status_code == 401


def test_a_term_that_runs_past_the_calendar_is_no_server_error(cast: Cast) -> None:
    case = _case(cast)
    measure = _propose(_client(cast.case_manager), case, "I-19", "k")
    base = f"{API}/measures/{measure['uuid']}"
    mayor = _client(cast.mayor)
    consultation = _post(
        mayor,
        f"{base}/mayor-consultations",
        {"received_on": _today(), "answer_due": _in(7)},
        **{"Idempotency-Key": "mc-1"},
    ).json()
    _post(mayor, f"{base}/consultations/{consultation['uuid']}/answer", {"answer": "Akkoord."})
    recorded = _post(
        mayor,
        f"{base}/external-decision",
        {
            "reference": "DGVZ-9999",
            "decision_text": "Meldplicht.",
            "decided_on": _today(),
            "starts_on": "9999-10-01",
            "ends_on": "9999-12-31",
        },
    )
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["status"] == "decided"


def test_the_document_declares_the_headers_and_answers_of_the_measure_operations(
    db: None, client: Client
) -> None:
    paths = client.get(f"{API}/openapi.json").json()["paths"]

    def headers(operation: dict[str, Any]) -> set[str]:
        return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}

    propose = paths["/api/v1/cases/{case_uuid}/measures"]["post"]
    assert "Idempotency-Key" in headers(propose)
    assert {"200", "201", "400"} <= set(propose["responses"])
    reasons = paths["/api/v1/measures/{measure_uuid}/reasons"]["put"]
    assert "If-Match" in headers(reasons)
    assert {"412", "428"} <= set(reasons["responses"])
    assert "ETag" in reasons["responses"]["200"]["headers"]
    assert "ETag" in paths["/api/v1/measures/{measure_uuid}"]["get"]["responses"]["200"]["headers"]
    for verb in ("advice", "move", "decide", "external-decision", "withdraw", "end"):
        assert "409" in paths[f"/api/v1/measures/{{measure_uuid}}/{verb}"]["post"]["responses"], (
            verb
        )
    assert "409" not in paths["/api/v1/measures/{measure_uuid}/basis"]["post"]["responses"]
    for create in ("basis", "verifications", "consultations", "mayor-consultations", "reviews"):
        post = paths[f"/api/v1/measures/{{measure_uuid}}/{create}"]["post"]
        assert "Idempotency-Key" in headers(post), create
        assert {"200", "201", "400"} <= set(post["responses"]), create
    decide = paths["/api/v1/measures/{measure_uuid}/reviews/{review_uuid}/decide"]["post"]
    assert {"404", "409", "422"} <= set(decide["responses"])
    assert "422" in paths["/api/v1/measures/terms"]["get"]["responses"]
