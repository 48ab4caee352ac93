"""JSON endpoints for case consultations (casusoverleg): series, meetings, the agenda, minutes,
decisions and action items.

Every read goes through a selector of `consultations.selectors`, which filters by the access
policy and audits reads of person data; every change through a service of
`consultations.services`. An agenda item the reader is not invited to shows only its number
and `not_for_you: true`, nothing about its case.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from samenspel.accounts import selectors as accounts_selectors
from samenspel.accounts.models import Organisation, User
from samenspel.api.auth import expected_version, idempotency_key, me
from samenspel.api.cases import Ref
from samenspel.api.openapi import decision
from samenspel.api.schemas import In, IsoDate
from samenspel.consultations import selectors, services
from samenspel.consultations.models import (
    ActionItem,
    AgendaItem,
    Decision,
    Invitation,
    ItemNote,
    Meeting,
    Minutes,
    Series,
    SeriesPartner,
)
from samenspel.sharing.policy import Denied, allowed, require

router = Router(tags=["consultations"])


# --- Schemas ------------------------------------------------------------------------------------


class SeriesOut(Schema):
    uuid: UUID
    name: str
    owner: Ref
    region: str
    chair: Ref
    secretary: Ref | None
    created_at: dt.datetime
    version: int


class PartnerOut(Schema):
    organisation: Ref
    kind: str
    flow: str
    legal_ground: str
    added_at: dt.datetime


class SeriesDetailOut(SeriesOut):
    partners: list[PartnerOut]


class SeriesIn(In):
    name: Annotated[str, Field(max_length=200)] = ""
    chair: UUID | None = None
    secretary: UUID | None = None


class PartnerIn(In):
    organisation: UUID | None = None
    kind: Literal["core", "case"]
    legal_ground: str = ""
    flow: Annotated[str, Field(max_length=16)] = ""


class MeetingOut(Schema):
    uuid: UUID
    series: UUID
    starts_at: dt.datetime
    place: str
    video_link: str
    status: str
    agenda_confirmed_at: dt.datetime | None
    version: int


class MeetingIn(In):
    starts_at: dt.datetime | None = None
    place: Annotated[str, Field(max_length=200)] = ""
    video_link: Annotated[str, Field(max_length=500)] = ""


class CaseRef(Schema):
    uuid: UUID
    reference: str
    person: str


class InvitationOut(Schema):
    organisation: Ref
    reason: str
    invited_at: dt.datetime


class NoteOut(Schema):
    attendance: list[UUID]
    summary: str
    updated_at: dt.datetime
    version: int  # send it back in If-Match when you write the note again


class DecisionOut(Schema):
    uuid: UUID
    kind: str
    measure: str
    decided_by: Ref | None
    text: str
    recorded_at: dt.datetime


class ActionBriefOut(Schema):
    """An action as the agenda row of its case shows it."""

    uuid: UUID
    description: str
    owner: Ref
    owner_organisation: Ref
    deadline: dt.date
    status: str


class CaseBrief(Schema):
    uuid: UUID
    reference: str


class ActionOut(ActionBriefOut):
    series: UUID
    case: CaseBrief
    result: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    version: int


class HiddenRowOut(Schema):
    """An agenda item the reader is not invited to: its number, nothing about the case."""

    number: int
    uuid: UUID
    not_for_you: Literal[True] = True


class AgendaRowOut(Schema):
    number: int
    uuid: UUID
    not_for_you: Literal[False] = False
    status: str
    case: CaseRef
    reason: str
    explanation: str
    invitations: list[InvitationOut]
    note: NoteOut | None
    decisions: list[DecisionOut]
    actions: list[ActionBriefOut]
    open_actions: int  # of the case in this series
    overdue_actions: int


class MinutesOut(Schema):
    uuid: UUID
    number: int
    status: str
    comments_until: dt.date | None
    correction_reason: str
    created_at: dt.datetime
    approved_by: Ref | None
    approved_at: dt.datetime | None
    version: int


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaRowOut | HiddenRowOut]
    minutes: list[MinutesOut]


class ProposedOut(Schema):
    proposed: list[UUID]


class ItemIn(In):
    case: UUID
    note: str = ""


class AgendaMoveIn(In):
    direction: Literal["up", "down"]


class AgendaItemOut(Schema):
    uuid: UUID
    meeting: UUID
    case: CaseRef
    status: str
    reason: str
    explanation: str


class PlanRowOut(Schema):
    measure: str
    name: str
    domain: str
    owner: str
    status: str


class ItemViewOut(AgendaItemOut):
    participants: list[Ref]
    plan: list[PlanRowOut]
    hidden_plan: int


class InvitationIn(In):
    organisation: UUID | None = None
    reason: str = ""


class NoteIn(In):
    attendance: Annotated[list[UUID], Field(max_length=100)] = []
    summary: str = ""


class ItemDecisionIn(In):
    kind: Literal["advice", "agreement", "decision"]
    text: str = ""
    measure: Annotated[str, Field(max_length=16)] = ""
    decided_by: UUID | None = None


class ActionIn(In):
    description: str = ""
    owner: UUID | None = None
    deadline: IsoDate | None = None


class ActionCloseIn(In):
    done: bool = True
    result: str = ""


class CommentIn(In):
    until: IsoDate | None = None


class CorrectionIn(In):
    reason: str = ""


# --- Converters ---------------------------------------------------------------------------------


def _ref(obj: Any) -> Ref:
    return Ref(uuid=obj.uuid, name=getattr(obj, "full_name", "") or obj.name)


def _series_out(series: Series) -> dict[str, Any]:
    return {
        "uuid": series.uuid,
        "name": series.name,
        "owner": _ref(series.owner),
        "region": series.region,
        "chair": _ref(series.chair),
        "secretary": _ref(series.secretary) if series.secretary else None,
        "created_at": series.created_at,
        "version": series.version,
    }


def _partner_out(partner: SeriesPartner) -> PartnerOut:
    return PartnerOut(
        organisation=_ref(partner.organisation),
        kind=partner.kind,
        flow=partner.flow,
        legal_ground=partner.legal_ground,
        added_at=partner.added_at,
    )


def _meeting_out(meeting: Meeting, series: Series | None = None) -> dict[str, Any]:
    return {
        "uuid": meeting.uuid,
        "series": (series or meeting.series).uuid,
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "video_link": meeting.video_link,
        "status": meeting.status,
        "agenda_confirmed_at": meeting.agenda_confirmed_at,
        "version": meeting.version,
    }


def _case_ref(item: AgendaItem) -> CaseRef:
    case = item.case
    return CaseRef(uuid=case.uuid, reference=case.reference, person=case.person.full_name)


def _invitation_out(invitation: Invitation) -> InvitationOut:
    return InvitationOut(
        organisation=_ref(invitation.organisation),
        reason=invitation.reason,
        invited_at=invitation.invited_at,
    )


def _note_out(note: ItemNote, uuids: dict[int, UUID]) -> NoteOut:
    return NoteOut(
        attendance=[uuids[pk] for pk in note.attendance if pk in uuids],
        summary=note.summary,
        updated_at=note.updated_at,
        version=note.version,
    )


def _decision_out(row: Decision) -> DecisionOut:
    return DecisionOut(
        uuid=row.uuid,
        kind=row.kind,
        measure=row.measure,
        decided_by=_ref(row.decided_by) if row.decided_by else None,
        text=row.text,
        recorded_at=row.recorded_at,
    )


def _action_brief(action: ActionItem) -> dict[str, Any]:
    return {
        "uuid": action.uuid,
        "description": action.description,
        "owner": _ref(action.owner),
        "owner_organisation": _ref(action.owner_organisation),
        "deadline": action.deadline,
        "status": action.status,
    }


def _action_out(action: ActionItem) -> ActionOut:
    return ActionOut(
        **_action_brief(action),
        series=action.series.uuid,
        case=CaseBrief(uuid=action.case.uuid, reference=action.case.reference),
        result=action.result,
        created_at=action.created_at,
        closed_at=action.closed_at,
        version=action.version,
    )


def _minutes_out(minutes: Minutes) -> MinutesOut:
    return MinutesOut(
        uuid=minutes.uuid,
        number=minutes.number,
        status=minutes.status,
        comments_until=minutes.comments_until,
        correction_reason=minutes.correction_reason,
        created_at=minutes.created_at,
        approved_by=_ref(minutes.approved_by) if minutes.approved_by else None,
        approved_at=minutes.approved_at,
        version=minutes.version,
    )


def _item_out(item: AgendaItem) -> dict[str, Any]:
    return {
        "uuid": item.uuid,
        "meeting": item.meeting.uuid,
        "case": _case_ref(item),
        "status": item.status,
        "reason": item.reason,
        "explanation": item.note,
    }


def _agenda_out(user: User, rows: list[selectors.AgendaRow]) -> list[AgendaRowOut | HiddenRowOut]:
    present = {pk for row in rows if row.note is not None for pk in row.note.attendance}
    uuids = dict(
        accounts_selectors.organisation_directory(user)
        .filter(pk__in=present)
        .values_list("pk", "uuid")
    )
    out: list[AgendaRowOut | HiddenRowOut] = []
    for row in rows:
        if not row.shown or row.item is None:
            out.append(HiddenRowOut(number=row.number, uuid=row.uuid))
            continue
        out.append(
            AgendaRowOut(
                number=row.number,
                uuid=row.uuid,
                status=row.status,
                case=_case_ref(row.item),
                reason=row.item.reason,
                explanation=row.item.note,
                invitations=[_invitation_out(i) for i in row.invitations],
                note=_note_out(row.note, uuids) if row.note else None,
                decisions=[_decision_out(d) for d in row.decisions],
                actions=[ActionBriefOut(**_action_brief(a)) for a in row.actions],
                open_actions=row.open_actions,
                overdue_actions=row.overdue_actions,
            )
        )
    return out


# --- Lookups ------------------------------------------------------------------------------------


def _refuse(user: User, meeting: Meeting, field: str, message: str) -> None:
    """Refuse a field, but only to someone who runs the meeting (others get 403 or 404)."""
    require(user, "meeting.run", on=meeting)
    raise ValidationError({field: message})


def _organisation(user: User, org_uuid: UUID | None) -> Organisation | None:
    if org_uuid is None:
        return None
    return accounts_selectors.organisation_directory(user).filter(uuid=org_uuid).first()


def _item_of(user: User, meeting: Meeting, item_uuid: UUID) -> AgendaItem:
    item = selectors.get_item_for(user, item_uuid)
    if item.meeting_id != meeting.pk:
        raise Denied("consultations.agendaitem", str(item_uuid), exists=False)
    return item


def _moment(value: dt.datetime | None) -> dt.datetime | None:
    """Read a time without a zone as Dutch time; refuse one that cannot be stored."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValidationError({"starts_at": _("Dit is geen geldig tijdstip.")}) from None


