"""Objection and appeal on the measure page, where the preparation stands, and forms that add a
row once per submission."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from samenspel.audit.events import Event, Outcome
from samenspel.audit.models import AuditEvent
from samenspel.measures import services
from samenspel.measures.models import (
    BasisItem,
    CaseMeasure,
    Compartment,
    Dossier,
    MeasureStatus,
    PersonsView,
    Review,
)
from samenspel.testing import Cast, force_verified_login, make_case, make_cast
from tests.cases.test_exports import pdf_text

pytestmark = pytest.mark.django_db

GROUNDS = "Er was geen ordeverstoring (gronden van de indiener)."


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def _client(user: object) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)  # type: ignore[arg-type]
    return client


def _text(response: Any) -> str:
    return str(response.content.decode())


def _words(response: Any) -> str:
    """The page's text without its tags, in single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", _text(response)).split())


def _day(date: dt.date) -> str:
    """A date as the forms take it: dd-mm-jjjj."""
    return date.strftime("%d-%m-%Y")


def _dutch(date: dt.date) -> str:
    with translation.override("nl"):
        return str(date_filter(date, "j F Y"))


def _url(name: str, measure: CaseMeasure, **kwargs: Any) -> str:
    return reverse(f"measures:{name}", kwargs={"measure_uuid": measure.uuid, **kwargs})


def _decided(cast: Cast, *, days_ago: int = 60, ends_in: int | None = None) -> CaseMeasure:
    """A talk with the mayor (I-07, public order; the police carry it out), decided
    `days_ago` days ago on a complete dossier."""
    case = make_case(cast, team=(cast.police_officer, cast.prosecutor, cast.care_worker))
    measure = services.propose_measure(case, measure="I-07", reason="Gesprek.", by=cast.mayor)
    today = timezone.localdate()
    services.add_basis_item(
        measure,
        compartment=Compartment.MUNICIPAL,
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
        persons_view=PersonsView.GIVEN,
        persons_view_text="Wil praten.",
        expected_version=Dossier.objects.get(measure=measure).version,
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
        ends_on=today + dt.timedelta(days=ends_in) if ends_in is not None else None,
        by=cast.mayor,
    )


def _objection(measure: CaseMeasure, **overrides: str) -> dict[str, str]:
    notified = measure.decided_on
    assert notified is not None
    return {
        "bz-kind": "objection",
        "bz-notified_on": _day(notified),
        "bz-filed_on": _day(timezone.localdate()),
        "bz-grounds": GROUNDS,
        "bz-late_reason": "",
        "bz-submission_key": "bezwaar-1",
        **overrides,
    }


def _filed(cast: Cast, measure: CaseMeasure) -> Review:
    notified = measure.decided_on
    assert notified is not None
    return services.file_review(
        measure,
        kind="objection",
        notified_on=notified,
        filed_on=notified + dt.timedelta(days=10),
        grounds=GROUNDS,
        by=cast.mayor,
    )


def _annul(cast: Cast, measure: CaseMeasure) -> Review:
    review = _filed(cast, measure)
    mayor = _client(cast.mayor)
    prefix = f"u-{review.uuid}"
    decided = mayor.post(
        _url("review_decide", measure, review_uuid=review.uuid),
        {
            f"{prefix}-outcome": "upheld",
            f"{prefix}-outcome_on": _day(timezone.localdate()),
            f"{prefix}-outcome_text": "Gegrond: de ordeverstoring is niet aangetoond.",
            f"{prefix}-annuls": "on",
        },
    )
    assert decided.status_code == 302, _text(decided)[:3000]
    return review


def test_the_section_explains_the_term_with_its_last_day(cast: Cast) -> None:
    measure = _decided(cast)
    assert measure.decided_on is not None
    page = _client(cast.mayor).get(_url("detail", measure))
    assert page.status_code == 200
    words = _words(page)
    assert "Bezwaar en beroep" in words
    assert "binnen 6 weken nadat het besluit is bekendgemaakt" in words
    last = measure.decided_on + dt.timedelta(days=42)  # Awb 6:7, from the day after
    assert f"dan is {_dutch(last)} de laatste dag" in words
    assert "Er is geen bezwaar of beroep vastgelegd." in words
    assert 'name="bz-submission_key"' in _text(page)
    # An open measure has no objection yet: no section.
    open_measure = services.propose_measure(
        measure.case, measure="I-23", reason="Orde.", by=cast.mayor
    )
    page = _client(cast.mayor).get(_url("detail", open_measure))
    assert 'id="bezwaar-en-beroep"' not in _text(page)


