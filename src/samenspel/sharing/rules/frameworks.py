"""Rules for the framework: published versions are for everybody, drafts for national admins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from samenspel.accounts.models import Role
from samenspel.sharing.policy import NOTHING, Action, rule, verb

if TYPE_CHECKING:
    from samenspel.accounts.models import User


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


@verb("framework.manage")
def _manage_framework(user: User, on: Any, within: Any) -> bool:
    # Loading, publishing and withdrawing framework versions.
    return user.has_role(Role.NATIONAL_ADMIN)