def _minutes(user: User, meeting: Meeting, verb: str) -> Minutes:
    """Return the newest minutes; without any, refuse (to whoever may `verb` them)."""
    versions = selectors.minutes_of(meeting)
    if not versions:
        require(user, verb, on=meeting)
        raise ValidationError(_("Leg eerst vast dat het overleg is gehouden."))
    return versions[0]


# --- Series -------------------------------------------------------------------------------------


@router.get("/series", response=list[SeriesOut])
def list_series(request: HttpRequest) -> Any:
    """List the case consultations you take part in or run (names only, no person data)."""
    rows = selectors.series_visible_to(me(request)).select_related("secretary")[:500]
    return [SeriesOut(**_series_out(s)) for s in rows]


@router.post("/series", response={201: SeriesDetailOut})
def create_series(request: HttpRequest, payload: SeriesIn) -> Any:
    """Set up a case consultation of your organisation (a municipality or a ZVH), with its
    chair (a case director of your organisation) and optionally a secretary. 403 for a user
    who may not set one up: its own organisation is no secret to it."""
    user = me(request)
    if not allowed(user, "series.create", within=user.organisation):
        raise PermissionDenied("series.create")
    colleagues = accounts_selectors.users_visible_to(user)
    chair = colleagues.filter(uuid=payload.chair).first() if payload.chair else None
    secretary = colleagues.filter(uuid=payload.secretary).first() if payload.secretary else None
    if payload.secretary and secretary is None:
        raise ValidationError({"secretary": _("Kies als secretaris iemand van uw organisatie.")})
    series = services.create_series(
        owner=user.organisation, name=payload.name, chair=chair, secretary=secretary, by=user
    )
    return Status(
        201,
        SeriesDetailOut(
            **_series_out(series), partners=[_partner_out(p) for p in selectors.partners_of(series)]
        ),
    )


