"""JSON endpoints for signals (meldingen), the triage queue, candidates and the weging."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from samenspel.accounts import selectors as accounts_selectors
from samenspel.accounts.models import User
from samenspel.api.auth import expected_version, idempotency_key, me, set_etag
from samenspel.api.schemas import NOT_BLANK, In
from samenspel.cases import selectors as case_selectors
from samenspel.cases.models import Person
from samenspel.intake import selectors, services
from samenspel.intake.models import Signal
from samenspel.sharing.policy import Action, Denied

router = Router(tags=["signals"])
triage_router = Router(tags=["triage"])

QUEUE_LIMIT = 500


class AttachmentIn(In):
    name: str = Field(max_length=200)
    content_base64: str


class SignalIn(In):
    municipality: UUID
    observed_on: dt.date | None = None
    observation: str = Field("", max_length=10_000, json_schema_extra={"pattern": NOT_BLANK})
    concern: str = Field("", max_length=10_000, json_schema_extra={"pattern": NOT_BLANK})
    is_acute: bool = False
    family_name: str = Field("", max_length=200, json_schema_extra={"pattern": NOT_BLANK})
    given_names: str = ""
    birth_date: dt.date | None = None
    bsn: str = ""
    address: str = ""
    attachments: list[AttachmentIn] = Field(default_factory=list)


class SignalStatusOut(Schema):
    """What a reporter sees of their own signal: its status, never the case behind it."""

    uuid: UUID
    reference: str
    status: str
    is_acute: bool
    received_at: dt.datetime
    municipality: str


class NamedRef(Schema):
    uuid: UUID
    name: str


class QueueItemOut(Schema):
    uuid: UUID
    reference: str
    status: str
    is_acute: bool
    received_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    municipality: NamedRef
    source_organisation: NamedRef
    subject_name: str


class AttachmentOut(Schema):
    uuid: UUID
    name: str
    content_type: str
    size: int
    sha256: str


class SignalOut(QueueItemOut):
    observed_on: dt.date
    observation: str
    concern: str
    subject_given_names: str
    subject_family_name: str
    subject_birth_date: dt.date | None
    subject_bsn: str
    subject_address: str
    reporter: NamedRef
    picked_up_at: dt.datetime | None
    outcome: str
    outcome_reason: str
    criteria: str
    triaged_at: dt.datetime | None
    person: UUID | None
    case: UUID | None
    attachments: list[AttachmentOut]
    version: int


class DecisionIn(In):
    outcome: str
    reason: str = ""
    criteria: str = ""
    person: UUID | None = None
    create_person: bool = False
    case_director: UUID | None = None
    phase: str = ""
    tracks: list[str] = Field(default_factory=list)
    # A known person with an open case: the signal joins that case, unless a reason is given
    # here to open a second case beside it.
    second_case_reason: str = ""


class CandidateOut(Schema):
    uuid: UUID
    full_name: str
    birth_date: dt.date | None
    score: float
    reasons: list[str]
    open_cases: int
    open_references: list[str]


# --- Reporting a signal -------------------------------------------------------------------------


def _status_out(signal: Signal) -> SignalStatusOut:
    return SignalStatusOut(
        uuid=signal.uuid,
        reference=signal.reference,
        status=signal.status,
        is_acute=signal.is_acute,
        received_at=signal.received_at,
        municipality=signal.municipality.name,
    )


def _uploads(attachments: list[AttachmentIn]) -> list[services.Upload]:
    uploads = []
    for item in attachments:
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(
                {
                    "attachments": _("%(name)s is geen geldige base64-tekst.")
                    % {"name": item.name[:80]}
                }
            ) from None
        uploads.append(services.Upload(name=item.name, content=content))
    return uploads


@router.post("", response={200: SignalStatusOut, 201: SignalStatusOut})
def submit_signal(request: HttpRequest, payload: SignalIn) -> Any:
    """Report a signal to a municipality (201); the same Idempotency-Key again answers 200."""
    user = me(request)
    key = idempotency_key(request)
    municipality = (
        accounts_selectors.organisation_directory(user).filter(uuid=payload.municipality).first()
    )
    repeat = selectors.my_signals(user).filter(idempotency_key=key).exists()
    signal = services.submit_signal(
        services.SignalInput(
            municipality=municipality,
            observed_on=payload.observed_on,
            observation=payload.observation,
            concern=payload.concern,
            is_acute=payload.is_acute,
            family_name=payload.family_name,
            given_names=payload.given_names,
            birth_date=payload.birth_date,
            bsn=payload.bsn,
            address=payload.address,
        ),
        uploads=_uploads(payload.attachments),
        idempotency_key=key,
        by=user,
    )
    return Status(200 if repeat else 201, _status_out(signal))


@router.get("/mine", response=list[SignalStatusOut])
def my_signals(request: HttpRequest) -> Any:
    """List the signals you reported, with their status only."""
    return [_status_out(s) for s in selectors.my_signals(me(request))[:QUEUE_LIMIT]]


@router.get("/mine/{signal_uuid}", response=SignalStatusOut)
def my_signal(request: HttpRequest, signal_uuid: UUID) -> Any:
    """Return the status of one signal you reported."""
    return _status_out(selectors.get_own_signal_status(me(request), signal_uuid))


# --- Triage -------------------------------------------------------------------------------------


def _ref(obj: Any) -> NamedRef:
    return NamedRef(uuid=obj.uuid, name=getattr(obj, "full_name", "") or obj.name)


def _is_overdue(signal: Signal, now: dt.datetime) -> bool:
    if signal.status == "received":
        return signal.due_at < now
    return signal.status == "in_triage" and not signal.is_acute and signal.due_at < now


def _queue_item(signal: Signal, now: dt.datetime) -> dict[str, Any]:
    return {
        "uuid": signal.uuid,
        "reference": signal.reference,
        "status": signal.status,
        "is_acute": signal.is_acute,
        "received_at": signal.received_at,
        "due_at": signal.due_at,
        "overdue": _is_overdue(signal, now),
        "municipality": _ref(signal.municipality),
        "source_organisation": _ref(signal.source_organisation),
        "subject_name": signal.subject_name,
    }


def _signal_out(user: User, signal: Signal) -> SignalOut:
    now = dt.datetime.now(tz=dt.UTC)
    return SignalOut(
        **_queue_item(signal, now),
        observed_on=signal.observed_on,
        observation=signal.observation,
        concern=signal.concern,
        subject_given_names=signal.subject_given_names,
        subject_family_name=signal.subject_family_name,
        subject_birth_date=signal.subject_birth_date,
        subject_bsn=signal.subject_bsn,
        subject_address=signal.subject_address,
        reporter=_ref(signal.reporter),
        picked_up_at=signal.picked_up_at,
        outcome=signal.outcome,
        outcome_reason=signal.outcome_reason,
        criteria=signal.criteria,
        triaged_at=signal.triaged_at,
        person=signal.person.uuid if signal.person else None,
        case=case.uuid if (case := selectors.linked_case(user, signal)) else None,
        attachments=[
            AttachmentOut(
                uuid=a.uuid, name=a.name, content_type=a.content_type, size=a.size, sha256=a.sha256
            )
            for a in selectors.attachments_of(signal)
        ],
        version=signal.version,
    )


@triage_router.get("/signals", response=list[QueueItemOut])
def triage_queue(request: HttpRequest, overdue: bool = False, acute: bool = False) -> Any:
    """List the triage queue of your municipalities: acute first, then by deadline."""
    user = me(request)
    signals = selectors.triage_queue(user)
    if overdue:
        signals = selectors.overdue(signals)
    if acute:
        signals = signals.filter(is_acute=True)
    rows = list(signals[:QUEUE_LIMIT])
    selectors.record_queue_read(user, rows)
    now = dt.datetime.now(tz=dt.UTC)
    return [_queue_item(s, now) for s in rows]


@triage_router.get("/signals/{signal_uuid}", response=SignalOut)
def get_signal(request: HttpRequest, signal_uuid: UUID, response: HttpResponse) -> Any:
    """Return one signal for the triage team; its version is the ETag."""
    user = me(request)
    signal = selectors.get_signal_for(user, signal_uuid)
    set_etag(response, signal)
    return _signal_out(user, signal)


@triage_router.post("/signals/{signal_uuid}/pick-up", response=SignalOut)
def pick_up(request: HttpRequest, signal_uuid: UUID, response: HttpResponse) -> Any:
    """Take a signal into triage; picking it up twice is harmless."""
    user = me(request)
    signal = selectors.get_signal_for(user, signal_uuid, record_read=False)
    signal = services.pick_up(signal, by=user)
    set_etag(response, signal)
    return _signal_out(user, signal)


def _person(user: User, person_uuid: UUID | None) -> Person | None:
    if person_uuid is None:
        return None
    try:
        return case_selectors.get_person_for(user, person_uuid, Action.MANAGE)
    except Denied:
        raise ValidationError(
            {"person": _("Kies een bekende persoon uit deze gemeente.")}
        ) from None


def _case_director(signal: Signal, director_uuid: UUID | None) -> User | None:
    if director_uuid is None:
        return None
    for member in services.triage_team(signal.municipality):
        if member.uuid == director_uuid:
            return member
    raise ValidationError(
        {"case_director": _("Kies een casusregisseur van de weegploeg van deze gemeente.")}
    )


@triage_router.post("/signals/{signal_uuid}/decision", response=SignalOut)
def decide(
    request: HttpRequest, signal_uuid: UUID, payload: DecisionIn, response: HttpResponse
) -> Any:
    """Weigh a signal (If-Match: its version): close, refer, include (opens a case) or escalate."""
    user = me(request)
    signal = selectors.get_signal_for(user, signal_uuid, record_read=False)
    version = expected_version(request, signal)
    signal = services.triage(
        signal,
        services.TriageDecision(
            outcome=payload.outcome,
            reason=payload.reason,
            criteria=payload.criteria,
            person=_person(user, payload.person),
            create_person=payload.create_person,
            case_director=_case_director(signal, payload.case_director),
            phase=payload.phase,
            tracks=tuple(payload.tracks),
            second_case_reason=payload.second_case_reason,
        ),
        expected_version=version,
        by=user,
    )
    signal = selectors.get_signal_for(user, signal.uuid, record_read=False)
    set_etag(response, signal)
    return _signal_out(user, signal)


@triage_router.get("/signals/{signal_uuid}/candidates", response=list[CandidateOut])
def candidates(request: HttpRequest, signal_uuid: UUID) -> Any:
    """List known persons of the signal's municipality who may be the one it is about."""
    user = me(request)
    signal = selectors.get_signal_for(user, signal_uuid, record_read=False)
    found = case_selectors.find_candidates(
        user,
        signal.municipality,
        family_name=signal.subject_family_name,
        given_names=signal.subject_given_names,
        birth_date=signal.subject_birth_date,
        bsn=signal.subject_bsn,
    )
    return [
        CandidateOut(
            uuid=c.person.uuid,
            full_name=c.person.full_name,
            birth_date=c.person.birth_date,
            score=round(c.score, 3),
            reasons=c.reasons,
            open_cases=c.open_cases,
            open_references=c.open_references,
        )
        for c in found
    ]