def test_a_late_objection_without_a_reason_is_refused_at_its_field(cast: Cast) -> None:
    measure = _decided(cast)
    assert measure.decided_on is not None
    mayor = _client(cast.mayor)
    refused = mayor.post(_url("review_file", measure), _objection(measure))
    assert refused.status_code == 400
    text = _text(refused)
    last = _day(measure.decided_on + dt.timedelta(days=42))
    assert f"De termijn liep tot en met {last}." in text
    assert "verschoonbare termijnoverschrijding" in text
    assert 'href="#id_bz-late_reason"' in text  # the error summary links to the field
    assert 'id="id_bz-late_reason_error"' in text
    assert GROUNDS in text  # what was typed stays in the form
    assert not Review.objects.exists()
    record = AuditEvent.objects.filter(event=Event.MEASURE_REVIEW_REFUSED).get()
    assert (record.actor, record.outcome) == (cast.mayor, Outcome.DENIED)

    reason = "De brief is pas na zeven weken bezorgd."
    data = _objection(measure, **{"bz-late_reason": reason})
    filed = mayor.post(_url("review_file", measure), data)
    assert filed.status_code == 302
    assert filed["Location"] == _url("detail", measure) + "#bezwaar-en-beroep"
    again = mayor.post(_url("review_file", measure), data)  # a double submit
    assert again.status_code == 302
    review = Review.objects.get()
    assert (review.late_reason, review.filed_by) == (reason, cast.mayor)
    assert AuditEvent.objects.filter(event=Event.MEASURE_REVIEW_FILED).count() == 1

    page = mayor.get(_url("detail", measure))
    words = _words(page)
    assert "Bezwaar, ingediend op" in words
    assert "na de termijn" in words
    assert reason in words
    assert GROUNDS in words
    assert "Loopt nog." in words
    assert "Uitkomst vastleggen" in words
    viewed = (
        AuditEvent.objects.filter(event=Event.MEASURE_VIEWED, actor=cast.mayor)
        .order_by("-seq")
        .first()
    )
    assert viewed is not None and viewed.details["reviews"] == [str(review.uuid)]


def test_an_upheld_objection_that_annuls_shows_the_measure_annulled(cast: Cast) -> None:
    measure = _decided(cast, days_ago=20, ends_in=10)
    mayor = _client(cast.mayor)
    assert _url("detail", measure) in _text(mayor.get(reverse("measures:calendar")))
    review = _filed(cast, measure)
    prefix = f"u-{review.uuid}"
    url = _url("review_decide", measure, review_uuid=review.uuid)
    outcome = {
        f"{prefix}-outcome": "dismissed",
        f"{prefix}-outcome_on": _day(timezone.localdate()),
        f"{prefix}-outcome_text": "Ongegrond.",
        f"{prefix}-annuls": "on",
    }
    wrong = mayor.post(url, outcome)
    assert wrong.status_code == 400
    assert "Alleen een (deels) gegrond bezwaar of beroep vernietigt het besluit." in _text(wrong)
    assert f'id="id_{prefix}-annuls_error"' in _text(wrong)
    review.refresh_from_db()
    assert review.pending

    annulled = mayor.post(url, {**outcome, f"{prefix}-outcome": "upheld"})
    assert annulled.status_code == 302
    assert annulled["Location"] == _url("detail", measure) + "#status"
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ANNULLED
    page = _words(mayor.get(_url("detail", measure)))
    assert "Status: Vernietigd" in page
    assert "Het besluit is vernietigd." in page
    assert "Gegrond, op" in page
    assert "Uitkomst vastleggen" not in page  # decided once
    again = mayor.post(url, {**outcome, f"{prefix}-outcome": "upheld"})
    assert again.status_code == 400  # not pending any more
    assert "Hierover is al beslist" in _text(again)
    listing = _words(mayor.get(reverse("measures:case_measures", args=[measure.case.uuid])))
    assert "Vernietigd" in listing
    # The calendar lists the terms of measures that run; an annulled one runs no more.
    assert _url("detail", measure) not in _text(mayor.get(reverse("measures:calendar")))


def test_police_see_the_annulled_status_but_not_the_objection(cast: Cast) -> None:
    measure = _decided(cast)
    review = _annul(cast, measure)
    police = _client(cast.police_officer)
    page = police.get(_url("detail", measure))
    assert page.status_code == 200
    words = _words(page)
    assert "Status: Vernietigd" in words
    assert "Het besluit is vernietigd." in words
    assert "Bezwaar, ingediend op" not in words
    assert GROUNDS not in words
    assert 'id="bezwaar-en-beroep"' not in _text(page)
    viewed = AuditEvent.objects.filter(event=Event.MEASURE_VIEWED, actor=cast.police_officer).get()
    assert "reviews" not in viewed.details
    # The objection is a part of the dossier: for the police it does not exist.
    url = _url("review_decide", measure, review_uuid=review.uuid)
    assert police.post(url, {}).status_code == 404
    assert police.post(_url("review_file", measure), _objection(measure)).status_code == 403
    assert Review.objects.count() == 1


