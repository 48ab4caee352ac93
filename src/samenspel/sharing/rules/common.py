"""Helpers shared by the rules modules: roles that reach a whole municipality, and teams."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from samenspel.accounts.models import OrganisationType, Role
from samenspel.sharing.policy import NOTHING

if TYPE_CHECKING:
    from samenspel.accounts.models import Organisation, User

# Municipality staff with these roles see every case of their own municipality (the mayor
# holds the regie over the PGA case consultation, Wet PGA; the case director and the security
# adviser run it). Everybody else sees a case only while on its team.
MUNICIPALITY_WIDE_VIEW = (Role.CASE_DIRECTOR, Role.SECURITY_ADVISER, Role.MAYOR)
MUNICIPALITY_WIDE_EDIT = (Role.CASE_DIRECTOR, Role.SECURITY_ADVISER)
# Municipality staff who form the triage team (weegploeg) with the partners given a seat.
TRIAGE_ROLES = (Role.CASE_DIRECTOR, Role.SECURITY_ADVISER)


def has_any(user: User, roles: tuple[Role, ...]) -> bool:
    return any(user.has_role(role) for role in roles)


def in_municipality(user: User, municipality: Organisation | None) -> bool:
    """Tell whether `user` works for `municipality` (and it is one)."""
    return bool(
        municipality is not None
        and municipality.type == OrganisationType.MUNICIPALITY
        and user.organisation_id == municipality.pk
    )


def own_municipality(user: User, roles: tuple[Role, ...], field: str = "municipality_id") -> Q:
    """Rows of the user's own organisation, for users with one of `roles` in a municipality."""
    if user.organisation.type == OrganisationType.MUNICIPALITY and has_any(user, roles):
        return Q(**{field: user.organisation_id})
    return NOTHING
