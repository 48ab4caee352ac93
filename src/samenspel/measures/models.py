"""Measures on a case, each on its own legal ground, with the decision dossier behind it.

A measure on a case is an instance of a framework measure (I-nn). Its legal domain is its
ground (criminal, public order, state security, ...) and its dossier: who sees the measure and
who reads the dossier follows the framework (sharing/rules/measures.py). The legal basis, the
decision role and the executors are copied from the framework version the case runs under when
the measure is proposed, so a later framework change does not rewrite an earlier decision.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samenspel.cases.models import Compartment as Compartment  # re-exported


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("voorgesteld")
    ADVISED = "advised", _("geadviseerd")
    REQUESTED = "requested", _("aangevraagd")
    INTENDED = "intended", _("voornemen")
    DECIDED = "decided", _("besloten")
    IN_FORCE = "in_force", _("van kracht")
    ENDED = "ended", _("beëindigd")
    WITHDRAWN = "withdrawn", _("ingetrokken")
    ANNULLED = "annulled", _("vernietigd")


# Before a decision: what may still change.
OPEN_STATUSES = (
    MeasureStatus.PROPOSED,
    MeasureStatus.ADVISED,
    MeasureStatus.REQUESTED,
    MeasureStatus.INTENDED,
)
# After a decision, while it runs.
RUNNING_STATUSES = (MeasureStatus.DECIDED, MeasureStatus.IN_FORCE)


class CaseMeasure(models.Model):
    """One measure on one case: proposed, advised, decided by its competent authority, ended."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="measures")
    measure = models.CharField(_("maatregel uit het kader"), max_length=16)
    name = models.CharField(_("naam"), max_length=300)
    legal_domain = models.CharField(_("grond (rechtsdomein)"), max_length=16)
    legal_basis = models.TextField(_("wettelijke grondslag"))
    decision_role = models.TextField(_("bevoegd gezag"))
    # The competent authority is outside Samenspel (a minister, a court): its decision is
    # recorded from its document by the organisation that received it.
    external = models.BooleanField(_("besluit buiten Samenspel"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED
    )
    reason = models.TextField(_("waarom deze maatregel"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    advice = models.TextField(_("advies van het casusoverleg"), blank=True)
    # The decision (or, for an external one, what its document says).
    decision_text = models.TextField(_("het besluit"), blank=True)
    decided_on = models.DateField(_("besloten op"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("besloten door"),
    )
    decided_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    external_authority = models.CharField(_("besluit genomen door"), max_length=200, blank=True)
    external_reference = models.CharField(_("kenmerk van het besluit"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    starts_on = models.DateField(_("geldt vanaf"), null=True, blank=True)
    ends_on = models.DateField(_("geldt tot en met"), null=True, blank=True)
    # An extension is a new decision with a dossier of its own; it points at what it extends.
    extends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions",
        verbose_name=_("verlenging van"),
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(_("evaluatie of reden"), blank=True)
    submission_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("maatregel")
        verbose_name_plural = _("maatregelen")
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="case_measure_term",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["decided", "in_force", "ended", "annulled"])
                | Q(decided_on__isnull=False),
                name="case_measure_decided_has_date",
            ),
            models.UniqueConstraint(
                fields=["case", "submission_key"],
                condition=~Q(submission_key=""),
                name="case_measure_unique_submission",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "legal_domain"], name="case_measure_ground"),
            models.Index(fields=["status", "ends_on"], name="case_measure_terms"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.name}"

    @property
    def audit_organisation_id(self) -> int:
        return self.case.municipality_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class PersonsView(models.TextChoices):
    NOT_YET = "not_yet", _("nog niet vastgelegd")
    GIVEN = "given", _("de persoon heeft een zienswijze gegeven")
    NOT_ASKED = "not_asked", _("niet gevraagd, met reden")


class Dossier(models.Model):
    """The reasons behind a decision: the part of a measure only its dossier readers see."""

    measure = models.OneToOneField(CaseMeasure, on_delete=models.CASCADE, related_name="dossier")
    necessity = models.TextField(_("noodzaak"), blank=True)
    proportionality = models.TextField(_("evenredigheid (proportionaliteit)"), blank=True)
    subsidiarity = models.TextField(_("subsidiariteit: waarom geen lichter middel"), blank=True)
    persons_view = models.CharField(
        _("zienswijze"), max_length=16, choices=PersonsView.choices, default=PersonsView.NOT_YET
    )
    persons_view_text = models.TextField(_("zienswijze of reden"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("besluitdossier")
        verbose_name_plural = _("besluitdossiers")

    def __str__(self) -> str:
        return f"dossier {self.measure_id}"

    @property
    def audit_organisation_id(self) -> int:
        return self.measure.case.municipality_id


# Information of another organisation: the decider checks it (vergewisplicht).
THIRD_PARTY = (Compartment.POLICE, Compartment.OM, Compartment.AIVD)


class BasisItem(models.Model):
    """One piece of information a decision rests on, with its source and compartment."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    measure = models.ForeignKey(CaseMeasure, on_delete=models.CASCADE, related_name="basis")
    compartment = models.CharField(_("bron (compartiment)"), max_length=16, choices=Compartment)
    source = models.CharField(_("bron en kenmerk"), max_length=300)
    received_on = models.DateField(_("ontvangen op"))
    summary = models.TextField(_("wat erin staat"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    # A double submit carries the same key and adds nothing twice.
    submission_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("informatie voor het besluit")
        verbose_name_plural = _("informatie voor het besluit")
        ordering = ["received_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "submission_key"],
                condition=~Q(submission_key=""),
                name="basis_item_unique_submission",
            ),
        ]

    def __str__(self) -> str:
        return self.source

    @property
    def audit_organisation_id(self) -> int:
        return self.measure.case.municipality_id


class VerificationResult(models.TextChoices):
    CONFIRMED = "confirmed", _("bevestigd")
    PARTLY = "partly", _("deels bevestigd")
    NOT_CONFIRMED = "not_confirmed", _("niet bevestigd")


class Verification(models.Model):
    """The decider checked third-party information itself (vergewisplicht): who, when, what."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    measure = models.ForeignKey(CaseMeasure, on_delete=models.CASCADE, related_name="verifications")
    asked = models.CharField(_("wie is gevraagd"), max_length=300)
    asked_on = models.DateField(_("gevraagd op"))
    result = models.CharField(_("uitkomst"), max_length=16, choices=VerificationResult)
    answer = models.TextField(_("wat is bevestigd of niet"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    # A double submit carries the same key and adds nothing twice.
    submission_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("verificatie")
        verbose_name_plural = _("verificaties")
        ordering = ["asked_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "submission_key"],
                condition=~Q(submission_key=""),
                name="verification_unique_submission",
            ),
        ]

    def __str__(self) -> str:
        return self.asked

    @property
    def audit_organisation_id(self) -> int:
        return self.measure.case.municipality_id


class ConsultationKind(models.TextChoices):
    LOCAL = "local", _("overleg met het lokale bestuur")
    MAYOR = "mayor", _("raadpleging van de burgemeester door de Minister")


class Consultation(models.Model):
    """A consultation before a decision: with local government, or of the mayor by the minister.

    The minister's consultation of the mayor (Twbmt, flow F-12) arrives as a request with a
    deadline and is answered here by the mayor.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    measure = models.ForeignKey(CaseMeasure, on_delete=models.CASCADE, related_name="consultations")
    kind = models.CharField(_("soort"), max_length=8, choices=ConsultationKind)
    consulted = models.CharField(_("met wie"), max_length=300)
    held_on = models.DateField(_("datum"))
    answer_due = models.DateField(_("antwoord uiterlijk"), null=True, blank=True)
    outcome = models.TextField(_("uitkomst en advies"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    # A double submit carries the same key and adds nothing twice.
    submission_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("raadpleging")
        verbose_name_plural = _("raadplegingen")
        ordering = ["held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "submission_key"],
                condition=~Q(submission_key=""),
                name="consultation_unique_submission",
            ),
            models.CheckConstraint(
                condition=Q(kind="local", answer_due__isnull=True)
                | Q(kind="mayor", answer_due__isnull=False),
                name="consultation_due_for_mayor",
            ),
        ]

    def __str__(self) -> str:
        return self.consulted

    @property
    def audit_organisation_id(self) -> int:
        return self.measure.case.municipality_id

    @property
    def answered(self) -> bool:
        return self.kind == ConsultationKind.LOCAL or self.answered_at is not None


class Designation(models.Model):
    """An official the mayor designates to read the mayor's dossiers and AIVD summaries.

    A designated official reads what the mayor reads on the municipality's cases; deciding
    stays with the mayor. Ending a designation ends the access at once; the row stays.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ambtenaar"),
    )
    reason = models.TextField(_("waarvoor"))
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    designated_at = models.DateTimeField(default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("aanwijzing door de burgemeester")
        verbose_name_plural = _("aanwijzingen door de burgemeester")
        ordering = ["-designated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ended_at__isnull=True),
                name="designation_one_active_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.municipality_id}"

    @property
    def audit_organisation_id(self) -> int:
        return self.municipality_id


class ReviewKind(models.TextChoices):
    OBJECTION = "objection", _("bezwaar")
    APPEAL = "appeal", _("beroep")
    HIGHER_APPEAL = "higher_appeal", _("hoger beroep")


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", _("loopt")
    UPHELD = "upheld", _("gegrond")
    PARTLY_UPHELD = "partly_upheld", _("deels gegrond")
    DISMISSED = "dismissed", _("ongegrond")
    INADMISSIBLE = "inadmissible", _("niet-ontvankelijk")
    WITHDRAWN = "withdrawn", _("ingetrokken")


class Review(models.Model):
    """An objection (bezwaar) or appeal against a decided measure, and its outcome.

    It must be filed within the framework's term for the measure's ground, counted from the day
    the decision was made known; later only with the reason for the delay. An upheld review
    that annuls the decision shows the measure as annulled everywhere.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    measure = models.ForeignKey(CaseMeasure, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("soort"), max_length=16, choices=ReviewKind)
    notified_on = models.DateField(_("besluit bekendgemaakt op"))
    filed_on = models.DateField(_("ingediend op"))
    deadline = models.DateField(_("uiterste datum"))
    late_reason = models.TextField(_("reden voor te laat indienen"), blank=True)
    grounds = models.TextField(_("gronden"))
    outcome = models.CharField(
        _("uitkomst"), max_length=16, choices=ReviewOutcome, default=ReviewOutcome.PENDING
    )
    outcome_on = models.DateField(_("uitspraak op"), null=True, blank=True)
    outcome_text = models.TextField(_("toelichting op de uitkomst"), blank=True)
    annuls = models.BooleanField(_("het besluit is vernietigd"), default=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    # A double submit carries the same key and adds nothing twice.
    submission_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("bezwaar of beroep")
        verbose_name_plural = _("bezwaren en beroepen")
        ordering = ["filed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "submission_key"],
                condition=~Q(submission_key=""),
                name="review_unique_submission",
            ),
            models.CheckConstraint(
                condition=Q(filed_on__lte=F("deadline")) | ~Q(late_reason=""),
                name="review_late_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending") | Q(outcome_on__isnull=False),
                name="review_outcome_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.measure_id}"

    @property
    def audit_organisation_id(self) -> int:
        return self.measure.case.municipality_id

    @property
    def pending(self) -> bool:
        return self.outcome == ReviewOutcome.PENDING
