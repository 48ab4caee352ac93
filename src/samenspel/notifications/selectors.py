"""Read a user's notifications, and what each is about, through the access policy.

A notification stores only an event code, an object type and a uuid. Its label and link are
worked out here when it is read, through the object's own rule: a reader who may no longer see
the case, signal or transfer gets neither a label nor a link.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.audit.events import Event, Purpose
from samenspel.cases.models import BreakGlass, Case, Intervention, Transfer
from samenspel.consultations.models import ActionItem, CapacityRequest, Meeting
from samenspel.intake.models import Signal
from samenspel.measures.models import CaseMeasure
from samenspel.notifications.models import MAIL_BY_DEFAULT, MailChoice, Notification, Topic
from samenspel.sharing.policy import Action, get_visible_or_404, visible

PURPOSE = Purpose.COLLABORATION


@dataclass(frozen=True)
class Target:
    """What a notification is about, as its reader may see it: a label and a page."""

    label: str
    url: str


@dataclass(frozen=True)
class Row:
    """One notification on the list, with its target (None: not, or no longer, visible)."""

    notification: Notification
    text: str
    target: Target | None


def notifications_of(user: Any) -> QuerySet[Notification]:
    """Return the user's own notifications, newest first."""
    return visible(user, Notification.objects.all()).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    """Count the user's unread notifications (the bell in the header; a count, not a read)."""
    return notifications_of(user).filter(read_at__isnull=True).count()


def record_list_read(user: Any, *, shown: int, unread: int) -> None:
    """Audit that the user looked at their notifications."""
    audit.record(
        Event.NOTIFICATION_LIST_VIEWED, by=user, purpose=PURPOSE, shown=shown, unread=unread
    )


def record_settings_read(user: Any) -> None:
    """Audit that the user looked at their mail settings."""
    audit.record(
        Event.PAGE_VIEWED, by=user, obj=user, purpose=PURPOSE, page="notification_settings"
    )


def get_notification_for(
    user: Any, notification_uuid: uuid.UUID, *, record_read: bool = True
) -> Notification:
    """Return one of the user's own notifications, or raise a 404; the read is audited."""
    notification = get_visible_or_404(
        user,
        Notification.objects.select_related("recipient"),
        Action.VIEW,
        uuid=notification_uuid,
    )
    if record_read:
        audit.record(Event.NOTIFICATION_OPENED, by=user, obj=notification, purpose=PURPOSE)
    return notification


def rows_for(user: Any, notifications: Iterable[Notification]) -> list[Row]:
    """Pair notifications with their targets: one query per object type, none per row."""
    notifications = list(notifications)
    targets = targets_for(user, notifications)
    return [
        Row(
            notification=n,
            text=str(Topic(n.topic).label) if n.topic in Topic.values else n.topic,
            target=targets.get((n.object_type, n.object_uuid)),
        )
        for n in notifications
    ]


def target_of(user: Any, notification: Notification) -> Target | None:
    """Return what one notification is about as `user` may see it, or None."""
    return targets_for(user, [notification]).get(
        (notification.object_type, notification.object_uuid)
    )


def targets_for(
    user: Any, notifications: Iterable[Notification]
) -> dict[tuple[str, uuid.UUID], Target]:
    """Resolve each notification's object through the policy, as `user` may see it now."""
    wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
    for n in notifications:
        wanted[n.object_type].add(n.object_uuid)
    found: dict[tuple[str, uuid.UUID], Target] = {}
    for object_type, uuids in wanted.items():
        resolve = _RESOLVERS.get(object_type)
        if resolve is None:
            continue
        for key, target in resolve(user, uuids).items():
            found[(object_type, key)] = target
    return found


def _signals(user: Any, uuids: set[uuid.UUID]) -> dict[uuid.UUID, Target]:
    found: dict[uuid.UUID, Target] = {}
    # The triage team opens the signal itself.
    for s in visible(user, Signal.objects.filter(uuid__in=uuids), Action.VIEW).only(
        "uuid", "reference"
    ):
        found[s.uuid] = Target(
            _("Signaal %(reference)s") % {"reference": s.reference},
            reverse("intake:detail", kwargs={"signal_uuid": s.uuid}),
        )
    # The reporter sees the status of their own signal, never the case behind it.
    rest = uuids - set(found)
    if rest:
        own = Signal.objects.filter(uuid__in=rest, reporter_id=getattr(user, "pk", None))
        for s in visible(user, own, Action.NAME).only("uuid", "reference"):
            found[s.uuid] = Target(
                _("Signaal %(reference)s") % {"reference": s.reference},
                reverse("intake:status", kwargs={"signal_uuid": s.uuid}),
            )
    return found


