"""The append-only, hash-chained audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samenspel.audit.events import Event, Outcome, Purpose

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One audited event; the database refuses UPDATE and DELETE on this table."""

    seq = models.BigIntegerField(_("volgnummer"), unique=True)
    occurred_at = models.DateTimeField(_("tijdstip"), db_index=True)
    # Codes and purposes are validated by audit.record(); no choices here, so that a new
    # code needs no migration.
    event = models.PositiveIntegerField(_("gebeurtenis"), db_index=True)
    outcome = models.CharField(_("resultaat"), max_length=16, choices=Outcome.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    actor_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie van de gebruiker"),
    )
    actor_roles = models.JSONField(_("rollen"), default=list)
    object_type = models.CharField(_("soort object"), max_length=64, blank=True)
    object_id = models.CharField(_("kenmerk object"), max_length=64, blank=True, db_index=True)
    object_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie van het object"),
    )
    purpose = models.CharField(_("doel"), max_length=64)
    request_id = models.CharField(_("verzoek"), max_length=64, blank=True)
    client_address = models.CharField(_("adres"), max_length=45, blank=True)
    details = models.JSONField(_("kenmerken"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("logregel")
        verbose_name_plural = _("logregels")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time"),
            models.Index(fields=["actor_organisation", "seq"], name="audit_actor_org_seq"),
            models.Index(fields=["object_organisation", "seq"], name="audit_object_org_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event}"

    @property
    def event_label(self) -> str:
        """Return the event's name, or its code when the code is unknown to this version."""
        try:
            return str(Event(self.event).label)
        except ValueError:
            return str(self.event)

    @property
    def purpose_label(self) -> str:
        try:
            return str(Purpose(self.purpose).label)
        except ValueError:
            return self.purpose
