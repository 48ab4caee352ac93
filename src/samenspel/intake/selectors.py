"""Read signals and triage queues, always through the access policy."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from samenspel import audit
from samenspel.audit.events import Event, Purpose
from samenspel.cases.models import Case
from samenspel.frameworks.models import FrameworkVersion
from samenspel.frameworks.selectors import framework_of
from samenspel.frameworks.types import Route
from samenspel.intake.models import Attachment, Signal, SignalStatus, TriageSeat
from samenspel.sharing.policy import Action, can, get_visible_or_404, visible

PURPOSE = Purpose.SIGNAL_INTAKE


def my_signals(user: Any) -> QuerySet[Signal]:
    """Return the reporter's own signals, with their status only: never the case behind them."""
    return (
        visible(user, Signal.objects.all(), Action.NAME)
        .filter(reporter_id=getattr(user, "pk", None))
        .select_related("municipality")
        .only(
            "uuid",
            "reference",
            "received_at",
            "status",
            "is_acute",
            "municipality__name",
            "reporter_id",
        )
        .order_by("-received_at", "-id")
    )


def get_own_signal_status(user: Any, signal_uuid: uuid.UUID) -> Signal:
    """Return one of the reporter's own signals (status fields only), or raise a 404."""
    return get_visible_or_404(user, my_signals(user), Action.NAME, uuid=signal_uuid)


def triage_queue(user: Any, *, include_closed: bool = False) -> QuerySet[Signal]:
    """Return the signals of the municipalities whose triage team `user` is on.

    Acute first, then by deadline: what must be picked up soonest is on top.
    """
    signals = visible(user, Signal.objects.all(), Action.VIEW).select_related(
        "municipality", "source_organisation"
    )
    if not include_closed:
        signals = signals.exclude(status=SignalStatus.CLOSED)
    return signals.order_by("-is_acute", "due_at", "id")


def overdue(signals: QuerySet[Signal]) -> QuerySet[Signal]:
    """Narrow signals to those past their deadline and not yet picked up or weighed."""
    now = timezone.now()
    return signals.filter(
        Q(status=SignalStatus.RECEIVED, due_at__lt=now)
        | Q(status=SignalStatus.IN_TRIAGE, is_acute=False, due_at__lt=now)
    )


def record_page_read(user: Any, page: str, obj: Any = None, **details: Any) -> None:
    """Audit that the user looked at an intake page (a form, their signals, a signal's status)."""
    audit.record(Event.PAGE_VIEWED, by=user, obj=obj, purpose=PURPOSE, page=page, **details)


def record_queue_read(user: Any, signals: list[Signal]) -> None:
    """Audit that the user looked at the triage queue, and which signals it showed (with the
    names and the concern of the persons they are about)."""
    audit.record(
        Event.SIGNAL_QUEUE_VIEWED,
        by=user,
        purpose=PURPOSE,
        shown=len(signals),
        signals=[str(s.uuid) for s in signals],
    )


def get_signal_for(
    user: Any, signal_uuid: uuid.UUID, action: Action = Action.VIEW, *, record_read: bool = True
) -> Signal:
    """Return one signal for the triage team, or raise a 404; the read is audited."""
    signal = get_visible_or_404(
        user,
        Signal.objects.select_related(
            "municipality", "source_organisation", "reporter", "person", "case"
        ),
        action,
        uuid=signal_uuid,
    )
    if record_read:
        audit.record(Event.SIGNAL_VIEWED, by=user, obj=signal, purpose=PURPOSE)
    return signal


def linked_case(user: Any, signal: Signal) -> Case | None:
    """Return the case a signal was linked to, only if `user` may see that case.

    A triage seat (police, OM) weighs signals but is not on every case team: the reference
    of a case it may not see is not shown to it either.
    """
    if signal.case_id is None or signal.case is None:
        return None
    return signal.case if can(user, Action.VIEW, signal.case) else None


def attachments_of(signal: Signal) -> QuerySet[Attachment]:
    """Return the attachments of a signal without their content."""
    return signal.attachments.defer("content").order_by("id")


def get_attachment_for(user: Any, signal: Signal, attachment_uuid: uuid.UUID) -> Attachment:
    """Return one attachment with its content, or raise a 404; the download is audited."""
    attachment = get_visible_or_404(
        user, Attachment.objects.filter(signal=signal), uuid=attachment_uuid
    )
    audit.record(
        Event.ATTACHMENT_DOWNLOADED,
        by=user,
        obj=signal,
        purpose=PURPOSE,
        attachment=str(attachment.uuid),
    )
    return attachment


def acute_routes(version: FrameworkVersion | None) -> list[Route]:
    """Return the framework's acute routes: where an acute signal goes at once."""
    if version is None:
        return []
    return [r for r in framework_of(version).routes if r.is_acute]


def triage_seats(user: Any) -> QuerySet[TriageSeat]:
    """Return the triage seats `user` may see, with the partner users."""
    return visible(user, TriageSeat.objects.all()).select_related(
        "user", "user__organisation", "municipality"
    )
