"""JSON endpoints for capacity requests to the national partners: ask, answer, withdraw, figures.

Answers and withdrawals are decisions (a race answers 409), not edits: they need no If-Match.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from samenspel.api.auth import idempotency_key, me, set_etag
from samenspel.api.cases import Ref
from samenspel.api.openapi import decision
from samenspel.api.schemas import In, IsoDate
from samenspel.consultations import selectors, services
from samenspel.consultations.models import CapacityRequest
from samenspel.sharing.policy import Action

router = Router(tags=["capacity"])


# --- Schemas ------------------------------------------------------------------------------------


class CapacityIn(In):
    municipality: UUID
    addressed: UUID
    kind: Literal["attendance", "duiding", "advice", "report"]
    urgency: Literal["acute", "non_acute"]
    needed_by: IsoDate
    question: str
    meeting: UUID | None = None


class AcceptCapacityIn(In):
    assignee: UUID
    answer: str = ""


class OtherDateIn(In):
    proposed_date: IsoDate
    answer: str = ""


class DeclineCapacityIn(In):
    reason: str


class CapacityOut(Schema):
    uuid: UUID
    requester: Ref
    municipality: Ref
    priority_municipality: bool
    addressed: Ref
    kind: str
    urgency: str
    needed_by: dt.date
    meeting: UUID | None
    question: str
    status: str
    requested_by: Ref
    requested_at: dt.datetime
    answered_by: Ref | None
    answered_at: dt.datetime | None
    assignee: Ref | None
    proposed_date: dt.date | None
    answer: str
    escalated_at: dt.datetime | None
    escalated_route: str
    version: int


class FiguresOut(Schema):
    requests: int
    withdrawn: int
    accepted: int
    accepted_share: float | None
    answered: int
    median_hours: float | None
    p90_hours: float | None


class PartnerFiguresOut(Schema):
    partner: Ref
    priority: FiguresOut
    other: FiguresOut
    total: FiguresOut


class MunicipalityFiguresOut(Schema):
    municipality: Ref
    priority: bool
    figures: FiguresOut


class StatisticsOut(Schema):
    start: dt.date
    end: dt.date
    partners: list[PartnerFiguresOut]
    municipalities: list[MunicipalityFiguresOut]
    priority: FiguresOut
    other: FiguresOut
    total: FiguresOut


# --- Converters ---------------------------------------------------------------------------------


def _ref(obj: Any) -> Ref | None:
    if obj is None:
        return None
    return Ref(uuid=obj.uuid, name=getattr(obj, "full_name", "") or obj.name)


def _out(request: CapacityRequest, response: HttpResponse | None = None) -> CapacityOut:
    if response is not None:
        set_etag(response, request)
    return CapacityOut(
        uuid=request.uuid,
        requester=Ref(uuid=request.requester.uuid, name=request.requester.name),
        municipality=Ref(uuid=request.municipality.uuid, name=request.municipality.name),
        priority_municipality=request.priority_municipality,
        addressed=Ref(uuid=request.addressed.uuid, name=request.addressed.name),
        kind=request.kind,
        urgency=request.urgency,
        needed_by=request.needed_by,
        meeting=request.meeting.uuid if request.meeting is not None else None,
        question=request.question,
        status=request.status,
        requested_by=Ref(uuid=request.requested_by.uuid, name=request.requested_by.full_name),
        requested_at=request.requested_at,
        answered_by=_ref(request.answered_by),
        answered_at=request.answered_at,
        assignee=_ref(request.assignee),
        proposed_date=request.proposed_date,
        answer=request.answer,
        escalated_at=request.escalated_at,
        escalated_route=request.escalated_route,
        version=request.version,
    )


def _figures(f: Any) -> FiguresOut:
    return FiguresOut(
        requests=f.requests,
        withdrawn=f.withdrawn,
        accepted=f.accepted,
        accepted_share=f.accepted_share,
        answered=f.answered,
        median_hours=f.median_hours,
        p90_hours=f.p90_hours,
    )


def _fresh(request: HttpRequest, capacity: CapacityRequest, response: HttpResponse) -> CapacityOut:
    """Answer the request as the caller sees it after the change."""
    found = selectors.get_capacity_request_for(me(request), capacity.uuid, record_read=False)
    return _out(found, response)


# --- Endpoints ----------------------------------------------------------------------------------


@router.get("", response=list[CapacityOut])
def list_capacity_requests(request: HttpRequest) -> Any:
    """List the requests your organisation asked or received, open ones first (at most 500)."""
    return [_out(r) for r in selectors.capacity_list(me(request), api=True)]


@router.post("", response={200: CapacityOut, 201: CapacityOut})
def request_capacity(request: HttpRequest, payload: CapacityIn, response: HttpResponse) -> Any:
    """Ask a national partner for capacity (201); the same Idempotency-Key again answers 200.

    The question holds no person data: a question about a person goes through the case.
    """
    user = me(request)
    key = idempotency_key(request)
    earlier = selectors.capacity_submission(user, key)
    if earlier is not None:
        return Status(200, _out(earlier, response))
    municipality = next(
        (o for o in selectors.capacity_municipalities(user) if o.uuid == payload.municipality),
        None,
    )
    if municipality is None:
        raise ValidationError(
            {"municipality": _("Kies een gemeente waarvoor u capaciteit mag vragen.")}
        )
    addressed = selectors.capacity_partners().filter(uuid=payload.addressed).first()
    meeting = None
    if payload.meeting is not None:
        meeting = selectors.capacity_meetings(user).filter(uuid=payload.meeting).first()
        if meeting is None:
            raise ValidationError(
                {"meeting": _("Kies een gepland overleg uit de lijst, of laat dit leeg.")}
            )
    created = services.request_capacity(
        municipality,
        addressed=addressed,
        kind=payload.kind,
        urgency=payload.urgency,
        needed_by=payload.needed_by,
        question=payload.question,
        meeting=meeting,
        submission_key=key,
        by=user,
    )
    return Status(201, _fresh(request, created, response))


@router.get("/statistics", response=StatisticsOut)
def capacity_statistics(
    request: HttpRequest, start: IsoDate | None = None, end: IsoDate | None = None
) -> Any:
    """Return the figures per partner and per municipality, priority and other side by side.

    `start` and `end` (both included) default to the last twelve months.
    """
    end = end or timezone.localdate()
    start = start or end - dt.timedelta(days=365)
    if start > end:
        raise ValidationError({"end": _("Deze datum ligt voor de begindatum.")})
    figures = selectors.capacity_statistics(me(request), start=start, end=end, api=True)
    return StatisticsOut(
        start=figures.start,
        end=figures.end,
        partners=[
            PartnerFiguresOut(
                partner=Ref(uuid=p.uuid, name=p.name),
                priority=_figures(p.priority),
                other=_figures(p.other),
                total=_figures(p.total),
            )
            for p in figures.partners
        ],
        municipalities=[
            MunicipalityFiguresOut(
                municipality=Ref(uuid=m.uuid, name=m.name),
                priority=m.priority,
                figures=_figures(m.figures),
            )
            for m in figures.municipalities
        ],
        priority=_figures(figures.priority),
        other=_figures(figures.other),
        total=_figures(figures.total),
    )


@router.get("/{request_uuid}", response=CapacityOut)
def get_capacity_request(request: HttpRequest, request_uuid: UUID, response: HttpResponse) -> Any:
    """Return one request; its version is the ETag."""
    return _out(selectors.get_capacity_request_for(me(request), request_uuid), response)


def _for_answer(request: HttpRequest, request_uuid: UUID) -> CapacityRequest:
    return selectors.get_capacity_request_for(
        me(request), request_uuid, Action.MANAGE, record_read=False
    )


@router.post("/{request_uuid}/accept", response=CapacityOut)
@decision
def accept_capacity_request(
    request: HttpRequest, request_uuid: UUID, payload: AcceptCapacityIn, response: HttpResponse
) -> Any:
    """Accept, naming who of your own organisation comes or delivers (the desk only)."""
    capacity = _for_answer(request, request_uuid)
    assignee = selectors.capacity_assignees(capacity).filter(uuid=payload.assignee).first()
    if assignee is None:
        raise ValidationError(
            {
                "assignee": _(
                    "Kies iemand van uw eigen organisatie. Deze persoon hoort daar niet bij."
                )
            }
        )
    done = services.accept_capacity_request(
        capacity, assignee=assignee, answer=payload.answer, by=me(request)
    )
    return _fresh(request, done, response)


@router.post("/{request_uuid}/propose-date", response=CapacityOut)
@decision
def propose_capacity_date(
    request: HttpRequest, request_uuid: UUID, payload: OtherDateIn, response: HttpResponse
) -> Any:
    """Answer with another date on which you can help (the desk only)."""
    capacity = _for_answer(request, request_uuid)
    done = services.propose_capacity_date(
        capacity, proposed_date=payload.proposed_date, answer=payload.answer, by=me(request)
    )
    return _fresh(request, done, response)


@router.post("/{request_uuid}/decline", response=CapacityOut)
@decision
def decline_capacity_request(
    request: HttpRequest, request_uuid: UUID, payload: DeclineCapacityIn, response: HttpResponse
) -> Any:
    """Decline, with the reason the requester reads (the desk only)."""
    capacity = _for_answer(request, request_uuid)
    done = services.decline_capacity_request(capacity, reason=payload.reason, by=me(request))
    return _fresh(request, done, response)


@router.post("/{request_uuid}/withdraw", response=CapacityOut)
@decision
def withdraw_capacity_request(
    request: HttpRequest, request_uuid: UUID, response: HttpResponse
) -> Any:
    """Withdraw a request that is not yet answered (the asking side)."""
    user = me(request)
    capacity = selectors.get_capacity_request_for(user, request_uuid, record_read=False)
    done = services.withdraw_capacity_request(capacity, by=user)
    return _fresh(request, done, response)
