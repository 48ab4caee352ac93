"""Persons, person-centred cases, their team, plan (interventions), history and transfers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Person(models.Model):
    """A person known to one municipality. Persons move between municipalities only by transfer."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    given_names = models.CharField(_("voornamen"), max_length=200, blank=True)
    family_name = models.CharField(_("achternaam"), max_length=200)
    birth_date = models.DateField(_("geboortedatum"), null=True, blank=True)
    bsn = models.CharField(_("BSN"), max_length=9, blank=True)
    address = models.CharField(_("adres"), max_length=300, blank=True)
    # The phonetic key of the whole name (lib.names.name_key), kept for the candidate search.
    name_key = models.CharField(max_length=400, db_index=True)
    created_at = models.DateTimeField(_("geregistreerd op"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "bsn"],
                condition=~Q(bsn=""),
                name="person_unique_bsn_per_municipality",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "birth_date"], name="person_birth")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    @property
    def audit_organisation_id(self) -> int:
        return self.municipality_id


class CaseStatus(models.TextChoices):
    OPEN = "open", _("lopend")
    AFTERCARE = "aftercare", _("nazorg en monitoring")
    CLOSED = "closed", _("gesloten")


# The longest reason for a plan without prevention or care.
JUSTIFICATION_MAX = 4000


class Case(models.Model):
    """A person-centred case (casus) of one municipality, under one framework version."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("kenmerk"), max_length=40)
    municipality = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    case_director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("casusregisseur"),
    )
    framework_version = models.ForeignKey(
        "frameworks.FrameworkVersion",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("kaderversie"),
    )
    stage = models.CharField(_("processtap"), max_length=16)
    phase = models.CharField(_("fase"), max_length=16)
    tracks = models.JSONField(_("sporen"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    opened_at = models.DateTimeField(_("geopend op"), default=timezone.now)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    close_reason = models.TextField(_("reden van sluiten"), blank=True)
    aftercare_until = models.DateField(_("nazorg tot"), null=True, blank=True)
    # Why the plan may stay without prevention or care (the balance warning).
    balance_justification = models.TextField(_("onderbouwing van de balans"), blank=True)
    # One person has one open case; a second one runs beside it only by an explicit choice,
    # with its reason, and points at the case it runs beside.
    parallel_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loopt naast casus"),
    )
    parallel_reason = models.TextField(_("reden voor een tweede open casus"), blank=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("casus")
        verbose_name_plural = _("casussen")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="case_unique_reference"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False),
                name="case_closed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status", "-opened_at"], name="case_list"),
            models.Index(fields=["case_director", "status"], name="case_director"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_organisation_id(self) -> int:
        return self.municipality_id


class CaseMember(models.Model):
    """A user on the case team. Removal ends access at once; the row stays as history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    task = models.CharField(_("taak in het team"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("teamlid")
        verbose_name_plural = _("teamleden")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=Q(removed_at__isnull=True),
                name="case_member_unique_active",
            ),
        ]
        indexes = [models.Index(fields=["user", "removed_at"], name="case_member_user")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.user_id}"

    @property
    def audit_organisation_id(self) -> int:
        return self.case.municipality_id


class Dimension(models.TextChoices):
    STAGE = "stage", _("processtap")
    PHASE = "phase", _("fase")
    TRACKS = "tracks", _("sporen")
    STATUS = "status", _("status")
    MUNICIPALITY = "municipality", _("gemeente")