@router.get("/series/{series_uuid}", response=SeriesDetailOut)
def get_series(request: HttpRequest, series_uuid: UUID) -> Any:
    """Return a case consultation with its partners and the ground on which each shares."""
    user = me(request)
    series = selectors.get_series_for(user, series_uuid)
    selectors.record_series_read(user, series)
    return SeriesDetailOut(
        **_series_out(series), partners=[_partner_out(p) for p in selectors.partners_of(series)]
    )


@router.post("/series/{series_uuid}/partners", response={201: PartnerOut})
def add_series_partner(request: HttpRequest, series_uuid: UUID, payload: PartnerIn) -> Any:
    """Add a core or case partner, with the legal ground on which it shares (required)."""
    user = me(request)
    series = selectors.get_series_for(user, series_uuid)
    partner = services.add_partner(
        series,
        organisation=_organisation(user, payload.organisation),
        kind=payload.kind,
        legal_ground=payload.legal_ground,
        flow=payload.flow,
        by=user,
    )
    return Status(201, _partner_out(partner))


# --- Meetings -----------------------------------------------------------------------------------


@router.get("/series/{series_uuid}/meetings", response=list[MeetingOut])
def list_meetings(request: HttpRequest, series_uuid: UUID) -> Any:
    """List the meetings of a case consultation, newest first."""
    user = me(request)
    series = selectors.get_series_for(user, series_uuid)
    meetings = selectors.meetings_of(user, series)
    selectors.record_series_read(user, series)
    return [MeetingOut(**_meeting_out(m, series)) for m in meetings]


