"""One agenda item on the meeting page: its forms, one item at a time, and the item page.

The meeting page is one screen a chair runs the meeting from: an item's forms post with htmx
and get back only that item, so the page does not reload; without JavaScript they post and
redirect as any form.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samenspel.accounts.models import Organisation, User
from samenspel.accounts.selectors import request_user
from samenspel.consultations import selectors, services
from samenspel.consultations.forms.meetings import (
    ActionForm,
    DecisionForm,
    InviteForm,
    NoteForm,
)
from samenspel.consultations.models import (
    AgendaItem,
    ItemStatus,
    Meeting,
    MeetingStatus,
)
from samenspel.consultations.views._common import _back_to_meeting
from samenspel.consultations.views.agenda import entries as _entries
from samenspel.frameworks.selectors import framework_of
from samenspel.lib.errors import StaleEdit
from samenspel.sharing.policy import Action, Denied, allowed


def _item_forms(me: User, meeting: Meeting, item: AgendaItem) -> dict[str, Any]:
    """Return the forms a runner of the meeting uses on one item, unbound."""
    if meeting.status == MeetingStatus.PLANNED:
        partners = [
            (str(p.organisation.uuid), p.organisation.name) for p in meeting_partners(meeting)
        ]
        return {"invite_form": InviteForm(partners=partners, prefix=f"i{item.pk}")}
    participants = _participant_orgs(meeting, item)
    organisations = [(str(o.uuid), o.name) for o in participants]
    framework = framework_of(item.case.framework_version)
    measures = [(m.id, m.label) for m in framework.measures]
    owners = [
        (str(u.uuid), f"{u.full_name} ({u.organisation.name})")
        for u in selectors.action_owners(item)
    ]
    return {
        "note_form": NoteForm(
            organisations=organisations,
            prefix=f"n{item.pk}",
            initial=_note_initial(item, participants),
        ),
        "decision_form": DecisionForm(
            measures=measures,
            organisations=organisations,
            prefix=f"d{item.pk}",
            initial={"key": secrets.token_hex(8)},
        ),
        "action_form": ActionForm(
            owners=owners, prefix=f"a{item.pk}", initial={"key": secrets.token_hex(8)}
        ),
    }


def _note_initial(item: AgendaItem, organisations: list[Organisation]) -> dict[str, Any]:
    """Start the note form from the note as it is now, with its version."""
    note = services.note_of(item)
    if note is None:
        return {"version": 0}
    present = [str(o.uuid) for o in organisations if o.pk in note.attendance]
    return {"version": note.version, "summary": note.summary, "attendance": present}


def meeting_partners(meeting: Meeting) -> list[Any]:
    return selectors.partners_of(meeting.series)


def _participant_orgs(meeting: Meeting, item: AgendaItem) -> list[Organisation]:
    ids = services.participant_organisations(item) | {
        p.organisation_id for p in selectors.partners_of(meeting.series)
    }
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def _item(request: HttpRequest, item_uuid: uuid.UUID, action: Action) -> AgendaItem:
    return selectors.get_item_for(request_user(request), item_uuid, action)


def _item_response(
    request: HttpRequest,
    item: AgendaItem,
    *,
    bound: dict[str, Any],
    message: str = "",
    edit: bool = False,
) -> HttpResponse:
    """Answer an item form: the item alone for htmx, else back to the meeting page."""
    me = request_user(request)
    meeting = item.meeting
    if not request.htmx and not bound and not edit:  # type: ignore[attr-defined]
        if message:
            messages.success(request, message)
        return _back_to_meeting(meeting, f"item-{item.uuid}")
    rows = [
        r
        for r in selectors.agenda_of(me, meeting, record_read=edit, only=item)
        if r.uuid == item.uuid
    ]
    forms = {**_item_forms(me, meeting, item), **bound}
    htmx = bool(request.htmx)  # type: ignore[attr-defined]
    # htmx swaps only 2xx answers: the item with its field errors comes back as 200.
    status = 400 if not htmx and any(f.errors for f in bound.values()) else 200
    template = "consultations/_item.html" if htmx else "consultations/item_form.html"
    return render(
        request,
        template,
        {
            "e": _entries(
                rows, {item.uuid: forms}, runs=True, status=meeting.status, saved=message
            )[0],
            "meeting": meeting,
            "runs": True,
            "saved": message,
            "has_errors": any(f.errors for f in bound.values()),
        },
        status=status,
    )


@require_safe
def item_edit(request: HttpRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Show one item with the forms to run it (htmx: the item alone; else as a page)."""
    item = _item(request, item_uuid, Action.MANAGE)
    if item.status == ItemStatus.REMOVED:
        raise Denied("consultations.agendaitem", str(item_uuid), exists=True)
    return _item_response(request, item, bound={}, edit=True)


