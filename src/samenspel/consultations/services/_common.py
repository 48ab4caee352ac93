"""Helpers shared by the consultation services: access checks, texts, participants."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from samenspel.accounts.models import OrganisationType, Role, User
from samenspel.audit.events import Purpose
from samenspel.cases.models import CaseMember, CaseStatus
from samenspel.consultations.models import (
    AgendaItem,
    Invitation,
    ItemNote,
    Meeting,
    Minutes,
    MinutesStatus,
    Series,
)
from samenspel.sharing.policy import require
from samenspel.sharing.rules.consultations import PARTICIPANT_ROLES

__all__ = [
    "current_minutes",
    "note_of",
    "participant_organisations",
    "series_cases",
]


PURPOSE = Purpose.COLLABORATION


TEXT_MAX = 8000
# Cases opened this long before a series' first meeting count as new on its first agenda.


ACTIVE_CASES = (CaseStatus.OPEN, CaseStatus.AFTERCARE)


def _text(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > TEXT_MAX:
        raise ValidationError({field: _("Gebruik ten hoogste %(n)d tekens.") % {"n": TEXT_MAX}})
    return value


def _manage(by: User, obj: Series | Meeting | AgendaItem) -> None:
    """Refuse a change by someone who does not run the series (404 unseen, 403 seen)."""
    series = obj if isinstance(obj, Series) else _series_of(obj)
    require(by, "series.manage", on=series)


def _series_of(obj: Meeting | AgendaItem) -> Series:
    return obj.series if isinstance(obj, Meeting) else obj.meeting.series


def series_cases(series: Series) -> Q:
    """Filter cases to those that may come on the series' agenda: its municipality or region."""
    if series.owner.type == OrganisationType.MUNICIPALITY:
        return Q(municipality_id=series.owner_id)
    if series.region:
        return Q(
            municipality__type=OrganisationType.MUNICIPALITY, municipality__region=series.region
        )
    return Q(pk__in=[])


def participant_organisations(item: AgendaItem) -> set[int]:
    """Return the organisations taking part in an item: the case team's and the invited ones."""
    team = CaseMember.objects.filter(case_id=item.case_id, removed_at__isnull=True).values_list(
        "organisation_id", flat=True
    )
    invited = Invitation.objects.filter(item=item).values_list("organisation_id", flat=True)
    return {item.case.municipality_id, *team, *invited}


def _participants(organisation_ids: Iterable[int]) -> list[User]:
    return list(
        User.objects.with_roles()
        .filter(
            organisation_id__in=set(organisation_ids),
            is_active=True,
            roles__role__in=PARTICIPANT_ROLES,
        )
        .exclude(roles__role=Role.PRIVACY_OFFICER)
        .distinct()
    )


def current_minutes(meeting: Meeting) -> Minutes | None:
    """Return the newest version of the meeting's minutes (the open one, if there is one)."""
    return Minutes.objects.filter(meeting=meeting).order_by("-number").first()


def _open_minutes(item: AgendaItem) -> Minutes:
    minutes = current_minutes(item.meeting)
    if minutes is None:
        raise ValidationError(_("Leg eerst vast dat het overleg is gehouden."))
    if minutes.status == MinutesStatus.APPROVED:
        raise ValidationError(
            _(
                "Het verslag is vastgesteld en verandert niet meer. "
                "Start een correctie met een reden als er iets niet klopt."
            )
        )
    return minutes


def note_of(item: AgendaItem) -> ItemNote | None:
    """Return the item's note in the newest minutes, if it has one."""
    minutes = current_minutes(item.meeting)
    if minutes is None:
        return None
    return ItemNote.objects.filter(minutes=minutes, item=item).first()
