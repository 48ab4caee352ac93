"""Capacity requests to the national partners (NCTV, OM, police): ask, answer, withdraw, escalate.

A municipality, or a ZVH for a municipality of its region, asks a partner for capacity. The
partner's desk (its partner liaisons) answers once: it accepts with a person of its own, proposes
another date, or declines with a reason. Each answer, and a withdrawal, claims the request while
it is still requested (lib.decisions): of two racing answers one wins, the other changes nothing.
A request nobody answers in time escalates once, along the framework's route for that partner.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation, User
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.consultations.models import (
    CapacityKind,
    CapacityRequest,
    CapacityStatus,
    Meeting,
    MeetingStatus,
    Urgency,
)
from samenspel.frameworks.selectors import framework_in_force
from samenspel.frameworks.types import Framework
from samenspel.lib.decisions import claim
from samenspel.lib.errors import DecisionConflict
from samenspel.notifications import services as notifications
from samenspel.notifications.models import Topic
from samenspel.sharing.policy import Action, can, require
from samenspel.sharing.rules.consultations import CAPACITY_PARTNERS

__all__ = [
    "QUESTION_MAX",
    "accept_capacity_request",
    "answer_deadlines",
    "decline_capacity_request",
    "escalate_capacity_requests",
    "propose_capacity_date",
    "record_capacity_conflict",
    "request_capacity",
    "withdraw_capacity_request",
]

PURPOSE = Purpose.COLLABORATION
QUESTION_MAX = 4000


# --- Asking ------------------------------------------------------------------------------------


def request_capacity(
    municipality: Organisation | None,
    *,
    addressed: Organisation | None,
    kind: str,
    urgency: str,
    needed_by: dt.date | None,
    question: str,
    meeting: Meeting | None = None,
    submission_key: str = "",
    by: User,
) -> CapacityRequest:
    """Ask a national partner for capacity for a municipality; the partner's desk is told.

    The same `submission_key` again (a double submit) answers the first request.
    """
    if municipality is None:
        raise ValidationError({"municipality": _("Kies de gemeente waarvoor u het vraagt.")})
    require(by, "capacity.request", within=municipality)
    if submission_key:
        earlier = CapacityRequest.objects.filter(
            requested_by=by, submission_key=submission_key
        ).first()
        if earlier is not None:
            return earlier
    question = question.strip()
    errors: dict[str, str] = {}
    if addressed is None or addressed.type not in CAPACITY_PARTNERS or not addressed.is_active:
        errors["addressed"] = _(
            "Kies de NCTV, het OM of de politie. Alleen zij krijgen dit verzoek."
        )
    if kind not in CapacityKind.values:
        errors["kind"] = _("Kies wat u vraagt.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Kies of het acuut is of niet.")
    if needed_by is None:
        errors["needed_by"] = _("Vul de datum in waarop u het nodig heeft.")
    elif needed_by < timezone.localdate():
        errors["needed_by"] = _("Deze datum is al voorbij. Kies vandaag of een latere datum.")
    if not question:
        errors["question"] = _("Schrijf uw vraag. Noem geen persoonsgegevens.")
    elif len(question) > QUESTION_MAX:
        errors["question"] = _("Uw vraag is te lang: ten hoogste %(max)d tekens.") % {
            "max": QUESTION_MAX
        }
    if meeting is not None and (
        meeting.status != MeetingStatus.PLANNED or not can(by, Action.VIEW, meeting)
    ):
        errors["meeting"] = _("Kies een gepland overleg uit de lijst, of laat dit leeg.")
    if errors:
        raise ValidationError(errors)
    assert addressed is not None and needed_by is not None  # noqa: S101 - refused above
    try:
        with transaction.atomic():
            request = CapacityRequest.objects.create(
                requester_id=by.organisation_id,
                municipality=municipality,
                priority_municipality=municipality.is_priority,
                addressed=addressed,
                kind=kind,
                urgency=urgency,
                needed_by=needed_by,
                meeting=meeting,
                question=question,
                requested_by=by,
                submission_key=submission_key,
            )
            audit.record(
                Event.CAPACITY_REQUESTED,
                by=by,
                obj=request,
                purpose=PURPOSE,
                addressed=str(addressed.uuid),
                municipality=str(municipality.uuid),
                kind=kind,
                urgency=urgency,
                meeting=str(meeting.uuid) if meeting is not None else "",
            )
            notifications.notify(Topic.CAPACITY_REQUESTED, request, to=_desk(request), by=by)
    except IntegrityError:
        # Two submits with one key raced: the first one's request is the answer.
        earlier = CapacityRequest.objects.filter(
            requested_by=by, submission_key=submission_key
        ).first()
        if not submission_key or earlier is None:
            raise
        return earlier
    return request


def _desk(request: CapacityRequest) -> list[User]:
    """Return who answers for the addressed partner (its partner liaisons)."""
    colleagues = notifications.colleagues_of(request.addressed_id)
    return notifications.who_may("capacity.answer", on=request, among=colleagues)


# --- Answering ---------------------------------------------------------------------------------


def _answered_already() -> str:
    return _("Dit verzoek is al beantwoord of ingetrokken. Er is niets gewijzigd.")


def _check_requested(request: CapacityRequest) -> None:
    """Refuse early, as a conflict, an answer to a request that is no longer open."""
    if request.status != CapacityStatus.REQUESTED:
        raise DecisionConflict("consultations.capacityrequest", request.status, _answered_already())


def _claim(request: CapacityRequest, **changes: Any) -> None:
    """Change the request only if it is still requested (a guarded update, lib.decisions)."""
    claim(
        CapacityRequest.objects.all(),
        request.pk,
        expected=CapacityStatus.REQUESTED,
        message=_answered_already(),
        version=F("version") + 1,
        **changes,
    )


def _answer(
    request: CapacityRequest,
    status: CapacityStatus,
    event: Event,
    *,
    by: User,
    **changes: Any,
) -> CapacityRequest:
    """Record the desk's answer, audit it and tell the requester, in one transaction."""
    with transaction.atomic():
        _claim(request, status=status, answered_by=by, answered_at=timezone.now(), **changes)
        request.refresh_from_db()
        details: dict[str, Any] = {}
        if request.assignee is not None:
            details["assignee"] = str(request.assignee.uuid)
        if request.proposed_date is not None:
            details["proposed_date"] = request.proposed_date.isoformat()
        audit.record(event, by=by, obj=request, purpose=PURPOSE, **details)
        notifications.notify(Topic.CAPACITY_ANSWERED, request, to=[request.requested_by], by=by)
    return request