class CaseTransition(models.Model):
    """One step in the case history: a stage, phase, track or status change with its reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200)
    reason = models.TextField(_("reden"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.from_value} -> {self.to_value}"


class InterventionDomain(models.TextChoices):
    PREVENTION = "prevention", _("preventie")
    CARE = "care", _("zorg")
    REPRESSION = "repression", _("repressie")


class Consent(models.TextChoices):
    NOT_NEEDED = "not_needed", _("niet nodig (niet vrijwillig)")
    NOT_ASKED = "not_asked", _("nog niet gevraagd")
    GIVEN = "given", _("toestemming gegeven")
    REFUSED = "refused", _("geweigerd")
    WITHDRAWN = "withdrawn", _("ingetrokken")


# The longest text of a consent record (for what it was given).
CONSENT_TEXT_MAX = 2000


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("gepland")
    RUNNING = "running", _("loopt")
    DONE = "done", _("afgerond")
    STOPPED = "stopped", _("gestopt")


class Intervention(models.Model):
    """One intervention of the case plan, taken from the framework catalogue."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    measure = models.CharField(_("interventie uit het kader"), max_length=16)
    name = models.CharField(_("naam"), max_length=300)
    domain = models.CharField(_("soort"), max_length=16, choices=InterventionDomain.choices)
    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("eigenaar"),
    )
    legal_basis = models.TextField(_("wettelijke grondslag"))
    voluntary = models.BooleanField(_("vrijwillig"), default=False)
    consent = models.CharField(
        _("toestemming"), max_length=16, choices=Consent.choices, default=Consent.NOT_NEEDED
    )
    # The consent record of a voluntary intervention: who gave it, when, for what, and the
    # organisations the person agreed its information may be shared with (care items that rest
    # on it reach those, and only while the consent stands).
    consent_by = models.CharField(_("toestemming gegeven door"), max_length=200, blank=True)
    consent_on = models.DateField(_("toestemming gegeven op"), null=True, blank=True)
    consent_scope = models.TextField(_("toestemming voor"), blank=True)
    consent_shared_with = models.ManyToManyField(
        "accounts.Organisation",
        related_name="+",
        blank=True,
        verbose_name=_("gedeeld met (met toestemming)"),
    )
    goal = models.TextField(_("doel"), blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("einde"), null=True, blank=True)
    review_date = models.DateField(_("evaluatie op"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InterventionStatus.choices,
        default=InterventionStatus.PLANNED,
    )
    outcome = models.TextField(_("uitkomst van de evaluatie"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # A double submit (API Idempotency-Key) carries the same key and adds nothing twice.
    submission_key = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("interventie")
        verbose_name_plural = _("interventies")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="intervention_period",
            ),
            models.CheckConstraint(
                condition=Q(domain__in=["prevention", "care", "repression"]),
                name="intervention_domain",
            ),
            models.UniqueConstraint(
                fields=["case", "submission_key"],
                condition=~Q(submission_key=""),
                name="intervention_unique_submission",
            ),
            # Given consent is recorded: by whom, when and for what.
            models.CheckConstraint(
                condition=~Q(consent="given")
                | (~Q(consent_by="") & Q(consent_on__isnull=False) & ~Q(consent_scope="")),
                name="intervention_consent_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.name}"

    @property
    def audit_organisation_id(self) -> int:
        return self.case.municipality_id


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("aangevraagd")
    ACCEPTED = "accepted", _("geaccepteerd")
    DECLINED = "declined", _("afgewezen")
    CANCELLED = "cancelled", _("ingetrokken")


class Transfer(models.Model):
    """A warm transfer of a case to the municipality a person moved to.

    After acceptance the case belongs to the receiving municipality; this row is the
    stub the sender keeps: that a transfer took place, to whom and when.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers")
    case_reference = models.CharField(max_length=40)  # the sender's reference, for the stub
    from_municipality = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    to_municipality = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reden"))
    status = models.CharField(
        max_length=16, choices=TransferStatus.choices, default=TransferStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("overdracht")
        verbose_name_plural = _("overdrachten")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_municipality=F("to_municipality")),
                name="transfer_between_two_municipalities",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="requested"),
                name="transfer_one_open_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_reference} -> {self.to_municipality_id}"

    @property
    def audit_organisation_id(self) -> int:
        return self.from_municipality_id


class BreakGlassReview(models.TextChoices):
    PENDING = "pending", _("te beoordelen")
    ACCEPTED = "accepted", _("in orde")
    FLAGGED = "flagged", _("niet in orde")


# The longest reason for break-the-glass, and the longest comment of its review.
BREAK_GLASS_TEXT_MAX = 2000


class BreakGlass(models.Model):
    """One use of break-the-glass (noodtoegang): a user opens a case for a while, with a reason.

    It opens the case for reading only, to a user who may be on its team but is not, until
    `expires_at` (the framework's term). The privacy officers of the case's municipality and of
    the user's organisation are told at once and review every use (AVG art. 5(2), art. 32).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="break_glass_uses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The user's organisation when the glass was broken: its privacy officer reviews too.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reden"))
    opened_at = models.DateTimeField(_("geopend op"), default=timezone.now)
    expires_at = models.DateTimeField(_("open tot"))
    review = models.CharField(
        _("beoordeling"),
        max_length=16,
        choices=BreakGlassReview.choices,
        default=BreakGlassReview.PENDING,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("beoordeeld door"),
    )
    reviewed_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    review_comment = models.TextField(_("toelichting bij de beoordeling"), blank=True)
    # A double submit (API Idempotency-Key, the form's hidden key) opens the glass once.
    submission_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("noodtoegang")
        verbose_name_plural = _("noodtoegangen")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="break_glass_has_reason"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("opened_at")), name="break_glass_period"
            ),
            models.CheckConstraint(
                condition=Q(review="pending", reviewed_at__isnull=True, reviewed_by__isnull=True)
                | Q(
                    review__in=["accepted", "flagged"],
                    reviewed_at__isnull=False,
                    reviewed_by__isnull=False,
                ),
                name="break_glass_review_complete",
            ),
            models.CheckConstraint(
                condition=~Q(review="flagged") | ~Q(review_comment=""),
                name="break_glass_flag_has_comment",
            ),
            models.UniqueConstraint(
                fields=["user", "submission_key"],
                condition=~Q(submission_key=""),
                name="break_glass_unique_submission",
            ),
        ]
        indexes = [
            # Which cases a user has open by break-the-glass now (the case rule, every read).
            models.Index(fields=["user", "expires_at"], name="break_glass_active"),
            # The privacy officer's queue: pending first, newest first.
            models.Index(fields=["review", "-opened_at"], name="break_glass_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.user_id}@{self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def audit_organisation_id(self) -> int:
        return self.case.municipality_id

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()

    @property
    def pending(self) -> bool:
        return self.review == BreakGlassReview.PENDING


class Compartment(models.TextChoices):
    """Where a piece of information comes from, and so under which law it is shared."""

    POLICE = "police", _("politie (Wpg)")
    OM = "om", _("Openbaar Ministerie (Wjsg)")
    AIVD = "aivd", _("AIVD-ambtsbericht (Wiv, alleen de samenvatting)")
    CARE = "care", _("zorg (beroepsgeheim)")
    MUNICIPAL = "municipal", _("gemeente")


class ItemKind(models.TextChoices):
    NOTE = "note", _("notitie")
    DOCUMENT = "document", _("document")
    SUMMARY = "summary", _("samenvatting")
    ATTACHMENT = "attachment", _("bijlage")


class CareBasis(models.TextChoices):
    """On what ground care information is shared despite professional secrecy."""

    CONSENT = "consent", _("toestemming van de persoon")
    CONFLICT_OF_DUTIES = "conflict_of_duties", _("conflict van plichten")
    STATUTORY = "statutory", _("wettelijke uitzondering")


# The longest title and text of an information item.
ITEM_TITLE_MAX = 300
ITEM_TEXT_MAX = 20_000


class InformationItem(models.Model):
    """One piece of information on a case: a note, document, summary or attachment.

    Each carries its source compartment (police, OM, AIVD, care, municipality), and the
    compartment decides who reads it (sharing/rules/compartments.py). An AIVD item is the
    summary of an official report only, never its underlying material. A care item names its
    ground for sharing: the person's consent (an intervention's consent record), a conflict of
    duties or a statutory exception. Items are not changed after they are recorded.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="information")
    kind = models.CharField(_("soort"), max_length=16, choices=ItemKind.choices)
    compartment = models.CharField(
        _("bron (compartiment)"), max_length=16, choices=Compartment.choices
    )
    title = models.CharField(_("titel"), max_length=ITEM_TITLE_MAX)
    source = models.CharField(_("bron en kenmerk"), max_length=300, blank=True)
    text = models.TextField(_("tekst"), blank=True)
    # A file is stored in the database, like a signal's attachment, so an item saves whole or
    # not at all and is deleted with it.
    file_name = models.CharField(_("bestandsnaam"), max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_content = models.BinaryField(blank=True, default=b"")
    care_basis = models.CharField(
        _("grond om te delen"), max_length=24, choices=CareBasis.choices, blank=True
    )
    consent_of = models.ForeignKey(
        Intervention,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="information",
        verbose_name=_("toestemming van interventie"),
    )
    basis_reason = models.TextField(_("toelichting op de grond"), blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("vastgelegd door organisatie"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # A double submit (API Idempotency-Key, the form's hidden key) adds nothing twice.
    submission_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("informatie")
        verbose_name_plural = _("informatie")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(compartment__in=["police", "om", "aivd", "care", "municipal"]),
                name="item_compartment",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["note", "document", "summary", "attachment"]),
                name="item_kind",
            ),
            # Wiv: only the summary of an official report, never underlying material.
            models.CheckConstraint(
                condition=~Q(compartment="aivd") | (Q(kind="summary") & Q(file_name="")),
                name="item_aivd_summary_only",
            ),
            # Care information names its ground; consent names the consent it rests on.
            models.CheckConstraint(
                condition=(Q(compartment="care") & ~Q(care_basis=""))
                | (~Q(compartment="care") & Q(care_basis="")),
                name="item_care_basis",
            ),
            models.CheckConstraint(
                condition=~Q(care_basis="consent") | Q(consent_of__isnull=False),
                name="item_consent_named",
            ),
            models.CheckConstraint(
                condition=~Q(care_basis__in=["conflict_of_duties", "statutory"])
                | ~Q(basis_reason=""),
                name="item_basis_reasoned",
            ),
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(file_name=""), name="item_has_content"
            ),
            models.UniqueConstraint(
                fields=["case", "submission_key"],
                condition=~Q(submission_key=""),
                name="item_unique_submission",
            ),
        ]
        indexes = [models.Index(fields=["case", "compartment"], name="item_case_compartment")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.compartment}:{self.title}"

    @property
    def audit_organisation_id(self) -> int:
        return self.case.municipality_id
