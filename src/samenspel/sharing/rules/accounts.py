"""Rules for organisations, users and API keys, and who administers them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from samenspel.accounts.models import Organisation, Role, RoleAssignment
from samenspel.sharing.policy import NOTHING, Action, can, rule, verb

if TYPE_CHECKING:
    from samenspel.accounts.models import User


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


@rule("accounts.apitoken")
def _api_tokens(user: User, action: Action) -> Q:
    # An API key is personal: only its own user sees and revokes it.
    return Q(user_id=user.pk)


@verb("organisation.create")
def _create_organisation(user: User, on: Any, within: Any) -> bool:
    return user.has_role(Role.NATIONAL_ADMIN)


@verb("organisation.manage")
def _manage_organisation(user: User, on: Organisation, within: Any) -> bool:
    return can(user, Action.MANAGE, on)


@verb("user.create")
def _create_user(user: User, on: Any, within: Organisation | None) -> bool:
    # A functional administrator adds users to their own organisation; a national
    # administrator to any organisation that can have users. Without `within`: anywhere.
    national = user.has_role(Role.NATIONAL_ADMIN)
    own_admin = user.has_role(Role.FUNCTIONAL_ADMIN)
    if within is None:
        return national or own_admin
    return national or (own_admin and user.organisation_id == within.pk)


@verb("user.manage")
def _manage_user(user: User, on: Any, within: Any) -> bool:
    return can(user, Action.MANAGE, on)


@verb("user.appoint_national_admin")
def _appoint_national_admin(user: User, on: Any, within: Any) -> bool:
    return user.has_role(Role.NATIONAL_ADMIN)


@verb("user.appoint_roles")
def _appoint_roles(user: User, on: Any, within: Organisation) -> bool:
    # Every role in an organisation is up to its own functional administrators; a national
    # administrator appoints only the functional administrators of other organisations.
    return user.has_role(Role.FUNCTIONAL_ADMIN) and user.organisation_id == within.pk