def accept_capacity_request(
    request: CapacityRequest, *, assignee: User | None, answer: str = "", by: User
) -> CapacityRequest:
    """Accept the request, naming the person of the partner's own organisation who comes."""
    require(by, "capacity.answer", on=request)
    _check_requested(request)
    if assignee is None:
        raise ValidationError({"assignee": _("Kies wie van uw organisatie komt of levert.")})
    if assignee.organisation_id != request.addressed_id or not assignee.is_active:
        raise ValidationError(
            {
                "assignee": _(
                    "Kies iemand van uw eigen organisatie. Deze persoon hoort daar niet bij."
                )
            }
        )
    return _answer(
        request,
        CapacityStatus.ACCEPTED,
        Event.CAPACITY_ACCEPTED,
        by=by,
        assignee=assignee,
        answer=_text(answer),
    )


def propose_capacity_date(
    request: CapacityRequest, *, proposed_date: dt.date | None, answer: str = "", by: User
) -> CapacityRequest:
    """Answer with another date on which the partner can help."""
    require(by, "capacity.answer", on=request)
    _check_requested(request)
    if proposed_date is None:
        raise ValidationError({"proposed_date": _("Vul de datum in die u voorstelt.")})
    if proposed_date < timezone.localdate():
        raise ValidationError(
            {"proposed_date": _("Deze datum is al voorbij. Kies vandaag of een latere datum.")}
        )
    return _answer(
        request,
        CapacityStatus.OTHER_DATE,
        Event.CAPACITY_OTHER_DATE,
        by=by,
        proposed_date=proposed_date,
        answer=_text(answer),
    )