def _cases(user: Any, uuids: set[uuid.UUID]) -> dict[uuid.UUID, Target]:
    cases = visible(user, Case.objects.filter(uuid__in=uuids), Action.VIEW)
    return {
        c.uuid: Target(
            _("Casus %(reference)s") % {"reference": c.reference},
            reverse("cases:detail", kwargs={"case_uuid": c.uuid}),
        )
        for c in cases.only("uuid", "reference")
    }


def _transfers(user: Any, uuids: set[uuid.UUID]) -> dict[uuid.UUID, Target]:
    transfers = visible(user, Transfer.objects.filter(uuid__in=uuids), Action.VIEW)
    return {
        t.uuid: Target(
            _("Overdracht van casus %(reference)s") % {"reference": t.case_reference},
            reverse("cases:transfers"),
        )
        for t in transfers.only("uuid", "case_reference")
    }


def _interventions(user: Any, uuids: set[uuid.UUID]) -> dict[uuid.UUID, Target]:
    interventions = visible(user, Intervention.objects.filter(uuid__in=uuids), Action.VIEW)
    return {
        i.uuid: Target(
            _("Interventie %(measure)s in casus %(reference)s")
            % {"measure": i.measure, "reference": i.case.reference},
            reverse("cases:plan", kwargs={"case_uuid": i.case.uuid}),
        )
        for i in interventions.select_related("case").only(
            "uuid", "measure", "case__uuid", "case__reference"
        )
    }


def _capacity_requests(user: Any, uuids: set[uuid.UUID]) -> dict[uuid.UUID, Target]:
    requests = visible(user, CapacityRequest.objects.filter(uuid__in=uuids), Action.VIEW)
    return {
        r.uuid: Target(
            _("Capaciteitsverzoek aan %(partner)s") % {"partner": r.addressed.name},
            reverse("consultations:capacity_detail", kwargs={"request_uuid": r.uuid}),
        )
        for r in requests.select_related("addressed").only("uuid", "addressed__name")
    }


def _meetings(user: Any, uuids: set[uuid.UUID]) -> dict[uuid.UUID, Target]:
    meetings = visible(user, Meeting.objects.filter(uuid__in=uuids), Action.VIEW)
    return {
        m.uuid: Target(
            _("%(series)s van %(day)s")
            % {"series": m.series.name, "day": m.starts_at.strftime("%d-%m-%Y")},
            reverse("consultations:meeting", kwargs={"meeting_uuid": m.uuid}),
        )
        for m in meetings.select_related("series").only("uuid", "starts_at", "series__name")
    }


def _actions(user: Any, uuids: set[uuid.UUID]) -> dict[uuid.UUID, Target]:
    actions = visible(user, ActionItem.objects.filter(uuid__in=uuids), Action.VIEW)
    return {
        a.uuid: Target(
            _("Actiepunt voor casus %(reference)s, uiterlijk %(day)s")
            % {"reference": a.case.reference, "day": a.deadline.strftime("%d-%m-%Y")},
            reverse("consultations:actions"),
        )
        for a in actions.select_related("case").only("uuid", "deadline", "case__reference")
    }


def _measures(user: Any, uuids: set[uuid.UUID]) -> dict[uuid.UUID, Target]:
    measures = visible(user, CaseMeasure.objects.filter(uuid__in=uuids), Action.VIEW)
    return {
        m.uuid: Target(
            _("Maatregel %(measure)s voor casus %(reference)s")
            % {"measure": f"{m.measure} {m.name}", "reference": m.case.reference},
            reverse("measures:detail", kwargs={"measure_uuid": m.uuid}),
        )
        for m in measures.select_related("case").only("uuid", "measure", "name", "case__reference")
    }


def _break_glass(user: Any, uuids: set[uuid.UUID]) -> dict[uuid.UUID, Target]:
    # The privacy officer reviews the use; who used it sees their own use on the same page.
    uses = visible(user, BreakGlass.objects.filter(uuid__in=uuids), Action.VIEW)
    return {
        b.uuid: Target(
            _("Noodtoegang tot casus %(reference)s") % {"reference": b.case.reference},
            reverse("cases:break_glass_queue") + f"#noodtoegang-{b.uuid}",
        )
        for b in uses.select_related("case").only("uuid", "case__reference")
    }


_RESOLVERS: dict[str, Callable[[Any, set[uuid.UUID]], dict[uuid.UUID, Target]]] = {
    "intake.signal": _signals,
    "cases.case": _cases,
    "cases.transfer": _transfers,
    "cases.intervention": _interventions,
    "consultations.capacityrequest": _capacity_requests,
    "consultations.meeting": _meetings,
    "consultations.actionitem": _actions,
    "measures.casemeasure": _measures,
    "cases.breakglass": _break_glass,
}


def mail_topics(user: Any) -> set[str]:
    """Return the topics `user` also gets by mail: their choices over the defaults."""
    chosen = dict(visible(user, MailChoice.objects.all()).values_list("topic", "mail"))
    return {topic for topic in Topic.values if chosen.get(topic, topic in MAIL_BY_DEFAULT)}
