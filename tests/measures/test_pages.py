"""The measure pages: grounds apart, the mayor's dossier as a guided form, deciding by the
competent authority only, the terms calendar and the mayor's designations."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenspel.audit.events import Event, Outcome
from samenspel.audit.models import AuditEvent
from samenspel.cases.models import Case
from samenspel.measures import services
from samenspel.measures.models import (
    CaseMeasure,
    Compartment,
    Consultation,
    Designation,
    Dossier,
    MeasureStatus,
    PersonsView,
)
from samenspel.testing import Cast, force_verified_login, make_case, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def _client(user: object) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)  # type: ignore[arg-type]
    return client


def _text(response: Any) -> str:
    return str(response.content.decode())


def _day(days: int = 0) -> str:
    """A date as the forms take it: dd-mm-jjjj."""
    return (timezone.localdate() + dt.timedelta(days=days)).strftime("%d-%m-%Y")


def _case(cast: Cast) -> Case:
    return make_case(cast, team=(cast.police_officer, cast.prosecutor, cast.care_worker))


def _url(name: str, measure: CaseMeasure, **kwargs: Any) -> str:
    return reverse(f"measures:{name}", kwargs={"measure_uuid": measure.uuid, **kwargs})


def _decision(days: int = 0) -> dict[str, str]:
    return {
        "d-decision_text": "Het paspoort wordt vervallen verklaard.",
        "d-decided_on": _day(),
        "d-starts_on": _day(days),
        "d-ends_on": "",
    }


def _running_order_measure(cast: Cast, case: Case, *, ends_in: int) -> CaseMeasure:
    """A public-order measure of the mayor's (I-23), decided through the services."""
    today = timezone.localdate()
    measure = services.propose_measure(
        case, measure="I-23", reason="Ordeverstoring.", by=cast.mayor
    )
    services.add_basis_item(
        measure,
        compartment=Compartment.MUNICIPAL,
        source="Verslag handhaving, kenmerk 12",
        received_on=today,
        summary="Betrokkene verstoorde twee keer de orde.",
        by=cast.mayor,
    )
    services.save_reasons(
        measure,
        necessity="De orde is twee keer verstoord.",
        proportionality="Alleen het plein, alleen in de avond.",
        subsidiarity="Een waarschuwing hielp niet.",
        persons_view=PersonsView.GIVEN,
        persons_view_text="Betrokkene zegt dat het niet weer gebeurt.",
        expected_version=Dossier.objects.get(measure=measure).version,
        by=cast.mayor,
    )
    return services.decide_measure(
        measure,
        decision_text="Gebiedsverbod voor het Marktplein.",
        decided_on=today,
        starts_on=today,
        ends_on=today + dt.timedelta(days=ends_in),
        by=cast.mayor,
    )


