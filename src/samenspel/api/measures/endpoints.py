"""The routes of the measure register: one case's register, a measure, its dossier, its
decision, the terms calendar and the mayor's designations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from samenspel.api.auth import expected_version, idempotency_key, me, set_etag
from samenspel.api.measures.schemas import (
    AdviceIn,
    BasisItemIn,
    BasisItemOut,
    ConsultationAnswerIn,
    DesignateIn,
    DesignationOut,
    ExternalDecisionIn,
    GroundOut,
    LocalConsultationIn,
    MayorConsultationIn,
    MeasureConsultationOut,
    MeasureDecisionIn,
    MeasureDetailOut,
    MeasureEndIn,
    MeasureMoveIn,
    MeasureOut,
    MeasureReasonIn,
    ProposeIn,
    ReasonsIn,
    ReasonsOut,
    VerificationIn,
    VerificationOut,
    basis_out,
    consultation_out,
    designation_out,
    dossier_out,
    measure_fields,
    measure_out,
    reasons_fields,
    verification_out,
)
from samenspel.api.openapi import decision
from samenspel.cases import selectors as case_selectors
from samenspel.measures import selectors, services
from samenspel.measures.models import CaseMeasure, Designation
from samenspel.sharing.policy import Denied, allowed

router = Router(tags=["measures"])
case_router = Router(tags=["measures"])  # the register of one case, under /cases

CALENDAR_MAX_DAYS = 366


# --- Lookups ------------------------------------------------------------------------------------


def _fresh(request: HttpRequest, measure: CaseMeasure) -> MeasureOut:
    """Answer the measure as the caller sees it after the change."""
    return measure_out(selectors.get_measure(me(request), measure.uuid))


@contextmanager
def _fields(**names: str) -> Iterator[None]:
    """Name a service's field errors after the fields of the request body."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise  # a refusal of the whole request, or a conflict (409)
        raise ValidationError(
            {names.get(field, field): messages for field, messages in error.message_dict.items()}
        ) from error


def _designation(request: HttpRequest, designation_uuid: UUID) -> Designation:
    user = me(request)
    found = next(
        (
            d
            for d in selectors.designations_of(user, user.organisation)
            if d.uuid == designation_uuid
        ),
        None,
    )
    if found is None:
        raise Denied("measures.designation", str(designation_uuid), exists=False)
    return found


# --- The register of a case ---------------------------------------------------------------------


@case_router.get("/{case_uuid}/measures", response=list[GroundOut])
def list_case_measures(request: HttpRequest, case_uuid: UUID) -> Any:
    """List the case's measures you may see, by ground (legal domain) in the framework's order.

    A ground none of whose measures you may see is left out. Audited as `MEASURE_LIST_VIEWED`."""
    user = me(request)
    case = case_selectors.get_case_for(user, case_uuid, record_read=False)
    return [
        GroundOut(
            legal_domain=g.legal_domain,
            name=g.name,
            authority=g.authority,
            review_route=g.review_route,
            measures=[measure_out(m) for m in g.measures],
        )
        for g in selectors.grounds_of_case(user, case, api=True)
    ]


@case_router.post("/{case_uuid}/measures", response={200: MeasureOut, 201: MeasureOut})
def propose_measure(request: HttpRequest, case_uuid: UUID, payload: ProposeIn) -> Any:
    """Propose a measure from the framework (`measure`, such as `I-17`) with the reason (201);
    its competent authority is told. The same Idempotency-Key again answers the first (200)."""
    user = me(request)
    key = idempotency_key(request)
    case = case_selectors.get_case_for(user, case_uuid, record_read=False)
    started = timezone.now()
    measure = services.propose_measure(
        case, measure=payload.measure.strip(), reason=payload.reason, submission_key=key, by=user
    )
    return Status(201 if measure.proposed_at >= started else 200, _fresh(request, measure))


# --- Measures -----------------------------------------------------------------------------------


@router.get("/terms", response=list[MeasureOut])
def terms_calendar(
    request: HttpRequest, days: Annotated[int, Query(ge=1, le=CALENDAR_MAX_DAYS)] = 30
) -> Any:
    """List the running measures you see whose term ends within `days` (1 to 366, default 30),
    earliest end first (at most 500). Audited as `MEASURE_LIST_VIEWED`."""
    return [measure_out(m) for m in selectors.terms_calendar(me(request), days=days, api=True)]


@router.get("/designations", response=list[DesignationOut])
def list_designations(request: HttpRequest) -> Any:
    """List the mayor's designations in your municipality, running ones first: the mayor sees
    all of them, a designated official their own."""
    user = me(request)
    return [designation_out(d) for d in selectors.designations_of(user, user.organisation)]


