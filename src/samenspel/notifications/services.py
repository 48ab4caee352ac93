"""Write notifications with the change that causes them; deliver their mail (the worker).

`notify()` runs inside its caller's transaction: a notification and its mail outbox row commit
with the change, or not at all. The worker (`samenspel worker`) calls `run_pass()`, which sends
each due mail after claiming it with a guarded update, outside any transaction, and records
the outcome. A claim whose worker died lapses after a lease and is tried again; a sent mail is
never claimed again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Model, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import User
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.cases.models import CaseStatus, Intervention, InterventionStatus
from samenspel.notifications.models import (
    MAIL_BY_DEFAULT,
    Delivery,
    DeliveryStatus,
    MailChoice,
    Notification,
    Topic,
)
from samenspel.sharing.policy import Action, allowed, visible

logger = logging.getLogger(__name__)

PURPOSE = Purpose.COLLABORATION
MAX_BACKOFF = dt.timedelta(days=1)


# --- Writing notifications ---------------------------------------------------------------------


def notify(
    topic: Topic,
    obj: Model,
    *,
    to: Iterable[User | None],
    by: User | None,
    once_key: str = "",
) -> list[Notification]:
    """Notify each active recipient about `obj` in the caller's transaction, mail row included.

    The notification names the object by type and uuid only. Whether it also goes by mail is
    each recipient's choice (settings page), acute events by default. `by` (who caused it) is
    not told of their own act; None for the worker. With `once_key`, a recipient who has a
    notification with that key already gets no second one.
    """
    actor = by.pk if by is not None else None
    recipients = {
        u.pk: u for u in to if u is not None and u.pk is not None and u.pk != actor and u.is_active
    }
    if not recipients:
        return []
    object_type = obj._meta.label_lower
    object_uuid = obj.uuid  # type: ignore[attr-defined]  # every notified model has a uuid
    chosen = dict(
        MailChoice.objects.filter(user_id__in=recipients, topic=topic).values_list(
            "user_id", "mail"
        )
    )
    if once_key:
        done = set(
            Notification.objects.filter(recipient_id__in=recipients, once_key=once_key).values_list(
                "recipient_id", flat=True
            )
        )
        recipients = {pk: u for pk, u in recipients.items() if pk not in done}
    now = timezone.now()
    created: list[Notification] = []
    # No savepoint: a failed write fails the caller's change too, so both or neither commit.
    with transaction.atomic(savepoint=False):
        for user in recipients.values():
            notification = Notification(
                recipient=user,
                topic=topic,
                object_type=object_type,
                object_uuid=object_uuid,
                created_at=now,
                once_key=once_key,
            )
            if once_key:
                try:
                    with transaction.atomic():  # two workers may race for the same reminder
                        notification.save()
                except IntegrityError:
                    continue
            else:
                notification.save()
            if chosen.get(user.pk, topic in MAIL_BY_DEFAULT) and user.email:
                Delivery.objects.create(notification=notification, due_at=now, created_at=now)
            created.append(notification)
    return created


def who_may(verb: str, *, on: Model, among: Iterable[User]) -> list[User]:
    """Return those of `among` whom the access policy allows `verb` on the object."""
    return [user for user in among if allowed(user, verb, on=on)]


def colleagues_of(organisation_id: int) -> QuerySet[User]:
    """Return the active users of one organisation, with their roles (for `who_may`)."""
    return User.objects.with_roles().filter(organisation_id=organisation_id, is_active=True)


# --- Reading and settings ----------------------------------------------------------------------


def mark_read(notification: Notification, *, by: User) -> bool:
    """Mark one of the user's notifications read; a second time changes nothing."""
    with transaction.atomic():
        changed = visible(
            by,
            Notification.objects.filter(pk=notification.pk, read_at__isnull=True),
            Action.MANAGE,
        ).update(read_at=timezone.now())
        if changed:
            audit.record(Event.NOTIFICATION_READ, by=by, obj=notification, purpose=PURPOSE)
    return bool(changed)


def mark_all_read(*, by: User) -> int:
    """Mark all of the user's notifications read; return how many were unread."""
    with transaction.atomic():
        changed = visible(
            by, Notification.objects.filter(read_at__isnull=True), Action.MANAGE
        ).update(read_at=timezone.now())
        if changed:
            audit.record(Event.NOTIFICATIONS_ALL_READ, by=by, purpose=PURPOSE, count=changed)
    return changed


def set_mail_topics(topics: Iterable[str], *, by: User) -> set[str]:
    """Choose which topics also reach the user by mail; return the chosen set."""
    chosen = set(topics)
    unknown = chosen - set(Topic.values)
    if unknown:
        raise ValidationError({"topics": _("Kies alleen onderwerpen uit de lijst.")})
    with transaction.atomic():
        for topic in Topic.values:
            MailChoice.objects.update_or_create(
                user=by, topic=topic, defaults={"mail": topic in chosen}
            )
        audit.record(
            Event.NOTIFICATION_SETTINGS_CHANGED, by=by, obj=by, purpose=PURPOSE, mail=sorted(chosen)
        )
    return chosen


# --- The worker: review reminders --------------------------------------------------------------