def test_the_mayor_completes_the_dossier_and_decides_through_the_pages(cast: Cast) -> None:
    case = _case(cast)
    mayor = _client(cast.mayor)
    page = mayor.get(reverse("measures:case_measures", args=[case.uuid]))
    assert page.status_code == 200
    assert "Maatregel voorstellen" in _text(page)
    proposed = mayor.post(
        reverse("measures:propose", args=[case.uuid]),
        {"measure": "I-17", "reason": "Signaal van voorgenomen uitreis.", "submission_key": "k1"},
    )
    assert proposed.status_code == 302
    measure = CaseMeasure.objects.get(case=case)
    assert proposed["Location"] == _url("detail", measure)

    page = _text(mayor.get(_url("detail", measure)))
    assert "Wat nog ontbreekt" in page
    assert 'href="#dossier-informatie"' in page
    assert 'href="#dossier-verificatie"' in page
    assert 'href="#dossier-overleg"' in page
    assert 'id="dossier-zienswijze"' in page
    assert "Uw besluit als bevoegd gezag" in page

    steps = [
        (
            "basis_add",
            {
                "b-compartment": "aivd",
                "b-source": "Ambtsbericht AIVD, kenmerk 2026-0042",
                "b-received_on": _day(),
                "b-summary": "Betrokkene wil uitreizen naar een strijdgebied.",
            },
        ),
        (
            "verification_add",
            {
                "v-asked": "AIVD, via de NCTV",
                "v-asked_on": _day(),
                "v-result": "confirmed",
                "v-answer": "De informatie is van deze maand en komt uit meer dan een bron.",
            },
        ),
        (
            "reasons",
            {
                "r-necessity": "Zonder maatregel reist betrokkene uit.",
                "r-proportionality": "Het paspoort is het middel om te reizen.",
                "r-subsidiarity": "Een gesprek heeft niet geholpen.",
                "r-persons_view": "not_asked",
                "r-persons_view_text": "Vragen kan de uitreis versnellen (spoed).",
                "r-version": "1",
            },
        ),
        (
            "consultation_add",
            {
                "c-consulted": "Wethouder zorg en het wijkteam",
                "c-held_on": _day(),
                "c-outcome": "Geen bezwaar; het wijkteam blijft contact houden.",
            },
        ),
    ]
    for name, data in steps:
        response = mayor.post(_url(name, measure), data)
        assert response.status_code == 302, (name, _text(response)[:2000])
        assert response["Location"].startswith(_url("detail", measure) + "#dossier-")
    page = _text(mayor.get(_url("detail", measure)))
    assert "Wat nog ontbreekt" not in page
    assert "Het dossier is compleet" in page
    assert "Betrokkene wil uitreizen" in page  # the mayor reads the AIVD summary

    decided = mayor.post(_url("decide", measure), _decision())
    assert decided.status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_FORCE
    assert measure.decided_by == cast.mayor
    assert AuditEvent.objects.filter(event=Event.MEASURE_DECIDED, actor=cast.mayor).count() == 1
    page = _text(mayor.get(_url("detail", measure)))
    assert "Het paspoort wordt vervallen verklaard." in page
    assert "Beëindigen met evaluatie" in page


def test_bad_input_in_the_dossier_keeps_the_page_and_saves_nothing(cast: Cast) -> None:
    case = _case(cast)
    measure = services.propose_measure(case, measure="I-17", reason="Uitreis.", by=cast.mayor)
    mayor = _client(cast.mayor)
    response = mayor.post(
        _url("basis_add", measure),
        {"b-compartment": "police", "b-source": "", "b-received_on": _day(3), "b-summary": "x"},
    )
    assert response.status_code == 400
    text = _text(response)
    assert "Niet alles is goed ingevuld" in text
    assert "Noem de bron en het kenmerk." in text
    assert 'href="#id_b-source"' in text  # the error summary links to the field
    assert not measure.basis.exists()
    # The mayor on an incomplete dossier: the refusal names what is missing.
    refused = mayor.post(_url("decide", measure), _decision())
    assert refused.status_code == 400
    assert "Het dossier is nog niet compleet" in _text(refused)
    assert "vergewisplicht" in _text(refused)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PROPOSED


def test_the_case_directors_decision_is_refused_in_dutch_and_changes_nothing(cast: Cast) -> None:
    case = _case(cast)
    measure = services.propose_measure(
        case, measure="I-17", reason="Uitreis.", by=cast.case_manager
    )
    director = _client(cast.case_manager)
    page = _text(director.get(_url("detail", measure)))
    assert "Uw besluit als bevoegd gezag" not in page
    assert "Hierover besluit:" in page
    assert "alleen voor het bevoegd gezag" in page
    assert "Wat nog ontbreekt" not in page
    for data in (_decision(), {}):
        refused = director.post(_url("decide", measure), data)
        assert refused.status_code == 400
        text = _text(refused)
        assert "U bent niet het bevoegd gezag" in text
        assert "De burgemeester" in text
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PROPOSED
    assert measure.decided_by is None
    refusals = AuditEvent.objects.filter(
        event=Event.MEASURE_DECISION_REFUSED, actor=cast.case_manager
    )
    assert refusals.count() == 2
    assert all(r.outcome == Outcome.DENIED for r in refusals)