@router.post("/designations", response={201: DesignationOut})
def designate(request: HttpRequest, payload: DesignateIn) -> Any:
    """Designate an official of your municipality (a case director or a security adviser) to
    read your dossiers and AIVD summaries; deciding stays with you (the mayor only)."""
    user = me(request)
    municipality = user.organisation
    if not allowed(user, "designation.manage", within=municipality):
        raise PermissionDenied("designation.manage")  # its own municipality is no secret to it
    official = selectors.designation_candidates(municipality).filter(uuid=payload.user).first()
    made = services.designate(municipality, user=official, reason=payload.reason, by=user)
    return Status(201, designation_out(_designation(request, made.uuid)))


@router.post("/designations/{designation_uuid}/end", response=DesignationOut)
def end_designation(request: HttpRequest, designation_uuid: UUID) -> Any:
    """End a designation; the official's access ends at once. Ending it again changes nothing."""
    user = me(request)
    designation = _designation(request, designation_uuid)
    if not allowed(user, "designation.manage", within=designation.municipality):
        raise PermissionDenied("designation.manage")  # the official sees it, the mayor ends it
    ended = services.end_designation(designation, by=user)
    return designation_out(_designation(request, ended.uuid))


@router.get("/{measure_uuid}", response=MeasureDetailOut)
def get_measure(request: HttpRequest, measure_uuid: UUID, response: HttpResponse) -> Any:
    """Return one measure with what you may do with it (`may`) and its dossier, or
    `dossier: null` when you may not read it. With a dossier, its version is the ETag.
    Audited as `MEASURE_VIEWED`."""
    view = selectors.get_measure_for(me(request), measure_uuid, api=True)
    dossier = None
    if view.dossier is not None:
        set_etag(response, view.dossier.dossier)
        dossier = dossier_out(view.dossier)
    return MeasureDetailOut(
        **measure_fields(view.measure),
        may=sorted(view.may),
        dossier=dossier,
        extensions=[m.uuid for m in view.extensions],
    )


@router.post("/{measure_uuid}/advice", response=MeasureOut)
@decision
def advise_measure(request: HttpRequest, measure_uuid: UUID, payload: AdviceIn) -> Any:
    """Record the case consultation's advice on a proposed measure (it can be updated until
    the measure moves on)."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    return _fresh(request, services.advise_measure(measure, advice=payload.advice, by=user))


@router.post("/{measure_uuid}/move", response=MeasureOut)
@decision
def move_measure(request: HttpRequest, measure_uuid: UUID, payload: MeasureMoveIn) -> Any:
    """Record that the measure was requested from its authority (`requested`) or that a
    decision is intended (`intended`)."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    with _fields(status="to"):
        moved = services.move_measure(measure, to=payload.to, by=user)
    return _fresh(request, moved)


@router.post("/{measure_uuid}/basis", response={201: BasisItemOut})
def add_basis_item(request: HttpRequest, measure_uuid: UUID, payload: BasisItemIn) -> Any:
    """Add a piece of information the decision rests on, with its source and compartment. An
    AIVD summary only by the mayor or an official the mayor designated."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    item = services.add_basis_item(
        measure,
        compartment=payload.compartment,
        source=payload.source,
        received_on=payload.received_on,
        summary=payload.summary,
        by=user,
    )
    return Status(201, basis_out(item))


@router.post("/{measure_uuid}/verifications", response={201: VerificationOut})
def add_verification(request: HttpRequest, measure_uuid: UUID, payload: VerificationIn) -> Any:
    """Record that information of others was checked (vergewisplicht): who, when, the result."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    row = services.add_verification(
        measure,
        asked=payload.asked,
        asked_on=payload.asked_on,
        result=payload.result,
        answer=payload.answer,
        by=user,
    )
    return Status(201, verification_out(row))


@router.post("/{measure_uuid}/consultations", response={201: MeasureConsultationOut})
def add_consultation(request: HttpRequest, measure_uuid: UUID, payload: LocalConsultationIn) -> Any:
    """Record the consultation with local government before the decision: with whom, when,
    the outcome and advice."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    row = services.add_consultation(
        measure,
        consulted=payload.consulted,
        held_on=payload.held_on,
        outcome=payload.outcome,
        by=user,
    )
    return Status(201, consultation_out(row))


@router.post("/{measure_uuid}/mayor-consultations", response={201: MeasureConsultationOut})
def receive_mayor_consultation(
    request: HttpRequest, measure_uuid: UUID, payload: MayorConsultationIn
) -> Any:
    """Record the minister's request to consult the mayor on a Twbmt measure: when it came in
    and when the answer is due. The mayor is told."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    with _fields(held_on="received_on"):
        row = services.receive_mayor_consultation(
            measure, received_on=payload.received_on, answer_due=payload.answer_due, by=user
        )
    return Status(201, consultation_out(row))


