"""Signals (meldingen) from partners, their attachments, triage (weging) and triage teams."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignalStatus(models.TextChoices):
    """Where a signal is. The reporter sees only this, never the case behind it."""

    RECEIVED = "received", _("ontvangen")
    IN_TRIAGE = "in_triage", _("in weging")
    CLOSED = "closed", _("afgehandeld")


class TriageOutcome(models.TextChoices):
    """The outcome of the weging (domain.md ST-2 (a)-(d))."""

    NO_CONCERN = "no_concern", _("geen zorgen: afsluiten")
    REFERRAL = "referral", _("doorverwijzen naar reguliere zorg")
    INCLUDE = "include", _("opnemen in de persoonsgerichte aanpak")
    ESCALATE_CRIMINAL = "escalate_criminal", _("opschalen naar het strafrechtelijke spoor")
    ESCALATE_STATE = "escalate_state", _("opschalen naar het spoor staatsveiligheid")


class Signal(models.Model):
    """A signal about a person, submitted by a professional of a partner organisation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("kenmerk"), max_length=40, unique=True)
    # A double submit carries the same key and makes no second signal.
    idempotency_key = models.CharField(max_length=64)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gemeente"),
    )
    observed_on = models.DateField(_("waargenomen op"))
    observation = models.TextField(_("wat is waargenomen"))
    concern = models.TextField(_("zorg"))
    is_acute = models.BooleanField(_("acuut"), default=False)
    # About whom: kept on the signal until the triage team links or creates a person.
    subject_given_names = models.CharField(_("voornamen"), max_length=200, blank=True)
    subject_family_name = models.CharField(_("achternaam"), max_length=200)
    subject_birth_date = models.DateField(_("geboortedatum"), null=True, blank=True)
    subject_bsn = models.CharField(_("BSN"), max_length=9, blank=True)
    subject_address = models.CharField(_("adres"), max_length=300, blank=True)
    status = models.CharField(
        max_length=16, choices=SignalStatus.choices, default=SignalStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("ontvangen op"), default=timezone.now)
    due_at = models.DateTimeField(_("oppakken voor"))
    picked_up_at = models.DateTimeField(_("opgepakt op"), null=True, blank=True)
    picked_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    outcome = models.CharField(
        _("uitkomst"), max_length=24, choices=TriageOutcome.choices, blank=True
    )
    outcome_reason = models.TextField(_("reden"), blank=True)
    # The criteria the triage team used (Inspectie JenV 2024; domain.md P-06).
    criteria = models.TextField(_("gebruikte criteria"), blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    person = models.ForeignKey(
        "cases.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="signals"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="signals"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "idempotency_key"], name="signal_unique_submission"
            ),
            models.CheckConstraint(
                condition=Q(status="closed", outcome__gt="") | ~Q(status="closed"),
                name="signal_closed_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status", "due_at"], name="signal_queue"),
            models.Index(fields=["reporter", "-received_at"], name="signal_reporter"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_organisation_id(self) -> int:
        return self.municipality_id

    @property
    def subject_name(self) -> str:
        return f"{self.subject_given_names} {self.subject_family_name}".strip()


class Attachment(models.Model):
    """A file sent with a signal, stored in the database so a signal saves whole or not at all."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("bestandsnaam"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_organisation_id(self) -> int:
        return self.signal.municipality_id


class TriageSeat(models.Model):
    """A partner user (police, OM) on a municipality's triage team (weegploeg)."""

    municipality = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lid van de weegploeg")
        verbose_name_plural = _("leden van de weegploeg")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "user"], name="triage_seat_unique")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}:{self.user_id}"

    @property
    def audit_organisation_id(self) -> int:
        return self.municipality_id
