"""JSON endpoints for cases: the case file, history, stage and phase, plan, team, and the request
to transfer a case (the decisions on it are in `api/transfers.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from samenspel.accounts import selectors as accounts_selectors
from samenspel.accounts.models import Organisation, User
from samenspel.api.auth import expected_version, idempotency_key, me, set_etag
from samenspel.api.schemas import In
from samenspel.cases import selectors, services
from samenspel.cases.models import Case, CaseMember, Intervention, Transfer
from samenspel.sharing.policy import Denied, require

router = Router(tags=["cases"])

PAGE_SIZE = 100
# Far beyond any list (10 million cases), and far from an offset that overflows a database.
MAX_PAGE = 100_000


# --- Schemas ------------------------------------------------------------------------------------


class Ref(Schema):
    uuid: UUID
    name: str


class PersonOut(Schema):
    uuid: UUID
    full_name: str
    birth_date: dt.date | None


class CaseSummaryOut(Schema):
    uuid: UUID
    reference: str
    status: str
    stage: str
    phase: str
    tracks: list[str]
    municipality: Ref
    person: PersonOut
    case_director: Ref
    opened_at: dt.datetime


class CasePageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[CaseSummaryOut]


class CaseOut(CaseSummaryOut):
    framework_version: UUID
    closed_at: dt.datetime | None
    close_reason: str
    aftercare_until: dt.date | None
    balance_justification: str
    updated_at: dt.datetime
    version: int


class TransitionOut(Schema):
    dimension: str
    from_value: str
    to_value: str
    reason: str
    by: Ref
    at: dt.datetime


class MoveIn(In):
    to: str
    reason: str = ""


class TracksIn(In):
    tracks: list[str]
    reason: str = ""


class CloseIn(In):
    reason: str = ""
    aftercare_until: dt.date | None = None


class ReasonIn(In):
    reason: str = ""


class JustificationIn(In):
    text: str = ""


class InterventionOut(Schema):
    uuid: UUID
    measure: str
    name: str
    domain: str
    owner: Ref
    legal_basis: str
    voluntary: bool
    consent: str
    consent_by: str
    consent_on: dt.date | None
    consent_scope: str
    consent_shared_with: list[UUID]
    goal: str
    start_date: dt.date | None
    end_date: dt.date | None
    review_date: dt.date | None
    status: str
    outcome: str
    version: int


class BalanceOut(Schema):
    counts: dict[str, int]
    shares: dict[str, int]
    total: int
    repression_only: bool
    needs_justification: bool
    justification: str


class PlanOut(Schema):
    case_version: int
    interventions: list[InterventionOut]
    hidden: int
    balance: BalanceOut


class InterventionIn(In):
    measure: str
    domain: str
    owner: UUID
    goal: str = ""
    consent: str = ""
    consent_by: str = ""
    consent_on: dt.date | None = None
    consent_scope: str = ""
    consent_shared_with: list[UUID] = Field(default_factory=list)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    review_date: dt.date | None = None


class InterventionPatch(In):
    status: str | None = None
    consent: str | None = None
    consent_by: str | None = None
    consent_on: dt.date | None = None
    consent_scope: str | None = None
    consent_shared_with: list[UUID] | None = None
    goal: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    review_date: dt.date | None = None
    outcome: str | None = None


class MemberOut(Schema):
    user: Ref
    organisation: Ref
    task: str
    added_at: dt.datetime


class MemberIn(In):
    user: UUID
    task: str = ""


class TransferIn(In):
    to_municipality: UUID
    reason: str = ""


class TransferOut(Schema):
    uuid: UUID
    case: UUID
    case_reference: str
    from_municipality: Ref
    to_municipality: Ref
    reason: str
    status: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str


class AcceptIn(In):
    case_director: UUID
    reason: str = ""


# --- Converters ---------------------------------------------------------------------------------


def _ref(obj: Any) -> Ref:
    return Ref(uuid=obj.uuid, name=getattr(obj, "full_name", "") or obj.name)


def _summary(case: Case) -> dict[str, Any]:
    return {
        "uuid": case.uuid,
        "reference": case.reference,
        "status": case.status,
        "stage": case.stage,
        "phase": case.phase,
        "tracks": list(case.tracks),
        "municipality": _ref(case.municipality),
        "person": PersonOut(
            uuid=case.person.uuid,
            full_name=case.person.full_name,
            birth_date=case.person.birth_date,
        ),
        "case_director": _ref(case.case_director),
        "opened_at": case.opened_at,
    }


def case_out(case: Case, response: HttpResponse) -> CaseOut:
    set_etag(response, case)
    return CaseOut(
        **_summary(case),
        framework_version=case.framework_version.uuid,
        closed_at=case.closed_at,
        close_reason=case.close_reason,
        aftercare_until=case.aftercare_until,
        balance_justification=case.balance_justification,
        updated_at=case.updated_at,
        version=case.version,
    )


def _intervention_out(item: Intervention) -> InterventionOut:
    return InterventionOut(
        uuid=item.uuid,
        measure=item.measure,
        name=item.name,
        domain=item.domain,
        owner=_ref(item.owner),
        legal_basis=item.legal_basis,
        voluntary=item.voluntary,
        consent=item.consent,
        consent_by=item.consent_by,
        consent_on=item.consent_on,
        consent_scope=item.consent_scope,
        consent_shared_with=[o.uuid for o in item.consent_shared_with.all()],
        goal=item.goal,
        start_date=item.start_date,
        end_date=item.end_date,
        review_date=item.review_date,
        status=item.status,
        outcome=item.outcome,
        version=item.version,
    )


def _member_out(member: CaseMember) -> MemberOut:
    return MemberOut(
        user=_ref(member.user),
        organisation=_ref(member.organisation),
        task=member.task,
        added_at=member.added_at,
    )


def transfer_out(transfer: Transfer) -> TransferOut:
    return TransferOut(
        uuid=transfer.uuid,
        case=transfer.case.uuid,
        case_reference=transfer.case_reference,
        from_municipality=_ref(transfer.from_municipality),
        to_municipality=_ref(transfer.to_municipality),
        reason=transfer.reason,
        status=transfer.status,
        requested_at=transfer.requested_at,
        decided_at=transfer.decided_at,
        decision_reason=transfer.decision_reason,
    )


def _case(request: HttpRequest, case_uuid: UUID) -> Case:
    """Fetch a case for a change; the service decides whether the change is allowed."""
    return selectors.get_case_for(me(request), case_uuid, record_read=False)


# --- Cases --------------------------------------------------------------------------------------


@router.get("", response=CasePageOut)
def list_cases(
    request: HttpRequest,
    status: Literal["open", "aftercare", "closed", "all"] = "open",
    mine: bool = False,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Any:
    """List the cases you may see, newest first, 100 per page (`status`: open, aftercare,
    closed or all; `mine`: only where you are the case director; `q`: reference or name).

    A page past the last one is empty; a page number below 1 or above 100,000 answers 422."""
    user = me(request)
    cases = selectors.case_list(user, status=status, mine=mine, query=q)
    count = cases.count()
    rows = list(cases[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    selectors.record_list_read(user, len(rows), api=True)
    return CasePageOut(
        count=count,
        page=page,
        page_size=PAGE_SIZE,
        results=[CaseSummaryOut(**_summary(c)) for c in rows],
    )


@router.get("/{case_uuid}", response=CaseOut)
def get_case(request: HttpRequest, case_uuid: UUID, response: HttpResponse) -> Any:
    """Return one case; its version is the ETag."""
    return case_out(selectors.get_case_for(me(request), case_uuid), response)


@router.get("/{case_uuid}/history", response=list[TransitionOut])
def case_history(request: HttpRequest, case_uuid: UUID) -> Any:
    """Return the case history: stage, phase, track, status and municipality changes."""
    user = me(request)
    case = selectors.get_case_for(user, case_uuid, record_read=False)
    rows = selectors.history_of(user, case)
    return [
        TransitionOut(
            dimension=t.dimension,
            from_value=t.from_value,
            to_value=t.to_value,
            reason=t.reason,
            by=_ref(t.by),
            at=t.at,
        )
        for t in rows
    ]


@router.post("/{case_uuid}/stage", response=CaseOut)
def change_stage(
    request: HttpRequest, case_uuid: UUID, payload: MoveIn, response: HttpResponse
) -> Any:
    """Move the case to another process stage (If-Match: the case version)."""
    case = _case(request, case_uuid)
    case = services.change_stage(
        case,
        to=payload.to,
        reason=payload.reason,
        expected_version=expected_version(request, case),
        by=me(request),
    )
    return case_out(case, response)


@router.post("/{case_uuid}/phase", response=CaseOut)
def change_phase(
    request: HttpRequest, case_uuid: UUID, payload: MoveIn, response: HttpResponse
) -> Any:
    """Record that the person is in another phase (If-Match: the case version)."""
    case = _case(request, case_uuid)
    case = services.change_phase(
        case,
        to=payload.to,
        reason=payload.reason,
        expected_version=expected_version(request, case),
        by=me(request),
    )
    return case_out(case, response)


@router.post("/{case_uuid}/tracks", response=CaseOut)
def set_tracks(
    request: HttpRequest, case_uuid: UUID, payload: TracksIn, response: HttpResponse
) -> Any:
    """Set the parallel tracks of the case (If-Match: the case version)."""
    case = _case(request, case_uuid)
    case = services.set_tracks(
        case,
        tracks=payload.tracks,
        reason=payload.reason,
        expected_version=expected_version(request, case),
        by=me(request),
    )
    return case_out(case, response)


@router.post("/{case_uuid}/close", response=CaseOut)
def close_case(
    request: HttpRequest, case_uuid: UUID, payload: CloseIn, response: HttpResponse
) -> Any:
    """Close the case, optionally with aftercare until a date (If-Match: the case version)."""
    case = _case(request, case_uuid)
    case = services.close_case(
        case,
        reason=payload.reason,
        aftercare_until=payload.aftercare_until,
        expected_version=expected_version(request, case),
        by=me(request),
    )
    return case_out(case, response)


@router.post("/{case_uuid}/reopen", response=CaseOut)
def reopen_case(
    request: HttpRequest, case_uuid: UUID, payload: ReasonIn, response: HttpResponse
) -> Any:
    """Reopen a closed case, back to the plan stage (If-Match: the case version)."""
    case = _case(request, case_uuid)
    case = services.reopen_case(
        case,
        reason=payload.reason,
        expected_version=expected_version(request, case),
        by=me(request),
    )
    return case_out(case, response)


# --- Plan ---------------------------------------------------------------------------------------


def _plan_out(user: User, case: Case) -> PlanOut:
    items = selectors.plan_of(user, case)
    prefetch_related_objects(items, "consent_shared_with")
    balance = selectors.plan_balance(user, case)  # over every line: the same for the team
    return PlanOut(
        case_version=case.version,
        interventions=[_intervention_out(i) for i in items],
        hidden=selectors.hidden_plan_count(user, case),
        balance=BalanceOut(
            counts=dict(balance.counts),
            shares={domain: share for domain, _count, share in balance.rows()},
            total=balance.total,
            repression_only=balance.repression_only,
            needs_justification=balance.needs_justification,
            justification=case.balance_justification,
        ),
    )


@router.get("/{case_uuid}/plan", response=PlanOut)
def get_plan(request: HttpRequest, case_uuid: UUID) -> Any:
    """Return the case plan: the interventions you read, how many more exist that you may not
    read (`hidden`: care lines without your organisation in their consent), and the balance of
    prevention, care and repression over all of them, the same for the whole team."""
    user = me(request)
    return _plan_out(user, selectors.get_case_for(user, case_uuid))


@router.put("/{case_uuid}/plan/justification", response=PlanOut)
def justify_balance(
    request: HttpRequest, case_uuid: UUID, payload: JustificationIn, response: HttpResponse
) -> Any:
    """Record why the plan stays without prevention or care; an empty text clears it.

    Needed before a plan without prevention or care may move to execution (ST-4).
    If-Match: the case version; the answer's ETag is the new case version.
    """
    case = _case(request, case_uuid)
    case = services.justify_balance(
        case, text=payload.text, expected_version=expected_version(request, case), by=me(request)
    )
    set_etag(response, case)
    return _plan_out(me(request), case)


def _organisations(user: User, uuids: list[UUID]) -> list[Organisation]:
    """The active organisations named by uuid, for the consent record; 422 for another."""
    wanted = set(uuids)
    found = list(accounts_selectors.organisation_directory(user).filter(uuid__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"consent_shared_with": _("Kies actieve partnerorganisaties.")})
    return found


@router.post("/{case_uuid}/plan", response={200: InterventionOut, 201: InterventionOut})
def add_intervention(request: HttpRequest, case_uuid: UUID, payload: InterventionIn) -> Any:
    """Add an intervention from the framework (201); the same Idempotency-Key again answers 200.

    Given consent (`consent: given`) needs its record: `consent_by`, `consent_on`,
    `consent_scope`, and `consent_shared_with` (organisation uuids)."""
    user = me(request)
    key = idempotency_key(request)
    case = _case(request, case_uuid)
    owner = accounts_selectors.organisation_directory(user).filter(uuid=payload.owner).first()
    if owner is None:
        raise ValidationError({"owner": _("Kies een actieve partnerorganisatie als eigenaar.")})
    shared_with = _organisations(user, payload.consent_shared_with)
    repeat = any(i.submission_key == key for i in selectors.plan_of(user, case))
    item = services.add_intervention(
        case,
        measure=payload.measure,
        domain=payload.domain,
        owner=owner,
        goal=payload.goal,
        consent=payload.consent,
        consent_by=payload.consent_by,
        consent_on=payload.consent_on,
        consent_scope=payload.consent_scope,
        consent_shared_with=shared_with,
        start_date=payload.start_date,
        end_date=payload.end_date,
        review_date=payload.review_date,
        submission_key=key,
        by=user,
    )
    return Status(200 if repeat else 201, _intervention_out(item))


@router.patch("/{case_uuid}/plan/{intervention_uuid}", response=InterventionOut)
def change_intervention(
    request: HttpRequest,
    case_uuid: UUID,
    intervention_uuid: UUID,
    payload: InterventionPatch,
    response: HttpResponse,
) -> Any:
    """Change an intervention's status, consent and its record, dates, goal or outcome
    (If-Match: its version). Withdrawn consent stops a running voluntary intervention."""
    user = me(request)
    case = _case(request, case_uuid)
    item = selectors.get_intervention_for(user, case, intervention_uuid)
    version = expected_version(request, item)
    changes = payload.model_dump(exclude_unset=True)
    for field in ("status", "consent", "consent_by", "consent_scope", "goal", "outcome"):
        if field in changes and changes[field] is None:
            changes[field] = ""
    if "consent_shared_with" in changes:
        changes["consent_shared_with"] = _organisations(user, changes["consent_shared_with"] or [])
    item = services.change_intervention(item, expected_version=version, by=user, **changes)
    set_etag(response, item)
    return _intervention_out(item)


# --- Team ---------------------------------------------------------------------------------------


@router.get("/{case_uuid}/team", response=list[MemberOut])
def get_team(request: HttpRequest, case_uuid: UUID) -> Any:
    """List the current case team."""
    user = me(request)
    case = selectors.get_case_for(user, case_uuid)
    return [_member_out(m) for m in selectors.team_of(user, case)]


@router.post("/{case_uuid}/team", response={201: MemberOut})
def add_member(request: HttpRequest, case_uuid: UUID, payload: MemberIn) -> Any:
    """Add a colleague or a partner professional to the case team (need-to-know)."""
    user = me(request)
    case = _case(request, case_uuid)
    require(user, "case.manage", on=case)  # only managers learn who may join
    candidates = selectors.candidate_members(user, case)
    candidate = next((u for u in candidates if u.uuid == payload.user), None)
    if candidate is None:
        raise ValidationError({"user": _("Deze gebruiker kan niet in dit casusteam.")})
    member = services.add_member(case, user=candidate, task=payload.task, by=user)
    return Status(201, _member_out(member))


@router.delete("/{case_uuid}/team/{user_uuid}", response={204: None})
def remove_member(request: HttpRequest, case_uuid: UUID, user_uuid: UUID) -> Any:
    """Take a user off the case team; their access ends at once."""
    user = me(request)
    case = _case(request, case_uuid)
    member = next((m for m in selectors.team_of(user, case) if m.user.uuid == user_uuid), None)
    if member is None:
        raise Denied("cases.casemember", str(user_uuid), exists=False)
    services.remove_member(case, user=member.user, by=user)
    return Status(204, None)


# --- Transfers ----------------------------------------------------------------------------------


@router.post("/{case_uuid}/transfers", response={201: TransferOut})
def request_transfer(request: HttpRequest, case_uuid: UUID, payload: TransferIn) -> Any:
    """Ask the municipality the person moved to to take over the case (warm transfer)."""
    user = me(request)
    case = _case(request, case_uuid)
    target = (
        accounts_selectors.organisation_directory(user).filter(uuid=payload.to_municipality).first()
    )
    transfer = services.request_transfer(
        case, to_municipality=target, reason=payload.reason, by=user
    )
    return Status(201, transfer_out(transfer))