def test_the_case_file_prints_the_annulled_status(cast: Cast, tmp_path: Path) -> None:
    measure = _decided(cast)
    _annul(cast, measure)
    response = _client(cast.police_officer).get(reverse("cases:pdf", args=[measure.case.uuid]))
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "I-07" in text
    assert "vernietigd" in text
    assert GROUNDS not in text


def test_a_double_submit_of_a_dossier_form_adds_one_row(cast: Cast) -> None:
    case = make_case(cast, team=(cast.police_officer,))
    measure = services.propose_measure(case, measure="I-23", reason="Orde.", by=cast.mayor)
    mayor = _client(cast.mayor)
    page = _text(mayor.get(_url("detail", measure)))
    keys = {
        prefix: re.search(rf'name="{prefix}-submission_key" value="([0-9a-f]{{32}})"', page)
        for prefix in ("b", "v", "c")
    }
    assert all(keys.values()), keys
    found = keys["b"]
    assert found is not None
    item = {
        "b-compartment": "police",
        "b-source": "Mutatie politie, kenmerk 7",
        "b-received_on": _day(timezone.localdate()),
        "b-summary": "Onrust op het plein.",
        "b-submission_key": found.group(1),
    }
    first = mayor.post(_url("basis_add", measure), item)
    second = mayor.post(_url("basis_add", measure), item)
    assert first.status_code == second.status_code == 302
    assert BasisItem.objects.filter(measure=measure).count() == 1
    assert AuditEvent.objects.filter(event=Event.MEASURE_BASIS_ADDED).count() == 1
    # The page after it has a new key: the next item is a new submission.
    assert found.group(1) not in _text(mayor.get(_url("detail", measure)))


def test_the_preparation_moves_to_requested_and_then_intended(cast: Cast) -> None:
    case = make_case(cast, team=(cast.police_officer,))
    measure = services.propose_measure(case, measure="I-23", reason="Orde.", by=cast.mayor)
    mayor = _client(cast.mayor)
    page = _text(mayor.get(_url("detail", measure)))
    assert "Aangevraagd bij het bevoegd gezag" in page
    assert "Voornemen vastgelegd" in page
    assert mayor.post(_url("move", measure), {"st-to": "decided"}).status_code == 400
    moved = mayor.post(_url("move", measure), {"st-to": "requested"})
    assert moved.status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.REQUESTED
    record = AuditEvent.objects.filter(event=Event.MEASURE_STAGE_CHANGED).get()
    assert (record.actor, record.details["status"]) == (cast.mayor, "requested")
    page = _words(mayor.get(_url("detail", measure)))
    assert "Status: Aangevraagd" in page
    assert "Aangevraagd bij het bevoegd gezag" not in page  # no way back
    again = mayor.post(_url("move", measure), {"st-to": "requested"})
    assert again.status_code == 400
    assert "De maatregel is al verder." in _text(again)
    assert mayor.post(_url("move", measure), {"st-to": "intended"}).status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.INTENDED
    # The police see the measure but do not prepare it.
    police = _client(cast.police_officer)
    assert "Voornemen vastgelegd" not in _text(police.get(_url("detail", measure)))
    assert police.post(_url("move", measure), {"st-to": "requested"}).status_code == 403


def test_an_outsider_gets_404_on_the_objection_and_move_routes(cast: Cast) -> None:
    measure = _decided(cast)
    review = _filed(cast, measure)
    outsider = _client(cast.outsider)
    assert outsider.post(_url("move", measure), {"st-to": "requested"}).status_code == 404
    assert outsider.post(_url("review_file", measure), _objection(measure)).status_code == 404
    url = _url("review_decide", measure, review_uuid=review.uuid)
    assert outsider.post(url, {}).status_code == 404
    assert Review.objects.get().pending


def test_the_designations_read_is_audited_with_what_it_shows(cast: Cast) -> None:
    designation = services.designate(
        cast.municipality_a, user=cast.adviser, reason="OOV-dossiers.", by=cast.mayor
    )
    page = _client(cast.mayor).get(reverse("measures:designations"))
    assert page.status_code == 200
    record = AuditEvent.objects.filter(event=Event.DESIGNATIONS_VIEWED).get()
    assert record.actor == cast.mayor
    assert record.details["shown"] == [str(designation.uuid)]
    assert f'value="{cast.adviser.uuid}"' not in _text(page)  # designated already
    # A refused designation shows the page once more: one read, one record.
    made = _client(cast.mayor).post(reverse("measures:designations"), {"user": "", "reason": ""})
    assert made.status_code == 400
    assert AuditEvent.objects.filter(event=Event.DESIGNATIONS_VIEWED).count() == 2
