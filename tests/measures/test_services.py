"""Measures on a case: grounds kept apart, the mayor's dossier, competent authority only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

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
)
from samenspel.notifications.models import Notification, Topic
from samenspel.sharing.policy import Action, can, visible
from samenspel.testing import Cast, make_case, make_cast

pytestmark = pytest.mark.django_db

TODAY = dt.date.today


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def _last(event: Event) -> AuditEvent:
    record = AuditEvent.objects.filter(event=event).order_by("-seq").first()
    assert record is not None, f"no audit record {event.name}"
    return record


def _case(cast: Cast):  # type: ignore[no-untyped-def]
    return make_case(cast, team=(cast.police_officer, cast.prosecutor, cast.care_worker))


def _complete_passport_dossier(measure: CaseMeasure, cast: Cast) -> None:
    today = timezone.localdate()
    services.add_basis_item(
        measure,
        compartment=Compartment.AIVD,
        source="Ambtsbericht AIVD, kenmerk 2026-0042",
        received_on=today,
        summary="Betrokkene is voornemens uit te reizen naar een strijdgebied.",
        by=cast.mayor,
    )
    services.add_verification(
        measure,
        asked="AIVD, via de NCTV",
        asked_on=today,
        result="confirmed",
        answer="De informatie is actueel (van deze maand) en komt uit meer dan een bron.",
        by=cast.mayor,
    )
    dossier = Dossier.objects.get(measure=measure)
    services.save_reasons(
        measure,
        necessity="Zonder maatregel reist betrokkene uit.",
        proportionality="Het paspoort is het middel om te reizen; de zorg loopt door.",
        subsidiarity="Een gesprek heeft niet geholpen.",
        persons_view=PersonsView.NOT_ASKED,
        persons_view_text="Vragen zou de uitreis kunnen versnellen (spoed).",
        expected_version=dossier.version,
        by=cast.mayor,
    )
    services.add_consultation(
        measure,
        consulted="Wethouder zorg en het wijkteam",
        held_on=today,
        outcome="Geen bezwaar; het wijkteam blijft contact houden.",
        by=cast.adviser,
    )


def test_passport_is_decided_by_the_mayor_only_after_the_dossier_is_complete(
    cast: Cast,
) -> None:
    case = _case(cast)
    services.designate(
        cast.municipality_a, user=cast.adviser, reason="Bereidt OOV-besluiten voor.", by=cast.mayor
    )
    measure = services.propose_measure(
        case, measure="I-17", reason="Signaal van voorgenomen uitreis.", by=cast.case_manager
    )
    assert measure.legal_domain == "D-NATVEI"
    assert not measure.external
    assert Notification.objects.filter(recipient=cast.mayor, topic=Topic.MEASURE_PROPOSED).exists()
    today = timezone.localdate()
    decision = {
        "decision_text": "Het paspoort wordt vervallen verklaard.",
        "decided_on": today,
        "starts_on": today,
        "ends_on": None,
    }
    # The case director is not the competent authority: refused and audited.
    with pytest.raises(ValidationError, match="niet het bevoegd gezag"):
        services.decide_measure(measure, by=cast.case_manager, **decision)
    refused = _last(Event.MEASURE_DECISION_REFUSED)
    assert refused.outcome == Outcome.DENIED
    assert refused.details["reason"] == "not_competent"
    # The mayor, on an empty dossier: refused, the missing parts named.
    with pytest.raises(ValidationError, match="vergewisplicht"):
        services.decide_measure(measure, by=cast.mayor, **decision)
    assert set(_last(Event.MEASURE_DECISION_REFUSED).details["missing"]) >= {
        "basis",
        "necessity",
        "persons_view",
        "consultation",
    }
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PROPOSED
    _complete_passport_dossier(measure, cast)
    assert services.missing_for_decision(measure) == []
    decided = services.decide_measure(measure, by=cast.mayor, **decision)
    assert decided.status == MeasureStatus.IN_FORCE
    assert decided.decided_by == cast.mayor
    assert _last(Event.MEASURE_DECIDED).details["measure"] == str(measure.uuid)


def test_each_ground_is_seen_by_its_own_readers(cast: Cast) -> None:
    case = _case(cast)
    passport = services.propose_measure(case, measure="I-17", reason="Uitreis.", by=cast.mayor)
    prosecution = services.propose_measure(
        case, measure="I-29", reason="Verdenking.", by=cast.prosecutor
    )
    order = services.propose_measure(case, measure="I-23", reason="Ordeverstoring.", by=cast.mayor)
    seen = {
        user.username: set(
            visible(user, CaseMeasure.objects.filter(case=case), Action.VIEW).values_list(
                "measure", flat=True
            )
        )
        for user in (
            cast.mayor,
            cast.case_manager,
            cast.police_officer,
            cast.prosecutor,
            cast.care_worker,
            cast.outsider,
        )
    }
    assert seen[cast.mayor.username] == {"I-17", "I-29", "I-23"} - {"I-29"}
    assert seen[cast.prosecutor.username] == {"I-29"}
    assert seen[cast.police_officer.username] == {"I-17", "I-29", "I-23"}  # executes them all
    assert seen[cast.care_worker.username] == set()
    assert seen[cast.outsider.username] == set()

    # The dossier: the police carry out the passport and order measures but read only the
    # criminal dossier; the case director reads none of the three.
    def dossiers(user):  # type: ignore[no-untyped-def]
        return set(
            visible(user, Dossier.objects.filter(measure__case=case), Action.VIEW).values_list(
                "measure__measure", flat=True
            )
        )

    assert dossiers(cast.police_officer) == {"I-29"}
    assert dossiers(cast.mayor) == {"I-17", "I-23"}
    assert dossiers(cast.case_manager) == set()
    assert can(cast.prosecutor, Action.VIEW, prosecution.dossier)
    assert not can(cast.mayor, Action.VIEW, prosecution)
    assert can(cast.police_officer, Action.VIEW, order)
    assert not can(cast.police_officer, Action.VIEW, passport.dossier)


def test_aivd_summary_only_for_the_mayor_and_designated_officials(cast: Cast) -> None:
    case = _case(cast)
    measure = services.propose_measure(case, measure="I-17", reason="Uitreis.", by=cast.mayor)
    with pytest.raises(PermissionDenied):
        services.add_basis_item(
            measure,
            compartment=Compartment.AIVD,
            source="x",
            received_on=TODAY(),
            summary="y",
            by=cast.adviser,
        )
    item = services.add_basis_item(
        measure,
        compartment=Compartment.AIVD,
        source="Ambtsbericht",
        received_on=TODAY(),
        summary="Samenvatting.",
        by=cast.mayor,
    )
    assert not can(cast.adviser, Action.VIEW, item)
    services.designate(cast.municipality_a, user=cast.adviser, reason="OOV-dossiers", by=cast.mayor)
    assert can(cast.adviser, Action.VIEW, item)
    assert not allowed_to_decide(cast, measure)


def allowed_to_decide(cast: Cast, measure: CaseMeasure) -> bool:
    from samenspel.sharing.policy import allowed

    return allowed(cast.adviser, "measure.decide", on=measure)


def test_twbmt_measure_is_the_ministers_recorded_after_consulting_the_mayor(cast: Cast) -> None:
    case = _case(cast)
    measure = services.propose_measure(
        case, measure="I-19", reason="Bestuurlijke rapportage.", by=cast.case_manager
    )
    assert measure.external
    today = timezone.localdate()
    record = {
        "authority": "",
        "reference": "DGVZ-2026-123",
        "decision_text": "Meldplicht twee keer per week.",
        "decided_on": today,
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=30),
    }
    with pytest.raises(ValidationError):
        services.decide_measure(
            measure,
            by=cast.mayor,
            **{k: v for k, v in record.items() if k not in ("authority", "reference")},
        )
    with pytest.raises(ValidationError, match="raadpleegt eerst de burgemeester"):
        services.record_external_decision(measure, by=cast.mayor, **record)
    consultation = services.receive_mayor_consultation(
        measure, received_on=today, answer_due=today + dt.timedelta(days=7), by=cast.mayor
    )
    assert (
        Notification.objects.filter(recipient=cast.mayor, topic=Topic.MAYOR_CONSULTED).exists()
        is False
    )  # by the mayor self
    services.answer_consultation(consultation, answer="Geen bezwaar.", by=cast.mayor)
    with pytest.raises(ValidationError, match="langer dan mag"):
        services.record_external_decision(
            measure, by=cast.mayor, **{**record, "ends_on": today + dt.timedelta(days=200)}
        )
    done = services.record_external_decision(measure, by=cast.mayor, **record)
    assert done.status == MeasureStatus.IN_FORCE
    assert done.external_authority == "Minister van JenV"


# --- Objection and appeal, terms, double submits ------------------------------------------------


def _decided_order_measure(cast: Cast) -> CaseMeasure:
    """A public-order measure (I-07) the mayor decided on a complete dossier."""
    case = _case(cast)
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
    dossier = Dossier.objects.get(measure=measure)
    services.save_reasons(
        measure,
        necessity="Nodig.",
        proportionality="In verhouding.",
        subsidiarity="Geen lichter middel.",
        persons_view=PersonsView.GIVEN,
        persons_view_text="Wil praten.",
        expected_version=dossier.version,
        by=cast.mayor,
    )
    services.add_consultation(
        measure, consulted="Wijkteam", held_on=today, outcome="Samen doen.", by=cast.mayor
    )
    return services.decide_measure(
        measure,
        decision_text="Stopgesprek.",
        decided_on=today - dt.timedelta(days=60),
        starts_on=today - dt.timedelta(days=60),
        ends_on=None,
        by=cast.mayor,
    )


def test_an_objection_after_six_weeks_needs_a_reason_and_an_upheld_one_annuls(cast: Cast) -> None:
    measure = _decided_order_measure(cast)
    notified = timezone.localdate() - dt.timedelta(days=50)
    # Six weeks from the notification (Awb art. 6:7, framework data for D-OOV).
    assert services.review_deadline(measure, notified) == notified + dt.timedelta(days=42)
    late = {
        "kind": "objection",
        "notified_on": notified,
        "filed_on": timezone.localdate(),
        "grounds": "Er was geen ordeverstoring.",
    }
    with pytest.raises(ValidationError) as refused:
        services.file_review(measure, by=cast.mayor, **late)
    assert "late_reason" in refused.value.message_dict
    assert _last(Event.MEASURE_REVIEW_REFUSED).details["reason"] == "late"
    review = services.file_review(
        measure,
        late_reason="De brief kwam pas later aan.",
        submission_key="r1",
        by=cast.mayor,
        **late,
    )
    again = services.file_review(
        measure,
        late_reason="De brief kwam pas later aan.",
        submission_key="r1",
        by=cast.mayor,
        **late,
    )
    assert again.pk == review.pk  # a double submit files it once
    assert review.deadline == notified + dt.timedelta(days=42)
    # Only an upheld review annuls the decision.
    with pytest.raises(ValidationError):
        services.decide_review(
            review,
            outcome="dismissed",
            outcome_on=timezone.localdate(),
            outcome_text="Ongegrond.",
            annuls=True,
            by=cast.mayor,
        )
    services.decide_review(
        review,
        outcome="upheld",
        outcome_on=timezone.localdate(),
        outcome_text="Gegrond: de ordeverstoring is niet aangetoond.",
        annuls=True,
        by=cast.mayor,
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ANNULLED
    # The police carry it out and see it annulled, not the review (a dossier part).
    assert can(cast.police_officer, Action.VIEW, measure)
    assert not can(cast.police_officer, Action.VIEW, review)
    assert _last(Event.MEASURE_REVIEW_DECIDED).details["annuls"] is True


def test_a_criminal_decision_has_no_objection_here(cast: Cast) -> None:
    case = _case(cast)
    measure = services.propose_measure(
        case, measure="I-29", reason="Verdenking.", by=cast.prosecutor
    )
    CaseMeasure.objects.filter(pk=measure.pk).update(
        status=MeasureStatus.IN_FORCE, decided_on=timezone.localdate()
    )
    measure.refresh_from_db()
    with pytest.raises(ValidationError, match="strafrechter"):
        services.file_review(
            measure,
            kind="objection",
            notified_on=timezone.localdate(),
            filed_on=timezone.localdate(),
            grounds="Onterecht.",
            by=cast.prosecutor,
        )


def test_dossier_items_are_added_once_per_submission(cast: Cast) -> None:
    case = _case(cast)
    measure = services.propose_measure(case, measure="I-23", reason="Orde.", by=cast.mayor)
    item = {
        "compartment": Compartment.POLICE,
        "source": "Mutatie",
        "received_on": timezone.localdate(),
        "summary": "Onrust.",
        "submission_key": "k1",
    }
    first = services.add_basis_item(measure, by=cast.mayor, **item)
    assert services.add_basis_item(measure, by=cast.mayor, **item).pk == first.pk
    assert BasisItem.objects.filter(measure=measure).count() == 1
    # Another user's key is never answered with the first user's row.
    services.designate(cast.municipality_a, user=cast.adviser, reason="OOV.", by=cast.mayor)
    with pytest.raises(ValidationError, match="al gebruikt"):
        services.add_basis_item(measure, by=cast.adviser, **item)


def test_the_worker_starts_measures_and_reminds_dossier_readers_once(cast: Cast) -> None:
    measure = _decided_order_measure(cast)
    today = timezone.localdate()
    CaseMeasure.objects.filter(pk=measure.pk).update(
        status=MeasureStatus.DECIDED, starts_on=today, ends_on=today + dt.timedelta(days=3)
    )
    assert services.start_decided_measures(today=today) == 1
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_FORCE
    made = services.remind_measure_terms(today=today)
    assert made >= 1
    told = set(
        Notification.objects.filter(topic=Topic.MEASURE_TERM_ENDING).values_list(
            "recipient_id", flat=True
        )
    )
    assert cast.mayor.pk in told
    assert cast.police_officer.pk not in told  # not a reader of the public-order dossier
    assert cast.case_manager.pk not in told
    assert services.remind_measure_terms(today=today) == 0  # once per end date
