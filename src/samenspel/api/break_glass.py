"""JSON endpoints for break-the-glass (noodtoegang): open a hidden case for a while with a
reason, list the uses you may see, and the privacy officer's review of each use.

The same service as the form: a refusal answers 422 with the same Dutch message (one message
for a case that does not exist, is closed or is not for you), and is audited. A review claims
the use while it is pending: a second review answers 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from samenspel.accounts import selectors as accounts_selectors
from samenspel.accounts.models import OrganisationType
from samenspel.api.auth import idempotency_key, me
from samenspel.api.cases import Ref
from samenspel.api.openapi import decision
from samenspel.api.schemas import In
from samenspel.cases import selectors, services
from samenspel.cases.models import BreakGlass
from samenspel.cases.services.break_glass import PART_CASE

router = Router(tags=["break-glass"])


class BreakGlassIn(In):
    municipality: UUID
    reference: str = ""
    reason: str = ""
    part: str = PART_CASE


class BreakGlassReviewIn(In):
    outcome: str = ""
    comment: str = ""


class BreakGlassOut(Schema):
    uuid: UUID
    case: UUID
    case_reference: str
    municipality: Ref
    user: Ref
    organisation: Ref
    reason: str
    opened_at: dt.datetime
    expires_at: dt.datetime
    active: bool
    review: str
    reviewed_by: Ref | None
    reviewed_at: dt.datetime | None
    review_comment: str


def _ref(obj: Any) -> Ref:
    return Ref(uuid=obj.uuid, name=getattr(obj, "full_name", "") or obj.name)


def _out(use: BreakGlass) -> BreakGlassOut:
    return BreakGlassOut(
        uuid=use.uuid,
        case=use.case.uuid,
        case_reference=use.case.reference,
        municipality=_ref(use.case.municipality),
        user=_ref(use.user),
        organisation=_ref(use.organisation),
        reason=use.reason,
        opened_at=use.opened_at,
        expires_at=use.expires_at,
        active=use.expires_at > timezone.now(),
        review=use.review,
        reviewed_by=_ref(use.reviewed_by) if use.reviewed_by else None,
        reviewed_at=use.reviewed_at,
        review_comment=use.review_comment,
    )


@router.post("", response={200: BreakGlassOut, 201: BreakGlassOut})
def open_break_glass(request: HttpRequest, payload: BreakGlassIn) -> Any:
    """Open a case of your region that you may be on but are not, for the framework's term
    (an hour by default), for reading only, with a reason (201). The privacy officers are told.
    The same Idempotency-Key again answers 200 with the first use and opens nothing twice."""
    user = me(request)
    key = idempotency_key(request)
    earlier = selectors.break_glass_submission(user, key)
    if earlier is not None:
        return Status(200, _out(selectors.get_break_glass_for(user, earlier.uuid)))
    # Any municipality by its uuid (the directory is open to all); the service answers alike
    # for a case that is not there and one that is not for you.
    municipality = (
        accounts_selectors.organisation_directory(user)
        .filter(uuid=payload.municipality, type=OrganisationType.MUNICIPALITY)
        .first()
    )
    use = services.break_glass(
        payload.reference,
        municipality,
        reason=payload.reason,
        part=payload.part,
        submission_key=key,
        by=user,
    )
    return Status(201, _out(selectors.get_break_glass_for(user, use.uuid)))


@router.get("", response=list[BreakGlassOut])
def list_break_glass(request: HttpRequest) -> Any:
    """List the uses you may see, pending first, then newest (at most 200): your own, and as a
    privacy officer every use on a case of your municipality or by your organisation's users.
    Audited as BREAK_GLASS_QUEUE_VIEWED."""
    return [_out(use) for use in selectors.break_glass_queue(me(request), api=True)]


@router.post("/{use_uuid}/review", response=BreakGlassOut)
@decision
def review_break_glass(request: HttpRequest, use_uuid: UUID, payload: BreakGlassReviewIn) -> Any:
    """Review one use: `accepted`, or `flagged` with a comment. The privacy officers of the
    case's municipality and of the user's organisation, once (a second review answers 409)."""
    user = me(request)
    use = selectors.get_break_glass_for(user, use_uuid)
    services.review_break_glass(use, outcome=payload.outcome, comment=payload.comment, by=user)
    return _out(selectors.get_break_glass_for(user, use_uuid))
