"""The request and answer bodies of the measure endpoints, and the converters to them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Field, Schema

from samenspel.api.cases import Ref
from samenspel.api.schemas import In, IsoDate
from samenspel.measures import selectors
from samenspel.measures.models import (
    BasisItem,
    CaseMeasure,
    Consultation,
    Designation,
    Dossier,
    Review,
    Verification,
)

# --- Schemas ------------------------------------------------------------------------------------


class MeasureOut(Schema):
    uuid: UUID
    case: UUID
    measure: str  # the framework measure, such as I-17
    name: str
    legal_domain: str
    legal_basis: str
    decision_role: str
    external: bool
    status: str
    reason: str
    proposed_by_organisation: Ref
    proposed_at: dt.datetime
    advice: str
    decision_text: str
    decided_on: dt.date | None
    decided_by: Ref | None
    decided_by_organisation: Ref | None
    external_authority: str
    external_reference: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    extends: UUID | None
    closed_at: dt.datetime | None
    closing_note: str
    version: int


class GroundOut(Schema):
    legal_domain: str
    name: str
    authority: str
    review_route: str
    measures: list[MeasureOut]


class BasisItemOut(Schema):
    uuid: UUID
    compartment: str
    source: str
    received_on: dt.date
    summary: str
    added_by: Ref
    added_at: dt.datetime


class VerificationOut(Schema):
    uuid: UUID
    asked: str
    asked_on: dt.date
    result: str
    answer: str
    added_by: Ref
    added_at: dt.datetime


class MeasureConsultationOut(Schema):
    uuid: UUID
    kind: str
    consulted: str
    held_on: dt.date
    answer_due: dt.date | None
    outcome: str
    answered_at: dt.datetime | None
    answered_by: Ref | None
    added_by: Ref
    added_at: dt.datetime


class MissingPartOut(Schema):
    part: str
    message: str


class ReasonsOut(Schema):
    necessity: str
    proportionality: str
    subsidiarity: str
    persons_view: str
    persons_view_text: str
    updated_at: dt.datetime
    version: int  # send it back in If-Match when you save the reasons


class DossierOut(ReasonsOut):
    basis: list[BasisItemOut]
    verifications: list[VerificationOut]
    consultations: list[MeasureConsultationOut]
    missing: list[MissingPartOut]


class MeasureReviewOut(Schema):
    uuid: UUID
    kind: str  # objection, appeal or higher_appeal
    notified_on: dt.date
    filed_on: dt.date
    deadline: dt.date  # the last day of the framework's term, from notified_on
    late: bool  # filed after the deadline (then late_reason says why)
    late_reason: str
    grounds: str
    outcome: str  # pending, upheld, partly_upheld, dismissed, inadmissible or withdrawn
    outcome_on: dt.date | None
    outcome_text: str
    annuls: bool
    filed_by: Ref
    decided_by: Ref | None
    created_at: dt.datetime


class MeasureDetailOut(MeasureOut):
    may: list[str]
    dossier: DossierOut | None
    reviews: list[MeasureReviewOut] | None  # null with `dossier`: a part of the dossier
    extensions: list[UUID]


class DesignationOut(Schema):
    uuid: UUID
    municipality: Ref
    user: Ref
    reason: str
    designated_by: Ref
    designated_at: dt.datetime
    ended_by: Ref | None
    ended_at: dt.datetime | None


class ProposeIn(In):
    measure: Annotated[str, Field(max_length=16)] = ""
    reason: str = ""


class AdviceIn(In):
    advice: str = ""


class MeasureMoveIn(In):
    to: Literal["requested", "intended"]


class BasisItemIn(In):
    compartment: Literal["police", "om", "aivd", "care", "municipal"]
    source: str = ""
    received_on: IsoDate | None = None
    summary: str = ""


class VerificationIn(In):
    asked: str = ""
    asked_on: IsoDate | None = None
    result: Literal["confirmed", "partly", "not_confirmed"]
    answer: str = ""


class LocalConsultationIn(In):
    consulted: str = ""
    held_on: IsoDate | None = None
    outcome: str = ""


class MayorConsultationIn(In):
    received_on: IsoDate | None = None
    answer_due: IsoDate | None = None


class ConsultationAnswerIn(In):
    answer: str = ""


class ReasonsIn(In):
    necessity: str = ""
    proportionality: str = ""
    subsidiarity: str = ""
    persons_view: Literal["not_yet", "given", "not_asked"] = "not_yet"
    persons_view_text: str = ""


class MeasureDecisionIn(In):
    decision_text: str = ""
    decided_on: IsoDate | None = None
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None


class ExternalDecisionIn(MeasureDecisionIn):
    authority: str = ""  # empty: the decision role of the framework
    reference: str = ""


class MeasureReasonIn(In):
    reason: str = ""


class MeasureEndIn(In):
    evaluation: str = ""


class MeasureReviewIn(In):
    kind: Literal["objection", "appeal", "higher_appeal"]
    notified_on: IsoDate | None = None
    filed_on: IsoDate | None = None
    grounds: str = ""
    late_reason: str = ""


class ReviewOutcomeIn(In):
    outcome: Literal["upheld", "partly_upheld", "dismissed", "inadmissible", "withdrawn"]
    outcome_on: IsoDate | None = None
    outcome_text: str = ""
    annuls: bool = False


class DesignateIn(In):
    user: UUID
    reason: str = ""


# --- Converters ---------------------------------------------------------------------------------


def _ref(obj: Any) -> Ref:
    return Ref(uuid=obj.uuid, name=getattr(obj, "full_name", "") or obj.name)


def _maybe(obj: Any) -> Ref | None:
    return _ref(obj) if obj is not None else None


def measure_fields(measure: CaseMeasure) -> dict[str, Any]:
    return {
        "uuid": measure.uuid,
        "case": measure.case.uuid,
        "measure": measure.measure,
        "name": measure.name,
        "legal_domain": measure.legal_domain,
        "legal_basis": measure.legal_basis,
        "decision_role": measure.decision_role,
        "external": measure.external,
        "status": measure.status,
        "reason": measure.reason,
        "proposed_by_organisation": _ref(measure.proposed_by_organisation),
        "proposed_at": measure.proposed_at,
        "advice": measure.advice,
        "decision_text": measure.decision_text,
        "decided_on": measure.decided_on,
        "decided_by": _maybe(measure.decided_by),
        "decided_by_organisation": _maybe(measure.decided_by_organisation),
        "external_authority": measure.external_authority,
        "external_reference": measure.external_reference,
        "starts_on": measure.starts_on,
        "ends_on": measure.ends_on,
        "extends": measure.extends.uuid if measure.extends is not None else None,
        "closed_at": measure.closed_at,
        "closing_note": measure.closing_note,
        "version": measure.version,
    }


def measure_out(measure: CaseMeasure) -> MeasureOut:
    return MeasureOut(**measure_fields(measure))


def basis_out(item: BasisItem) -> BasisItemOut:
    return BasisItemOut(
        uuid=item.uuid,
        compartment=item.compartment,
        source=item.source,
        received_on=item.received_on,
        summary=item.summary,
        added_by=_ref(item.added_by),
        added_at=item.added_at,
    )


def verification_out(row: Verification) -> VerificationOut:
    return VerificationOut(
        uuid=row.uuid,
        asked=row.asked,
        asked_on=row.asked_on,
        result=row.result,
        answer=row.answer,
        added_by=_ref(row.added_by),
        added_at=row.added_at,
    )


def consultation_out(row: Consultation) -> MeasureConsultationOut:
    return MeasureConsultationOut(
        uuid=row.uuid,
        kind=row.kind,
        consulted=row.consulted,
        held_on=row.held_on,
        answer_due=row.answer_due,
        outcome=row.outcome,
        answered_at=row.answered_at,
        answered_by=_maybe(row.answered_by),
        added_by=_ref(row.added_by),
        added_at=row.added_at,
    )


def reasons_fields(dossier: Dossier) -> dict[str, Any]:
    return {
        "necessity": dossier.necessity,
        "proportionality": dossier.proportionality,
        "subsidiarity": dossier.subsidiarity,
        "persons_view": dossier.persons_view,
        "persons_view_text": dossier.persons_view_text,
        "updated_at": dossier.updated_at,
        "version": dossier.version,
    }


def dossier_out(view: selectors.DossierView) -> DossierOut:
    return DossierOut(
        **reasons_fields(view.dossier),
        basis=[basis_out(b) for b in view.basis],
        verifications=[verification_out(v) for v in view.verifications],
        consultations=[consultation_out(c) for c in view.consultations],
        missing=[MissingPartOut(part=m.part, message=m.message) for m in view.missing],
    )


def review_out(row: Review) -> MeasureReviewOut:
    return MeasureReviewOut(
        uuid=row.uuid,
        kind=row.kind,
        notified_on=row.notified_on,
        filed_on=row.filed_on,
        deadline=row.deadline,
        late=row.filed_on > row.deadline,
        late_reason=row.late_reason,
        grounds=row.grounds,
        outcome=row.outcome,
        outcome_on=row.outcome_on,
        outcome_text=row.outcome_text,
        annuls=row.annuls,
        filed_by=_ref(row.filed_by),
        decided_by=_maybe(row.decided_by),
        created_at=row.created_at,
    )


def designation_out(row: Designation) -> DesignationOut:
    return DesignationOut(
        uuid=row.uuid,
        municipality=_ref(row.municipality),
        user=_ref(row.user),
        reason=row.reason,
        designated_by=_ref(row.designated_by),
        designated_at=row.designated_at,
        ended_by=_maybe(row.ended_by),
        ended_at=row.ended_at,
    )
