"""Read series, meetings, agendas, minutes and actions through the access policy.

An agenda is read in a fixed number of queries whatever its length: the items the reader
may name (all of the meeting's), the items the reader may see with their case and person,
then their invitations, notes, decisions and actions, each in one query. Items the reader
may not see are returned with their number only ("casus 4 (niet voor u)"); nothing about
their case is loaded. Reads of person data are audited here, with the cases shown.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from samenspel import audit
from samenspel.accounts.models import Organisation, Role, User
from samenspel.audit.events import Event, Purpose
from samenspel.cases import selectors as case_selectors
from samenspel.cases.models import Case, CaseStatus, Intervention
from samenspel.consultations.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Decision,
    Invitation,
    ItemNote,
    ItemStatus,
    Meeting,
    Minutes,
    Nomination,
    Series,
    SeriesPartner,
)
from samenspel.consultations.services._common import participant_organisations, series_cases
from samenspel.sharing.policy import Action, allowed, get_visible_or_404, visible
from samenspel.sharing.rules.consultations import PARTICIPANT_ROLES, shared_plan

__all__ = [
    "AgendaRow",
    "ItemView",
    "action_counts_of_case",
    "action_owners",
    "actions_for",
    "agenda_of",
    "candidate_cases",
    "get_action_for",
    "get_item_for",
    "get_meeting_for",
    "get_series_for",
    "item_view",
    "meetings_of",
    "minutes_of",
    "nominable_series",
    "partner_candidates",
    "partners_of",
    "record_series_read",
    "series_visible_to",
]

PURPOSE = Purpose.COLLABORATION


# --- Series and meetings -----------------------------------------------------------------------


def series_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Series]:
    """Return the series `user` may see (or `action`), by name."""
    return visible(user, Series.objects.all(), action).select_related("owner", "chair")


def get_series_for(user: Any, series_uuid: uuid.UUID, action: Action = Action.VIEW) -> Series:
    """Return one series `user` may `action`, or raise Denied (a 404)."""
    return get_visible_or_404(
        user, Series.objects.select_related("owner", "chair", "secretary"), action, uuid=series_uuid
    )


def record_series_read(user: Any, series: Series) -> None:
    """Audit that `user` read a series page (partners and meetings, no person data)."""
    audit.record(Event.SERIES_VIEWED, by=user, obj=series, purpose=PURPOSE)


def partners_of(series: Series) -> list[SeriesPartner]:
    """Return the partners of a series with their organisations."""
    return list(
        SeriesPartner.objects.filter(series=series)
        .select_related("organisation")
        .order_by("kind", "organisation__name")
    )


def partner_candidates(series: Series) -> QuerySet[Organisation]:
    """Return the organisations that could become partners (active, with users, not yet in)."""
    taken = SeriesPartner.objects.filter(series=series).values("organisation_id")
    return (
        Organisation.objects.filter(is_active=True)
        .exclude(type="aivd")
        .exclude(pk__in=taken)
        .order_by("name")
    )


def meetings_of(user: Any, series: Series) -> list[Meeting]:
    """Return the meetings of a series that `user` may see, newest first."""
    return list(visible(user, Meeting.objects.filter(series=series)).order_by("-starts_at"))


def get_meeting_for(user: Any, meeting_uuid: uuid.UUID, action: Action = Action.VIEW) -> Meeting:
    """Return one meeting `user` may `action`, or raise Denied (a 404)."""
    return get_visible_or_404(
        user,
        Meeting.objects.select_related("series__owner", "series__chair", "series__secretary"),
        action,
        uuid=meeting_uuid,
    )


def minutes_of(meeting: Meeting) -> list[Minutes]:
    """Return every version of a meeting's minutes, newest first."""
    return list(
        Minutes.objects.filter(meeting=meeting)
        .select_related("approved_by", "created_by")
        .order_by("-number")
    )


# --- The agenda ----------------------------------------------------------------------------------


# What an agenda line shows of its item and case: loading no more keeps a long agenda light.
AGENDA_FIELDS = (
    "uuid",
    "meeting_id",
    "position",
    "reason",
    "note",
    "status",
    "case__uuid",
    "case__reference",
    "case__status",
    "case__municipality_id",
    "case__framework_version_id",
    "case__stage",
    "case__phase",
    "case__person__given_names",
    "case__person__family_name",
    "case__municipality__name",
    "case__municipality__region",
    "case__municipality__type",
)


@dataclass
class AgendaRow:
    """One line of the agenda as one reader sees it."""

    number: int
    uuid: uuid.UUID
    status: str
    shown: bool  # False: "casus N (niet voor u)", nothing else is known here
    item: AgendaItem | None = None
    invitations: list[Invitation] = field(default_factory=list)
    note: ItemNote | None = None
    decisions: list[Decision] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)  # agreed on this item
    open_actions: int = 0  # of the case in this series
    overdue_actions: int = 0


