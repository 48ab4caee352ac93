"""Notifications, their mail outbox rows and each user's choice of what also mails.

A notification names its object by type and uuid only: no person name and no case detail is
stored in it. What the reader sees of the object is worked out when it is read, through the
access policy (notifications.selectors).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """What a notification is about. Stored as a code; the text is the current translation."""

    SIGNAL_ACUTE = "signal.acute", _("Er is een acuut signaal voor uw weegploeg")
    SIGNAL_TRIAGED = "signal.triaged", _("Een signaal dat u meldde is gewogen")
    TRANSFER_REQUESTED = "transfer.requested", _("Een overdracht wacht op uw gemeente")
    TRANSFER_ACCEPTED = "transfer.accepted", _("Uw overdracht is geaccepteerd")
    TRANSFER_DECLINED = "transfer.declined", _("Uw overdracht is afgewezen")
    TRANSFER_CANCELLED = "transfer.cancelled", _("Een overdracht is ingetrokken")
    MEMBER_ADDED = "case.member_added", _("U bent toegevoegd aan een casusteam")
    REVIEW_DUE = "intervention.review_due", _("Een interventie moet binnenkort worden geëvalueerd")
    ACTION_ASSIGNED = "action.assigned", _("U heeft een actiepunt uit een casusoverleg")
    ACTION_DUE = "action.due", _("Een actiepunt moet binnenkort af zijn")
    ACTION_OVERDUE = "action.overdue", _("Een actiepunt is over de termijn")
    AGENDA_INVITED = "agenda.invited", _("Uw organisatie is uitgenodigd voor een casusoverleg")
    MINUTES_FOR_COMMENT = "minutes.for_comment", _("Een verslag ligt ter becommentariëring")
    CAPACITY_REQUESTED = "capacity.requested", _("Er is capaciteit gevraagd aan uw organisatie")
    CAPACITY_ANSWERED = "capacity.answered", _("Uw capaciteitsverzoek is beantwoord")
    CAPACITY_ESCALATED = "capacity.escalated", _("Capaciteitsverzoek niet op tijd beantwoord")
    MEASURE_PROPOSED = "measure.proposed", _("Er is een maatregel voorgesteld waarover u besluit")
    MEASURE_DECIDED = "measure.decided", _("Er is besloten over een maatregel op uw casus")
    MAYOR_CONSULTED = "measure.mayor_consulted", _("De Minister raadpleegt u over een maatregel")
    MEASURE_TERM_ENDING = "measure.term_ending", _("De termijn van een maatregel loopt bijna af")
    BREAK_GLASS_USED = "case.break_glass", _("Iemand heeft noodtoegang tot een casus gebruikt")


# Acute events also go by mail unless the user turns that off; the rest only when turned on.
# A use of break-the-glass is acute for the privacy officer, who must be able to act at once.
MAIL_BY_DEFAULT = frozenset({Topic.SIGNAL_ACUTE, Topic.BREAK_GLASS_USED})


class Notification(models.Model):
    """Tell one user that something happened to an object they may reach."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("onderwerp"), max_length=40, choices=Topic.choices)
    object_type = models.CharField(max_length=64)  # model label, e.g. "cases.case"
    object_uuid = models.UUIDField()
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    # Events that may happen only once per recipient (a review reminder per date) carry a key.
    once_key = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "once_key"],
                condition=~Q(once_key=""),
                name="notification_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_list"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.object_type}:{self.object_uuid}"

    @property
    def audit_organisation_id(self) -> int:
        return self.recipient.organisation_id


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("wacht op verzending")
    SENDING = "sending", _("wordt verzonden")
    SENT = "sent", _("verzonden")
    DROPPED = "dropped", _("niet verzonden")
    FAILED = "failed", _("mislukt")


class Delivery(models.Model):
    """Mail one notification: the outbox row, written with the change, drained by the worker."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, related_name="delivery"
    )
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    # The next attempt is due at this time (retries back off exponentially).
    due_at = models.DateTimeField(default=timezone.now)
    # While sending: after this moment the claim has lapsed (its worker died) and it is retried.
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The kind of the last failure (an exception class or a reason code), never its text.
    last_error = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("verzending")
        verbose_name_plural = _("verzendingen")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(lease_until__isnull=False),
                name="delivery_sending_has_lease",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.notification_id}:{self.status}"

    @property
    def audit_organisation_id(self) -> int:
        return self.notification.recipient.organisation_id


class MailChoice(models.Model):
    """Whether one user also gets one topic by mail (absent: the default of MAIL_BY_DEFAULT)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(_("onderwerp"), max_length=40, choices=Topic.choices)
    mail = models.BooleanField(_("ook per e-mail"))

    class Meta:
        verbose_name = _("e-mailkeuze")
        verbose_name_plural = _("e-mailkeuzes")
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="mail_choice_once_per_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.topic}={self.mail}"
