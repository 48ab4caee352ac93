"""The access policy's engine: which rows a user may reach, and whether a user may do a thing.

Two questions, one place:

- rows: `visible(user, queryset, action)` adds the rule's filter to a query, so lists, counts,
  searches and exports never load what the user may not see;
- verbs: `allowed(user, verb, on=obj, within=container)` answers "may I?" for one object (on)
  or for a container such as a municipality (within), where the row does not exist yet.

The rules themselves live in `sharing/rules/<app>.py`, one module per domain app, registered on
import (`SharingConfig.ready` imports them all). A model without a row rule is invisible to
everybody and an unknown verb is refused (deny by default). A denied object is a 404 that does
not reveal whether it exists; a denied verb on an object the user may see is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

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
VerbRule = Callable[["User", Any, Any], bool]
SubjectRule = Callable[[Any], Q]
_RULES: dict[str, Rule] = {}
_VERBS: dict[str, VerbRule] = {}
_SUBJECTS: dict[str, SubjectRule] = {}


def _register[F](registry: dict[str, F], key: str, kind: str) -> Callable[[F], F]:
    def register(func: F) -> F:
        if key in registry:
            raise RuntimeError(f"a sharing {kind} for {key} exists already")
        registry[key] = func
        return func

    return register


def rule(label: str) -> Callable[[Rule], Rule]:
    """Register the row rule for one model label (or part), once."""
    return _register(_RULES, label, "rule")


def verb(name: str) -> Callable[[VerbRule], VerbRule]:
    """Register the rule for one verb ("case.open"), once: `(user, on, within) -> bool`."""
    return _register(_VERBS, name, "verb")


def subjects(name: str) -> Callable[[SubjectRule], SubjectRule]:
    """Register which users may take part in a verb on an object, as a filter on users.

    For verbs whose subject is not the acting user but the one acted upon: who may join a
    case team is a filter on users, given the case.
    """
    return _register(_SUBJECTS, name, "subject rule")


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


def allowed(user: User | Any, verb: str, *, on: Any = None, within: Any = None) -> bool:
    """Tell whether `user` may do `verb`, on one object or within a container."""
    if verb not in _VERBS:
        raise LookupError(f"no sharing verb {verb}: it stays refused until one exists")
    if not is_active_user(user):
        return False
    return _VERBS[verb](user, on, within)


def eligible(verb: str, *, on: Any) -> Q:
    """Return the filter on users who may take part in `verb` on `on` (see `subjects`)."""
    if verb not in _SUBJECTS:
        raise LookupError(f"no subject rule for {verb}")
    return _SUBJECTS[verb](on) & Q(is_active=True, organisation__is_active=True)


class Denied(Http404):
    """A 404 that tells the audit which object was asked for and whether it exists."""

    def __init__(self, object_type: str, object_id: str, *, exists: bool) -> None:
        super().__init__("not found")
        self.object_type = object_type
        self.object_id = object_id
        self.exists = exists


def denied_for(obj: Model) -> Denied:
    """Return the 404 for an object that exists but is not the user's to reach."""
    return Denied(obj._meta.label_lower, str(getattr(obj, "uuid", obj.pk)), exists=True)


def require(user: User | Any, verb: str, *, on: Any = None, within: Any = None) -> None:
    """Refuse what `allowed` refuses: 404 where the user may not see `on`, 403 where they may.

    Without `on` the refusal is a 404 about the container (or about nothing), so that a
    user learns nothing about what they may not reach.
    """
    if allowed(user, verb, on=on, within=within):
        return
    if isinstance(on, Model):
        if type(on)._meta.label_lower in _RULES and can(user, Action.VIEW, on):
            raise PermissionDenied(verb)
        raise denied_for(on)
    if isinstance(within, Model):
        raise Denied(within._meta.label_lower, str(getattr(within, "uuid", within.pk)), exists=True)
    raise Denied(verb, "", exists=False)


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


def rule_labels() -> frozenset[str]:
    """Return the model labels that have a row rule (for the tests and the checks)."""
    return frozenset(_RULES)


def verb_names() -> frozenset[str]:
    """Return the registered verbs (for the tests and the checks)."""
    return frozenset(_VERBS)