def create_review_reminders(*, today: dt.date) -> int:
    """Remind case directors of review dates within the notice period, once per date."""
    horizon = today + dt.timedelta(days=settings.REVIEW_NOTICE_DAYS)
    due = (
        Intervention.objects.filter(
            review_date__range=(today, horizon),
            status__in=[InterventionStatus.PLANNED, InterventionStatus.RUNNING],
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case__case_director")
        .order_by("review_date", "id")
    )
    made = 0
    for intervention in due:
        key = f"review:{intervention.uuid}:{intervention.review_date}"
        with transaction.atomic():
            made += len(
                notify(
                    Topic.REVIEW_DUE,
                    intervention,
                    to=[intervention.case.case_director],
                    by=None,
                    once_key=key,
                )
            )
    return made


# --- The worker: mail delivery -----------------------------------------------------------------


@dataclass(frozen=True)
class PassResult:
    """What one pass of the worker did."""

    reminders: int
    recovered: int
    outcomes: dict[str, int]

    @property
    def sent(self) -> int:
        return self.outcomes.get("sent", 0)


def backoff(attempts: int) -> dt.timedelta:
    """Return the wait after `attempts` failed tries: the base, doubled each time, at most a day."""
    seconds = settings.MAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return min(dt.timedelta(seconds=seconds), MAX_BACKOFF)


def recover_lapsed(*, now: dt.datetime) -> int:
    """Put mails whose worker died while sending back in the queue; return how many."""
    return Delivery.objects.filter(status=DeliveryStatus.SENDING, lease_until__lt=now).update(
        status=DeliveryStatus.PENDING, lease_until=None, due_at=now, last_error="lease_lapsed"
    )


def claim(delivery_id: int, *, now: dt.datetime) -> bool:
    """Claim one due mail for this worker; False when another has it or it is done."""
    updated = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, due_at__lte=now
    ).update(
        status=DeliveryStatus.SENDING,
        attempts=F("attempts") + 1,
        lease_until=now + dt.timedelta(seconds=settings.MAIL_LEASE_SECONDS),
    )
    return updated == 1


def _settle(delivery: Delivery, status: DeliveryStatus, **fields: object) -> bool:
    """Record the outcome of this worker's own claim (same attempt), once."""
    updated = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, attempts=delivery.attempts
    ).update(status=status, lease_until=None, **fields)
    return updated == 1


def message_for(delivery: Delivery) -> EmailMultiAlternatives:
    """Return the mail of a delivery: the kind of event and a link, nothing about whom."""
    notification = delivery.notification
    link = settings.BASE_URL + reverse(
        "notifications:open", kwargs={"notification_uuid": notification.uuid}
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "topic": str(Topic(notification.topic).label),
            "link": link,
            "settings_link": settings.BASE_URL + reverse("notifications:settings"),
        }
        subject = _("Samenspel: %(topic)s") % context
        text = render_to_string("notifications/mail.txt", context)
        html = render_to_string("notifications/mail.html", context)
    host = urlsplit(settings.BASE_URL).hostname or "samenspel"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[notification.recipient.email],
        headers={
            # The same id on a resent mail, so that mail servers and clients can spot a double.
            "Message-ID": f"<{delivery.uuid}@{host}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def deliver(delivery_id: int, *, now: dt.datetime | None = None) -> str:
    """Claim, send and settle one mail; return the outcome (sent, retry, failed, dropped, taken)."""
    now = now or timezone.now()
    with transaction.atomic():
        if not claim(delivery_id, now=now):
            return "taken"
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    notification = delivery.notification
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email:
        reason = "recipient_inactive" if not recipient.is_active else "no_address"
        with transaction.atomic():
            if _settle(delivery, DeliveryStatus.DROPPED, last_error=reason):
                audit.record(
                    Event.NOTIFICATION_DROPPED,
                    by=None,
                    obj=notification,
                    purpose=PURPOSE,
                    outcome=Outcome.FAILURE,
                    delivery=str(delivery.uuid),
                    recipient=str(recipient.uuid),
                    reason=reason,
                )
        return "dropped"
    try:
        message_for(delivery).send()
    except Exception as exc:  # any failure of the mail server: the row stays and is retried
        error = type(exc).__name__[:100]
        logger.warning("mail %s failed (attempt %d): %s", delivery.uuid, delivery.attempts, error)
        with transaction.atomic():
            if delivery.attempts >= settings.MAIL_MAX_ATTEMPTS:
                if _settle(delivery, DeliveryStatus.FAILED, last_error=error):
                    audit.record(
                        Event.NOTIFICATION_MAIL_FAILED,
                        by=None,
                        obj=notification,
                        purpose=PURPOSE,
                        outcome=Outcome.FAILURE,
                        delivery=str(delivery.uuid),
                        attempts=delivery.attempts,
                        error=error,
                    )
                return "failed"
            _settle(
                delivery,
                DeliveryStatus.PENDING,
                last_error=error,
                due_at=now + backoff(delivery.attempts),
            )
        return "retry"
    with transaction.atomic():
        if _settle(delivery, DeliveryStatus.SENT, sent_at=timezone.now()):
            audit.record(
                Event.NOTIFICATION_MAILED,
                by=None,
                obj=notification,
                purpose=PURPOSE,
                delivery=str(delivery.uuid),
                recipient=str(recipient.uuid),
                attempt=delivery.attempts,
            )
    return "sent"


def due_deliveries(*, now: dt.datetime, limit: int) -> list[int]:
    """Return the ids of the mails due now, oldest first."""
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, due_at__lte=now)
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def run_pass(
    *, now: dt.datetime | None = None, limit: int = 500, reminders: bool = True
) -> PassResult:
    """Do one pass of the worker: review reminders, lapsed claims back, due mails out."""
    now = now or timezone.now()
    made = create_review_reminders(today=timezone.localdate(now)) if reminders else 0
    with transaction.atomic():
        recovered = recover_lapsed(now=now)
    outcomes = Counter(deliver(pk, now=now) for pk in due_deliveries(now=now, limit=limit))
    return PassResult(reminders=made, recovered=recovered, outcomes=dict(outcomes))
