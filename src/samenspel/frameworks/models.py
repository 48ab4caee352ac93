"""Versioned frameworks: one version per loaded file, one row per actor, stage, measure, ..."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("concept")
    PUBLISHED = "published", _("gepubliceerd")
    WITHDRAWN = "withdrawn", _("ingetrokken")


class FrameworkVersion(models.Model):
    """One loaded framework file. Once published its content never changes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    framework = models.CharField(_("kader"), max_length=64)
    label = models.CharField(_("versie"), max_length=64)
    title = models.CharField(_("titel"), max_length=300)
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    valid_from = models.DateField(_("geldig vanaf"))
    valid_until = models.DateField(_("geldig tot"), null=True, blank=True)
    content = models.JSONField(_("inhoud"))
    content_sha256 = models.CharField(max_length=64)
    source_name = models.CharField(_("bestand"), max_length=255, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    loaded_at = models.DateTimeField(_("geladen op"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("kaderversie")
        verbose_name_plural = _("kaderversies")
        ordering = ["framework", "-valid_from", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "label"], name="framework_version_unique_label"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="framework_version_valid_period",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="framework_version_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework} {self.label}"


class FrameworkRow(models.Model):
    """One row of a section (an actor, a stage, a measure, a RACI cell, ...) of one version."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="rows")
    section = models.CharField(_("onderdeel"), max_length=32)
    key = models.CharField(_("kenmerk"), max_length=64)
    label = models.CharField(_("naam"), max_length=300)
    position = models.PositiveIntegerField()
    uncertain = models.BooleanField(
        _("onzeker"),
        default=False,
        help_text=_("Gemarkeerd met GK?: een beheerder moet dit controleren."),
    )
    data = models.JSONField()
    search_text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("kaderregel")
        verbose_name_plural = _("kaderregels")
        ordering = ["version", "section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "section", "key"], name="framework_row_unique_key"
            ),
        ]
        indexes = [
            models.Index(fields=["version", "section", "position"], name="framework_row_order")
        ]

    def __str__(self) -> str:
        return f"{self.section}:{self.key}"
