"""Decide, per model and action, which rows a user may reach.

Every page, API endpoint, search, count and export asks this module, through `visible()`,
for a filtered queryset. A model without rules is invisible to everybody (deny by default).
Later apps add their rules here, keyed by model label, so this stays the one place.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from samenspel.accounts.models import OrganisationType, Role, RoleAssignment
from samenspel.cases.models import Case, CaseMember
from samenspel.intake.models import TriageSeat

if TYPE_CHECKING:
    from samenspel.accounts.models import User


class Action(StrEnum):
    """What a user wants to do with a row."""

    NAME = "name"  # see that it exists, with its name: what working together needs
    VIEW = "view"  # see its details
    EDIT = "edit"  # change its content (a case plan); MANAGE is the stronger right
    MANAGE = "manage"  # change it


NOTHING = Q(pk__in=[])

Rule = Callable[["User", Action], Q]
_RULES: dict[str, Rule] = {}


def rule(label: str) -> Callable[[Rule], Rule]:
    """Register the rule for one model label, once."""

    def register(func: Rule) -> Rule:
        if label in _RULES:
            raise RuntimeError(f"a sharing rule for {label} exists already")
        _RULES[label] = func
        return func

    return register


def is_active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def condition(user: User | Any, model: type[Model], action: Action) -> Q:
    """Return the filter that selects the rows of `model` that `user` may `action`."""
    label = model._meta.label_lower
    if label not in _RULES:
        raise LookupError(f"no sharing rule for {label}: it stays invisible until one exists")
    if not is_active_user(user):
        return NOTHING
    return _RULES[label](user, action)


def visible[M: Model](
    user: User | Any, queryset: QuerySet[M], action: Action = Action.VIEW
) -> QuerySet[M]:
    """Filter `queryset` down to what `user` may `action`, in SQL."""
    return queryset.filter(condition(user, queryset.model, action))


def can(user: User | Any, action: Action, obj: Model) -> bool:
    """Tell whether `user` may `action` this one object (a single SQL query)."""
    model = type(obj)
    return visible(user, model._default_manager.filter(pk=obj.pk), action).exists()


class Denied(Http404):
    """A 404 that tells the audit which object was asked for and whether it exists."""

    def __init__(self, object_type: str, object_id: str, *, exists: bool) -> None:
        super().__init__("not found")
        self.object_type = object_type
        self.object_id = object_id
        self.exists = exists


def get_visible_or_404[M: Model](
    user: User | Any, queryset: QuerySet[M], action: Action = Action.VIEW, **lookup: Any
) -> M:
    """Return the one object matching `lookup` that `user` may `action`, or raise Denied."""
    try:
        return visible(user, queryset, action).get(**lookup)
    except ObjectDoesNotExist:
        exists = queryset.filter(**lookup).exists()
        object_id = str(next(iter(lookup.values()), ""))
        raise Denied(queryset.model._meta.label_lower, object_id, exists=exists) from None


# --- Rules ---------------------------------------------------------------------------------


@rule("accounts.organisation")
def _organisations(user: User, action: Action) -> Q:
    # The names of all active organisations are needed to work together.
    if action is Action.NAME:
        return Q(is_active=True)
    if user.has_role(Role.NATIONAL_ADMIN):
        return Q()
    if action is Action.VIEW:
        return Q(pk=user.organisation_id)
    return NOTHING


@rule("accounts.user")
def _users(user: User, action: Action) -> Q:
    own = Q(organisation_id=user.organisation_id)
    national = user.has_role(Role.NATIONAL_ADMIN)
    if action in (Action.NAME, Action.VIEW):
        # Colleagues in the own organisation; a national administrator also sees who
        # administers each organisation, so that every organisation can be reached.
        if national:
            return own | Q(pk__in=_ids_with_role(Role.FUNCTIONAL_ADMIN))
        return own
    conditions = NOTHING
    if user.has_role(Role.FUNCTIONAL_ADMIN):
        conditions |= own
    if national:
        conditions |= Q(pk__in=_ids_with_role(Role.FUNCTIONAL_ADMIN))
    return conditions


def _ids_with_role(role: Role) -> QuerySet[Any]:
    return RoleAssignment.objects.filter(role=role).values("user_id")


@rule("audit.auditevent")
def _audit_events(user: User, action: Action) -> Q:
    # Only the privacy officer (FG) reads the log: events by or about their organisation,
    # and, for the operator's FG, events that belong to no organisation (unknown logins).
    if action is not Action.VIEW or not user.has_role(Role.PRIVACY_OFFICER):
        return NOTHING
    org = user.organisation_id
    mine = Q(actor_organisation_id=org) | Q(object_organisation_id=org)
    if user.organisation.is_operator:
        mine |= Q(actor_organisation__isnull=True, object_organisation__isnull=True)
    return mine


@rule("frameworks.frameworkversion")
def _framework_versions(user: User, action: Action) -> Q:
    # Published (and withdrawn) frameworks are the shared reference for everybody; drafts
    # are seen and changed by national administrators only.
    national = user.has_role(Role.NATIONAL_ADMIN)
    if action in (Action.EDIT, Action.MANAGE):
        return Q() if national else NOTHING
    return Q() if national else ~Q(status="draft")


@rule("frameworks.frameworkrow")
def _framework_rows(user: User, action: Action) -> Q:
    if action in (Action.EDIT, Action.MANAGE):
        return NOTHING  # rows change only by loading a new version
    return Q() if user.has_role(Role.NATIONAL_ADMIN) else ~Q(version__status="draft")


# --- Signals, persons and cases ----------------------------------------------------------------
#
# Municipality staff with these roles see every case of their own municipality (the mayor
# holds the regie over the PGA case consultation, Wet PGA; the case director and the security
# adviser run it). Everybody else sees a case only while on its team.
MUNICIPALITY_WIDE_VIEW = (Role.CASE_DIRECTOR, Role.SECURITY_ADVISER, Role.MAYOR)
MUNICIPALITY_WIDE_EDIT = (Role.CASE_DIRECTOR, Role.SECURITY_ADVISER)
# Municipality staff who form the triage team (weegploeg) with the partners given a seat.
TRIAGE_ROLES = (Role.CASE_DIRECTOR, Role.SECURITY_ADVISER)


def _has_any(user: User, roles: tuple[Role, ...]) -> bool:
    return any(user.has_role(role) for role in roles)


def _own_municipality(user: User, roles: tuple[Role, ...], field: str = "municipality_id") -> Q:
    """Rows of the user's own organisation, for users with one of `roles` in a municipality."""
    if user.organisation.type == OrganisationType.MUNICIPALITY and _has_any(user, roles):
        return Q(**{field: user.organisation_id})
    return NOTHING


