"""Read organisations and users, always starting from the access policy.

Reads that show an organisation or a user are audited here, so that a page and the API leave
the same record.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest

from samenspel import audit
from samenspel.accounts.models import ApiToken, Organisation, RoleAssignment, User
from samenspel.audit.events import Event, Purpose
from samenspel.sharing.policy import Action, get_visible_or_404, visible

PURPOSE = Purpose.ADMINISTRATION


def organisations_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Organisation]:
    """Return the organisations `user` may see (or manage), by name."""
    return visible(user, Organisation.objects.all(), action).order_by("name")


def organisation_directory(user: Any) -> QuerySet[Organisation]:
    """Return the names of all active organisations, for working together."""
    return organisations_visible_to(user, Action.NAME).only("uuid", "name", "type", "region")


def directory_list(user: Any) -> list[Organisation]:
    """Return the names of all active organisations (to report a signal to, to work with);
    the read is audited."""
    organisations = list(organisation_directory(user))
    audit.record(
        Event.ORGANISATION_LIST_VIEWED,
        by=user,
        purpose=PURPOSE,
        count=len(organisations),
        directory=True,
    )
    return organisations


def organisation_list(user: Any) -> list[Organisation]:
    """Return the organisations `user` may see; the read is audited."""
    organisations = list(organisations_visible_to(user))
    audit.record(Event.ORGANISATION_LIST_VIEWED, by=user, purpose=PURPOSE, count=len(organisations))
    return organisations


def get_organisation_for(
    user: Any,
    org_uuid: uuid.UUID,
    action: Action = Action.VIEW,
    *,
    record_read: bool = False,
    page: str = "",
) -> Organisation:
    """Return one organisation `user` may see (or manage), or raise a 404; audit a read."""
    org = get_visible_or_404(user, Organisation.objects.all(), action, uuid=org_uuid)
    if record_read:
        details: dict[str, Any] = {"page": page} if page else {}
        audit.record(Event.ORGANISATION_VIEWED, by=user, obj=org, purpose=PURPOSE, **details)
    return org


def _with_roles(qs: QuerySet[User]) -> QuerySet[User]:
    return qs.select_related("organisation").prefetch_related(
        Prefetch("roles", queryset=RoleAssignment.objects.order_by("role"))
    )


def users_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[User]:
    """Return the users `user` may see (or manage), with organisation and roles."""
    return _with_roles(visible(user, User.objects.all(), action)).order_by("full_name", "username")


def user_list(user: Any) -> list[User]:
    """Return the users `user` may see; the read is audited."""
    users = list(users_visible_to(user))
    audit.record(Event.USER_LIST_VIEWED, by=user, purpose=PURPOSE, count=len(users))
    return users


def get_user_for(
    user: Any,
    user_uuid: uuid.UUID,
    action: Action = Action.VIEW,
    *,
    record_read: bool = False,
    page: str = "",
) -> User:
    """Return one user `user` may see (or manage), or raise a 404; audit a read."""
    found = get_visible_or_404(user, _with_roles(User.objects.all()), action, uuid=user_uuid)
    if record_read:
        details: dict[str, Any] = {"page": page} if page else {}
        audit.record(Event.USER_VIEWED, by=user, obj=found, purpose=PURPOSE, **details)
    return found


def own_account(user: User, *, page: str) -> User:
    """Return the user's own account for one of its pages; the read is audited."""
    audit.record(Event.USER_VIEWED, by=user, obj=user, purpose=Purpose.AUTHENTICATION, page=page)
    return user


def record_page_read(user: User, *, page: str, purpose: Purpose = Purpose.ADMINISTRATION) -> None:
    """Audit that `user` opened a page that shows no stored object (a blank form)."""
    audit.record(Event.PAGE_VIEWED, by=user, purpose=purpose, page=page)


def roles_of(user: User) -> list[str]:
    """Return the role codes of a user fetched through these selectors."""
    return sorted(assignment.role for assignment in user.roles.all())


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    """Return the user's own API keys, newest first (never the secrets: only hashes exist)."""
    return visible(user, ApiToken.objects.all())  # the policy: only their own


def get_api_token_for(user: Any, token_uuid: uuid.UUID, action: Action = Action.VIEW) -> ApiToken:
    """Return one of the user's own API keys, or raise a 404."""
    return get_visible_or_404(
        user, ApiToken.objects.select_related("user"), action, uuid=token_uuid
    )


def api_tokens_for_operator(*, user: User | None = None) -> QuerySet[ApiToken]:
    """Return API keys for the operator at the command line, who holds the database anyway."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    return tokens.filter(user=user) if user is not None else tokens


def request_user(request: HttpRequest) -> User:
    """Return the logged-in user; the middleware lets only verified users reach the views."""
    user = request.user
    if not isinstance(user, User):  # RequireVerifiedLoginMiddleware lets no one else through
        raise PermissionDenied
    return user


def is_verified(user: object) -> bool:
    """Tell whether a user passed the second factor (django-otp adds is_verified at runtime)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False