def test_police_sees_the_measure_but_not_the_dossier_and_others_get_404(cast: Cast) -> None:
    case = _case(cast)
    passport = services.propose_measure(case, measure="I-17", reason="Uitreis.", by=cast.mayor)
    services.add_basis_item(
        passport,
        compartment=Compartment.AIVD,
        source="Ambtsbericht",
        received_on=timezone.localdate(),
        summary="Geheime samenvatting.",
        by=cast.mayor,
    )
    prosecution = services.propose_measure(
        case, measure="I-29", reason="Verdenking.", by=cast.prosecutor
    )
    police = _client(cast.police_officer)
    response = police.get(_url("detail", passport))
    assert response.status_code == 200
    text = _text(response)
    assert "Paspoortwet" in text  # the framework facts
    assert "alleen voor het bevoegd gezag" in text
    assert "Geheime samenvatting." not in text
    assert "Informatie toevoegen" not in text
    # The police sees the measure, so a change it may not make is a 403, not a 404.
    forbidden = police.post(
        _url("basis_add", passport),
        {"b-compartment": "police", "b-source": "x", "b-received_on": _day(), "b-summary": "y"},
    )
    assert forbidden.status_code == 403
    assert not passport.basis.exclude(compartment=Compartment.AIVD).exists()
    # The criminal measure is not the mayor's: it does not exist for the mayor.
    mayor = _client(cast.mayor)
    assert mayor.get(_url("detail", prosecution)).status_code == 404
    assert mayor.post(_url("decide", prosecution), _decision()).status_code == 404
    grounds = _text(mayor.get(reverse("measures:case_measures", args=[case.uuid])))
    assert _url("detail", passport) in grounds
    assert _url("detail", prosecution) not in grounds
    assert ">Strafrecht<" not in grounds  # no heading for the criminal ground
    # The prosecutor reads the criminal dossier, not the mayor's measure.
    prosecutor = _client(cast.prosecutor)
    assert prosecutor.get(_url("detail", prosecution)).status_code == 200
    assert prosecutor.get(_url("detail", passport)).status_code == 404


def test_an_outsider_gets_404_on_every_measure_route(cast: Cast) -> None:
    case = _case(cast)
    measure = services.propose_measure(case, measure="I-19", reason="Rapportage.", by=cast.mayor)
    consultation = services.receive_mayor_consultation(
        measure,
        received_on=timezone.localdate(),
        answer_due=timezone.localdate() + dt.timedelta(days=7),
        by=cast.mayor,
    )
    designation = services.designate(
        cast.municipality_a, user=cast.adviser, reason="OOV-dossiers.", by=cast.mayor
    )
    outsider = _client(cast.outsider)
    by_case = [("case_measures", "GET"), ("propose", "POST")]
    for name, method in by_case:
        url = reverse(f"measures:{name}", args=[case.uuid])
        response = outsider.get(url) if method == "GET" else outsider.post(url, {})
        assert response.status_code == 404, name
    posts = [
        "basis_add",
        "verification_add",
        "reasons",
        "consultation_add",
        "minister_request",
        "decide",
        "record_external",
        "advise",
        "withdraw",
        "end",
        "extend",
    ]
    assert outsider.get(_url("detail", measure)).status_code == 404
    for name in posts:
        assert outsider.post(_url(name, measure), {}).status_code == 404, name
    answer = _url("consultation_answer", measure, consultation_uuid=consultation.uuid)
    assert outsider.post(answer, {}).status_code == 404
    assert outsider.get(reverse("measures:designations")).status_code == 404
    end = reverse("measures:designation_end", args=[designation.uuid])
    assert outsider.post(end).status_code == 404
    designation.refresh_from_db()
    assert designation.ended_at is None
    assert outsider.get(reverse("measures:calendar")).status_code == 200  # their own: none
    assert "I-19" not in _text(outsider.get(reverse("measures:calendar")))


def test_a_double_submit_of_a_proposal_makes_one_measure(cast: Cast) -> None:
    case = _case(cast)
    director = _client(cast.case_manager)
    data = {"measure": "I-23", "reason": "Ordeverstoring.", "submission_key": "dubbel-1"}
    url = reverse("measures:propose", args=[case.uuid])
    first = director.post(url, data)
    second = director.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert CaseMeasure.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(event=Event.MEASURE_PROPOSED).count() == 1
    wrong = director.post(url, {"measure": "I-99", "reason": "", "submission_key": "dubbel-2"})
    assert wrong.status_code == 400
    assert "Kies een maatregel uit de lijst." in _text(wrong)
    assert CaseMeasure.objects.filter(case=case).count() == 1


