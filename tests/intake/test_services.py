"""Submitting, picking up and weighing signals (intake.services); each change audits itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from samenspel.accounts.models import Organisation, User
from samenspel.audit.events import Event, Purpose
from samenspel.audit.models import AuditEvent
from samenspel.cases.models import Case, CaseMember, CaseTransition, Dimension, Person
from samenspel.frameworks.models import FrameworkVersion
from samenspel.intake import services
from samenspel.intake.models import Attachment, Signal, SignalStatus, TriageOutcome
from samenspel.intake.services import TriageDecision, Upload
from samenspel.lib.errors import StaleEdit
from samenspel.notifications import services as notification_services
from samenspel.notifications.models import Delivery, DeliveryStatus, Notification, Topic
from samenspel.sharing.policy import Denied
from samenspel.testing import (
    Cast,
    make_signal,
    publish_framework,
    signal_input,
)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
VALID_BSN = "111222333"  # passes the eleven test


def audited(event: Event, *, actor: User, obj: Model, purpose: str = Purpose.SIGNAL_INTAKE) -> Any:
    """Return the one audit row of `event` about `obj`, after checking actor and purpose."""
    rows = AuditEvent.objects.filter(
        event=event, object_type=obj._meta.label_lower, object_id=str(getattr(obj, "uuid", obj.pk))
    )
    assert rows.count() == 1, list(rows.values("event", "object_id"))
    row = rows.get()
    assert row.actor_id == actor.pk
    assert row.purpose == purpose
    return row


def _counts() -> tuple[int, int, int]:
    return (
        Signal.objects.count(),
        Attachment.objects.count(),
        AuditEvent.objects.filter(event=Event.SIGNAL_SUBMITTED).count(),
    )


def _refused(cast: Cast, submit: Callable[[], Any]) -> ValidationError:
    """Run a submit that must fail with field errors and save nothing at all."""
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        submit()
    assert _counts() == before
    return exc.value


def _submit(cast: Cast, *, uploads: list[Upload] | None = None, **overrides: Any) -> Signal:
    overrides.setdefault("municipality", cast.municipality_a)
    return services.submit_signal(
        signal_input(**overrides),
        uploads=uploads,
        idempotency_key="form-1",
        by=cast.police_officer,
    )


def _decision(outcome: str = TriageOutcome.NO_CONCERN, **overrides: Any) -> TriageDecision:
    values: dict[str, Any] = {
        "outcome": outcome,
        "reason": "Besproken in de weegploeg.",
        "criteria": "Criteria weegploeg 2026",
    }
    values.update(overrides)
    return TriageDecision(**values)


# --- Submitting -------------------------------------------------------------------------------


def test_a_partner_submits_a_valid_signal_and_it_is_audited(cast: Cast) -> None:
    signal = _submit(cast, bsn=VALID_BSN, uploads=[Upload("verslag.pdf", PDF)])
    assert signal.municipality == cast.municipality_a
    assert signal.source_organisation == cast.police
    assert signal.status == SignalStatus.RECEIVED
    assert signal.subject_bsn == VALID_BSN
    attachment = signal.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    row = audited(Event.SIGNAL_SUBMITTED, actor=cast.police_officer, obj=signal)
    assert row.details == {"acute": False, "attachments": 1}
    assert row.object_organisation_id == cast.municipality_a.pk


def test_a_double_submit_makes_one_signal(cast: Cast) -> None:
    first = _submit(cast)
    second = _submit(cast)
    assert first.pk == second.pk
    assert Signal.objects.count() == 1
    audited(Event.SIGNAL_SUBMITTED, actor=cast.police_officer, obj=first)


def test_an_invalid_bsn_is_refused_and_nothing_is_saved(cast: Cast) -> None:
    error = _refused(cast, lambda: _submit(cast, bsn="123456789"))
    assert "subject_bsn" in error.message_dict


def test_a_birth_date_in_the_future_is_refused(cast: Cast) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    error = _refused(cast, lambda: _submit(cast, birth_date=tomorrow))
    assert error.message_dict["subject_birth_date"] == ["De geboortedatum ligt in de toekomst."]


def test_an_observation_in_the_future_is_refused(cast: Cast) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    error = _refused(cast, lambda: _submit(cast, observed_on=tomorrow))
    assert error.message_dict["observed_on"] == ["Deze datum ligt in de toekomst."]


def test_missing_fields_each_get_a_dutch_message(cast: Cast) -> None:
    error = _refused(
        cast,
        lambda: _submit(cast, family_name=" ", observation="", concern="", observed_on=None),
    )
    assert error.message_dict == {
        "subject_family_name": ["Vul de achternaam in."],
        "observation": ["Beschrijf wat u zag of hoorde."],
        "concern": ["Beschrijf uw zorg."],
        "observed_on": ["Vul in wanneer u het zag of hoorde."],
    }


def test_a_signal_goes_only_to_a_municipality(cast: Cast) -> None:
    error = _refused(cast, lambda: _submit(cast, municipality=cast.police))
    assert error.message_dict["municipality"] == ["Kies de gemeente waar de persoon woont."]
    error = _refused(cast, lambda: _submit(cast, municipality=None))
    assert "municipality" in error.message_dict


def test_too_many_attachments_are_refused(cast: Cast, settings: Any) -> None:
    uploads = [Upload(f"blad{i}.pdf", PDF) for i in range(settings.ATTACHMENT_MAX_COUNT + 1)]
    error = _refused(cast, lambda: _submit(cast, uploads=uploads))
    assert "ten hoogste" in error.message_dict["attachments"][0]


def test_a_too_large_attachment_is_refused(cast: Cast, settings: Any) -> None:
    settings.ATTACHMENT_MAX_BYTES = 2048
    big = Upload("groot.pdf", PDF + b"0" * 4096)
    error = _refused(cast, lambda: _submit(cast, uploads=[Upload("klein.pdf", PDF), big]))
    assert "groot.pdf is te groot" in error.message_dict["attachments"][0]


def test_an_exe_renamed_to_pdf_is_refused_by_its_content(cast: Cast) -> None:
    error = _refused(cast, lambda: _submit(cast, uploads=[Upload("rapport.pdf", EXE)]))
    assert (
        "rapport.pdf heeft een soort bestand dat niet mag" in error.message_dict["attachments"][0]
    )


def test_text_in_a_pdf_name_and_empty_files_are_refused(cast: Cast) -> None:
    error = _refused(
        cast,
        lambda: _submit(
            cast, uploads=[Upload("nep.pdf", b"gewoon tekst"), Upload("leeg.txt", b"")]
        ),
    )
    message = error.message_dict["attachments"][0]
    assert "nep.pdf heeft een soort bestand" in message
    assert "leeg.txt is leeg" in message


def test_attachment_types_are_sniffed_from_the_content(cast: Cast) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    signal = _submit(
        cast,
        uploads=[Upload("foto.jpg", png), Upload("notitie.txt", b"Geen zorg.")],
    )
    assert list(signal.attachments.values_list("name", "content_type")) == [
        ("foto.jpg", "image/png"),
        ("notitie.txt", "text/plain"),
    ]


def test_an_inactive_user_or_organisation_cannot_submit_signals(cast: Cast) -> None:
    before = _counts()
    User.objects.filter(pk=cast.care_worker.pk).update(is_active=False)
    Organisation.objects.filter(pk=cast.om.pk).update(is_active=False)
    for user in (cast.care_worker, cast.prosecutor):
        with pytest.raises(Denied):
            services.submit_signal(
                signal_input(cast.municipality_a),
                idempotency_key="x",
                by=User.objects.select_related("organisation").get(pk=user.pk),
            )
    assert _counts() == before


def test_an_acute_signal_is_due_within_the_pickup_minutes_and_alerts_the_triage_team(
    cast: Cast, settings: Any
) -> None:
    settings.SIGNAL_ACUTE_PICKUP_MINUTES = 30
    User.objects.filter(pk=cast.case_manager.pk).update(email="carla@a.example")
    User.objects.filter(pk=cast.adviser.pk).update(email="adam@a.example")
    User.objects.filter(pk=cast.outsider.pk).update(email="bob@b.example")
    signal = _submit(cast, is_acute=True, bsn=VALID_BSN)
    assert signal.due_at == signal.received_at + dt.timedelta(minutes=30)
    # The alert is written with the signal, in its transaction; the worker mails it after.
    notified = Notification.objects.filter(topic=Topic.SIGNAL_ACUTE, object_uuid=signal.uuid)
    assert sorted(notified.values_list("recipient__username", flat=True)) == [
        "adviser",
        "casemanager",
    ]
    assert mail.outbox == []
    notification_services.run_pass()
    # One mail per member, so that no member sees who else is on the triage team.
    assert sorted(m.to[0] for m in mail.outbox) == ["adam@a.example", "carla@a.example"]
    for message in mail.outbox:
        html = str(message.alternatives[0].content)  # type: ignore[attr-defined]
        text = f"{message.subject}\n{message.body}\n{html}"
        for personal in (
            "Amrani",
            "Mohamed",
            "Dorpsstraat",
            VALID_BSN,
            "2005",
            "14-03",
            signal.reference,
        ):
            assert personal not in text
    row = audited(Event.SIGNAL_SUBMITTED, actor=cast.police_officer, obj=signal)
    assert row.details["acute"] is True


def test_a_failing_mail_server_loses_no_acute_signal(cast: Cast, settings: Any) -> None:
    # Nothing listens on the discard port: the connection is refused.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    User.objects.filter(pk=cast.case_manager.pk).update(email="carla@a.example")
    signal = _submit(cast, is_acute=True)
    result = notification_services.run_pass()
    assert result.outcomes == {"retry": 1}
    assert Signal.objects.filter(pk=signal.pk, is_acute=True).exists()
    delivery = Delivery.objects.get(notification__object_uuid=signal.uuid)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == "ConnectionRefusedError"


def test_a_normal_signal_is_due_within_the_triage_days_and_mails_nobody(
    cast: Cast, settings: Any
) -> None:
    User.objects.filter(pk=cast.case_manager.pk).update(email="carla@a.example")
    signal = _submit(cast)
    assert signal.due_at == signal.received_at + dt.timedelta(days=settings.SIGNAL_TRIAGE_DAYS)
    notification_services.run_pass()
    assert mail.outbox == []
    assert not Notification.objects.filter(object_uuid=signal.uuid).exists()
    audited(Event.SIGNAL_SUBMITTED, actor=cast.police_officer, obj=signal)


# --- Picking up -------------------------------------------------------------------------------


def test_picking_up_twice_is_harmless(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    services.pick_up(signal, by=cast.case_manager)
    again = services.pick_up(Signal.objects.get(pk=signal.pk), by=cast.adviser)
    assert again.status == SignalStatus.IN_TRIAGE
    assert again.picked_up_by == cast.case_manager
    assert again.version == 2
    row = audited(Event.SIGNAL_PICKED_UP, actor=cast.case_manager, obj=signal)
    assert row.details == {"overdue": False}


def test_a_late_pickup_is_audited_as_overdue(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    Signal.objects.filter(pk=signal.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    services.pick_up(Signal.objects.get(pk=signal.pk), by=cast.adviser)
    row = audited(Event.SIGNAL_PICKED_UP, actor=cast.adviser, obj=signal)
    assert row.details == {"overdue": True}


def test_the_reporter_and_outsiders_cannot_pick_up(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    for user in (cast.police_officer, cast.outsider, cast.mayor, cast.care_worker):
        with pytest.raises(Denied):
            services.pick_up(signal, by=user)
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.RECEIVED
    assert not AuditEvent.objects.filter(event=Event.SIGNAL_PICKED_UP).exists()


# --- Triage -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "outcome",
    [
        TriageOutcome.NO_CONCERN,
        TriageOutcome.REFERRAL,
        TriageOutcome.ESCALATE_CRIMINAL,
        TriageOutcome.ESCALATE_STATE,
    ],
)
def test_each_outcome_without_inclusion_closes_the_signal(cast: Cast, outcome: str) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    result = services.triage(
        signal, _decision(outcome), expected_version=signal.version, by=cast.case_manager
    )
    assert result.status == SignalStatus.CLOSED
    assert result.outcome == outcome
    assert result.outcome_reason == "Besproken in de weegploeg."
    assert result.criteria == "Criteria weegploeg 2026"
    assert result.triaged_by == cast.case_manager
    assert result.case is None
    assert not Case.objects.exists()
    audited(Event.SIGNAL_PICKED_UP, actor=cast.case_manager, obj=signal)
    row = audited(Event.SIGNAL_TRIAGED, actor=cast.case_manager, obj=signal)
    assert row.details == {"decision": outcome}
    assert row.outcome == "success"  # the audit outcome, not the triage outcome


def test_inclusion_registers_the_person_and_opens_a_case_at_the_plan_stage(cast: Cast) -> None:
    version = publish_framework(cast.national_admin)
    signal = make_signal(cast.police_officer, cast.municipality_a, bsn=VALID_BSN)
    services.pick_up(signal, by=cast.adviser)
    result = services.triage(
        signal,
        _decision(
            TriageOutcome.INCLUDE,
            create_person=True,
            case_director=cast.case_manager,
            phase="PH-2",
            tracks=("TR-PGA", "TR-STRAF"),
        ),
        expected_version=signal.version,
        by=cast.adviser,
    )
    person = result.person
    case = result.case
    assert person is not None and case is not None
    assert (person.municipality, person.family_name, person.given_names, person.bsn) == (
        cast.municipality_a,
        "Amrani",
        "Mohamed",
        VALID_BSN,
    )
    assert person.birth_date == dt.date(2005, 3, 14)
    assert case.person == person
    assert case.municipality == cast.municipality_a
    assert (case.stage, case.phase, case.tracks) == ("ST-3", "PH-2", ["TR-PGA", "TR-STRAF"])
    assert case.framework_version == version
    assert case.case_director == cast.case_manager
    assert list(
        CaseMember.objects.filter(case=case, removed_at__isnull=True).values_list("user", flat=True)
    ) == [cast.case_manager.pk]
    assert list(
        CaseTransition.objects.filter(case=case).values_list("dimension", "from_value", "to_value")
    ) == [(Dimension.STAGE, "", "ST-3"), (Dimension.PHASE, "", "PH-2")]
    row = audited(Event.SIGNAL_TRIAGED, actor=cast.adviser, obj=signal)
    assert row.details == {
        "decision": "include",
        "person": str(person.uuid),
        "case": str(case.uuid),
    }
    audited(Event.PERSON_CREATED, actor=cast.adviser, obj=person, purpose=Purpose.CASE_WORK)
    opened = audited(Event.CASE_OPENED, actor=cast.adviser, obj=case, purpose=Purpose.CASE_WORK)
    assert opened.details["framework_version"] == str(version.uuid)
    assert opened.details["phase"] == "PH-2"


def test_inclusion_can_link_a_known_person(cast: Cast) -> None:
    from samenspel.cases import services as case_services

    publish_framework(cast.national_admin)
    known = case_services.create_person(
        municipality=cast.municipality_a, family_name="Amrani", by=cast.case_manager
    )
    signal = make_signal(cast.police_officer, cast.municipality_a)
    result = services.triage(
        signal,
        _decision(
            TriageOutcome.INCLUDE, person=known, case_director=cast.case_manager, phase="PH-1"
        ),
        expected_version=signal.version,
        by=cast.case_manager,
    )
    assert result.person == known
    assert Person.objects.count() == 1
    assert result.case is not None and result.case.tracks == ["TR-PGA"]
    audited(Event.SIGNAL_TRIAGED, actor=cast.case_manager, obj=signal)


def test_inclusion_needs_a_person_and_a_case_director(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    with pytest.raises(ValidationError) as exc:
        services.triage(
            signal,
            _decision(TriageOutcome.INCLUDE),
            expected_version=signal.version,
            by=cast.case_manager,
        )
    assert set(exc.value.message_dict) == {"person", "case_director"}
    assert not AuditEvent.objects.filter(event=Event.SIGNAL_TRIAGED).exists()


def test_a_person_of_another_municipality_cannot_be_linked(cast: Cast) -> None:
    from samenspel.cases import services as case_services

    elsewhere = case_services.create_person(
        municipality=cast.municipality_b, family_name="Amrani", by=cast.outsider
    )
    signal = make_signal(cast.police_officer, cast.municipality_a)
    with pytest.raises(ValidationError) as exc:
        services.triage(
            signal,
            _decision(TriageOutcome.INCLUDE, person=elsewhere, case_director=cast.case_manager),
            expected_version=signal.version,
            by=cast.case_manager,
        )
    assert exc.value.message_dict["person"] == ["Koppel alleen een persoon uit deze gemeente."]


def test_reason_and_criteria_are_required(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    with pytest.raises(ValidationError) as exc:
        services.triage(
            signal,
            _decision(reason=" ", criteria=""),
            expected_version=signal.version,
            by=cast.case_manager,
        )
    assert exc.value.message_dict == {
        "reason": ["Geef de reden van deze uitkomst."],
        "criteria": ["Leg vast welke criteria de weegploeg heeft gebruikt."],
    }
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.RECEIVED
    assert not AuditEvent.objects.filter(
        event__in=[Event.SIGNAL_TRIAGED, Event.SIGNAL_PICKED_UP]
    ).exists()


def test_an_unknown_outcome_is_refused(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    with pytest.raises(ValidationError) as exc:
        services.triage(
            signal, _decision("maybe"), expected_version=signal.version, by=cast.case_manager
        )
    assert exc.value.message_dict["outcome"] == ["Kies een uitkomst."]


def test_a_stale_triage_raises_and_saves_nothing(cast: Cast) -> None:
    publish_framework(cast.national_admin)
    signal = make_signal(cast.police_officer, cast.municipality_a)
    services.pick_up(signal, by=cast.adviser)
    seen_by_director = Signal.objects.get(pk=signal.pk)
    seen_by_adviser = Signal.objects.get(pk=signal.pk)
    services.triage(
        seen_by_adviser,
        _decision(TriageOutcome.REFERRAL),
        expected_version=seen_by_adviser.version,
        by=cast.adviser,
    )
    before = (Person.objects.count(), Case.objects.count(), AuditEvent.objects.count())
    with pytest.raises(StaleEdit):
        services.triage(
            seen_by_director,
            _decision(
                TriageOutcome.INCLUDE,
                create_person=True,
                case_director=cast.case_manager,
                phase="PH-1",
            ),
            expected_version=seen_by_director.version,
            by=cast.case_manager,
        )
    assert (Person.objects.count(), Case.objects.count(), AuditEvent.objects.count()) == before
    assert Signal.objects.get(pk=signal.pk).outcome == TriageOutcome.REFERRAL


def test_a_double_submit_of_the_same_decision_returns_the_same(cast: Cast) -> None:
    publish_framework(cast.national_admin)
    signal = make_signal(cast.police_officer, cast.municipality_a)
    version = signal.version
    decision = _decision(
        TriageOutcome.INCLUDE, create_person=True, case_director=cast.case_manager, phase="PH-1"
    )
    first = services.triage(signal, decision, expected_version=version, by=cast.case_manager)
    second = services.triage(
        Signal.objects.get(pk=signal.pk), decision, expected_version=version, by=cast.case_manager
    )
    assert second.pk == first.pk
    assert second.case == first.case
    assert Case.objects.count() == 1
    assert Person.objects.count() == 1
    audited(Event.SIGNAL_TRIAGED, actor=cast.case_manager, obj=signal)


def test_a_different_decision_on_a_weighed_signal_is_stale(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    services.triage(signal, _decision(), expected_version=signal.version, by=cast.case_manager)
    with pytest.raises(StaleEdit):
        services.triage(
            Signal.objects.get(pk=signal.pk),
            _decision(TriageOutcome.REFERRAL),
            expected_version=1,
            by=cast.case_manager,
        )


@pytest.mark.parametrize("who", ["police_officer", "outsider", "mayor", "care_worker"])
def test_the_reporter_and_outsiders_cannot_triage(cast: Cast, who: str) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    with pytest.raises(Denied):
        services.triage(signal, _decision(), expected_version=signal.version, by=getattr(cast, who))
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.RECEIVED
    assert not AuditEvent.objects.filter(event=Event.SIGNAL_TRIAGED).exists()


def test_a_police_officer_with_a_seat_triages(cast: Cast) -> None:
    seat = services.add_triage_seat(
        cast.municipality_a, user=cast.police_officer, by=cast.case_manager
    )
    audited(Event.TRIAGE_SEAT_ADDED, actor=cast.case_manager, obj=seat)
    signal = make_signal(cast.care_worker, cast.municipality_a)
    result = services.triage(
        signal,
        _decision(TriageOutcome.ESCALATE_CRIMINAL),
        expected_version=signal.version,
        by=cast.police_officer,
    )
    assert result.outcome == TriageOutcome.ESCALATE_CRIMINAL
    audited(Event.SIGNAL_TRIAGED, actor=cast.police_officer, obj=signal)
    services.remove_triage_seat(seat, by=cast.case_manager)
    other = make_signal(cast.care_worker, cast.municipality_a)
    with pytest.raises(Denied):
        services.pick_up(other, by=cast.police_officer)


def test_only_police_and_om_get_a_seat(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        services.add_triage_seat(cast.municipality_a, user=cast.care_worker, by=cast.case_manager)
    with pytest.raises(Denied):
        services.add_triage_seat(cast.municipality_a, user=cast.prosecutor, by=cast.outsider)
    assert not AuditEvent.objects.filter(event=Event.TRIAGE_SEAT_ADDED).exists()


def test_cases_opened_by_triage_use_the_published_framework(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    with pytest.raises(ValidationError):
        services.triage(
            signal,
            _decision(
                TriageOutcome.INCLUDE,
                create_person=True,
                case_director=cast.case_manager,
                phase="PH-1",
            ),
            expected_version=signal.version,
            by=cast.case_manager,
        )
    assert not FrameworkVersion.objects.exists()
    assert not Person.objects.exists()
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.RECEIVED