@router.post("/series/{series_uuid}/meetings", response={201: MeetingOut})
def plan_meeting(request: HttpRequest, series_uuid: UUID, payload: MeetingIn) -> Any:
    """Plan a meeting: a moment in the future and a place or a video link. A time without a
    zone is Dutch time."""
    user = me(request)
    series = selectors.get_series_for(user, series_uuid)
    meeting = services.plan_meeting(
        series,
        starts_at=_moment(payload.starts_at),
        place=payload.place,
        video_link=payload.video_link,
        by=user,
    )
    return Status(201, MeetingOut(**_meeting_out(meeting)))


@router.get("/meetings/{meeting_uuid}", response=MeetingDetailOut)
def get_meeting(request: HttpRequest, meeting_uuid: UUID) -> Any:
    """Return a meeting with its agenda as you may see it, and the versions of its minutes.

    An item you are not invited to shows only as `{number, uuid, not_for_you: true}`."""
    user = me(request)
    meeting = selectors.get_meeting_for(user, meeting_uuid)
    rows = selectors.agenda_of(user, meeting)
    return MeetingDetailOut(
        **_meeting_out(meeting),
        agenda=_agenda_out(user, rows),
        minutes=[_minutes_out(m) for m in selectors.minutes_of(meeting)],
    )


@router.post("/meetings/{meeting_uuid}/agenda/propose", response=ProposedOut)
def propose_agenda(request: HttpRequest, meeting_uuid: UUID) -> Any:
    """Propose agenda items from the cases (new, review due, actions, nominations); the items
    already on the agenda stay. Answers the items added."""
    user = me(request)
    meeting = selectors.get_meeting_for(user, meeting_uuid)
    return ProposedOut(proposed=[i.uuid for i in services.propose_agenda(meeting, by=user)])


@router.post(
    "/meetings/{meeting_uuid}/agenda/items", response={200: AgendaItemOut, 201: AgendaItemOut}
)
def add_agenda_item(request: HttpRequest, meeting_uuid: UUID, payload: ItemIn) -> Any:
    """Put a case of the series' municipalities on the agenda (201); a case already on it
    answers its item (200)."""
    user = me(request)
    meeting = selectors.get_meeting_for(user, meeting_uuid)
    case = next(
        (c for c in selectors.candidate_cases(user, meeting) if c.uuid == payload.case), None
    )
    repeat = False
    if case is None:  # on the agenda already (a double submit), or not a case of the series
        rows = selectors.agenda_of(user, meeting, record_read=False)
        on_agenda = next(
            (r.item for r in rows if r.item is not None and r.item.case.uuid == payload.case), None
        )
        if on_agenda is not None:
            case, repeat = on_agenda.case, True
    item = services.add_item(meeting, case=case, note=payload.note, by=user)
    item = selectors.get_item_for(user, item.uuid)
    return Status(200 if repeat else 201, AgendaItemOut(**_item_out(item)))