def test_a_stale_save_of_the_reasons_keeps_the_writers_text(cast: Cast) -> None:
    case = _case(cast)
    measure = services.propose_measure(case, measure="I-23", reason="Orde.", by=cast.mayor)
    mayor = _client(cast.mayor)
    reasons = {
        "r-necessity": "Eerste tekst.",
        "r-proportionality": "",
        "r-subsidiarity": "",
        "r-persons_view": "not_yet",
        "r-persons_view_text": "",
        "r-version": "1",
    }
    assert mayor.post(_url("reasons", measure), reasons).status_code == 302
    stale = mayor.post(
        _url("reasons", measure), {**reasons, "r-necessity": "Mijn nieuwe tekst over noodzaak."}
    )
    assert stale.status_code == 409
    text = _text(stale)
    assert "Iemand anders heeft de motivering intussen opgeslagen" in text
    assert "Mijn nieuwe tekst over noodzaak." in text  # kept in the form
    assert "Eerste tekst." in text  # the stored text, to compare
    assert 'name="r-version" value="2"' in text  # saving again goes on top of the new version
    dossier = Dossier.objects.get(measure=measure)
    assert dossier.necessity == "Eerste tekst."
    assert dossier.version == 2


def test_the_minister_consults_the_mayor_and_the_decision_is_recorded(cast: Cast) -> None:
    case = _case(cast)
    measure = services.propose_measure(
        case, measure="I-19", reason="Bestuurlijke rapportage.", by=cast.case_manager
    )
    mayor = _client(cast.mayor)
    page = _text(mayor.get(_url("detail", measure)))
    assert "Verzoek van de Minister vastleggen" in page
    assert "Uw besluit als bevoegd gezag" not in page
    record = {
        "x-external_authority": "",
        "x-external_reference": "DGVZ-2026-123",
        "x-decision_text": "Meldplicht twee keer per week.",
        "x-decided_on": _day(),
        "x-starts_on": _day(),
        "x-ends_on": _day(30),
    }
    refused = mayor.post(_url("record_external", measure), record)
    assert refused.status_code == 400
    assert "raadpleegt eerst de burgemeester" in _text(refused)
    asked = mayor.post(
        _url("minister_request", measure), {"m-held_on": _day(), "m-answer_due": _day(7)}
    )
    assert asked.status_code == 302
    consultation = Consultation.objects.get(measure=measure)
    prefix = f"a-{consultation.uuid}"
    answer_url = _url("consultation_answer", measure, consultation_uuid=consultation.uuid)
    assert mayor.post(answer_url, {f"{prefix}-outcome": ""}).status_code == 400
    assert mayor.post(answer_url, {f"{prefix}-outcome": "Geen bezwaar."}).status_code == 302
    too_long = mayor.post(_url("record_external", measure), {**record, "x-ends_on": _day(200)})
    assert too_long.status_code == 400
    assert "langer dan mag" in _text(too_long)
    assert mayor.post(_url("record_external", measure), record).status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_FORCE
    assert measure.external_reference == "DGVZ-2026-123"
    assert "Minister van JenV" in _text(mayor.get(_url("detail", measure)))


def test_a_running_measure_is_ended_with_an_evaluation_or_extended(cast: Cast) -> None:
    case = _case(cast)
    first = _running_order_measure(cast, case, ends_in=10)
    mayor = _client(cast.mayor)
    page = _text(mayor.get(_url("detail", first)))
    assert "De termijn loopt af op" in page
    extended = mayor.post(_url("extend", first), {"l-reason": "De dreiging blijft."})
    assert extended.status_code == 302
    extension = CaseMeasure.objects.get(extends=first)
    assert extended["Location"] == _url("detail", extension)
    assert extension.status == MeasureStatus.PROPOSED
    assert "Wat nog ontbreekt" in _text(mayor.get(_url("detail", extension)))
    assert mayor.post(_url("end", first), {"e-closing_note": ""}).status_code == 400
    ended = mayor.post(_url("end", first), {"e-closing_note": "Geen nieuwe verstoring."})
    assert ended.status_code == 302
    first.refresh_from_db()
    assert first.status == MeasureStatus.ENDED
    withdrawn = mayor.post(_url("withdraw", extension), {"w-closing_note": "Niet meer nodig."})
    assert withdrawn.status_code == 302
    extension.refresh_from_db()
    assert extension.status == MeasureStatus.WITHDRAWN


