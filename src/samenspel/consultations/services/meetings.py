"""Run case consultations: series and partners, meetings, the agenda, minutes, decisions, actions.

The agenda is proposed from the cases; the chair confirms it. Minutes are approved by the
chair after a comment period and are then frozen (consultations.db); a correction is a new
version with a reason. A decision on a measure is refused unless the organisation named is
the competent authority for it in the framework the case runs under: the casusoverleg
itself advises (Wet PGA), it does not decide on measures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.cases.models import Case, CaseMember, CaseStatus, Intervention, InterventionStatus
from samenspel.consultations.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Decision,
    DecisionKind,
    Invitation,
    ItemNote,
    ItemReason,
    ItemStatus,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Nomination,
    PartnerKind,
    Series,
    SeriesPartner,
)
from samenspel.frameworks.selectors import framework_of
from samenspel.lib.decisions import claim
from samenspel.lib.errors import StaleEdit
from samenspel.notifications import services as notifications
from samenspel.notifications.models import Topic
from samenspel.sharing.policy import Action, allowed, can, denied_for, require
from samenspel.sharing.rules.consultations import PARTICIPANT_ROLES

__all__ = [
    "add_action",
    "add_item",
    "add_partner",
    "approve_minutes",
    "close_action",
    "confirm_agenda",
    "create_action_reminders",
    "create_series",
    "current_minutes",
    "decision_authorities",
    "invite",
    "mark_held",
    "move_item",
    "nominate",
    "note_of",
    "open_for_comment",
    "participant_organisations",
    "plan_meeting",
    "propose_agenda",
    "record_decision",
    "remove_item",
    "series_cases",
    "start_correction",
    "write_note",
]

PURPOSE = Purpose.COLLABORATION
TEXT_MAX = 8000
# Cases opened this long before a series' first meeting count as new on its first agenda.
FIRST_AGENDA_LOOKBACK = dt.timedelta(days=90)
ACTIVE_CASES = (CaseStatus.OPEN, CaseStatus.AFTERCARE)


def _text(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > TEXT_MAX:
        raise ValidationError({field: _("Gebruik ten hoogste %(n)d tekens.") % {"n": TEXT_MAX}})
    return value


def _manage(by: User, obj: Series | Meeting | AgendaItem) -> None:
    """Refuse a change by someone who does not run the series (404 unseen, 403 seen)."""
    series = obj if isinstance(obj, Series) else _series_of(obj)
    require(by, "series.manage", on=series)


def _series_of(obj: Meeting | AgendaItem) -> Series:
    return obj.series if isinstance(obj, Meeting) else obj.meeting.series


# --- Series and partners ---------------------------------------------------------------------


def create_series(
    *, owner: Organisation, name: str, chair: User | None, secretary: User | None, by: User
) -> Series:
    """Set up a standing case consultation for a municipality or a ZVH."""
    require(by, "series.create", within=owner)
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Geef het casusoverleg een naam.")
    elif Series.objects.filter(owner=owner, name__iexact=name).exists():
        errors["name"] = _("Uw organisatie heeft al een casusoverleg met deze naam.")
    if chair is None or not allowed(chair, "series.chair", within=owner):
        errors["chair"] = _(
            "Kies als voorzitter een procesregisseur of casusregisseur van uw organisatie."
        )
    if secretary is not None and secretary.organisation_id != owner.pk:
        errors["secretary"] = _("Kies als secretaris iemand van uw organisatie.")
    if errors or chair is None:
        raise ValidationError(errors)
    region = owner.region if owner.type == OrganisationType.ZVH else ""
    with transaction.atomic():
        series = Series.objects.create(
            owner=owner,
            name=name,
            region=region,
            chair=chair,
            secretary=secretary,
            created_by=by,
        )
        # The organiser is always a core partner: the municipality (or the ZVH acting for
        # the municipalities of its region) shares under the Wet PGA.
        SeriesPartner.objects.create(
            series=series,
            organisation=owner,
            kind=PartnerKind.CORE,
            legal_ground=_("Organisator van het casusoverleg (Wet PGA)."),
            added_by=by,
        )
        audit.record(Event.SERIES_CREATED, by=by, obj=series, purpose=PURPOSE)
    return series


def add_partner(
    series: Series,
    *,
    organisation: Organisation | None,
    kind: str,
    legal_ground: str,
    flow: str = "",
    by: User,
) -> SeriesPartner:
    """Add a core or casus partner to a series, with the legal ground under which it shares."""
    _manage(by, series)
    errors: dict[str, str] = {}
    if organisation is None or not organisation.is_active or not organisation.can_have_users:
        errors["organisation"] = _("Kies een organisatie uit de lijst.")
    elif SeriesPartner.objects.filter(series=series, organisation=organisation).exists():
        errors["organisation"] = _("Deze organisatie is al partner van dit casusoverleg.")
    if kind not in PartnerKind.values:
        errors["kind"] = _("Kies kernpartner of casuspartner.")
    if not legal_ground.strip():
        errors["legal_ground"] = _(
            "Noem de grondslag waarop deze partner gegevens deelt, bijvoorbeeld art. 18 lid 2 Wpg."
        )
    if errors or organisation is None:
        raise ValidationError(errors)
    with transaction.atomic():
        partner = SeriesPartner.objects.create(
            series=series,
            organisation=organisation,
            kind=kind,
            flow=flow.strip()[:16],
            legal_ground=legal_ground.strip(),
            added_by=by,
        )
        audit.record(
            Event.SERIES_PARTNER_ADDED,
            by=by,
            obj=series,
            purpose=PURPOSE,
            organisation=str(organisation.uuid),
            kind=kind,
        )
    return partner


def series_cases(series: Series) -> Q:
    """Filter cases to those that may come on the series' agenda: its municipality or region."""
    if series.owner.type == OrganisationType.MUNICIPALITY:
        return Q(municipality_id=series.owner_id)
    if series.region:
        return Q(
            municipality__type=OrganisationType.MUNICIPALITY, municipality__region=series.region
        )
    return Q(pk__in=[])