def decline_capacity_request(request: CapacityRequest, *, reason: str, by: User) -> CapacityRequest:
    """Decline the request, with the reason the requester reads."""
    require(by, "capacity.answer", on=request)
    _check_requested(request)
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("Geef een reden op, zodat de gemeente verder kan.")})
    return _answer(request, CapacityStatus.DECLINED, Event.CAPACITY_DECLINED, by=by, answer=reason)


def withdraw_capacity_request(request: CapacityRequest, *, by: User) -> CapacityRequest:
    """Withdraw a request that is not yet answered."""
    require(by, "capacity.withdraw", on=request)
    _check_requested(request)
    with transaction.atomic():
        _claim(request, status=CapacityStatus.WITHDRAWN)
        request.refresh_from_db()
        audit.record(Event.CAPACITY_WITHDRAWN, by=by, obj=request, purpose=PURPOSE)
    return request


def record_capacity_conflict(request: CapacityRequest, *, by: User) -> None:
    """Record that an answer or withdrawal on a page lost the race; nothing was changed."""
    audit.record(
        Event.DECISION_CONFLICT,
        by=by,
        obj=request,
        purpose=PURPOSE,
        outcome=Outcome.DENIED,
        status=CapacityRequest.objects.filter(pk=request.pk)
        .values_list("status", flat=True)
        .first()
        or "",
    )


def _text(value: str) -> str:
    value = value.strip()
    if len(value) > QUESTION_MAX:
        raise ValidationError(
            {
                "answer": _("Deze tekst is te lang: ten hoogste %(max)d tekens.")
                % {"max": QUESTION_MAX}
            }
        )
    return value


# --- Escalation (the worker) -------------------------------------------------------------------


def answer_deadlines(framework: Framework) -> dict[tuple[str, str], tuple[str, dt.timedelta]]:
    """Return, per (partner type, urgency), the route and the time a partner has to answer."""
    found: dict[tuple[str, str], tuple[str, dt.timedelta]] = {}
    for partner in CAPACITY_PARTNERS:
        route = framework.capacity_route(str(partner))
        if route is None:
            continue
        for urgency in Urgency.values:
            deadline = route.deadline(urgency)
            if deadline is not None:
                found[(str(partner), urgency)] = (route.id, deadline.delta)
    return found


def escalate_capacity_requests(*, now: dt.datetime) -> int:
    """Escalate each request unanswered past the framework's deadline, once; return how many.

    The deadline and the route come from the framework in force (routes with `answers_for`
    and `answer_within`); a partner type without one never escalates. The desk's liaisons and
    the requester are told; the escalation is recorded on the request and audited.
    """
    framework = framework_in_force(on=timezone.localdate(now))
    if framework is None:
        return 0
    deadlines = answer_deadlines(framework)
    if not deadlines:
        return 0
    late = functools.reduce(
        operator.or_,
        (
            Q(addressed__type=partner, urgency=urgency, requested_at__lte=now - delta)
            for (partner, urgency), (_route, delta) in deadlines.items()
        ),
    )
    due = (
        CapacityRequest.objects.filter(late, status=CapacityStatus.REQUESTED, escalated_at=None)
        .select_related("addressed", "requested_by")
        .order_by("requested_at", "id")
    )
    done = 0
    for request in due:
        route, _delta = deadlines[(request.addressed.type, request.urgency)]
        with transaction.atomic():
            # Two workers may race: only the one whose update changed the row goes on.
            changed = CapacityRequest.objects.filter(
                pk=request.pk, status=CapacityStatus.REQUESTED, escalated_at=None
            ).update(escalated_at=now, escalated_route=route, version=F("version") + 1)
            if not changed:
                continue
            audit.record(
                Event.CAPACITY_ESCALATED,
                by=None,
                obj=request,
                purpose=PURPOSE,
                route=route,
                addressed=str(request.addressed.uuid),
            )
            notifications.notify(
                Topic.CAPACITY_ESCALATED,
                request,
                to=[*_desk(request), request.requested_by],
                by=None,
                once_key=f"capacity-escalated:{request.uuid}",
            )
            done += 1
    return done
