"""Warm transfer pages: request, cancel, and the receiving side's decision."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samenspel import audit
from samenspel.accounts.selectors import request_user
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.cases import selectors, services
from samenspel.cases.forms import AcceptTransferForm, DeclineTransferForm, TransferRequestForm
from samenspel.cases.models import TransferStatus
from samenspel.cases.views._common import _case, _form_status, _page
from samenspel.lib.errors import DecisionConflict
from samenspel.sharing.policy import Action, Denied

# --- Transfers --------------------------------------------------------------------------------


def transfer_request(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Ask another municipality to take over the case."""
    me = request_user(request)
    case = _case(request, case_uuid, Action.MANAGE)
    municipalities = {str(o.uuid): o for o in selectors.other_municipalities(case)}
    options = [(key, o.name) for key, o in municipalities.items()]
    if request.method == "POST":
        form = TransferRequestForm(request.POST, municipalities=options)
        if form.is_valid():
            try:
                services.request_transfer(
                    case,
                    to_municipality=municipalities[form.cleaned_data["to_municipality"]],
                    reason=form.cleaned_data["reason"],
                    by=me,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("De overdracht is aangevraagd. De andere gemeente beslist erover."),
                )
                return redirect("cases:detail", case_uuid=case.uuid)
    else:
        form = TransferRequestForm(municipalities=options)
    return _page(
        request,
        "cases/case_form.html",
        case,
        {
            "form": form,
            "title": _("Casus overdragen aan een andere gemeente"),
            "submit": _("Overdracht aanvragen"),
            "intro": _(
                "Gebruik dit als de persoon naar een andere gemeente is verhuisd. Na "
                "acceptatie hoort de casus bij die gemeente; u houdt alleen een verwijzing."
            ),
        },
        status=_form_status(form),
    )


@require_POST
def transfer_cancel(
    request: HttpRequest, case_uuid: uuid.UUID, transfer_uuid: uuid.UUID
) -> HttpResponse:
    """Withdraw a pending transfer request."""
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid, Action.MANAGE, record_read=False)
    transfer = selectors.get_transfer_for(me, transfer_uuid)
    if transfer.case_id != case.pk:
        raise Denied("cases.transfer", str(transfer_uuid), exists=True)
    try:
        services.cancel_transfer(transfer, by=me)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De overdracht is ingetrokken."))
    return redirect("cases:detail", case_uuid=case.uuid)


@require_safe
def transfers(request: HttpRequest) -> HttpResponse:
    """Show incoming transfer requests and the stubs of cases this municipality handed over."""
    me = request_user(request)
    incoming = list(selectors.incoming_transfers(me))
    stubs = list(selectors.transfer_stubs(me))
    selectors.record_list_read(me, len(incoming) + len(stubs), page="transfers")
    return render(request, "cases/transfers.html", {"incoming": incoming, "stubs": stubs})


def transfer_accept(request: HttpRequest, transfer_uuid: uuid.UUID) -> HttpResponse:
    """Take over a case: choose the case director who will run it here."""
    me = request_user(request)
    transfer = selectors.get_transfer_for(me, transfer_uuid, Action.MANAGE)
    directors = {str(u.uuid): u for u in selectors.case_directors_of(me.organisation)}
    options = [(key, u.full_name) for key, u in directors.items()]
    if request.method == "POST":
        form = AcceptTransferForm(request.POST, directors=options)
        if form.is_valid():
            try:
                case = services.accept_transfer(
                    transfer,
                    case_director=directors[form.cleaned_data["case_director"]],
                    reason=form.cleaned_data["reason"],
                    by=me,
                )
            except DecisionConflict:
                return _decided_meanwhile(request, transfer, accept=True)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("U heeft de casus overgenomen."))
                return redirect("cases:detail", case_uuid=case.uuid)
    else:
        form = AcceptTransferForm(directors=options, initial={"case_director": str(me.uuid)})
    return _transfer_page(request, transfer, form, accept=True)


def transfer_decline(request: HttpRequest, transfer_uuid: uuid.UUID) -> HttpResponse:
    """Decline a transfer request, with the reason."""
    me = request_user(request)
    transfer = selectors.get_transfer_for(me, transfer_uuid, Action.MANAGE)
    if request.method == "POST":
        form = DeclineTransferForm(request.POST)
        if form.is_valid():
            try:
                services.decline_transfer(transfer, reason=form.cleaned_data["reason"], by=me)
            except DecisionConflict:
                return _decided_meanwhile(request, transfer, accept=False)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("De overdracht is afgewezen."))
                return redirect("cases:transfers")
    else:
        form = DeclineTransferForm()
    return _transfer_page(request, transfer, form, accept=False)


def _transfer_page(request: HttpRequest, transfer: Any, form: Any, *, accept: bool) -> HttpResponse:
    # A decided transfer answers as the API does: a conflict (409), not a 404.
    decided = transfer.status != TransferStatus.REQUESTED
    if request.method == "GET":
        selectors.record_list_read(request_user(request), 1, page="transfer", obj=transfer)
    return render(
        request,
        "cases/transfer_decide.html",
        {"transfer": transfer, "form": form, "accept": accept, "decided": decided},
        status=409 if decided else _form_status(form),
    )


def _decided_meanwhile(request: HttpRequest, transfer: Any, *, accept: bool) -> HttpResponse:
    """Answer a decision that lost the race: say so, change nothing, record the conflict."""
    me = request_user(request)
    audit.record(
        Event.DECISION_CONFLICT,
        by=me,
        obj=transfer,
        purpose=Purpose.CASE_WORK,
        outcome=Outcome.DENIED,
    )
    transfer = selectors.get_transfer_for(me, transfer.uuid, Action.MANAGE)
    return _transfer_page(request, transfer, None, accept=accept)
