"""Plan meetings and build their agenda from the cases; invite partners per item.

The agenda is proposed from the cases; the chair confirms, reorders, adds or removes items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation, User
from samenspel.audit.events import Event
from samenspel.cases.models import Case, CaseStatus, Intervention, InterventionStatus
from samenspel.consultations.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Invitation,
    ItemReason,
    ItemStatus,
    Meeting,
    MeetingStatus,
    Nomination,
    Series,
    SeriesPartner,
)
from samenspel.consultations.services._common import (
    ACTIVE_CASES,
    PURPOSE,
    TEXT_MAX,
    _manage,
    _participants,
    _text,
    participant_organisations,
    series_cases,
)
from samenspel.notifications import services as notifications
from samenspel.notifications.models import Topic
from samenspel.sharing.policy import require

__all__ = [
    "add_item",
    "confirm_agenda",
    "invite",
    "move_item",
    "nominate",
    "plan_meeting",
    "propose_agenda",
    "remove_item",
]


FIRST_AGENDA_LOOKBACK = dt.timedelta(days=90)


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
