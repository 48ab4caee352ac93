"""Warm transfer of a case to another municipality (cases.services); each step audits itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model

from samenspel.accounts.models import User
from samenspel.audit.events import Event, Purpose
from samenspel.audit.models import AuditEvent
from samenspel.cases import selectors, services
from samenspel.cases.models import (
    Case,
    CaseMember,
    Dimension,
    Intervention,
    Person,
    Transfer,
    TransferStatus,
)
from samenspel.intake.models import Signal
from samenspel.sharing.policy import Action, Denied, visible
from samenspel.testing import Cast, make_case

VALID_BSN = "111222333"


def audited(event: Event, *, actor: User, obj: Model) -> Any:
    """Return the one audit row of `event` about `obj`, after checking actor and purpose."""
    rows = AuditEvent.objects.filter(
        event=event, object_type=obj._meta.label_lower, object_id=str(getattr(obj, "uuid", obj.pk))
    )
    assert rows.count() == 1, list(rows.values("event", "object_id"))
    row = rows.get()
    assert row.actor_id == actor.pk
    assert row.purpose == Purpose.CASE_WORK
    return row


def _case_with_plan(cast: Cast) -> Case:
    case = make_case(cast, team=(cast.police_officer,))
    services.add_intervention(
        case, measure="I-01", domain="prevention", owner=cast.municipality_a, by=cast.case_manager
    )
    return Case.objects.get(pk=case.pk)


def _request(cast: Cast, case: Case) -> Transfer:
    return services.request_transfer(
        case, to_municipality=cast.municipality_b, reason="Verhuisd naar B.", by=cast.case_manager
    )


def test_a_case_director_requests_a_transfer(cast: Cast) -> None:
    case = _case_with_plan(cast)
    transfer = _request(cast, case)
    assert (transfer.status, transfer.from_municipality, transfer.to_municipality) == (
        TransferStatus.REQUESTED,
        cast.municipality_a,
        cast.municipality_b,
    )
    assert transfer.case_reference == case.reference
    row = audited(Event.TRANSFER_REQUESTED, actor=cast.case_manager, obj=case)
    assert row.details == {"transfer": str(transfer.uuid), "to": str(cast.municipality_b.uuid)}
    assert list(selectors.incoming_transfers(cast.outsider)) == [transfer]
    assert list(selectors.incoming_transfers(cast.case_manager)) == []


def test_a_double_request_returns_the_pending_one(cast: Cast) -> None:
    case = _case_with_plan(cast)
    first = _request(cast, case)
    assert _request(cast, case).pk == first.pk
    assert Transfer.objects.count() == 1
    audited(Event.TRANSFER_REQUESTED, actor=cast.case_manager, obj=case)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("police", "Kies een gemeente uit de lijst."),
        (None, "Kies een gemeente uit de lijst."),
        ("municipality_a", "De casus hoort al bij deze gemeente. Kies een andere."),
    ],
)
def test_a_transfer_goes_only_to_another_municipality(
    cast: Cast, target: str | None, message: str
) -> None:
    case = _case_with_plan(cast)
    with pytest.raises(ValidationError) as exc:
        services.request_transfer(
            case,
            to_municipality=getattr(cast, target) if target else None,
            reason="Verhuisd.",
            by=cast.case_manager,
        )
    assert exc.value.message_dict["to_municipality"] == [message]
    assert not Transfer.objects.exists()
    assert not AuditEvent.objects.filter(event=Event.TRANSFER_REQUESTED).exists()


def test_only_a_case_director_of_the_case_requests_a_transfer(cast: Cast) -> None:
    case = _case_with_plan(cast)
    for user in (cast.police_officer, cast.adviser, cast.outsider):
        sees = selectors.cases_visible_to(user).filter(pk=case.pk).exists()
        with pytest.raises(PermissionDenied if sees else Denied):
            services.request_transfer(
                case, to_municipality=cast.municipality_b, reason="x", by=user
            )


def test_accepting_moves_the_case_with_history_and_plan_and_leaves_a_stub(cast: Cast) -> None:
    case = _case_with_plan(cast)
    old_person = case.person
    Person.objects.filter(pk=old_person.pk).update(bsn=VALID_BSN)
    history_before = list(case.transitions.values_list("dimension", "to_value"))
    signal = Signal.objects.get(case=case)
    transfer = _request(cast, case)

    moved = services.accept_transfer(
        transfer, case_director=cast.outsider, reason="Welkom.", by=cast.outsider
    )

    assert moved.pk == case.pk
    assert moved.municipality == cast.municipality_b
    assert moved.case_director == cast.outsider
    assert moved.reference == transfer.case_reference  # a case keeps its reference for life
    # The history and the plan move with the case, plus one step for the move itself.
    history = list(moved.transitions.values_list("dimension", "to_value"))
    assert history[:-1] == history_before
    assert history[-1] == (Dimension.MUNICIPALITY, cast.municipality_b.name)
    assert list(Intervention.objects.filter(case=moved).values_list("measure", flat=True)) == [
        "I-01"
    ]
    # The person is registered again in B; A's row is gone, as nothing else points at it.
    person = moved.person
    assert person.pk != old_person.pk
    assert (person.municipality, person.family_name, person.bsn) == (
        cast.municipality_b,
        old_person.family_name,
        VALID_BSN,
    )
    assert not Person.objects.filter(pk=old_person.pk).exists()
    # The signal behind the case moves too.
    signal.refresh_from_db()
    assert (signal.municipality, signal.person) == (cast.municipality_b, person)
    # The old team left; the new case director forms a new one.
    team = CaseMember.objects.filter(case=moved, removed_at__isnull=True)
    assert list(team.values_list("user", flat=True)) == [cast.outsider.pk]
    # A's users no longer see the case, its person or its signal ...
    for user in (cast.case_manager, cast.adviser, cast.mayor, cast.police_officer):
        assert moved not in selectors.cases_visible_to(user)
        with pytest.raises(Denied):
            selectors.get_case_for(user, moved.uuid)
        assert not visible(user, Person.objects.all()).exists()
        assert not visible(user, Signal.objects.all()).exists()
    # ... but A keeps the stub: that a transfer took place, to whom and when.
    stub = selectors.transfer_stubs(cast.case_manager).get()
    assert (stub.pk, stub.status, stub.case_reference, stub.to_municipality) == (
        transfer.pk,
        TransferStatus.ACCEPTED,
        transfer.case_reference,
        cast.municipality_b,
    )
    assert moved in selectors.cases_visible_to(cast.outsider)
    row = audited(Event.TRANSFER_ACCEPTED, actor=cast.outsider, obj=moved)
    assert row.details == {
        "transfer": str(transfer.uuid),
        "source": str(cast.municipality_a.uuid),
        "person": str(person.uuid),
        "person_known": False,
    }
    assert row.object_organisation_id == cast.municipality_b.pk


def test_a_person_known_by_bsn_in_the_receiving_municipality_gets_the_case(cast: Cast) -> None:
    # One BSN, one person: no second record without the BSN beside the known one.
    case = _case_with_plan(cast)
    old_person = case.person
    Person.objects.filter(pk=old_person.pk).update(bsn=VALID_BSN)
    known = services.create_person(
        municipality=cast.municipality_b, family_name="Amrani", bsn=VALID_BSN, by=cast.outsider
    )
    transfer = _request(cast, case)
    moved = services.accept_transfer(transfer, case_director=cast.outsider, by=cast.outsider)
    assert moved.person == known
    assert list(
        Person.objects.filter(municipality=cast.municipality_b).values_list("pk", "bsn")
    ) == [(known.pk, VALID_BSN)]
    assert not Person.objects.filter(pk=old_person.pk).exists()
    assert audited(Event.TRANSFER_ACCEPTED, actor=cast.outsider, obj=moved).details["person_known"]
    # The triage team of B finds the case's person by the BSN.
    found = selectors.find_candidates(
        cast.outsider, cast.municipality_b, family_name="X", bsn=VALID_BSN
    )
    assert [c.person for c in found] == [known]
    assert found[0].open_cases == 1


def test_the_receiving_case_director_must_be_of_the_receiving_municipality(cast: Cast) -> None:
    case = _case_with_plan(cast)
    transfer = _request(cast, case)
    with pytest.raises(ValidationError) as exc:
        services.accept_transfer(transfer, case_director=cast.case_manager, by=cast.outsider)
    assert exc.value.message_dict["case_director"] == [
        "Kies een casusregisseur van de gemeente Gemeente B."
    ]
    assert Case.objects.get(pk=case.pk).municipality == cast.municipality_a


def test_only_the_receiving_municipality_decides(cast: Cast) -> None:
    case = _case_with_plan(cast)
    transfer = _request(cast, case)
    for user in (cast.case_manager, cast.police_officer, cast.admin_b):
        # The sender sees the transfer (403); the others do not know of it (404).
        sees = visible(user, Transfer.objects.filter(pk=transfer.pk)).exists()
        assert sees == (user == cast.case_manager)
        with pytest.raises(PermissionDenied if sees else Denied):
            services.accept_transfer(transfer, case_director=cast.outsider, by=user)
        with pytest.raises(PermissionDenied if sees else Denied):
            services.decline_transfer(transfer, reason="Nee.", by=user)
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.REQUESTED


def test_declining_keeps_the_case_with_the_sender(cast: Cast) -> None:
    case = _case_with_plan(cast)
    transfer = _request(cast, case)
    with pytest.raises(ValidationError):
        services.decline_transfer(transfer, reason=" ", by=cast.outsider)
    declined = services.decline_transfer(
        transfer, reason="De persoon woont hier niet.", by=cast.outsider
    )
    assert (declined.status, declined.decided_by) == (TransferStatus.DECLINED, cast.outsider)
    assert Case.objects.get(pk=case.pk).municipality == cast.municipality_a
    assert case in selectors.cases_visible_to(cast.police_officer)
    assert case not in selectors.cases_visible_to(cast.outsider)
    row = audited(Event.TRANSFER_DECLINED, actor=cast.outsider, obj=transfer)
    assert row.details == {"case": str(case.uuid)}
    with pytest.raises(ValidationError):
        services.accept_transfer(declined, case_director=cast.outsider, by=cast.outsider)


def test_the_sender_cancels_a_pending_transfer(cast: Cast) -> None:
    case = _case_with_plan(cast)
    transfer = _request(cast, case)
    with pytest.raises(PermissionDenied):  # the receiver sees the request, cancels nothing
        services.cancel_transfer(transfer, by=cast.outsider)
    with pytest.raises(Denied):
        services.cancel_transfer(transfer, by=cast.police_officer)
    cancelled = services.cancel_transfer(transfer, by=cast.case_manager)
    assert cancelled.status == TransferStatus.CANCELLED
    audited(Event.TRANSFER_CANCELLED, actor=cast.case_manager, obj=transfer)
    assert list(selectors.incoming_transfers(cast.outsider)) == []
    with pytest.raises(ValidationError):
        services.cancel_transfer(cancelled, by=cast.case_manager)
    # A new request is possible once the old one is withdrawn.
    again = _request(cast, case)
    assert again.pk != transfer.pk


def test_a_pending_transfer_to_elsewhere_blocks_a_second_one(cast: Cast) -> None:
    from samenspel.testing import make_organisation

    case = _case_with_plan(cast)
    _request(cast, case)
    c = make_organisation("Gemeente C")
    with pytest.raises(ValidationError) as exc:
        services.request_transfer(case, to_municipality=c, reason="Toch C.", by=cast.case_manager)
    assert "Trek die eerst in" in exc.value.message_dict["to_municipality"][0]


def test_the_receiver_sees_the_request_but_not_the_case_before_accepting(cast: Cast) -> None:
    case = _case_with_plan(cast)
    transfer = _request(cast, case)
    assert selectors.get_transfer_for(cast.outsider, transfer.uuid, Action.MANAGE) == transfer
    with pytest.raises(Denied):
        selectors.get_case_for(cast.outsider, case.uuid)


def test_a_reference_the_receiver_already_uses_is_replaced_on_the_move(cast: Cast) -> None:
    case = _case_with_plan(cast)
    other = make_case(cast, municipality=cast.municipality_b, case_director=cast.outsider)
    Case.objects.filter(pk=other.pk).update(reference=case.reference)
    transfer = _request(cast, case)
    moved = services.accept_transfer(
        transfer, case_director=cast.outsider, reason="Welkom.", by=cast.outsider
    )
    assert moved.reference != case.reference
    assert moved.reference.startswith("PGA-")


def test_a_case_arrives_beside_the_open_case_the_receiving_municipality_has(cast: Cast) -> None:
    case = _case_with_plan(cast)
    Person.objects.filter(pk=case.person_id).update(bsn=VALID_BSN)
    known = services.create_person(
        municipality=cast.municipality_b, family_name="Amrani", bsn=VALID_BSN, by=cast.outsider
    )
    there = services.open_case(
        person=known,
        case_director=cast.outsider,
        phase="PH-1",
        reason="Eigen signaal in B.",
        by=cast.outsider,
    )
    moved = services.accept_transfer(
        _request(cast, case), case_director=cast.outsider, by=cast.outsider
    )
    assert moved.person == known
    assert moved.parallel_to_id == there.pk
    assert "Gemeente A" in moved.parallel_reason
