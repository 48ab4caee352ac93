"""Agree action items, close them, and remind their owners through the outbox."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import User
from samenspel.audit.events import Event
from samenspel.consultations.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
)
from samenspel.consultations.services._common import (
    PURPOSE,
    TEXT_MAX,
    _manage,
    participant_organisations,
)
from samenspel.lib.decisions import claim
from samenspel.notifications import services as notifications
from samenspel.notifications.models import Topic
from samenspel.sharing.policy import Action, allowed, can, denied_for, require

__all__ = [
    "add_action",
    "close_action",
    "create_action_reminders",
]


def add_action(
    item: AgendaItem,
    *,
    description: str,
    owner: User | None,
    deadline: dt.date | None,
    key: str = "",
    by: User,
) -> ActionItem:
    """Agree an action on an item: an owner (person and organisation) and a deadline."""
    _manage(by, item)
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = _("Beschrijf de actie.")
    participants = participant_organisations(item) | {item.meeting.series.owner_id}
    if owner is None or not owner.is_active:
        errors["owner"] = _("Kies wie de actie uitvoert.")
    elif owner.organisation_id not in participants:
        errors["owner"] = _(
            "Kies iemand van een organisatie die aan deze casus deelneemt (casusteam of "
            "uitgenodigd)."
        )
    if deadline is None:
        errors["deadline"] = _("Vul in wanneer de actie af moet zijn.")
    elif deadline < timezone.localdate():
        errors["deadline"] = _("Deze datum ligt in het verleden.")
    if errors or owner is None or deadline is None:
        raise ValidationError(errors)
    key = key.strip()[:64]
    series = item.meeting.series
    if key:
        existing = ActionItem.objects.filter(series=series, submission_key=key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            action = ActionItem.objects.create(
                series=series,
                item=item,
                case=item.case,
                description=description.strip()[:TEXT_MAX],
                owner=owner,
                owner_organisation_id=owner.organisation_id,
                deadline=deadline,
                created_by=by,
                submission_key=key,
            )
            audit.record(
                Event.ACTION_CREATED,
                by=by,
                obj=action,
                purpose=PURPOSE,
                owner=str(owner.uuid),
                deadline=deadline.isoformat(),
            )
            notifications.notify(Topic.ACTION_ASSIGNED, action, to=[owner], by=by)
    except IntegrityError:
        return ActionItem.objects.get(series=series, submission_key=key)
    return action


def close_action(action: ActionItem, *, done: bool, result: str = "", by: User) -> ActionItem:
    """Mark an action done (or no longer needed); of two racing closes one wins."""
    if not allowed(by, "action.close", on=action):
        if can(by, Action.VIEW, action):
            require(by, "action.close", on=action)
        raise denied_for(action)
    if not done and not result.strip():
        raise ValidationError({"result": _("Schrijf op waarom de actie vervalt.")})
    with transaction.atomic():
        claim(
            ActionItem.objects.all(),
            action.pk,
            expected=ActionStatus.OPEN,
            message=_("Deze actie is al afgesloten. Er is niets gewijzigd."),
            status=ActionStatus.DONE if done else ActionStatus.CANCELLED,
            result=result.strip()[:TEXT_MAX],
            closed_by=by,
            closed_at=timezone.now(),
            version=F("version") + 1,
        )
        audit.record(Event.ACTION_CLOSED, by=by, obj=action, purpose=PURPOSE, done=done)
    action.refresh_from_db()
    return action


def create_action_reminders(*, today: dt.date) -> int:
    """Remind owners of open actions before the deadline and once it has passed, once each."""
    horizon = today + dt.timedelta(days=settings.REVIEW_NOTICE_DAYS)
    due = (
        ActionItem.objects.filter(status=ActionStatus.OPEN, deadline__lte=horizon)
        .select_related("owner")
        .order_by("deadline", "id")
    )
    made = 0
    for action in due:
        if action.deadline < today:
            topic, moment = Topic.ACTION_OVERDUE, "overdue"
        else:
            topic, moment = Topic.ACTION_DUE, "today" if action.deadline == today else "before"
        key = f"action:{moment}:{action.uuid}:{action.deadline}"
        with transaction.atomic():
            made += len(
                notifications.notify(topic, action, to=[action.owner], by=None, once_key=key)
            )
    return made
