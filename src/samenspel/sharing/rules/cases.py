"""Rules for persons, cases and their parts (plan, team, history), and warm transfers.

Parts have rules of their own, so that a later rule can hide one part of a visible case (a
compartment by information source, care data only with consent) without touching the case.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from samenspel.accounts.models import Organisation, OrganisationType, Role, RoleAssignment, User
from samenspel.cases.models import Case, CaseMember, Transfer
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


def _cases(user: User, action: Action) -> Q:
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


rule("cases.case")(_cases)


def _of_visible_case(user: User, action: Action) -> Q:
    return Q(case__in=Case.objects.filter(_cases(user, action)).values("pk"))


@rule("cases.intervention")
def _plan(user: User, action: Action) -> Q:
    # The plan: read by whoever sees the case, changed by whoever may edit it.
    return _of_visible_case(user, action)


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
    with_case = Case.objects.filter(_cases(user, Action.VIEW)).values("person_id")
    return triage(user) | Q(pk__in=with_case)


@rule("cases.transfer")
def _transfers(user: User, action: Action) -> Q:
    # The receiving municipality's case directors decide; the sending side sees the stub.
    receiving = own_municipality(user, (Role.CASE_DIRECTOR,), "to_municipality_id")
    if action is Action.MANAGE:
        return receiving
    return receiving | own_municipality(user, MUNICIPALITY_WIDE_EDIT, "from_municipality_id")


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
