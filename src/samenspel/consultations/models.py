"""Case consultations (casusoverleg): series, meetings, agenda, minutes, actions and capacity.

A series is the standing consultation of a municipality, or of a Zorg- en Veiligheidshuis for
the municipalities of its region (Wet PGA: the mayor holds the regie, the ZVH chairs and keeps
the record). Its partners share under a recorded legal ground (framework flows F-05 to F-10).
What a partner sees of a meeting is decided per agenda item by the access policy
(sharing/rules/consultations.py): an item it is not invited to shows only as "niet voor u".
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Series(models.Model):
    """A standing case consultation (casusoverleg) of a municipality or a ZVH."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("naam"), max_length=200)
    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organiserende organisatie"),
    )
    # The region whose municipalities' cases may come on the agenda (a ZVH series); empty
    # for a series of one municipality, which takes only that municipality's cases.
    region = models.CharField(_("regio"), max_length=120, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("voorzitter"),
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("secretaris"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("casusoverleg")
        verbose_name_plural = _("casusoverleggen")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="series_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_organisation_id(self) -> int:
        return self.owner_id


class PartnerKind(models.TextChoices):
    CORE = "core", _("kernpartner")
    CASE = "case", _("casuspartner")


class SeriesPartner(models.Model):
    """An organisation taking part in a series, with the legal ground under which it shares."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    kind = models.CharField(_("soort partner"), max_length=8, choices=PartnerKind.choices)
    # The framework flow this partner shares under (F-05 police, F-10 care), when one fits.
    flow = models.CharField(_("informatiestroom"), max_length=16, blank=True)
    legal_ground = models.TextField(_("grondslag voor delen"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("partner in het casusoverleg")
        verbose_name_plural = _("partners in het casusoverleg")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "organisation"], name="series_partner_once"),
            models.CheckConstraint(condition=~Q(legal_ground=""), name="series_partner_has_ground"),
        ]

    def __str__(self) -> str:
        return f"{self.series_id}:{self.organisation_id}"

    @property
    def audit_organisation_id(self) -> int:
        return self.series.owner_id


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("gepland")
    HELD = "held", _("gehouden")
    APPROVED = "approved", _("verslag vastgesteld")
    CANCELLED = "cancelled", _("afgelast")


class Meeting(models.Model):
    """One meeting of a series, with its agenda."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("datum en tijd"))
    place = models.CharField(_("plaats"), max_length=200, blank=True)
    video_link = models.URLField(_("videoverbinding"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    # Set when the chair confirms the agenda; until then it is a proposal.
    agenda_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("overleg")
        verbose_name_plural = _("overleggen")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link=""), name="meeting_has_place"
            ),
        ]
        indexes = [models.Index(fields=["series", "-starts_at"], name="meeting_series")]

    def __str__(self) -> str:
        return f"{self.series_id}@{self.starts_at:%Y-%m-%d}"

    @property
    def audit_organisation_id(self) -> int:
        return self.series.owner_id


class Nomination(models.Model):
    """A case put forward for the next meeting by a member of its team, with a reason."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="nominations")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("reden"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    # The meeting whose agenda took it up; empty while it waits.
    taken_up_in = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="nomination_has_reason"),
        ]
        indexes = [models.Index(fields=["series", "taken_up_in"], name="nomination_waiting")]

    def __str__(self) -> str:
        return f"{self.series_id}:{self.case_id}"

    @property
    def audit_organisation_id(self) -> int:
        return self.series.owner_id


class ItemReason(models.TextChoices):
    """Why a case is on the agenda (the first that applied when it was proposed)."""

    NEW_CASE = "new_case", _("nieuw opgenomen sinds het vorige overleg")
    REVIEW_DUE = "review_due", _("evaluatie valt voor het volgende overleg")
    OVERDUE_ACTIONS = "overdue_actions", _("acties over de termijn")
    OPEN_ACTIONS = "open_actions", _("open acties ter bespreking")
    NOMINATED = "nominated", _("ingebracht door een teamlid")
    ADDED = "added", _("toegevoegd door de voorzitter")


class ItemStatus(models.TextChoices):
    PROPOSED = "proposed", _("voorgesteld")
    CONFIRMED = "confirmed", _("op de agenda")
    REMOVED = "removed", _("van de agenda gehaald")


class AgendaItem(models.Model):
    """One case on a meeting's agenda. Its number is what others see ("casus 4")."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("volgorde"))
    reason = models.CharField(_("reden"), max_length=20, choices=ItemReason.choices)
    note = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.PROPOSED
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="agenda_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}#{self.position}"

    @property
    def audit_organisation_id(self) -> int:
        return self.case.municipality_id


class Invitation(models.Model):
    """A partner invited for one agenda item, with the recorded reason (need-to-know)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    reason = models.TextField(_("reden van uitnodigen"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "organisation"], name="invitation_once"),
            models.CheckConstraint(condition=~Q(reason=""), name="invitation_has_reason"),
        ]
        indexes = [models.Index(fields=["organisation", "item"], name="invitation_org")]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.organisation_id}"

    @property
    def audit_organisation_id(self) -> int:
        return self.item.case.municipality_id


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("concept")
    COMMENTS = "comments", _("ter becommentariëring")
    APPROVED = "approved", _("vastgesteld")


class Minutes(models.Model):
    """The minutes of a meeting. Approved minutes are frozen (database triggers, consultations.db);
    a correction is a new version with a reason."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="minutes")
    number = models.PositiveIntegerField(_("versie"))
    status = models.CharField(
        _("status"), max_length=16, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    comments_until = models.DateField(_("commentaar tot"), null=True, blank=True)
    correction_reason = models.TextField(_("reden van de correctie"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("verslag")
        verbose_name_plural = _("verslagen")
        ordering = ["meeting", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_number_once"),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=~Q(status="approved"),
                name="minutes_one_open_version",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="minutes_approved_has_time",
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(correction_reason=""),
                name="minutes_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} v{self.number}"

    @property
    def audit_organisation_id(self) -> int:
        return self.meeting.series.owner_id


class ItemNote(models.Model):
    """The minutes of one agenda item: who attended and what was discussed."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="notes")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="notes")
    # The organisations present for this item (primary keys).
    attendance = models.JSONField(_("aanwezig"), default=list)
    summary = models.TextField(_("samenvatting"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    # Two secretaries writing the same item: the second save sees the first (If-Match).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["minutes", "item"], name="item_note_once"),
        ]

    def __str__(self) -> str:
        return f"{self.minutes_id}:{self.item_id}"

    @property
    def audit_organisation_id(self) -> int:
        return self.item.case.municipality_id


class DecisionKind(models.TextChoices):
    ADVICE = "advice", _("advies van het casusoverleg")
    AGREEMENT = "agreement", _("afspraak in het casusoverleg")
    DECISION = "decision", _("besluit van het bevoegd gezag")


class Decision(models.Model):
    """A decision, advice or agreement on an agenda item, part of one version of the minutes.

    A decision on a measure is taken only by its competent authority per the framework (the
    mayor, the OM, the minister); the casusoverleg itself advises (Wet PGA).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="decisions")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("soort"), max_length=16, choices=DecisionKind.choices)
    # The framework measure it is about (I-07, I-19, ...), empty for the plan or the process.
    measure = models.CharField(_("maatregel"), max_length=16, blank=True)
    # Who decides: an organisation for a decision; empty means the casusoverleg itself.
    decided_by = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("besluit door"),
    )
    text = models.TextField(_("inhoud"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    submission_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="decision") | Q(decided_by__isnull=False),
                name="decision_names_authority",
            ),
            models.UniqueConstraint(
                fields=["minutes", "submission_key"],
                condition=~Q(submission_key=""),
                name="decision_unique_submission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.measure}".strip()

    @property
    def audit_organisation_id(self) -> int:
        return self.item.case.municipality_id


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("gedaan")
    CANCELLED = "cancelled", _("vervallen")


class ActionItem(models.Model):
    """An action agreed in a meeting: who does what, for which case, before when."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="actions", null=True, blank=True
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("actie"))
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("eigenaar"),
    )
    deadline = models.DateField(_("uiterlijk"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    result = models.TextField(_("resultaat"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    submission_key = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("actiepunt")
        verbose_name_plural = _("actiepunten")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False),
                name="action_closed_has_time",
            ),
            models.UniqueConstraint(
                fields=["series", "submission_key"],
                condition=~Q(submission_key=""),
                name="action_unique_submission",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "deadline"], name="action_owner"),
            models.Index(
                fields=["owner_organisation", "status", "deadline"], name="action_organisation"
            ),
            models.Index(fields=["series", "status", "deadline"], name="action_series"),
            models.Index(fields=["case", "status"], name="action_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.deadline}"

    @property
    def audit_organisation_id(self) -> int:
        return self.case.municipality_id


class CapacityKind(models.TextChoices):
    ATTENDANCE = "attendance", _("aanwezigheid bij een overleg")
    DUIDING = "duiding", _("duiding (dreigingsinschatting)")
    ADVICE = "advice", _("advies")
    REPORT = "report", _("bestuurlijke rapportage")


class Urgency(models.TextChoices):
    ACUTE = "acute", _("acuut")
    NON_ACUTE = "non_acute", _("niet acuut")


class CapacityStatus(models.TextChoices):
    REQUESTED = "requested", _("aangevraagd")
    ACCEPTED = "accepted", _("toegezegd")
    OTHER_DATE = "other_date", _("andere datum voorgesteld")
    DECLINED = "declined", _("afgewezen")
    WITHDRAWN = "withdrawn", _("ingetrokken")


class CapacityRequest(models.Model):
    """A request to a national partner (NCTV, OM, police) for capacity: attendance, a duiding,
    advice or a bestuurlijke rapportage. It holds no person data: a question about a person
    goes through the case."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Who asks: a municipality, or a ZVH for one of its region's municipalities.
    requester = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("voor gemeente"),
    )
    # Whether that municipality was a national priority municipality when it asked (statistics).
    priority_municipality = models.BooleanField(default=False)
    addressed = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gevraagd aan"),
    )
    kind = models.CharField(_("soort verzoek"), max_length=16, choices=CapacityKind.choices)
    urgency = models.CharField(_("urgentie"), max_length=16, choices=Urgency.choices)
    needed_by = models.DateField(_("nodig op"))
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="capacity_requests",
        null=True,
        blank=True,
        verbose_name=_("overleg"),
    )
    question = models.TextField(_("vraag"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CapacityStatus.choices,
        default=CapacityStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    # The answer of the partner's desk.
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("wie komt of levert"),
    )
    proposed_date = models.DateField(_("voorgestelde datum"), null=True, blank=True)
    answer = models.TextField(_("toelichting"), blank=True)
    # Escalation along the framework's routing when nobody answered in time.
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_route = models.CharField(max_length=16, blank=True)
    submission_key = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("capaciteitsverzoek")
        verbose_name_plural = _("capaciteitsverzoeken")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["requested", "withdrawn"]) | Q(answered_at__isnull=False),
                name="capacity_answer_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(assignee__isnull=False),
                name="capacity_accept_names_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="other_date") | Q(proposed_date__isnull=False),
                name="capacity_other_date_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(answer=""),
                name="capacity_decline_has_reason",
            ),
            models.UniqueConstraint(
                fields=["requested_by", "submission_key"],
                condition=~Q(submission_key=""),
                name="capacity_unique_submission",
            ),
        ]
        indexes = [
            models.Index(fields=["addressed", "status", "-requested_at"], name="capacity_desk"),
            models.Index(fields=["requester", "-requested_at"], name="capacity_requester"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.addressed_id}"

    @property
    def audit_organisation_id(self) -> int:
        return self.requester_id