@router.delete("/meetings/{meeting_uuid}/agenda/items/{item_uuid}", response={204: None})
def remove_agenda_item(request: HttpRequest, meeting_uuid: UUID, item_uuid: UUID) -> Any:
    """Take a case off the agenda (before the meeting is held)."""
    user = me(request)
    meeting = selectors.get_meeting_for(user, meeting_uuid)
    services.remove_item(_item_of(user, meeting, item_uuid), by=user)
    return Status(204, None)


@router.post("/meetings/{meeting_uuid}/agenda/items/{item_uuid}/move", response={204: None})
def move_agenda_item(
    request: HttpRequest, meeting_uuid: UUID, item_uuid: UUID, payload: AgendaMoveIn
) -> Any:
    """Move an item one place up or down the agenda."""
    user = me(request)
    meeting = selectors.get_meeting_for(user, meeting_uuid)
    item = _item_of(user, meeting, item_uuid)
    services.move_item(item, up=payload.direction == "up", by=user)
    return Status(204, None)


@router.post("/meetings/{meeting_uuid}/agenda/confirm", response=MeetingOut)
def confirm_agenda(request: HttpRequest, meeting_uuid: UUID) -> Any:
    """Fix the agenda: proposed items go on it and the participants are told."""
    user = me(request)
    meeting = selectors.get_meeting_for(user, meeting_uuid)
    return MeetingOut(**_meeting_out(services.confirm_agenda(meeting, by=user)))


@router.post("/meetings/{meeting_uuid}/held", response={201: MinutesOut})
@decision
def mark_meeting_held(request: HttpRequest, meeting_uuid: UUID) -> Any:
    """Record that the meeting took place; answers its draft minutes (version 1). A second
    time answers 409."""
    user = me(request)
    meeting = selectors.get_meeting_for(user, meeting_uuid)
    return Status(201, _minutes_out(services.mark_held(meeting, by=user)))


# --- Minutes ------------------------------------------------------------------------------------


@router.post("/meetings/{meeting_uuid}/minutes/comment", response=MinutesOut)
@decision
def open_minutes_for_comment(request: HttpRequest, meeting_uuid: UUID, payload: CommentIn) -> Any:
    """Send the draft minutes to the participants for comment until a date."""
    user = me(request)
    meeting = selectors.get_meeting_for(user, meeting_uuid)
    minutes = services.open_for_comment(
        _minutes(user, meeting, "meeting.run"), until=payload.until, by=user
    )
    return _minutes_out(minutes)


@router.post("/meetings/{meeting_uuid}/minutes/approve", response=MinutesOut)
@decision
def approve_minutes(request: HttpRequest, meeting_uuid: UUID) -> Any:
    """Approve the minutes after the comment period (the chair only); they are then frozen.
    Approving again answers 409."""
    user = me(request)
    meeting = selectors.get_meeting_for(user, meeting_uuid)
    return _minutes_out(
        services.approve_minutes(_minutes(user, meeting, "minutes.approve"), by=user)
    )


@router.post("/meetings/{meeting_uuid}/minutes/correction", response={201: MinutesOut})
def start_minutes_correction(
    request: HttpRequest, meeting_uuid: UUID, payload: CorrectionIn
) -> Any:
    """Start a new version of approved minutes, with the reason; the approved one stays."""
    user = me(request)
    meeting = selectors.get_meeting_for(user, meeting_uuid)
    minutes = services.start_correction(meeting, reason=payload.reason, by=user)
    return Status(201, _minutes_out(minutes))


# --- Agenda items -------------------------------------------------------------------------------


@router.get("/items/{item_uuid}", response=ItemViewOut)
def get_agenda_item(request: HttpRequest, item_uuid: UUID) -> Any:
    """Return an agenda item you take part in, with the case plan as shared with you."""
    user = me(request)
    item = selectors.get_item_for(user, item_uuid)
    view = selectors.item_view(user, item)
    return ItemViewOut(
        **_item_out(item),
        participants=[_ref(o) for o in view.participants],
        plan=[
            PlanRowOut(
                measure=i.measure, name=i.name, domain=i.domain, owner=i.owner.name, status=i.status
            )
            for i in view.plan
        ],
        hidden_plan=view.hidden_plan,
    )