@require_POST
def item_invite(request: HttpRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Invite a partner for one item, with the reason."""
    me = request_user(request)
    item = _item(request, item_uuid, Action.MANAGE)
    partners = {str(p.organisation.uuid): p.organisation for p in meeting_partners(item.meeting)}
    form = InviteForm(
        request.POST, partners=[(k, o.name) for k, o in partners.items()], prefix=f"i{item.pk}"
    )
    if form.is_valid():
        try:
            services.invite(
                item,
                organisation=partners.get(form.cleaned_data["organisation"]),
                reason=form.cleaned_data["reason"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _item_response(request, item, bound={}, message=_("De partner is uitgenodigd."))
    return _item_response(request, item, bound={"invite_form": form})


@require_POST
def item_note(request: HttpRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Write who attended an item and what was discussed."""
    me = request_user(request)
    item = _item(request, item_uuid, Action.MANAGE)
    organisations = {str(o.uuid): o for o in _participant_orgs(item.meeting, item)}
    form = NoteForm(
        request.POST,
        organisations=[(k, o.name) for k, o in organisations.items()],
        prefix=f"n{item.pk}",
    )
    if form.is_valid():
        try:
            services.write_note(
                item,
                attendance=[organisations[k] for k in form.cleaned_data["attendance"]],
                summary=form.cleaned_data["summary"],
                expected_version=form.cleaned_data["version"],
                by=me,
            )
        except StaleEdit as exc:
            # Keep what this writer typed, on top of the newer version, and say so.
            data = request.POST.copy()
            data[f"n{item.pk}-version"] = str(exc.current_version)
            form = NoteForm(
                data,
                organisations=[(k, o.name) for k, o in organisations.items()],
                prefix=f"n{item.pk}",
            )
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Iemand anders heeft het verslag van deze casus intussen bewaard. Uw "
                    "tekst staat hieronder en is nog niet opgeslagen: vergelijk en bewaar opnieuw."
                ),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _item_response(request, item, bound={}, message=_("Het verslag is bewaard."))
    return _item_response(request, item, bound={"note_form": form})


@require_POST
def item_decision(request: HttpRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Record an advice, agreement or decision on an item."""
    me = request_user(request)
    item = _item(request, item_uuid, Action.MANAGE)
    organisations = {str(o.uuid): o for o in _participant_orgs(item.meeting, item)}
    framework = framework_of(item.case.framework_version)
    form = DecisionForm(
        request.POST,
        measures=[(m.id, m.label) for m in framework.measures],
        organisations=[(k, o.name) for k, o in organisations.items()],
        prefix=f"d{item.pk}",
    )
    if form.is_valid():
        try:
            services.record_decision(
                item,
                kind=form.cleaned_data["kind"],
                measure=form.cleaned_data["measure"],
                decided_by=organisations.get(form.cleaned_data["decided_by"] or ""),
                text=form.cleaned_data["text"],
                key=form.cleaned_data["key"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _item_response(request, item, bound={}, message=_("Vastgelegd."))
    return _item_response(request, item, bound={"decision_form": form})


@require_POST
def item_action(request: HttpRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Agree an action on an item: who, what, before when."""
    me = request_user(request)
    item = _item(request, item_uuid, Action.MANAGE)
    owners = {str(u.uuid): u for u in selectors.action_owners(item)}
    form = ActionForm(
        request.POST,
        owners=[(k, u.full_name) for k, u in owners.items()],
        prefix=f"a{item.pk}",
    )
    if form.is_valid():
        try:
            services.add_action(
                item,
                description=form.cleaned_data["description"],
                owner=owners.get(form.cleaned_data["owner"]),
                deadline=form.cleaned_data["deadline"],
                key=form.cleaned_data["key"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _item_response(
                request,
                item,
                bound={},
                message=_("De actie is gemaakt; de eigenaar krijgt bericht."),
            )
    return _item_response(request, item, bound={"action_form": form})


@require_safe
def item(request: HttpRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Show one agenda item to a participant: the case as shared with this reader."""
    me = request_user(request)
    item = selectors.get_item_for(me, item_uuid)
    view = selectors.item_view(me, item)
    framework = framework_of(item.case.framework_version)
    return render(
        request,
        "consultations/item.html",
        {
            "view": view,
            "item": item,
            "stage_name": framework.label_of(item.case.stage),
            "phase_name": framework.label_of(item.case.phase),
            "may_edit_plan": allowed(me, "case.edit_plan", on=item.case),
        },
    )
