"""One person, one open case: a signal about a person with an open case joins that case; a
second case runs beside it only by an explicit choice with a reason (page, API, service)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.cases import services as case_services
from samenspel.cases.models import Case
from samenspel.intake import services
from samenspel.intake.models import SignalStatus
from samenspel.testing import Cast, force_verified_login, make_case, make_signal

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)
    return client


def _include(**overrides: Any) -> services.TriageDecision:
    values: dict[str, Any] = {
        "outcome": "include",
        "reason": "Nieuwe zorgen.",
        "criteria": "Criteria weegploeg 2026",
    }
    values.update(overrides)
    return services.TriageDecision(**values)


def test_a_signal_about_a_person_with_an_open_case_joins_that_case(cast: Cast) -> None:
    case = make_case(cast)
    signal = make_signal(cast.police_officer, cast.municipality_a)
    done = services.triage(
        signal, _include(person=case.person), expected_version=signal.version, by=cast.adviser
    )
    assert done.status == SignalStatus.CLOSED
    assert done.case_id == case.pk
    assert Case.objects.filter(person=case.person).count() == 1
    record = AuditEvent.objects.filter(event=Event.SIGNAL_TRIAGED).latest("seq")
    assert record.details["case"] == str(case.uuid)
    assert record.details["joined_open_case"] is True


def test_a_second_open_case_needs_a_reason_and_points_at_the_first(cast: Cast) -> None:
    first = make_case(cast)
    with pytest.raises(ValidationError) as caught:
        case_services.open_case(
            person=first.person,
            case_director=cast.case_manager,
            phase="PH-1",
            reason="Tweede.",
            by=cast.case_manager,
        )
    assert "second_case_reason" in caught.value.error_dict
    assert first.reference in caught.value.message_dict["second_case_reason"][0]
    signal = make_signal(cast.police_officer, cast.municipality_a)
    done = services.triage(
        signal,
        _include(
            person=first.person,
            second_case_reason="Apart spoor voor de terugkeer, met een eigen team.",
            case_director=cast.case_manager,
            phase="PH-5",
        ),
        expected_version=signal.version,
        by=cast.case_manager,
    )
    second = Case.objects.get(pk=done.case_id)
    assert second.pk != first.pk
    assert second.parallel_to_id == first.pk
    assert second.parallel_reason.startswith("Apart spoor")
    opened = AuditEvent.objects.filter(event=Event.CASE_OPENED).latest("seq")
    assert opened.details["parallel_to"] == str(first.uuid)


def test_a_closed_case_does_not_count_as_open(cast: Cast) -> None:
    first = make_case(cast)
    Case.objects.filter(pk=first.pk).update(status="closed", closed_at=first.opened_at)
    signal = make_signal(cast.police_officer, cast.municipality_a)
    done = services.triage(
        signal,
        _include(person=first.person, case_director=cast.case_manager, phase="PH-1"),
        expected_version=signal.version,
        by=cast.case_manager,
    )
    assert done.case_id != first.pk
    assert Case.objects.get(pk=done.case_id).parallel_to_id is None


def test_the_weging_page_adds_the_signal_to_the_open_case_by_default(cast: Cast) -> None:
    case = make_case(cast, family_name="Amrani")
    signal = make_signal(cast.police_officer, cast.municipality_a, family_name="Amrani")
    client = _client(cast.case_manager)
    url = reverse("intake:detail", args=[signal.uuid])
    page = client.get(url).content.decode()
    assert f"Open casus: {case.reference}." in page
    assert "Voeg het signaal toe aan die casus (aanbevolen)" in page
    join = re.search(r'<input type="radio" name="open_case" value="join"[^>]*>', page)
    assert join is not None and " checked" in join.group(0)  # the default
    # Neither a case director nor a phase: the open case has them.
    response = client.post(
        url,
        {
            "version": signal.version,
            "outcome": "include",
            "reason": "Past bij de lopende casus.",
            "criteria": "Criteria 2026",
            "person": str(case.person.uuid),
            "open_case": "join",
        },
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.case_id == case.pk
    assert Case.objects.filter(person=case.person).count() == 1


def test_a_second_case_from_the_page_needs_its_reason_at_the_field(cast: Cast) -> None:
    case = make_case(cast, family_name="Amrani")
    signal = make_signal(cast.police_officer, cast.municipality_a, family_name="Amrani")
    client = _client(cast.case_manager)
    url = reverse("intake:detail", args=[signal.uuid])
    data = {
        "version": signal.version,
        "outcome": "include",
        "reason": "Apart spoor.",
        "criteria": "Criteria 2026",
        "person": str(case.person.uuid),
        "open_case": "second",
        "case_director": str(cast.case_manager.uuid),
        "phase": "PH-1",
    }
    refused = client.post(url, data)
    assert "Schrijf op waarom er een tweede open casus komt" in refused.content.decode()
    assert Case.objects.filter(person=case.person).count() == 1
    done = client.post(url, {**data, "second_case_reason": "Eigen spoor bij terugkeer."})
    assert done.status_code == 302
    assert Case.objects.filter(person=case.person).count() == 2


def test_the_api_joins_the_open_case_unless_a_reason_opens_a_second(cast: Cast) -> None:
    case = make_case(cast, family_name="Amrani")
    client = _client(cast.case_manager)
    candidates_url = "/api/v1/triage/signals/{}/candidates"
    first = make_signal(cast.police_officer, cast.municipality_a, family_name="Amrani")
    found = client.get(candidates_url.format(first.uuid)).json()
    assert found[0]["open_references"] == [case.reference]
    body = {
        "outcome": "include",
        "reason": "Past bij de casus.",
        "criteria": "Criteria 2026",
        "person": str(case.person.uuid),
    }
    url = f"/api/v1/triage/signals/{first.uuid}/decision"
    joined = client.post(
        url,
        json.dumps(body),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{first.version}"',
    )
    assert joined.status_code == 200, joined.content
    assert joined.json()["case"] == str(case.uuid)
    second = make_signal(cast.police_officer, cast.municipality_a, family_name="Amrani")
    url = f"/api/v1/triage/signals/{second.uuid}/decision"
    no_director = client.post(
        url,
        json.dumps({**body, "second_case_reason": "Apart spoor."}),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{second.version}"',
    )
    assert no_director.status_code == 422
    assert "case_director" in no_director.json()["errors"]
    opened = client.post(
        url,
        json.dumps(
            {
                **body,
                "second_case_reason": "Apart spoor.",
                "case_director": str(cast.case_manager.uuid),
                "phase": "PH-1",
            }
        ),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{second.version}"',
    )
    assert opened.status_code == 200, opened.content
    assert opened.json()["case"] != str(case.uuid)


def test_the_case_page_says_a_case_runs_beside_another(cast: Cast) -> None:
    first = make_case(cast)
    second = case_services.open_case(
        person=first.person,
        case_director=cast.case_manager,
        phase="PH-1",
        reason="Tweede.",
        parallel_reason="Eigen spoor voor de terugkeer.",
        by=cast.case_manager,
    )
    page = _client(cast.case_manager).get(reverse("cases:detail", args=[second.uuid]))
    text = page.content.decode()
    assert "loopt naast een andere open casus" in text
    assert "Eigen spoor voor de terugkeer." in text


def test_a_closed_case_does_not_reopen_beside_an_open_one(cast: Cast) -> None:
    first = make_case(cast)
    Case.objects.filter(pk=first.pk).update(status="closed", closed_at=first.opened_at)
    first.refresh_from_db()
    signal = make_signal(cast.police_officer, cast.municipality_a)
    newer = services.triage(
        signal,
        _include(person=first.person, case_director=cast.case_manager, phase="PH-1"),
        expected_version=signal.version,
        by=cast.case_manager,
    ).case
    assert newer is not None
    with pytest.raises(ValidationError) as caught:
        case_services.reopen_case(
            first, reason="Nieuwe zorgen.", expected_version=first.version, by=cast.case_manager
        )
    assert newer.reference in caught.value.message_dict["reason"][0]
    first.refresh_from_db()
    assert first.status == "closed"