def agenda_of(
    user: Any,
    meeting: Meeting,
    *,
    minutes: Minutes | None = None,
    record_read: bool = True,
    only: AgendaItem | None = None,
) -> list[AgendaRow]:
    """Return the agenda of a meeting for `user`, each item shown only to its participants.

    The items taken off the agenda are left out, except for those who run the meeting.
    `minutes` is the version whose notes and decisions are shown (the newest by default);
    with `only`, that item's content alone is loaded (the others keep their number).
    """
    runs = allowed(user, "meeting.run", on=meeting)
    named = visible(user, AgendaItem.objects.filter(meeting=meeting), Action.NAME)
    if not runs:
        named = named.exclude(status=ItemStatus.REMOVED)
    skeleton = list(named.order_by("position", "id").values_list("pk", "uuid", "status"))
    shown = {
        item.pk: item
        for item in visible(user, AgendaItem.objects.filter(meeting=meeting), Action.VIEW)
        .filter(pk__in=[pk for pk, _u, _s in skeleton if only is None or pk == only.pk])
        .select_related("case__person", "case__municipality")
        .only(*AGENDA_FIELDS)
    }
    ids = list(shown)
    invitations: dict[int, list[Invitation]] = defaultdict(list)
    for invitation in (
        Invitation.objects.filter(item_id__in=ids).select_related("organisation").order_by("id")
    ):
        invitations[invitation.item_id].append(invitation)
    if minutes is None:
        minutes = Minutes.objects.filter(meeting=meeting).order_by("-number").first()
    notes: dict[int, ItemNote] = {}
    decisions: dict[int, list[Decision]] = defaultdict(list)
    if minutes is not None:
        notes = {n.item_id: n for n in ItemNote.objects.filter(minutes=minutes, item_id__in=ids)}
        for decision in (
            Decision.objects.filter(minutes=minutes, item_id__in=ids)
            .select_related("decided_by")
            .order_by("recorded_at", "id")
        ):
            decisions[decision.item_id].append(decision)
    # The actions agreed on these items, and per case the counts of its open and overdue
    # actions in this series (the item page lists them): a bounded read however many
    # actions a case has.
    actions: dict[int, list[ActionItem]] = defaultdict(list)
    for action in (
        ActionItem.objects.filter(item_id__in=ids)
        .select_related("owner", "owner_organisation")
        .order_by("deadline", "id")
    ):
        if action.item_id is not None:
            actions[action.item_id].append(action)
    today = timezone.localdate()
    counts = {
        row["case_id"]: (row["open"], row["overdue"])
        for row in ActionItem.objects.filter(
            series_id=meeting.series_id,
            status=ActionStatus.OPEN,
            case_id__in={item.case_id for item in shown.values()},
        )
        .values("case_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today)))
    }
    rows: list[AgendaRow] = []
    number = 0
    for pk, item_uuid, status in skeleton:
        if status != ItemStatus.REMOVED:
            number += 1
        item = shown.get(pk)
        rows.append(
            AgendaRow(
                number=number if status != ItemStatus.REMOVED else 0,
                uuid=item_uuid,
                status=status,
                shown=item is not None,
                item=item,
                invitations=invitations.get(pk, []),
                note=notes.get(pk),
                decisions=decisions.get(pk, []),
                actions=actions.get(pk, []),
                open_actions=counts.get(item.case_id, (0, 0))[0] if item else 0,
                overdue_actions=counts.get(item.case_id, (0, 0))[1] if item else 0,
            )
        )
    if record_read:
        details: dict[str, Any] = {"cases": sorted(str(i.case.uuid) for i in shown.values())}
        if only is None:  # with `only`, the other items were not read, not hidden: no count
            details["hidden"] = len(skeleton) - len(shown)
        audit.record(
            Event.MEETING_VIEWED,
            by=user,
            obj=meeting,
            purpose=PURPOSE,
            **details,
        )
    return rows


def get_item_for(user: Any, item_uuid: uuid.UUID, action: Action = Action.VIEW) -> AgendaItem:
    """Return one agenda item `user` may `action`, or raise Denied (a 404)."""
    return get_visible_or_404(
        user,
        AgendaItem.objects.select_related(
            "meeting__series__owner",
            "meeting__series__chair",
            "case__person",
            "case__municipality",
            "case__framework_version",
        ),
        action,
        uuid=item_uuid,
    )


@dataclass
class ItemView:
    """What one participant sees of one agenda item."""

    item: AgendaItem
    plan: list[Intervention]
    hidden_plan: int  # interventions left out for this reader (care without consent)
    participants: list[Organisation]
    actions: list[ActionItem]  # of the case in this series, as the reader may see them


def item_view(user: Any, item: AgendaItem, *, record_read: bool = True) -> ItemView:
    """Return what `user` may see of an item's case in the meeting (the plan, as shared)."""
    everything = Intervention.objects.filter(case_id=item.case_id)
    plan = list(
        everything.filter(shared_plan(user, item))
        .select_related("owner")
        .order_by("created_at", "id")
    )
    hidden = everything.count() - len(plan)
    participants = list(
        Organisation.objects.filter(pk__in=participant_organisations(item)).order_by("name")
    )
    actions = list(
        visible(user, ActionItem.objects.filter(case_id=item.case_id))
        .filter(series_id=item.meeting.series_id)
        .select_related("owner", "owner_organisation")
        .order_by("status", "deadline", "id")[:200]
    )
    if record_read:
        audit.record(
            Event.AGENDA_ITEM_VIEWED,
            by=user,
            obj=item,
            purpose=PURPOSE,
            case=str(item.case.uuid),
            hidden_interventions=hidden,
        )
    return ItemView(
        item=item, plan=plan, hidden_plan=hidden, participants=participants, actions=actions
    )


def candidate_cases(user: Any, meeting: Meeting, *, record_read: bool = True) -> list[Case]:
    """Return the open cases the chair may put on the agenda (the series' municipalities).

    At most 500, by municipality and reference; the read is audited (a list of cases).
    """
    taken = AgendaItem.objects.filter(meeting=meeting).exclude(status=ItemStatus.REMOVED)
    cases = list(
        Case.objects.filter(series_cases(meeting.series))
        .exclude(status=CaseStatus.CLOSED)
        .exclude(pk__in=taken.values("case_id"))
        .select_related("person", "municipality")
        .order_by("municipality__name", "reference")[:500]
    )
    if record_read:
        case_selectors.record_list_read(user, len(cases), page="agenda_candidates", obj=meeting)
    return cases


def action_owners(item: AgendaItem) -> list[User]:
    """Return who may own an action on this item: participants of its organisations."""
    organisations = participant_organisations(item) | {item.meeting.series.owner_id}
    return list(
        User.objects.filter(
            organisation_id__in=organisations,
            is_active=True,
            roles__role__in=PARTICIPANT_ROLES,
        )
        .exclude(roles__role=Role.PRIVACY_OFFICER)
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name", "full_name")
    )


def nominable_series(user: Any, case: Case) -> list[Series]:
    """Return the series whose agenda `user` may put this case on."""
    candidates = series_visible_to(user)
    return [s for s in candidates if Case.objects.filter(series_cases(s), pk=case.pk).exists()][:20]


# --- Action items ------------------------------------------------------------------------------


def actions_for(
    user: Any,
    *,
    scope: str = "mine",
    series: Series | None = None,
    open_only: bool = True,
    overdue_only: bool = False,
    today: dt.date | None = None,
    record_read: bool = True,
) -> list[ActionItem]:
    """Return action items for a list: the user's own, the organisation's, or a series'.

    Each list is filtered by the policy first; at most 500 rows, the earliest deadline first.
    """
    today = today or timezone.localdate()
    rows = visible(user, ActionItem.objects.all())
    if scope == "mine":
        rows = rows.filter(owner_id=user.pk)
    elif scope == "organisation":
        rows = rows.filter(owner_organisation_id=user.organisation_id)
    elif series is not None:
        rows = rows.filter(series=series)
    if open_only or overdue_only:
        rows = rows.filter(status=ActionStatus.OPEN)
    if overdue_only:
        rows = rows.filter(deadline__lt=today)
    result = list(
        rows.select_related(
            "owner", "owner_organisation", "case", "series", "item__meeting"
        ).order_by("deadline", "id")[:500]
    )
    if record_read:
        audit.record(
            Event.ACTION_LIST_VIEWED,
            by=user,
            obj=series,
            purpose=PURPOSE,
            scope=scope,
            shown=len(result),
        )
    return result


def get_action_for(user: Any, action_uuid: uuid.UUID, action: Action = Action.VIEW) -> ActionItem:
    """Return one action item `user` may `action`, or raise Denied (a 404)."""
    return get_visible_or_404(
        user,
        ActionItem.objects.select_related("owner", "owner_organisation", "case", "series"),
        action,
        uuid=action_uuid,
    )


def waiting_nominations(series: Series) -> QuerySet[Nomination]:
    """Return the nominations waiting for the next agenda."""
    return Nomination.objects.filter(series=series, taken_up_in__isnull=True)


def action_counts_of_case(
    user: Any, case: Case, *, today: dt.date | None = None
) -> tuple[int, int]:
    """Return (open, overdue) action items of a case in every series, as `user` may see them."""
    today = today or timezone.localdate()
    counts = visible(
        user, ActionItem.objects.filter(case=case, status=ActionStatus.OPEN)
    ).aggregate(open=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today)))
    return counts["open"] or 0, counts["overdue"] or 0
