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

from samenspel.accounts.models import Role, RoleAssignment

if TYPE_CHECKING:
    from samenspel.accounts.models import User


class Action(StrEnum):
    """What a user wants to do with a row."""

    NAME = "name"  # see that it exists, with its name: what working together needs
    VIEW = "view"  # see its details
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
    if action is Action.MANAGE:
        return Q() if national else NOTHING
    return Q() if national else ~Q(status="draft")


@rule("frameworks.frameworkrow")
def _framework_rows(user: User, action: Action) -> Q:
    if action is Action.MANAGE:
        return NOTHING  # rows change only by loading a new version
    return Q() if user.has_role(Role.NATIONAL_ADMIN) else ~Q(version__status="draft")
