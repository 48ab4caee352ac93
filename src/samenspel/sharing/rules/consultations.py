"""Rules for case consultations (casusoverleg): series, meetings, agenda items and their parts,
minutes, decisions, action items and capacity requests.

Need-to-know per agenda item: everybody in a series sees that an item exists (its number, as
"casus 4 (niet voor u)"); only the item's participants see the person and the case. The
participants are whoever may see the case anyway (its team and the municipality's case work),
the users of the organisations on the case team or invited for the item with a recorded
reason, and whoever runs the meeting (chair, secretary, the organiser's case directors: the
ZVH keeps the record for the partners, Wet PGA). Within an item, a participant who does not
see the case itself sees the plan without care information, unless consent is recorded
(framework flow F-10: care data only with consent); AIVD material is never part of it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.cases.models import Case, CaseMember, Intervention, InterventionDomain
from samenspel.consultations.models import (
    AgendaItem,
    Invitation,
    Meeting,
    Series,
    SeriesPartner,
)
from samenspel.sharing.policy import NOTHING, Action, can, condition, rule, verb
from samenspel.sharing.rules.cases import _cases, sees_by_right
from samenspel.sharing.rules.common import has_any, own_municipality
from samenspel.sharing.rules.compartments import consent_shared_with

# Who takes part in a consultation on behalf of an organisation. Not the privacy officer or a
# functional administrator for that role alone.
PARTICIPANT_ROLES = (
    Role.CASE_DIRECTOR,
    Role.SECURITY_ADVISER,
    Role.MAYOR,
    Role.PARTNER_LIAISON,
)
# Who organises a series for a municipality or a ZVH.
ORGANISER_TYPES = (OrganisationType.MUNICIPALITY, OrganisationType.ZVH)
# Who may be asked for capacity: the national partners of the VNG ask (NCTV, OM, police).
CAPACITY_PARTNERS = (OrganisationType.NCTV, OrganisationType.OM, OrganisationType.POLICE)


def _participant(user: User) -> bool:
    return has_any(user, PARTICIPANT_ROLES)


def _organiser(user: User) -> bool:
    return user.organisation.type in ORGANISER_TYPES and user.has_role(Role.CASE_DIRECTOR)


def _runs(user: User, prefix: str = "") -> Q:
    """Series (or rows under one, by `prefix`) that `user` runs: chair, secretary, organiser."""
    q = Q(**{f"{prefix}chair_id": user.pk}) | Q(**{f"{prefix}secretary_id": user.pk})
    if _organiser(user):
        q |= Q(**{f"{prefix}owner_id": user.organisation_id})
    return q


def _series(user: User, action: Action) -> Q:
    run = _runs(user)
    if action in (Action.EDIT, Action.MANAGE):
        return run
    if not _participant(user):
        return run
    partners = SeriesPartner.objects.filter(organisation_id=user.organisation_id).values(
        "series_id"
    )
    own = own_municipality(
        user, (Role.CASE_DIRECTOR, Role.SECURITY_ADVISER, Role.MAYOR), "owner_id"
    )
    return run | own | Q(pk__in=partners)


def series_ids(user: User, action: Action = Action.VIEW) -> QuerySet[Any]:
    """Return the primary keys of the series `user` may `action` (for subqueries)."""
    return Series.objects.filter(_series(user, action)).values("pk")


rule("consultations.series")(_series)


@rule("consultations.seriespartner")
def _partners(user: User, action: Action) -> Q:
    return Q(series__in=series_ids(user, Action.MANAGE if action is not Action.VIEW else action))


@rule("consultations.meeting")
def _meetings(user: User, action: Action) -> Q:
    return Q(series__in=series_ids(user, action))


@rule("consultations.nomination")
def _nominations(user: User, action: Action) -> Q:
    run = Q(series__in=series_ids(user, Action.MANAGE))
    if action is Action.VIEW or action is Action.NAME:
        return run | Q(by_id=user.pk)
    return run


def item_participants(user: User, prefix: str = "") -> Q:
    """Agenda items (or rows under one, by `prefix`) whose content `user` may see."""
    run = Q(**{f"{prefix}meeting__series__in": series_ids(user, Action.MANAGE)})
    seen = Q(**{f"{prefix}case__in": Case.objects.filter(_cases(user, Action.VIEW)).values("pk")})
    if not _participant(user):
        return run | seen
    teams = CaseMember.objects.filter(
        organisation_id=user.organisation_id, removed_at__isnull=True
    ).values("case_id")
    invited = Invitation.objects.filter(organisation_id=user.organisation_id).values("item_id")
    in_series = Q(**{f"{prefix}meeting__series__in": series_ids(user, Action.VIEW)})
    item_key = prefix.removesuffix("__") + "_id" if prefix else "pk"
    by_org = Q(**{f"{item_key}__in": invited}) | Q(**{f"{prefix}case__in": teams})
    return run | seen | (in_series & by_org)


@rule("consultations.agendaitem")
def _items(user: User, action: Action) -> Q:
    if action is Action.NAME:
        # That the item exists, with its number: what "niet voor u" needs.
        return Q(meeting__series__in=series_ids(user, Action.VIEW)) | item_participants(user)
    if action in (Action.EDIT, Action.MANAGE):
        return Q(meeting__series__in=series_ids(user, Action.MANAGE))
    return item_participants(user)


@rule("consultations.invitation")
def _invitations(user: User, action: Action) -> Q:
    if action is not Action.VIEW:
        return Q(item__meeting__series__in=series_ids(user, Action.MANAGE))
    return item_participants(user, "item__")


@rule("consultations.minutes")
def _minutes(user: User, action: Action) -> Q:
    return Q(meeting__series__in=series_ids(user, action))


@rule("consultations.itemnote")
def _notes(user: User, action: Action) -> Q:
    if action is not Action.VIEW:
        return Q(item__meeting__series__in=series_ids(user, Action.MANAGE))
    return item_participants(user, "item__")


@rule("consultations.decision")
def _decisions(user: User, action: Action) -> Q:
    return _notes(user, action)


@rule("consultations.actionitem")
def _actions(user: User, action: Action) -> Q:
    run = Q(series__in=series_ids(user, Action.MANAGE))
    mine = Q(owner_id=user.pk)
    if action in (Action.EDIT, Action.MANAGE):
        return run | mine
    seen = Q(case__in=Case.objects.filter(_cases(user, Action.VIEW)).values("pk"))
    if not _participant(user):
        return run | mine | seen
    ours = Q(owner_organisation_id=user.organisation_id)
    return run | mine | seen | ours


@rule("consultations.capacityrequest")
def _capacity(user: User, action: Action) -> Q:
    desk = Q(addressed_id=user.organisation_id) if user.has_role(Role.PARTNER_LIAISON) else NOTHING
    if action is Action.MANAGE:
        return desk
    asking = NOTHING
    if user.organisation.type in ORGANISER_TYPES and has_any(
        user, (Role.CASE_DIRECTOR, Role.SECURITY_ADVISER, Role.MAYOR)
    ):
        asking = Q(requester_id=user.organisation_id) | Q(municipality_id=user.organisation_id)
    if action is Action.EDIT:
        return asking  # withdraw
    # The person the desk named to come or deliver needs to read what was asked.
    named = Q(assignee_id=user.pk)
    if action is Action.NAME and _capacity_statistics(user, None, None):
        # NAME is what the statistics count: partner, municipality, kind, urgency, status and
        # times of every request. A request holds no person data, and the statistics never
        # read the question or the answer, so the figures may cover all requests (the VNG
        # asks how national partners answer priority and other municipalities alike).
        return Q()
    return desk | asking | named


# --- Parts of an agenda item ---------------------------------------------------------------


def shared_plan(user: User, item: AgendaItem) -> Q:
    """Filter the item's case plan (interventions) to what `user` may see of it in the meeting.

    Whoever sees the case reads its plan as the plan rule says (care lines only by their
    readers, sharing/rules/compartments.py). Another participant sees the plan without care
    interventions, unless the person's standing consent names the participant's organisation
    (F-10), or the intervention is its own organisation's.
    """
    plan = Q(case_id=item.case_id)
    if can(user, Action.VIEW, item.case):
        return plan & condition(user, Intervention, Action.VIEW)
    care_hidden = Q(domain=InterventionDomain.CARE) & ~Q(pk__in=consent_shared_with(user))
    return plan & (~care_hidden | Q(owner_id=user.organisation_id))


# --- Verbs ---------------------------------------------------------------------------------


@verb("series.create")
def _create_series(user: User, on: Any, within: Organisation) -> bool:
    return (
        within.type in ORGANISER_TYPES
        and within.pk == user.organisation_id
        and user.has_role(Role.CASE_DIRECTOR)
    )


@verb("series.chair")
def _chair_series(user: User, on: Any, within: Organisation) -> bool:
    # The chair: a case director (or a ZVH's process director) of the organiser.
    return _create_series(user, on, within)


@verb("series.manage")
def _manage_series(user: User, on: Series, within: Any) -> bool:
    return can(user, Action.MANAGE, on)


@verb("meeting.run")
def _run_meeting(user: User, on: Meeting, within: Any) -> bool:
    return can(user, Action.MANAGE, on)


@verb("minutes.approve")
def _approve(user: User, on: Meeting, within: Any) -> bool:
    # The chair approves the minutes, nobody else (not even the secretary who wrote them).
    return on.series.chair_id == user.pk


@verb("case.nominate")
def _nominate(user: User, on: Case, within: Series) -> bool:
    # A member of the case's team (or its municipality's case work) puts it forward; never
    # who sees the case only by break-the-glass, which only reads.
    return sees_by_right(user, on) and can(user, Action.VIEW, within)


@verb("action.close")
def _close_action(user: User, on: Any, within: Any) -> bool:
    return can(user, Action.MANAGE, on)


@verb("capacity.request")
def _request_capacity(user: User, on: Any, within: Organisation) -> bool:
    # A municipality's case work asks for itself; a ZVH's case directors ask for a
    # municipality of their region.
    if within.type != OrganisationType.MUNICIPALITY:
        return False
    if within.pk == user.organisation_id:
        return has_any(user, (Role.CASE_DIRECTOR, Role.SECURITY_ADVISER))
    return bool(
        user.organisation.type == OrganisationType.ZVH
        and user.has_role(Role.CASE_DIRECTOR)
        and user.organisation.region
        and user.organisation.region == within.region
    )


@verb("capacity.answer")
def _answer_capacity(user: User, on: Any, within: Any) -> bool:
    return can(user, Action.MANAGE, on)


@verb("capacity.withdraw")
def _withdraw_capacity(user: User, on: Any, within: Any) -> bool:
    return can(user, Action.EDIT, on)


@verb("capacity.statistics")
def _capacity_statistics(user: User, on: Any, within: Any) -> bool:
    # Counts and times only, no person data: for everybody who works in the approach.
    return has_any(user, (*PARTICIPANT_ROLES, Role.NATIONAL_ADMIN))


@verb("consultation.take_part")
def _take_part(user: User, on: Any, within: Any) -> bool:
    # Who gets the consultation pages in the menu: whoever works in the approach.
    return has_any(user, (*PARTICIPANT_ROLES, Role.NATIONAL_ADMIN))