def triage_municipalities(user: User) -> Q:
    """Filter organisations to the municipalities whose triage team `user` is on."""
    seats = TriageSeat.objects.filter(user_id=user.pk).values("municipality_id")
    return _own_municipality(user, TRIAGE_ROLES, "pk") | Q(pk__in=seats)


def _triage(user: User, field: str = "municipality_id") -> Q:
    seats = TriageSeat.objects.filter(user_id=user.pk).values("municipality_id")
    return _own_municipality(user, TRIAGE_ROLES, field) | Q(**{f"{field}__in": seats})


def _team(user: User) -> QuerySet[Any]:
    return CaseMember.objects.filter(user_id=user.pk, removed_at__isnull=True).values("case_id")


@rule("intake.triageseat")
def _triage_seats(user: User, action: Action) -> Q:
    # The municipality's functional administrator and case directors manage its triage team.
    admins = (Role.FUNCTIONAL_ADMIN, Role.CASE_DIRECTOR)
    if action is Action.MANAGE:
        return _own_municipality(user, admins)
    return _own_municipality(user, (*admins, *TRIAGE_ROLES)) | Q(user_id=user.pk)


@rule("intake.signal")
def _signals(user: User, action: Action) -> Q:
    # NAME is the reporter's view: the status of their own signals, never the case behind it.
    if action is Action.NAME:
        return Q(reporter_id=user.pk) | _triage(user)
    return _triage(user)


@rule("intake.attachment")
def _attachments(user: User, action: Action) -> Q:
    if action in (Action.EDIT, Action.MANAGE):
        return NOTHING  # an attachment is never changed, only sent with its signal
    return _triage(user, "signal__municipality_id")


def _cases(user: User, action: Action) -> Q:
    if action is Action.MANAGE:
        # Team, stage, phase, closing and transfer: the case director and the municipality's
        # case directors.
        return Q(case_director_id=user.pk) | _own_municipality(user, (Role.CASE_DIRECTOR,))
    roles = MUNICIPALITY_WIDE_EDIT if action is Action.EDIT else MUNICIPALITY_WIDE_VIEW
    own = _own_municipality(user, roles)
    if own is NOTHING:
        return Q(pk__in=_team(user))
    # A municipality-wide user sees the municipality's cases, which hold every team they can be
    # on: a municipality's staff join only its own cases (cases.services.add_member), a user
    # never changes organisation, and a transfer ends the whole team. Leaving the team out keeps
    # this a plain index walk; an OR with the team subquery made the database test every case
    # in the table (docs/benchmarks.md).
    return own


rule("cases.case")(_cases)


def _case_part(user: User, action: Action) -> Q:
    return Q(case__in=Case.objects.filter(_cases(user, action)).values("pk"))


rule("cases.intervention")(_case_part)
rule("cases.casemember")(_case_part)
rule("cases.casetransition")(_case_part)


@rule("cases.person")
def _persons(user: User, action: Action) -> Q:
    # The triage team searches the persons of its municipality; a case team sees its person.
    if action is Action.MANAGE:
        return _triage(user)
    with_case = Case.objects.filter(_cases(user, Action.VIEW)).values("person_id")
    return _triage(user) | Q(pk__in=with_case)


@rule("cases.transfer")
def _transfers(user: User, action: Action) -> Q:
    # The receiving municipality's case directors decide; the sending side sees the stub.
    receiving = _own_municipality(user, (Role.CASE_DIRECTOR,), "to_municipality_id")
    if action is Action.MANAGE:
        return receiving
    return receiving | _own_municipality(user, MUNICIPALITY_WIDE_EDIT, "from_municipality_id")


@rule("accounts.apitoken")
def _api_tokens(user: User, action: Action) -> Q:
    # An API key is personal: only its own user sees and revokes it.
    return Q(user_id=user.pk)
