"""JSON endpoints for the receiving side of a warm transfer: the requests, and the decisions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from samenspel.accounts import selectors as accounts_selectors
from samenspel.api.auth import me
from samenspel.api.cases import AcceptIn, CaseOut, ReasonIn, TransferOut, case_out, transfer_out
from samenspel.api.openapi import decision
from samenspel.cases import selectors, services
from samenspel.sharing.policy import Action

router = Router(tags=["transfers"])


@router.get("/incoming", response=list[TransferOut])
def incoming(request: HttpRequest) -> Any:
    """List the transfer requests your municipality may accept or decline."""
    user = me(request)
    rows = list(selectors.incoming_transfers(user)[:500])
    selectors.record_list_read(user, len(rows), page="transfers_incoming", api=True)
    return [transfer_out(t) for t in rows]


@router.post("/{transfer_uuid}/accept", response=CaseOut)
@decision
def accept(
    request: HttpRequest, transfer_uuid: UUID, payload: AcceptIn, response: HttpResponse
) -> Any:
    """Take over the case with its history; you name the new case director."""
    user = me(request)
    transfer = selectors.get_transfer_for(user, transfer_uuid, Action.MANAGE)
    director = accounts_selectors.users_visible_to(user).filter(uuid=payload.case_director).first()
    if director is None:
        raise ValidationError({"case_director": _("Kies een casusregisseur van uw gemeente.")})
    case = services.accept_transfer(
        transfer, case_director=director, reason=payload.reason, by=user
    )
    return case_out(selectors.get_case_for(user, case.uuid, record_read=False), response)


@router.post("/{transfer_uuid}/decline", response=TransferOut)
@decision
def decline(request: HttpRequest, transfer_uuid: UUID, payload: ReasonIn) -> Any:
    """Decline a transfer, with the reason; the case stays with the sender."""
    user = me(request)
    transfer = selectors.get_transfer_for(user, transfer_uuid, Action.MANAGE)
    return transfer_out(services.decline_transfer(transfer, reason=payload.reason, by=user))


@router.post("/{transfer_uuid}/cancel", response=TransferOut)
@decision
def cancel(request: HttpRequest, transfer_uuid: UUID) -> Any:
    """Withdraw a transfer request that is not yet decided."""
    user = me(request)
    transfer = selectors.get_transfer_for(user, transfer_uuid)
    return transfer_out(services.cancel_transfer(transfer, by=user))