def test_the_terms_calendar_lists_measures_ending_within_30_days(cast: Cast) -> None:
    case = _case(cast)
    soon = _running_order_measure(cast, case, ends_in=10)
    later = _running_order_measure(cast, case, ends_in=60)
    mayor = _client(cast.mayor)
    response = mayor.get(reverse("measures:calendar"))
    assert response.status_code == 200
    text = _text(response)
    assert _url("detail", soon) in text
    assert _url("detail", later) not in text
    assert reverse("measures:designations") in text  # the mayor's designations from here
    assert AuditEvent.objects.filter(event=Event.MEASURE_LIST_VIEWED, actor=cast.mayor).exists()
    # In the menu for who works on measures, not for the privacy officer.
    home = _text(mayor.get("/"))
    assert f'href="{reverse("measures:calendar")}"' in home
    officer = _text(_client(cast.privacy_officer).get("/"))
    assert f'href="{reverse("measures:calendar")}"' not in officer


def test_the_case_page_counts_the_measures_by_ground_the_reader_sees(cast: Cast) -> None:
    case = _case(cast)
    services.propose_measure(case, measure="I-17", reason="Uitreis.", by=cast.mayor)
    services.propose_measure(case, measure="I-29", reason="Verdenking.", by=cast.prosecutor)
    url = reverse("cases:detail", args=[case.uuid])
    mayor = re.sub(r"<[^>]+>", "", _text(_client(cast.mayor).get(url)))
    assert "Nationale veiligheid: 1 maatregel" in mayor
    assert "Strafrecht" not in mayor
    page = _text(_client(cast.mayor).get(url))
    assert reverse("measures:case_measures", args=[case.uuid]) in page
    police = re.sub(r"<[^>]+>", "", _text(_client(cast.police_officer).get(url)))
    assert "Nationale veiligheid: 1 maatregel" in police
    assert "Strafrecht: 1 maatregel" in police


def test_the_mayor_designates_an_official_who_then_reads_the_dossier(cast: Cast) -> None:
    case = _case(cast)
    measure = services.propose_measure(case, measure="I-17", reason="Uitreis.", by=cast.mayor)
    adviser = _client(cast.adviser)
    assert "Informatie toevoegen" not in _text(adviser.get(_url("detail", measure)))
    assert adviser.get(reverse("measures:designations")).status_code == 404
    mayor = _client(cast.mayor)
    page = mayor.get(reverse("measures:designations"))
    assert page.status_code == 200
    assert f'value="{cast.adviser.uuid}"' in _text(page)
    assert (
        mayor.post(reverse("measures:designations"), {"user": "", "reason": ""}).status_code == 400
    )
    made = mayor.post(
        reverse("measures:designations"),
        {"user": str(cast.adviser.uuid), "reason": "Bereidt OOV-besluiten voor."},
    )
    assert made.status_code == 302
    designation = Designation.objects.get(user=cast.adviser)
    assert AuditEvent.objects.filter(event=Event.DESIGNATION_MADE).count() == 1
    page = _text(adviser.get(_url("detail", measure)))
    assert "Informatie toevoegen" in page
    assert "Uw besluit als bevoegd gezag" not in page  # deciding stays with the mayor
    ended = mayor.post(reverse("measures:designation_end", args=[designation.uuid]))
    assert ended.status_code == 302
    designation.refresh_from_db()
    assert designation.ended_at is not None
    assert "Informatie toevoegen" not in _text(adviser.get(_url("detail", measure)))


def test_the_frameworks_dutch_texts_are_marked_dutch_in_english(cast: Cast) -> None:
    case = _case(cast)
    measure = services.propose_measure(case, measure="I-17", reason="Uitreis.", by=cast.mayor)
    mayor = _client(cast.mayor)
    dutch = _text(mayor.get(_url("detail", measure)))
    assert 'lang="nl"' not in dutch.split("<body", 1)[1]  # the page is Dutch as a whole
    assert mayor.post("/taal/", {"language": "en", "next": "/"}).status_code == 302
    for url in (_url("detail", measure), reverse("measures:case_measures", args=[case.uuid])):
        english = _text(mayor.get(url))
        assert '<html lang="en">' in english
        assert '<span lang="nl">Nationale veiligheid</span>' in english
    assert '<span lang="nl">Paspoortwet' in _text(mayor.get(_url("detail", measure)))
