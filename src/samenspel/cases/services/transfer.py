"""Warm transfer of a case to another municipality."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation, OrganisationType, User
from samenspel.audit.events import Event
from samenspel.cases.models import (
    Case,
    CaseMember,
    CaseStatus,
    CaseTransition,
    Dimension,
    Person,
    Transfer,
    TransferStatus,
)
from samenspel.cases.services._common import PURPOSE, _new_reference, _reason, _require
from samenspel.cases.services.lifecycle import open_case_of
from samenspel.cases.services.persons import _insert_person, remove_unused_person
from samenspel.intake.handover import move_signals_with_case
from samenspel.lib.decisions import claim
from samenspel.lib.errors import DecisionConflict
from samenspel.notifications import services as notifications
from samenspel.notifications.models import Topic
from samenspel.sharing.policy import Action, allowed, require

# --- Warm transfer ---------------------------------------------------------------------------


def request_transfer(
    case: Case, *, to_municipality: Organisation | None, reason: str, by: User
) -> Transfer:
    """Ask another municipality to take over the case of a person who moved there."""
    _require(by, Action.MANAGE, case)
    errors: dict[str, str] = {}
    if (
        to_municipality is None
        or to_municipality.type != OrganisationType.MUNICIPALITY
        or not to_municipality.is_active
    ):
        errors["to_municipality"] = _("Kies een gemeente uit de lijst.")
    elif to_municipality.pk == case.municipality_id:
        errors["to_municipality"] = _("De casus hoort al bij deze gemeente. Kies een andere.")
    if not reason.strip():
        errors["reason"] = _("Geef een reden op.")
    if case.status == CaseStatus.CLOSED:
        errors["to_municipality"] = _("Een gesloten casus wordt niet overgedragen.")
    if errors:
        raise ValidationError(errors)
    if to_municipality is None:  # for the type checker: refused above
        raise ValidationError(errors)
    pending = Transfer.objects.filter(case=case, status=TransferStatus.REQUESTED).first()
    if pending is not None:
        if pending.to_municipality_id == to_municipality.pk:
            return pending  # a double submit
        raise ValidationError(
            {"to_municipality": _("Er loopt al een overdracht. Trek die eerst in.")}
        )
    with transaction.atomic():
        transfer = Transfer.objects.create(
            case=case,
            case_reference=case.reference,
            from_municipality_id=case.municipality_id,
            to_municipality=to_municipality,
            reason=reason.strip(),
            requested_by=by,
        )
        audit.record(
            Event.TRANSFER_REQUESTED,
            by=by,
            obj=case,
            purpose=PURPOSE,
            transfer=str(transfer.uuid),
            to=str(to_municipality.uuid),
        )
        notifications.notify(Topic.TRANSFER_REQUESTED, transfer, to=_deciders(transfer), by=by)
    return transfer


def _deciders(transfer: Transfer) -> list[User]:
    """Return who may decide the transfer (the receiving side), to tell them about it."""
    receiving = notifications.colleagues_of(transfer.to_municipality_id)
    return notifications.who_may("transfer.decide", on=transfer, among=receiving)


def _already_decided() -> str:
    return _("Over deze overdracht is al beslist. Er is niets gewijzigd.")


def _check_requested(transfer: Transfer) -> None:
    """Refuse early, as a conflict, a decision on a transfer that was decided already."""
    if transfer.status != TransferStatus.REQUESTED:
        raise DecisionConflict("cases.transfer", transfer.status, _already_decided())


def _claim(transfer: Transfer, status: TransferStatus, by: User, **changes: Any) -> None:
    """Decide the transfer only if it is still requested (a guarded update, lib.decisions)."""
    claim(
        Transfer.objects.all(),
        transfer.pk,
        expected=TransferStatus.REQUESTED,
        message=_already_decided(),
        status=status,
        decided_by=by,
        decided_at=timezone.now(),
        **changes,
    )


def accept_transfer(transfer: Transfer, *, case_director: User, reason: str = "", by: User) -> Case:
    """Take over the case: it moves with its history; the sender keeps only the transfer stub.

    The person is registered again in the receiving municipality, or, when it knows the
    person's BSN already, the case joins that person. The sending municipality's team leaves
    the case; the receiving case director forms a new one. Of two racing decisions on one
    transfer, one wins; the other gets DecisionConflict and changes nothing.
    """
    require(by, "transfer.decide", on=transfer)
    _check_requested(transfer)
    target = transfer.to_municipality
    if not allowed(case_director, "case.direct", within=target):
        raise ValidationError(
            {
                "case_director": _("Kies een casusregisseur van de gemeente %(name)s.")
                % {"name": target.name}
            }
        )
    now = timezone.now()
    with transaction.atomic():
        _claim(transfer, TransferStatus.ACCEPTED, by, decision_reason=reason.strip())
        case = Case.objects.select_for_update().get(pk=transfer.case_id)
        old_person = case.person
        # A BSN names one person: when the receiving municipality knows it already, the case
        # joins that record instead of a second one for the same person.
        known = (
            Person.objects.filter(municipality=target, bsn=old_person.bsn).first()
            if old_person.bsn
            else None
        )
        person = known or _insert_person(
            municipality=target,
            family_name=old_person.family_name,
            given_names=old_person.given_names,
            birth_date=old_person.birth_date,
            bsn=old_person.bsn,
            address=old_person.address,
        )
        source = case.municipality
        # A case keeps its reference for life, so partners can follow it across the move; only
        # if the receiving municipality happens to use the same one already, it gets a new one.
        reference = case.reference
        if Case.objects.filter(municipality=target, reference=reference).exists():
            reference = _new_reference(target)
        # One person, one open case: when the receiving municipality already follows the
        # person, the case arrives beside that open case and says so.
        running = open_case_of(person) if known is not None else None
        beside = (
            {
                "parallel_to": running,
                "parallel_reason": _(
                    "Overgedragen door %(source)s; de persoon had hier al een open casus."
                )
                % {"source": case.municipality.name},
            }
            if running is not None and running.pk != case.pk
            else {}
        )
        Case.objects.filter(pk=case.pk).update(
            municipality=target,
            person=person,
            case_director=case_director,
            reference=reference,
            version=F("version") + 1,
            updated_at=now,
            **beside,
        )
        CaseMember.objects.filter(case=case, removed_at__isnull=True).update(
            removed_at=now, removed_by=by
        )
        CaseMember.objects.create(
            case=case,
            user=case_director,
            organisation=target,
            task=_("casusregisseur"),
            added_by=by,
        )
        CaseTransition.objects.create(
            case=case,
            dimension=Dimension.MUNICIPALITY,
            from_value=source.name,
            to_value=target.name,
            reason=transfer.reason,
            by=by,
        )
        # The signals behind the case move with it, through intake's own code; the sender
        # keeps only the transfer stub.
        move_signals_with_case(case, to=target, person=person, by=by)
        remove_unused_person(old_person, by=by)
        case.refresh_from_db()
        transfer.refresh_from_db()
        audit.record(
            Event.TRANSFER_ACCEPTED,
            by=by,
            obj=case,
            purpose=PURPOSE,
            transfer=str(transfer.uuid),
            source=str(source.uuid),
            person=str(person.uuid),
            person_known=known is not None,
        )
        notifications.notify(Topic.TRANSFER_ACCEPTED, transfer, to=[transfer.requested_by], by=by)
        notifications.notify(Topic.MEMBER_ADDED, case, to=[case_director], by=by)
    return case


def decline_transfer(transfer: Transfer, *, reason: str, by: User) -> Transfer:
    """Decline a transfer, with the reason; the case stays with the sender."""
    require(by, "transfer.decide", on=transfer)
    _check_requested(transfer)
    reason = _reason(reason)
    with transaction.atomic():
        _claim(transfer, TransferStatus.DECLINED, by, decision_reason=reason)
        transfer.refresh_from_db()
        audit.record(
            Event.TRANSFER_DECLINED,
            by=by,
            obj=transfer,
            purpose=PURPOSE,
            case=str(transfer.case.uuid),
        )
        notifications.notify(Topic.TRANSFER_DECLINED, transfer, to=[transfer.requested_by], by=by)
    return transfer


def cancel_transfer(transfer: Transfer, *, by: User) -> Transfer:
    """Withdraw a transfer request that is not yet decided."""
    require(by, "transfer.cancel", on=transfer)
    _check_requested(transfer)
    with transaction.atomic():
        _claim(transfer, TransferStatus.CANCELLED, by)
        transfer.refresh_from_db()
        audit.record(Event.TRANSFER_CANCELLED, by=by, obj=transfer, purpose=PURPOSE)
        notifications.notify(Topic.TRANSFER_CANCELLED, transfer, to=_deciders(transfer), by=by)
    return transfer