# --- Meetings ----------------------------------------------------------------------------------


def plan_meeting(
    series: Series,
    *,
    starts_at: dt.datetime | None,
    place: str = "",
    video_link: str = "",
    by: User,
) -> Meeting:
    """Plan a meeting of the series."""
    _manage(by, series)
    errors: dict[str, str] = {}
    if starts_at is None:
        errors["starts_at"] = _("Vul de datum en tijd in.")
    elif starts_at <= timezone.now():
        errors["starts_at"] = _("Deze datum ligt in het verleden. Kies een datum in de toekomst.")
    if not place.strip() and not video_link.strip():
        errors["place"] = _("Vul een plaats of een videoverbinding in.")
    if errors or starts_at is None:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            series=series,
            starts_at=starts_at,
            place=place.strip()[:200],
            video_link=video_link.strip()[:500],
            created_by=by,
        )
        audit.record(
            Event.MEETING_PLANNED,
            by=by,
            obj=meeting,
            purpose=PURPOSE,
            starts_at=starts_at.isoformat(),
        )
    return meeting


def _check_agenda_open(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Dit overleg is al gehouden. De agenda verandert niet meer."))


def _next_position(meeting: Meeting) -> int:
    top = AgendaItem.objects.filter(meeting=meeting).aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


def propose_agenda(meeting: Meeting, *, by: User) -> list[AgendaItem]:
    """Propose agenda items from the cases; the items already on the agenda stay as they are.

    A case comes on the agenda, for the first reason that applies: included since the last
    meeting; a review date of its plan before this meeting; action items past their
    deadline; put forward by a team member; open action items to review.
    """
    _manage(by, meeting)
    _check_agenda_open(meeting)
    series = meeting.series
    scope = Case.objects.filter(series_cases(series), status__in=ACTIVE_CASES)
    previous = (
        Meeting.objects.filter(series=series, starts_at__lt=meeting.starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(pk=meeting.pk)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    since = previous or (meeting.starts_at - FIRST_AGENDA_LOOKBACK)
    until = meeting.starts_at.date()
    reasons: dict[int, tuple[str, str]] = {}

    def add(case_ids: Iterable[int], reason: ItemReason, note: str = "") -> None:
        for case_id in case_ids:
            reasons.setdefault(case_id, (reason, note))

    discussed = AgendaItem.objects.filter(meeting__series=series).exclude(status=ItemStatus.REMOVED)
    add(
        scope.filter(opened_at__gte=since)
        .exclude(pk__in=discussed.values("case_id"))
        .values_list("pk", flat=True),
        ItemReason.NEW_CASE,
    )
    add(
        Intervention.objects.filter(
            case__in=scope,
            review_date__lte=until,
            status__in=[InterventionStatus.PLANNED, InterventionStatus.RUNNING],
        ).values_list("case_id", flat=True),
        ItemReason.REVIEW_DUE,
    )
    open_actions = ActionItem.objects.filter(
        series=series, status=ActionStatus.OPEN, case__in=scope
    )
    add(
        open_actions.filter(deadline__lt=until).values_list("case_id", flat=True),
        ItemReason.OVERDUE_ACTIONS,
    )
    waiting = list(
        Nomination.objects.filter(series=series, taken_up_in__isnull=True, case__in=scope)
        .order_by("at")
        .values_list("pk", "case_id", "reason")
    )
    for _pk, case_id, reason in waiting:
        reasons.setdefault(case_id, (ItemReason.NOMINATED, reason))
    add(open_actions.values_list("case_id", flat=True), ItemReason.OPEN_ACTIONS)
    with transaction.atomic():
        on_agenda = set(
            AgendaItem.objects.filter(meeting=meeting).values_list("case_id", flat=True)
        )
        position = _next_position(meeting)
        new: list[AgendaItem] = []
        for case_id, (reason, note) in reasons.items():
            if case_id in on_agenda:
                continue
            new.append(
                AgendaItem(
                    meeting=meeting,
                    case_id=case_id,
                    position=position,
                    reason=reason,
                    note=note,
                    added_by=by,
                )
            )
            position += 1
        AgendaItem.objects.bulk_create(new)
        Nomination.objects.filter(pk__in=[pk for pk, _c, _r in waiting]).update(taken_up_in=meeting)
        audit.record(Event.AGENDA_PROPOSED, by=by, obj=meeting, purpose=PURPOSE, proposed=len(new))
    return new


def add_item(meeting: Meeting, *, case: Case | None, note: str = "", by: User) -> AgendaItem:
    """Put a case on the agenda (the chair's choice)."""
    _manage(by, meeting)
    _check_agenda_open(meeting)
    if case is None or not Case.objects.filter(series_cases(meeting.series), pk=case.pk).exists():
        raise ValidationError(
            {
                "case": _(
                    "Deze casus hoort niet bij een gemeente van dit casusoverleg. "
                    "Kies een casus uit de lijst."
                )
            }
        )
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"case": _("Deze casus is gesloten.")})
    existing = AgendaItem.objects.filter(meeting=meeting, case=case).first()
    if existing is not None:
        if existing.status == ItemStatus.REMOVED:
            AgendaItem.objects.filter(pk=existing.pk).update(status=ItemStatus.PROPOSED)
            existing.refresh_from_db()
        return existing  # a double submit, or back on the agenda
    with transaction.atomic():
        item = AgendaItem.objects.create(
            meeting=meeting,
            case=case,
            position=_next_position(meeting),
            reason=ItemReason.ADDED,
            note=note.strip()[:TEXT_MAX],
            added_by=by,
        )
        audit.record(Event.AGENDA_ITEM_ADDED, by=by, obj=item, purpose=PURPOSE, case=str(case.uuid))
    return item


def remove_item(item: AgendaItem, *, by: User) -> None:
    """Take a case off the agenda."""
    _manage(by, item)
    _check_agenda_open(item.meeting)
    with transaction.atomic():
        AgendaItem.objects.filter(pk=item.pk).update(status=ItemStatus.REMOVED)
        audit.record(Event.AGENDA_ITEM_REMOVED, by=by, obj=item, purpose=PURPOSE)


def move_item(item: AgendaItem, *, up: bool, by: User) -> None:
    """Move an item one place up or down the agenda (swap with its neighbour)."""
    _manage(by, item)
    _check_agenda_open(item.meeting)
    items = AgendaItem.objects.filter(meeting_id=item.meeting_id).exclude(status=ItemStatus.REMOVED)
    neighbour = (
        items.filter(position__lt=item.position).order_by("-position").first()
        if up
        else items.filter(position__gt=item.position).order_by("position").first()
    )
    if neighbour is None:
        return
    with transaction.atomic():
        AgendaItem.objects.filter(pk=item.pk).update(position=neighbour.position)
        AgendaItem.objects.filter(pk=neighbour.pk).update(position=item.position)
        audit.record(Event.AGENDA_REORDERED, by=by, obj=item.meeting, purpose=PURPOSE)


def participant_organisations(item: AgendaItem) -> set[int]:
    """Return the organisations taking part in an item: the case team's and the invited ones."""
    team = CaseMember.objects.filter(case_id=item.case_id, removed_at__isnull=True).values_list(
        "organisation_id", flat=True
    )
    invited = Invitation.objects.filter(item=item).values_list("organisation_id", flat=True)
    return {item.case.municipality_id, *team, *invited}


def _participants(organisation_ids: Iterable[int]) -> list[User]:
    return list(
        User.objects.with_roles()
        .filter(
            organisation_id__in=set(organisation_ids),
            is_active=True,
            roles__role__in=PARTICIPANT_ROLES,
        )
        .exclude(roles__role=Role.PRIVACY_OFFICER)
        .distinct()
    )


def invite(
    item: AgendaItem, *, organisation: Organisation | None, reason: str, by: User
) -> Invitation:
    """Invite a partner for one agenda item, with the reason it needs to know (recorded)."""
    _manage(by, item)
    errors: dict[str, str] = {}
    partners = SeriesPartner.objects.filter(series_id=item.meeting.series_id)
    if organisation is None or not partners.filter(organisation=organisation).exists():
        errors["organisation"] = _(
            "Kies een partner van dit casusoverleg. Is de organisatie nog geen partner? "
            "Voeg haar dan eerst toe, met de grondslag waarop zij deelt."
        )
    if not reason.strip():
        errors["reason"] = _("Schrijf op waarom deze partner bij deze casus nodig is.")
    if errors or organisation is None:
        raise ValidationError(errors)
    existing = Invitation.objects.filter(item=item, organisation=organisation).first()
    if existing is not None:
        return existing  # a double submit
    with transaction.atomic():
        invitation = Invitation.objects.create(
            item=item, organisation=organisation, reason=reason.strip()[:TEXT_MAX], invited_by=by
        )
        audit.record(
            Event.PARTNER_INVITED,
            by=by,
            obj=item,
            purpose=PURPOSE,
            organisation=str(organisation.uuid),
        )
        if item.meeting.agenda_confirmed_at is not None:
            notifications.notify(
                Topic.AGENDA_INVITED, item.meeting, to=_participants([organisation.pk]), by=by
            )
    return invitation


def confirm_agenda(meeting: Meeting, *, by: User) -> Meeting:
    """Fix the agenda: proposed items go on it, the participants are told (outbox)."""
    _manage(by, meeting)
    _check_agenda_open(meeting)
    with transaction.atomic():
        AgendaItem.objects.filter(meeting=meeting, status=ItemStatus.PROPOSED).update(
            status=ItemStatus.CONFIRMED
        )
        Meeting.objects.filter(pk=meeting.pk).update(
            agenda_confirmed_at=timezone.now(), version=F("version") + 1
        )
        items = list(
            AgendaItem.objects.filter(meeting=meeting, status=ItemStatus.CONFIRMED).select_related(
                "case"
            )
        )
        organisations: set[int] = set()
        for item in items:
            organisations |= participant_organisations(item)
        audit.record(Event.AGENDA_CONFIRMED, by=by, obj=meeting, purpose=PURPOSE, items=len(items))
        notifications.notify(Topic.AGENDA_INVITED, meeting, to=_participants(organisations), by=by)
    meeting.refresh_from_db()
    return meeting


def nominate(case: Case, *, series: Series, reason: str, by: User) -> Nomination:
    """Put a case forward for the next meeting of a series, with a reason."""
    require(by, "case.nominate", on=case, within=series)
    reason = _text(reason, "reason", _("Schrijf op waarom de casus besproken moet worden."))
    if not Case.objects.filter(series_cases(series), pk=case.pk).exists():
        raise ValidationError(
            {"series": _("Deze casus hoort niet bij een gemeente van dit casusoverleg.")}
        )
    waiting = Nomination.objects.filter(series=series, case=case, taken_up_in__isnull=True).first()
    if waiting is not None:
        return waiting  # already waiting for the next agenda
    with transaction.atomic():
        nomination = Nomination.objects.create(series=series, case=case, reason=reason, by=by)
        audit.record(
            Event.CASE_NOMINATED, by=by, obj=case, purpose=PURPOSE, series=str(series.uuid)
        )
    return nomination


# --- During and after the meeting: minutes, decisions, actions ---------------------------------


def mark_held(meeting: Meeting, *, by: User) -> Minutes:
    """Record that the meeting took place and open its minutes (version 1, a draft)."""
    _manage(by, meeting)
    if meeting.starts_at.date() > timezone.localdate():
        raise ValidationError(_("Dit overleg is nog niet begonnen."))
    with transaction.atomic():
        claim(
            Meeting.objects.all(),
            meeting.pk,
            expected=MeetingStatus.PLANNED,
            message=_("Dit overleg is al als gehouden vastgelegd."),
            status=MeetingStatus.HELD,
            version=F("version") + 1,
        )
        AgendaItem.objects.filter(meeting=meeting, status=ItemStatus.PROPOSED).update(
            status=ItemStatus.CONFIRMED
        )
        minutes = Minutes.objects.create(meeting=meeting, number=1, created_by=by)
        audit.record(Event.MEETING_HELD, by=by, obj=meeting, purpose=PURPOSE)
    meeting.refresh_from_db()
    return minutes


def current_minutes(meeting: Meeting) -> Minutes | None:
    """Return the newest version of the meeting's minutes (the open one, if there is one)."""
    return Minutes.objects.filter(meeting=meeting).order_by("-number").first()


def _open_minutes(item: AgendaItem) -> Minutes:
    minutes = current_minutes(item.meeting)
    if minutes is None:
        raise ValidationError(_("Leg eerst vast dat het overleg is gehouden."))
    if minutes.status == MinutesStatus.APPROVED:
        raise ValidationError(
            _(
                "Het verslag is vastgesteld en verandert niet meer. "
                "Start een correctie met een reden als er iets niet klopt."
            )
        )
    return minutes


def write_note(
    item: AgendaItem,
    *,
    attendance: Iterable[Organisation],
    summary: str,
    expected_version: int,
    by: User,
) -> ItemNote:
    """Write the minutes of one item: who attended and what was discussed.

    `expected_version` is the version of the note the writer saw (0: there was none yet); when
    somebody saved in between, StaleEdit is raised and nothing is saved.
    """
    _manage(by, item)
    minutes = _open_minutes(item)
    allowed_orgs = participant_organisations(item) | set(
        SeriesPartner.objects.filter(series_id=item.meeting.series_id).values_list(
            "organisation_id", flat=True
        )
    )
    present = sorted({o.pk for o in attendance})
    if any(pk not in allowed_orgs for pk in present):
        raise ValidationError({"attendance": _("Kies alleen partners van dit casusoverleg.")})
    if len(summary) > TEXT_MAX:
        raise ValidationError({"summary": _("Gebruik ten hoogste %(n)d tekens.") % {"n": TEXT_MAX}})
    fields = {
        "attendance": present,
        "summary": summary.strip(),
        "updated_by": by,
        "updated_at": timezone.now(),
    }
    with transaction.atomic():
        current = ItemNote.objects.filter(minutes=minutes, item=item).first()
        seen = current.version if current is not None else 0
        if expected_version != seen:
            raise StaleEdit("consultations.itemnote", seen)
        if current is None:
            try:
                with transaction.atomic():
                    note = ItemNote.objects.create(minutes=minutes, item=item, **fields)
            except IntegrityError:
                raise StaleEdit("consultations.itemnote", 1) from None
        else:
            changed = ItemNote.objects.filter(pk=current.pk, version=seen).update(
                version=F("version") + 1, **fields
            )
            if not changed:
                raise StaleEdit("consultations.itemnote", seen + 1)
            note = ItemNote.objects.get(pk=current.pk)
        audit.record(Event.MINUTES_WRITTEN, by=by, obj=item, purpose=PURPOSE, version=note.version)
    return note


def note_of(item: AgendaItem) -> ItemNote | None:
    """Return the item's note in the newest minutes, if it has one."""
    minutes = current_minutes(item.meeting)
    if minutes is None:
        return None
    return ItemNote.objects.filter(minutes=minutes, item=item).first()


def decision_authorities(item: AgendaItem, measure: str) -> list[Organisation]:
    """Return the organisations that may be recorded as deciding on `measure` for this case.

    From the framework version the case runs under: a measure's decision role names actors;
    an actor of the mayor or the municipality is the case's own municipality; the OM and the
    police are those serving its region. An actor without an organisation in Samenspel (the
    minister, a court) decides outside it: none here, the casusoverleg can only advise.
    """
    framework = framework_of(item.case.framework_version)
    row = framework.measures.get(measure)
    if row is None:
        return []
    types = {
        framework.actors[a].organisation_type
        for a in row.decision_role.actors
        if a in framework.actors
    } - {""}
    municipality = item.case.municipality
    found: list[Organisation] = []
    if OrganisationType.MUNICIPALITY in types:
        found.append(municipality)
    others = types - {OrganisationType.MUNICIPALITY}
    if others and municipality.region:
        found += list(
            Organisation.objects.filter(
                type__in=others, region=municipality.region, is_active=True
            ).exclude(type__in=[OrganisationType.MUNICIPALITY])
        )
    return found


def _refuse_decision(
    item: AgendaItem, by: User, field: str, message: str, **details: Any
) -> NoReturn:
    audit.record(
        Event.DECISION_REFUSED,
        by=by,
        obj=item,
        purpose=PURPOSE,
        outcome=Outcome.DENIED,
        **details,
    )
    raise ValidationError({field: message})


def record_decision(
    item: AgendaItem,
    *,
    kind: str,
    text: str,
    measure: str = "",
    decided_by: Organisation | None = None,
    key: str = "",
    by: User,
) -> Decision:
    """Record an advice, an agreement or a decision on an item, in the open minutes.

    A decision names the organisation that decides. On a measure it must be the competent
    authority in the framework; otherwise the decision is refused (and the refusal audited):
    the casusoverleg advises (Wet PGA), the mayor, the OM or the minister decides.
    """
    _manage(by, item)
    minutes = _open_minutes(item)
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": _("Kies advies, afspraak of besluit.")})
    text = _text(text, "text", _("Schrijf op wat is besloten, geadviseerd of afgesproken."))
    framework = framework_of(item.case.framework_version)
    row = framework.measures.get(measure) if measure else None
    if measure and row is None:
        raise ValidationError({"measure": _("Kies een maatregel uit het kader.")})
    if kind == DecisionKind.DECISION:
        if decided_by is None:
            _refuse_decision(
                item,
                by,
                "decided_by",
                _(
                    "Een besluit neemt het bevoegd gezag, niet het casusoverleg zelf. "
                    "Kies wie besluit, of leg een advies vast."
                ),
                measure=measure,
            )
        if row is not None:
            competent = {o.pk for o in decision_authorities(item, measure)}
            if decided_by.pk not in competent:
                _refuse_decision(
                    item,
                    by,
                    "decided_by",
                    _(
                        "%(org)s is niet het bevoegd gezag voor %(measure)s. Daarover besluit: "
                        "%(who)s. Het casusoverleg kan hierover alleen adviseren."
                    )
                    % {
                        "org": decided_by.name,
                        "measure": row.label,
                        "who": row.decision_role.text.rstrip("."),
                    },
                    measure=measure,
                    organisation=str(decided_by.uuid),
                )
        elif decided_by.pk != item.case.municipality_id:
            # Without a measure it is a decision about the case plan or process: the
            # municipality holds the regie (Wet PGA; RACI stage ST-3: accountable).
            _refuse_decision(
                item,
                by,
                "decided_by",
                _(
                    "Over het plan van aanpak besluit de gemeente %(name)s. Andere partners "
                    "adviseren of maken een afspraak."
                )
                % {"name": item.case.municipality.name},
                organisation=str(decided_by.uuid),
            )
    elif decided_by is not None:
        decided_by = None  # advice and agreements are the casusoverleg's own
    key = key.strip()[:64]
    if key:
        existing = Decision.objects.filter(minutes=minutes, submission_key=key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                minutes=minutes,
                item=item,
                kind=kind,
                measure=measure,
                decided_by=decided_by,
                text=text,
                recorded_by=by,
                submission_key=key,
            )
            audit.record(
                Event.DECISION_RECORDED,
                by=by,
                obj=item,
                purpose=PURPOSE,
                decision=str(decision.uuid),
                kind=kind,
                measure=measure,
            )
    except IntegrityError:
        return Decision.objects.get(minutes=minutes, submission_key=key)
    return decision


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


def open_for_comment(minutes: Minutes, *, until: dt.date | None, by: User) -> Minutes:
    """Send the draft minutes to the participants for comment until a date."""
    _manage(by, minutes.meeting)
    if until is None or until < timezone.localdate():
        raise ValidationError({"until": _("Kies een datum vanaf vandaag.")})
    with transaction.atomic():
        claim(
            Minutes.objects.all(),
            minutes.pk,
            expected=MinutesStatus.DRAFT,
            message=_("Dit verslag ligt al ter becommentariëring of is vastgesteld."),
            status=MinutesStatus.COMMENTS,
            comments_until=until,
            version=F("version") + 1,
        )
        items = AgendaItem.objects.filter(
            meeting_id=minutes.meeting_id, status=ItemStatus.CONFIRMED
        ).select_related("case")
        organisations: set[int] = set()
        for item in items:
            organisations |= participant_organisations(item)
        audit.record(Event.MINUTES_FOR_COMMENT, by=by, obj=minutes.meeting, purpose=PURPOSE)
        notifications.notify(
            Topic.MINUTES_FOR_COMMENT,
            minutes.meeting,
            to=_participants(organisations),
            by=by,
        )
    minutes.refresh_from_db()
    return minutes


def approve_minutes(minutes: Minutes, *, by: User) -> Minutes:
    """Approve the minutes (the chair only, after the comment period); they are then frozen."""
    require(by, "minutes.approve", on=minutes.meeting)
    if minutes.status == MinutesStatus.DRAFT:
        raise ValidationError(_("Leg het verslag eerst voor commentaar voor."))
    if (
        minutes.status == MinutesStatus.COMMENTS
        and minutes.comments_until is not None
        and minutes.comments_until > timezone.localdate()
    ):
        raise ValidationError(
            _("De partners kunnen nog reageren tot en met %(day)s. Stel het verslag daarna vast.")
            % {"day": minutes.comments_until.strftime("%d-%m-%Y")}
        )
    with transaction.atomic():
        claim(
            Minutes.objects.all(),
            minutes.pk,
            expected=MinutesStatus.COMMENTS,
            message=_("Dit verslag is al vastgesteld."),
            status=MinutesStatus.APPROVED,
            approved_by=by,
            approved_at=timezone.now(),
            version=F("version") + 1,
        )
        Meeting.objects.filter(pk=minutes.meeting_id).update(
            status=MeetingStatus.APPROVED, version=F("version") + 1
        )
        audit.record(
            Event.MINUTES_APPROVED,
            by=by,
            obj=minutes.meeting,
            purpose=PURPOSE,
            minutes=str(minutes.uuid),
            number=minutes.number,
        )
    minutes.refresh_from_db()
    return minutes


def start_correction(meeting: Meeting, *, reason: str, by: User) -> Minutes:
    """Start a new version of approved minutes, with a reason; the approved one stays as it is."""
    _manage(by, meeting)
    reason = _text(reason, "reason", _("Schrijf op wat er gecorrigeerd moet worden en waarom."))
    last = current_minutes(meeting)
    if last is None or last.status != MinutesStatus.APPROVED:
        raise ValidationError(
            {"reason": _("Er is geen vastgesteld verslag; wijzig het open verslag.")}
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                new = Minutes.objects.create(
                    meeting=meeting,
                    number=last.number + 1,
                    correction_reason=reason,
                    created_by=by,
                )
        except IntegrityError:
            raise ValidationError(
                {"reason": _("Er loopt al een correctie op dit verslag.")}
            ) from None
        ItemNote.objects.bulk_create(
            ItemNote(
                minutes=new,
                item_id=n.item_id,
                attendance=n.attendance,
                summary=n.summary,
                updated_by=by,
            )
            for n in last.notes.all()
        )
        Decision.objects.bulk_create(
            Decision(
                minutes=new,
                item_id=d.item_id,
                kind=d.kind,
                measure=d.measure,
                decided_by_id=d.decided_by_id,
                text=d.text,
                recorded_by=d.recorded_by,
                recorded_at=d.recorded_at,
            )
            for d in last.decisions.all()
        )
        audit.record(
            Event.MINUTES_CORRECTED,
            by=by,
            obj=meeting,
            purpose=PURPOSE,
            minutes=str(new.uuid),
            number=new.number,
        )
    return new


# --- The worker: action reminders ------------------------------------------------------------


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
