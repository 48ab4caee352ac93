"""Rules for signals, their attachments and the triage team (weegploeg)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from samenspel.accounts.models import Organisation, OrganisationType, Role
from samenspel.intake.models import TriageSeat
from samenspel.sharing.policy import NOTHING, Action, rule, verb
from samenspel.sharing.rules.common import TRIAGE_ROLES, in_municipality, own_municipality

if TYPE_CHECKING:
    from samenspel.accounts.models import User

# The municipality's functional administrator and case directors manage its triage team.
SEAT_ADMINS = (Role.FUNCTIONAL_ADMIN, Role.CASE_DIRECTOR)


def triage_municipalities(user: User) -> Q:
    """Filter organisations to the municipalities whose triage team `user` is on."""
    seats = TriageSeat.objects.filter(user_id=user.pk).values("municipality_id")
    return own_municipality(user, TRIAGE_ROLES, "pk") | Q(pk__in=seats)


def triage(user: User, field: str = "municipality_id") -> Q:
    """Rows of the municipalities whose triage team `user` is on."""
    seats = TriageSeat.objects.filter(user_id=user.pk).values("municipality_id")
    return own_municipality(user, TRIAGE_ROLES, field) | Q(**{f"{field}__in": seats})


def triages(user: User, municipality: Organisation) -> bool:
    """Tell whether `user` is on the triage team of `municipality`."""
    return Organisation.objects.filter(triage_municipalities(user), pk=municipality.pk).exists()


@rule("intake.triageseat")
def _triage_seats(user: User, action: Action) -> Q:
    if action is Action.MANAGE:
        return own_municipality(user, SEAT_ADMINS)
    return own_municipality(user, (*SEAT_ADMINS, *TRIAGE_ROLES)) | Q(user_id=user.pk)


@rule("intake.signal")
def _signals(user: User, action: Action) -> Q:
    # NAME is the reporter's view: the status of their own signals, never the case behind it.
    if action is Action.NAME:
        return Q(reporter_id=user.pk) | triage(user)
    return triage(user)


@rule("intake.attachment")
def _attachments(user: User, action: Action) -> Q:
    if action in (Action.EDIT, Action.MANAGE):
        return NOTHING  # an attachment is never changed, only sent with its signal
    return triage(user, "signal__municipality_id")


@verb("signal.report")
def _report(user: User, on: Any, within: Any) -> bool:
    # Any active professional of a partner organisation reports; the AIVD has no users here.
    return bool(user.organisation.is_active and user.organisation.type != OrganisationType.AIVD)


@verb("signal.triage")
def _triage(user: User, on: Any, within: Organisation) -> bool:
    return triages(user, within)


@verb("triage_seat.manage")
def _manage_seats(user: User, on: Any, within: Organisation | None) -> bool:
    # Without `within`: whether the user manages the triage team of some municipality.
    if within is None:
        return own_municipality(user, SEAT_ADMINS) is not NOTHING
    return in_municipality(user, within) and any(user.has_role(r) for r in SEAT_ADMINS)
