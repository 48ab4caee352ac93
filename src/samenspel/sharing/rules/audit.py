"""Rules for the audit log: only the privacy officer (FG) reads it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from samenspel.accounts.models import Role
from samenspel.sharing.policy import NOTHING, Action, rule, verb

if TYPE_CHECKING:
    from samenspel.accounts.models import User


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


@verb("audit.read")
def _read_log(user: User, on: Any, within: Any) -> bool:
    return user.has_role(Role.PRIVACY_OFFICER)