@router.post("/items/{item_uuid}/invitations", response={201: InvitationOut})
def invite_partner(request: HttpRequest, item_uuid: UUID, payload: InvitationIn) -> Any:
    """Invite a partner of the series for this item, with the reason it needs to know; the
    same partner again answers the invitation it has."""
    user = me(request)
    item = selectors.get_item_for(user, item_uuid)
    invitation = services.invite(
        item,
        organisation=_organisation(user, payload.organisation),
        reason=payload.reason,
        by=user,
    )
    return Status(201, _invitation_out(invitation))


@router.put("/items/{item_uuid}/note", response=NoteOut)
def write_item_note(request: HttpRequest, item_uuid: UUID, payload: NoteIn) -> Any:
    """Write the minutes of the item: the organisations present (uuids) and a summary. Send
    the note's `version` in If-Match (`"0"` for the first note of the item); 412 when
    somebody else wrote it in between, nothing saved."""
    user = me(request)
    item = selectors.get_item_for(user, item_uuid)
    seen = expected_version(request, item)
    wanted = set(payload.attendance)
    present = list(accounts_selectors.organisation_directory(user).filter(uuid__in=wanted))
    if len(present) != len(wanted):
        _refuse(user, item.meeting, "attendance", _("Kies alleen partners van dit casusoverleg."))
    note = services.write_note(
        item, attendance=present, summary=payload.summary, expected_version=seen, by=user
    )
    return _note_out(note, {o.pk: o.uuid for o in present})


@router.post("/items/{item_uuid}/decisions", response={200: DecisionOut, 201: DecisionOut})
def record_item_decision(request: HttpRequest, item_uuid: UUID, payload: ItemDecisionIn) -> Any:
    """Record an advice, an agreement or a decision in the open minutes (201). A decision names
    the organisation that decides (`decided_by`); on a measure it must be the competent
    authority in the framework, else 422: the casusoverleg itself advises (Wet PGA). Needs an
    Idempotency-Key; the same key again answers the first record (200)."""
    user = me(request)
    key = idempotency_key(request)
    item = selectors.get_item_for(user, item_uuid)
    started = timezone.now()
    decided_by = _organisation(user, payload.decided_by)
    if payload.decided_by is not None and decided_by is None:
        _refuse(user, item.meeting, "decided_by", _("Kies een organisatie uit de lijst."))
    row = services.record_decision(
        item,
        kind=payload.kind,
        text=payload.text,
        measure=payload.measure.strip(),
        decided_by=decided_by,
        key=key,
        by=user,
    )
    return Status(201 if row.recorded_at >= started else 200, _decision_out(row))


@router.post("/items/{item_uuid}/actions", response={200: ActionOut, 201: ActionOut})
def add_action_item(request: HttpRequest, item_uuid: UUID, payload: ActionIn) -> Any:
    """Agree an action: what, who (a user of an organisation taking part) and before when
    (201). Needs an Idempotency-Key; the same key again answers the first action (200)."""
    user = me(request)
    key = idempotency_key(request)
    item = selectors.get_item_for(user, item_uuid)
    owner = None
    if payload.owner is not None:
        owner = next((u for u in selectors.action_owners(item) if u.uuid == payload.owner), None)
    started = timezone.now()
    action = services.add_action(
        item,
        description=payload.description,
        owner=owner,
        deadline=payload.deadline,
        key=key,
        by=user,
    )
    action = selectors.get_action_for(user, action.uuid)
    return Status(201 if action.created_at >= started else 200, _action_out(action))


# --- Action items -------------------------------------------------------------------------------


@router.get("/actions", response=list[ActionOut])
def list_action_items(
    request: HttpRequest,
    scope: Literal["mine", "organisation"] = "mine",
    overdue: bool = False,
) -> Any:
    """List open action items, earliest deadline first (at most 500): yours, or your
    organisation's (`scope`); `overdue=true` only those past their deadline."""
    rows = selectors.actions_for(me(request), scope=scope, overdue_only=overdue)
    return [_action_out(a) for a in rows]


@router.post("/actions/{action_uuid}/close", response=ActionOut)
@decision
def close_action_item(request: HttpRequest, action_uuid: UUID, payload: ActionCloseIn) -> Any:
    """Mark an action done (`done: true`) or no longer needed (`done: false`, with `result`
    saying why). Closing a closed action answers 409."""
    user = me(request)
    action = selectors.get_action_for(user, action_uuid)
    action = services.close_action(action, done=payload.done, result=payload.result, by=user)
    return _action_out(selectors.get_action_for(user, action.uuid))
