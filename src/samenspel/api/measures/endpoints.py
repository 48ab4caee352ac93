"""The routes of the measure register: one case's register, a measure, its dossier, its
decision, the terms calendar and the mayor's designations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
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
    MeasureReviewIn,
    MeasureReviewOut,
    ProposeIn,
    ReasonsIn,
    ReasonsOut,
    ReviewOutcomeIn,
    VerificationIn,
    VerificationOut,
    basis_out,
    consultation_out,
    designation_out,
    dossier_out,
    measure_fields,
    measure_out,
    reasons_fields,
    review_out,
    verification_out,
)
from samenspel.api.openapi import decision
from samenspel.cases import selectors as case_selectors
from samenspel.measures import selectors, services
from samenspel.measures.models import CaseMeasure, Designation
from samenspel.sharing.policy import allowed

router = Router(tags=["measures"])
case_router = Router(tags=["measures"])  # the register of one case, under /cases

CALENDAR_MAX_DAYS = 366


# --- Lookups ------------------------------------------------------------------------------------


def _fresh(request: HttpRequest, measure: CaseMeasure) -> MeasureOut:
    """Answer the measure as the caller sees it after the change."""
    return measure_out(selectors.get_measure(me(request), measure.uuid))


def _created(made: datetime, started: datetime) -> int:
    """Answer 201 for a row this call made, 200 for the first one of an earlier call."""
    return 201 if made >= started else 200


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
    return selectors.get_designation(user, user.organisation, designation_uuid)


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
    return Status(_created(measure.proposed_at, started), _fresh(request, measure))


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
    all of them, a designated official their own. Audited as `DESIGNATIONS_VIEWED`."""
    user = me(request)
    rows = selectors.designations_of(user, user.organisation, api=True)
    return [designation_out(d) for d in rows]


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
    """Return one measure with what you may do with it (`may`), its dossier and its
    objections and appeals (`reviews`), or `dossier: null` and `reviews: null` when you may
    not read the dossier. With a dossier, its version is the ETag. Audited as
    `MEASURE_VIEWED`."""
    view = selectors.get_measure_for(me(request), measure_uuid, api=True)
    dossier = None
    if view.dossier is not None:
        set_etag(response, view.dossier.dossier)
        dossier = dossier_out(view.dossier)
    return MeasureDetailOut(
        **measure_fields(view.measure),
        may=sorted(view.may),
        dossier=dossier,
        reviews=[review_out(r) for r in view.reviews] if view.reviews is not None else None,
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


@router.post("/{measure_uuid}/basis", response={200: BasisItemOut, 201: BasisItemOut})
def add_basis_item(request: HttpRequest, measure_uuid: UUID, payload: BasisItemIn) -> Any:
    """Add a piece of information the decision rests on, with its source and compartment (201).
    An AIVD summary only by the mayor or an official the mayor designated. The same
    Idempotency-Key again answers the first (200)."""
    user = me(request)
    key = idempotency_key(request)
    measure = selectors.get_measure(user, measure_uuid)
    started = timezone.now()
    item = services.add_basis_item(
        measure,
        compartment=payload.compartment,
        source=payload.source,
        received_on=payload.received_on,
        summary=payload.summary,
        submission_key=key,
        by=user,
    )
    return Status(_created(item.added_at, started), basis_out(item))


@router.post("/{measure_uuid}/verifications", response={200: VerificationOut, 201: VerificationOut})
def add_verification(request: HttpRequest, measure_uuid: UUID, payload: VerificationIn) -> Any:
    """Record that information of others was checked (vergewisplicht): who, when, the result
    (201). The same Idempotency-Key again answers the first (200)."""
    user = me(request)
    key = idempotency_key(request)
    measure = selectors.get_measure(user, measure_uuid)
    started = timezone.now()
    row = services.add_verification(
        measure,
        asked=payload.asked,
        asked_on=payload.asked_on,
        result=payload.result,
        answer=payload.answer,
        submission_key=key,
        by=user,
    )
    return Status(_created(row.added_at, started), verification_out(row))


@router.post(
    "/{measure_uuid}/consultations",
    response={200: MeasureConsultationOut, 201: MeasureConsultationOut},
)
def add_consultation(request: HttpRequest, measure_uuid: UUID, payload: LocalConsultationIn) -> Any:
    """Record the consultation with local government before the decision: with whom, when,
    the outcome and advice (201). The same Idempotency-Key again answers the first (200)."""
    user = me(request)
    key = idempotency_key(request)
    measure = selectors.get_measure(user, measure_uuid)
    started = timezone.now()
    row = services.add_consultation(
        measure,
        consulted=payload.consulted,
        held_on=payload.held_on,
        outcome=payload.outcome,
        submission_key=key,
        by=user,
    )
    return Status(_created(row.added_at, started), consultation_out(row))


@router.post(
    "/{measure_uuid}/mayor-consultations",
    response={200: MeasureConsultationOut, 201: MeasureConsultationOut},
)
def receive_mayor_consultation(
    request: HttpRequest, measure_uuid: UUID, payload: MayorConsultationIn
) -> Any:
    """Record the minister's request to consult the mayor on a Twbmt measure: when it came in
    and when the answer is due (201). The mayor is told. The same Idempotency-Key again
    answers the first (200)."""
    user = me(request)
    key = idempotency_key(request)
    measure = selectors.get_measure(user, measure_uuid)
    started = timezone.now()
    with _fields(held_on="received_on"):
        row = services.receive_mayor_consultation(
            measure,
            received_on=payload.received_on,
            answer_due=payload.answer_due,
            submission_key=key,
            by=user,
        )
    return Status(_created(row.added_at, started), consultation_out(row))


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


@router.post("/{measure_uuid}/reviews", response={200: MeasureReviewOut, 201: MeasureReviewOut})
def file_review(request: HttpRequest, measure_uuid: UUID, payload: MeasureReviewIn) -> Any:
    """Record an objection or appeal against the decision (201): `kind` (`objection`,
    `appeal`, `higher_appeal`), `notified_on` (when the decision was made known), `filed_on`,
    `grounds`. After the framework's term for the ground only with `late_reason`; without it
    422 on `late_reason`, and the refusal is audited (`MEASURE_REVIEW_REFUSED`). The same
    Idempotency-Key again answers the first (200)."""
    user = me(request)
    key = idempotency_key(request)
    measure = selectors.get_measure(user, measure_uuid)
    started = timezone.now()
    review = services.file_review(
        measure,
        kind=payload.kind,
        notified_on=payload.notified_on,
        filed_on=payload.filed_on,
        grounds=payload.grounds,
        late_reason=payload.late_reason,
        submission_key=key,
        by=user,
    )
    return Status(_created(review.created_at, started), review_out(review))


@router.post("/{measure_uuid}/reviews/{review_uuid}/decide", response=MeasureReviewOut)
@decision
def decide_review(
    request: HttpRequest, measure_uuid: UUID, review_uuid: UUID, payload: ReviewOutcomeIn
) -> Any:
    """Record the outcome of a pending objection or appeal, once: `outcome`, `outcome_on`,
    `outcome_text`, and `annuls` (only with `upheld` or `partly_upheld`), which annuls the
    measure: its status becomes `annulled`."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    review = selectors.get_review_for(user, measure, review_uuid)
    decided = services.decide_review(
        review,
        outcome=payload.outcome,
        outcome_on=payload.outcome_on,
        outcome_text=payload.outcome_text,
        annuls=payload.annuls,
        by=user,
    )
    return review_out(selectors.get_review_for(user, measure, decided.uuid))


@router.post("/{measure_uuid}/extend", response={201: MeasureOut})
def extend_measure(request: HttpRequest, measure_uuid: UUID, payload: MeasureReasonIn) -> Any:
    """Propose to extend a running measure: a new measure with a dossier of its own, pointing
    at this one (`extends`), decided anew."""
    user = me(request)
    measure = selectors.get_measure(user, measure_uuid)
    extension = services.extend_measure(measure, reason=payload.reason, by=user)
    return Status(201, _fresh(request, extension))