@router.post(
    "/{measure_uuid}/consultations/{consultation_uuid}/answer", response=MeasureConsultationOut
)
@decision
def answer_consultation(
    request: HttpRequest, measure_uuid: UUID, consultation_uuid: UUID, payload: ConsultationAnswerIn
) -> Any:
    """Answer the minister's consultation (the mayor of the case's municipality only, once)."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    consultation = selectors.get_consultation_for(user, measure, consultation_uuid)
    with _fields(outcome="answer"):
        row = services.answer_consultation(consultation, answer=payload.answer, by=user)
    return consultation_out(selectors.get_consultation_for(user, measure, row.uuid))


@router.put("/{measure_uuid}/reasons", response=ReasonsOut)
def save_reasons(
    request: HttpRequest, measure_uuid: UUID, payload: ReasonsIn, response: HttpResponse
) -> Any:
    """Save necessity, proportionality, subsidiarity and the person's view (`persons_view`:
    `not_yet`, `given` or `not_asked`, explained in `persons_view_text`). Parts may be half
    done; the decision asks for all. If-Match: the dossier's version (its ETag)."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    dossier = services.save_reasons(
        measure,
        necessity=payload.necessity,
        proportionality=payload.proportionality,
        subsidiarity=payload.subsidiarity,
        persons_view=payload.persons_view,
        persons_view_text=payload.persons_view_text,
        expected_version=expected_version(request, measure),
        by=user,
    )
    set_etag(response, dossier)
    return ReasonsOut(**reasons_fields(dossier))


@router.post("/{measure_uuid}/decide", response=MeasureOut)
@decision
def decide_measure(request: HttpRequest, measure_uuid: UUID, payload: MeasureDecisionIn) -> Any:
    """Decide the measure (its competent authority only, on a complete dossier). Anyone else,
    or a dossier that lacks a part, is refused with 422 saying why, and the refusal is audited
    (`MEASURE_DECISION_REFUSED`)."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    decided = services.decide_measure(
        measure,
        decision_text=payload.decision_text,
        decided_on=payload.decided_on,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        by=user,
    )
    return _fresh(request, decided)


@router.post("/{measure_uuid}/external-decision", response=MeasureOut)
@decision
def record_external_decision(
    request: HttpRequest, measure_uuid: UUID, payload: ExternalDecisionIn
) -> Any:
    """Record a decision taken outside Samenspel (the minister) from its document: `authority`
    (empty: the framework's decision role), `reference`, the text and the term. A Twbmt measure
    only after the mayor was consulted (answered, or the answer's term passed)."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    with _fields(external_authority="authority", external_reference="reference"):
        recorded = services.record_external_decision(
            measure,
            authority=payload.authority,
            reference=payload.reference,
            decision_text=payload.decision_text,
            decided_on=payload.decided_on,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            by=user,
        )
    return _fresh(request, recorded)


@router.post("/{measure_uuid}/withdraw", response=MeasureOut)
@decision
def withdraw_measure(request: HttpRequest, measure_uuid: UUID, payload: MeasureReasonIn) -> Any:
    """Withdraw a proposal before the decision, with the reason (who proposed it, or its
    competent authority)."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    with _fields(closing_note="reason"):
        withdrawn = services.withdraw_measure(measure, reason=payload.reason, by=user)
    return _fresh(request, withdrawn)


@router.post("/{measure_uuid}/end", response=MeasureOut)
@decision
def end_measure(request: HttpRequest, measure_uuid: UUID, payload: MeasureEndIn) -> Any:
    """End a running measure with its evaluation (its dossier readers)."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    with _fields(closing_note="evaluation"):
        ended = services.end_measure(measure, evaluation=payload.evaluation, by=user)
    return _fresh(request, ended)


@router.post("/{measure_uuid}/extend", response={201: MeasureOut})
def extend_measure(request: HttpRequest, measure_uuid: UUID, payload: MeasureReasonIn) -> Any:
    """Propose to extend a running measure: a new measure with a dossier of its own, pointing
    at this one (`extends`), decided anew."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    extension = services.extend_measure(measure, reason=payload.reason, by=user)
    return Status(201, _fresh(request, extension))
