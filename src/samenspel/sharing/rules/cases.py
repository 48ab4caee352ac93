"""Rules for persons, cases and their parts (plan, team, history), warm transfers and
break-the-glass.

Parts have rules of their own, so that a rule can hide one part of a visible case without
touching the case: the plan's care lines and the information by source compartment are in
`compartments.py`.

Break-the-glass (noodtoegang) opens a case for reading only, until its term ends, to a user who
may be on its team but is not. Every read rule that starts from the case (`_cases` with
Action.VIEW) sees it; nothing that changes a case, a measure or a consultation does: those ask
`sees_by_right`. The rules of the measures keep their grounds and the AIVD summaries apart on top
of it, so break-the-glass never opens another ground's dossier or AIVD material.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from samenspel.accounts.models import Organisation, OrganisationType, Role, RoleAssignment, User
from samenspel.cases.models import BreakGlass, Case, CaseMember, Transfer
from samenspel.sharing.policy import NOTHING, Action, can, eligible, rule, subjects, verb
from samenspel.sharing.rules.common import (
    MUNICIPALITY_WIDE_EDIT,
    MUNICIPALITY_WIDE_VIEW,
    in_municipality,
    own_municipality,
)
from samenspel.sharing.rules.intake import triage, triages

# Who may be on a case team (need-to-know): case work in the case's own municipality, and the
# partner liaisons of the organisations that serve its region. Never the privacy officer,
# never an administrator for that role alone, never a national partner (NCTV, LSE) or the AIVD:
# national capacity joins a case only by a recorded request (casusoverleg).
MUNICIPAL_CASE_WORK = (Role.CASE_DIRECTOR, Role.SECURITY_ADVISER)
REGIONAL_PARTNERS = (
    OrganisationType.POLICE,
    OrganisationType.OM,
    OrganisationType.ZVH,
    OrganisationType.CARE_PARTNER,
    OrganisationType.RECLASSERING,
    OrganisationType.RVDK,
)


def _team(user: User) -> QuerySet[Any]:
    return CaseMember.objects.filter(user_id=user.pk, removed_at__isnull=True).values("case_id")


def breaks_glass(user: User) -> bool:
    """Tell whether break-the-glass can ever open a case to `user`.

    Only who may join case teams but does not see the cases by role: the partner liaisons of
    the regional partners (`case.join`). Municipal case work sees its municipality's cases
    already; the privacy officer, national partners and the AIVD never join a case team.
    """
    org = user.organisation
    return bool(
        org.type in REGIONAL_PARTNERS
        and org.region
        and org.is_active
        and user.has_role(Role.PARTNER_LIAISON)
        and not user.has_role(Role.PRIVACY_OFFICER)
    )


def _glass(user: User) -> Q:
    """The cases `user` has open by break-the-glass: until the term ends, while eligible."""
    if not breaks_glass(user):
        return NOTHING
    running = BreakGlass.objects.filter(
        user_id=user.pk,
        expires_at__gt=timezone.now(),
        # Still a case of the user's region: a transfer out of it ends the access too.
        case__municipality__region=user.organisation.region,
    ).values("case_id")
    return Q(pk__in=running)


def _by_right(user: User, action: Action) -> Q:
    if action is Action.MANAGE:
        # Team, stage, phase, closing and transfer: the case director and the municipality's
        # case directors.
        return Q(case_director_id=user.pk) | own_municipality(user, (Role.CASE_DIRECTOR,))
    roles = MUNICIPALITY_WIDE_EDIT if action is Action.EDIT else MUNICIPALITY_WIDE_VIEW
    own = own_municipality(user, roles)
    if own is NOTHING:
        return Q(pk__in=_team(user))
    # A municipality-wide user sees the municipality's cases, which hold every team they can be
    # on: a municipality's staff join only its own cases (the case.join rule below), a user
    # never changes organisation, and a transfer ends the whole team. Leaving the team out keeps
    # this a plain index walk; an OR with the team subquery made the database test every case
    # in the table (docs/benchmarks.md).
    return own


def _cases(user: User, action: Action) -> Q:
    q = _by_right(user, action)
    if action in (Action.VIEW, Action.NAME):
        # Break-the-glass reads, never edits or manages. A municipality-wide user needs no
        # glass (and keeps the plain index walk): the OR is only there for the partners.
        glass = _glass(user)
        if glass is not NOTHING:
            return q | glass
    return q


rule("cases.case")(_cases)


def sees_by_right(user: User, case: Case) -> bool:
    """Tell whether `user` sees `case` without break-the-glass: what every change asks."""
    return Case.objects.filter(_by_right(user, Action.VIEW), pk=case.pk).exists()


def _of_visible_case(user: User, action: Action) -> Q:
    return Q(case__in=Case.objects.filter(_cases(user, action)).values("pk"))


@rule("cases.casemember")
def _members(user: User, action: Action) -> Q:
    # The team: read by whoever sees the case, changed by whoever manages it.
    return _of_visible_case(user, action)


@rule("cases.casetransition")
def _history(user: User, action: Action) -> Q:
    if action is not Action.VIEW:
        return NOTHING  # the history is written by the services only
    return _of_visible_case(user, action)


@rule("cases.person")
def _persons(user: User, action: Action) -> Q:
    # The triage team searches the persons of its municipality; a case team sees its person.
    if action is Action.MANAGE:
        return triage(user)
    seen = _cases(user, Action.VIEW) if action is Action.VIEW else _by_right(user, Action.VIEW)
    with_case = Case.objects.filter(seen).values("person_id")
    return triage(user) | Q(pk__in=with_case)


@rule("cases.transfer")
def _transfers(user: User, action: Action) -> Q:
    # The receiving municipality's case directors decide; the sending side sees the stub.
    receiving = own_municipality(user, (Role.CASE_DIRECTOR,), "to_municipality_id")
    if action is Action.MANAGE:
        return receiving
    return receiving | own_municipality(user, MUNICIPALITY_WIDE_EDIT, "from_municipality_id")


@rule("cases.breakglass")
def _break_glass(user: User, action: Action) -> Q:
    # Who used it sees their own uses; the privacy officers of the case's municipality and of
    # the user's organisation see and review every use, never their own.
    officer = _privacy_officer_of(user)
    if action is Action.VIEW:
        return Q(user_id=user.pk) | officer
    if action is Action.MANAGE:
        return officer & ~Q(user_id=user.pk)
    return NOTHING


def _privacy_officer_of(user: User) -> Q:
    if not user.has_role(Role.PRIVACY_OFFICER):
        return NOTHING
    org = user.organisation_id
    return Q(case__municipality_id=org) | Q(organisation_id=org)


# --- Verbs ---------------------------------------------------------------------------------

# The verb for each level of access to a case, for code that speaks in actions.
CASE_VERBS = {Action.VIEW: "case.view", Action.EDIT: "case.edit_plan", Action.MANAGE: "case.manage"}


@verb("case.open")
def _open(user: User, on: Any, within: Organisation) -> bool:
    # The municipality's triage team includes a person and opens the case.
    return triages(user, within)


@verb("person.register")
def _register_person(user: User, on: Any, within: Organisation) -> bool:
    return triages(user, within)


@verb("case.direct")
def _direct(user: User, on: Any, within: Organisation) -> bool:
    # Who can be a case's director: a case director of the municipality the case belongs to.
    return in_municipality(user, within) and user.has_role(Role.CASE_DIRECTOR)


@verb("case.view")
def _view(user: User, on: Case, within: Any) -> bool:
    return can(user, Action.VIEW, on)


@verb("case.edit_plan")
def _edit_plan(user: User, on: Case, within: Any) -> bool:
    return can(user, Action.EDIT, on)


@verb("case.manage")
def _manage(user: User, on: Case, within: Any) -> bool:
    return can(user, Action.MANAGE, on)


@verb("case.join")
def _join(user: User, on: Case, within: Any) -> bool:
    return User.objects.filter(eligible("case.join", on=on), pk=user.pk).exists()


@subjects("case.join")
def _joiners(case: Case) -> Q:
    municipality = case.municipality
    with_roles = RoleAssignment.objects.filter(role__in=MUNICIPAL_CASE_WORK).values("user_id")
    liaisons = RoleAssignment.objects.filter(role=Role.PARTNER_LIAISON).values("user_id")
    privacy = RoleAssignment.objects.filter(role=Role.PRIVACY_OFFICER).values("user_id")
    municipal = Q(organisation_id=municipality.pk, pk__in=with_roles)
    if municipality.region:
        regional = Q(
            organisation__type__in=REGIONAL_PARTNERS,
            organisation__region=municipality.region,
            pk__in=liaisons,
        )
    else:
        regional = NOTHING
    return (municipal | regional) & ~Q(pk__in=privacy)


@verb("transfer.decide")
def _decide_transfer(user: User, on: Transfer, within: Any) -> bool:
    return can(user, Action.MANAGE, on)


@verb("transfer.cancel")
def _cancel_transfer(user: User, on: Transfer, within: Any) -> bool:
    return can(user, Action.MANAGE, on.case)


@verb("case.break_glass")
def _use_break_glass(user: User, on: Any, within: Any) -> bool:
    # Who gets the emergency-access form: whoever break-the-glass can open a case to.
    return breaks_glass(user)


@verb("break_glass.review_queue")
def _review_queue(user: User, on: Any, within: Any) -> bool:
    # The privacy officer's queue of uses to review (and its figures).
    return user.has_role(Role.PRIVACY_OFFICER)


@verb("break_glass.review")
def _review(user: User, on: BreakGlass, within: Any) -> bool:
    return can(user, Action.MANAGE, on)


@subjects("break_glass.review")
def _reviewers(use: BreakGlass) -> Q:
    # Told at once and reviewing: the privacy officers of the case's municipality and of the
    # user's own organisation (if that is another), never the user who broke the glass.
    officers = RoleAssignment.objects.filter(role=Role.PRIVACY_OFFICER).values("user_id")
    orgs = {use.case.municipality_id, use.organisation_id}
    return Q(organisation_id__in=sorted(orgs), pk__in=officers) & ~Q(pk=use.user_id)
