"""Selectors for the audit log, which sits below the domain apps and so is filtered here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from samenspel import audit
from samenspel.audit import selectors as audit_selectors
from samenspel.audit.events import Event, Purpose
from samenspel.sharing.policy import Action, get_visible_or_404, visible

if TYPE_CHECKING:
    from samenspel.audit.models import AuditEvent  # noqa: TID251 - types only


@dataclass(frozen=True)
class AuditFilter:
    """What the privacy officer narrows the log down to."""

    actor_uuid: str = ""
    event: int | None = None
    object_type: str = ""
    object_id: str = ""
    purpose: str = ""
    outcome: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def audit_events_visible_to(user: Any, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """Return the audit records `user` may read, newest first, narrowed by `filters`."""
    qs = visible(user, audit_selectors.unfiltered_events(), Action.VIEW)
    f = filters or AuditFilter()
    if f.actor_uuid:
        qs = qs.filter(actor__uuid=f.actor_uuid)
    if f.event is not None:
        qs = qs.filter(event=f.event)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.purpose:
        qs = qs.filter(purpose=f.purpose)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.since is not None:
        qs = qs.filter(occurred_at__gte=f.since)
    if f.until is not None:
        qs = qs.filter(occurred_at__lt=f.until)
    return qs.order_by("-seq")


def get_audit_event_for(user: Any, seq: int) -> AuditEvent:
    """Return one audit record that `user` may read, or raise a 404; the read is audited."""
    row = get_visible_or_404(user, audit_selectors.unfiltered_events(), Action.VIEW, seq=seq)
    audit.record(Event.AUDIT_RECORD_VIEWED, by=user, purpose=Purpose.AUDIT_REVIEW, record=seq)
    return row


def record_log_read(user: Any, filters: AuditFilter, *, count: int, page_number: int) -> None:
    """Audit that the privacy officer read a page (or an API list) of the log."""
    audit.record(
        Event.AUDIT_LOG_VIEWED,
        by=user,
        purpose=Purpose.AUDIT_REVIEW,
        count=count,
        page_number=page_number,
        event_filter=filters.event,
        object_id=filters.object_id or None,
    )


def record_log_export(user: Any, filters: AuditFilter, *, count: int) -> None:
    """Audit that the privacy officer exported records of the log."""
    audit.record(
        Event.AUDIT_EXPORTED,
        by=user,
        purpose=Purpose.AUDIT_REVIEW,
        count=count,
        event_filter=filters.event,
        object_id=filters.object_id or None,
    )
