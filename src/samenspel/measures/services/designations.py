"""The mayor designates officials who read the mayor's dossiers and AIVD summaries."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation, User
from samenspel.audit.events import Event, Purpose
from samenspel.measures.models import (
    Designation,
)
from samenspel.measures.services._common import (
    TEXT_MAX,
)
from samenspel.sharing.policy import require
from samenspel.sharing.rules.measures import not_designable


def designate(
    municipality: Organisation, *, user: User | None, reason: str, by: User
) -> Designation:
    """The mayor designates an official to read the mayor's dossiers and AIVD summaries."""
    require(by, "designation.manage", within=municipality)
    errors: dict[str, str] = {}
    if user is None or user.organisation_id != municipality.pk or not user.is_active:
        errors["user"] = _("Kies een medewerker van uw gemeente.")
    elif not_designable(user) == "mayor":
        errors["user"] = _("De burgemeester leest deze stukken al.")
    elif not_designable(user) == "privacy":
        errors["user"] = _("De functionaris gegevensbescherming werkt niet aan casussen.")
    reason = reason.strip()
    if not reason:
        errors["reason"] = _("Schrijf waarvoor u deze ambtenaar aanwijst.")
    elif len(reason) > TEXT_MAX:
        errors["reason"] = _("Gebruik ten hoogste %(n)d tekens.") % {"n": TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    assert user is not None  # noqa: S101 - checked above
    try:
        with transaction.atomic():
            designation = Designation.objects.create(
                municipality=municipality, user=user, reason=reason, designated_by=by
            )
            audit.record(
                Event.DESIGNATION_MADE,
                by=by,
                obj=designation,
                purpose=Purpose.ADMINISTRATION,
                user=str(user.uuid),
            )
    except IntegrityError:
        raise ValidationError({"user": _("Deze medewerker is al aangewezen.")}) from None
    return designation


def end_designation(designation: Designation, *, by: User) -> Designation:
    """End a designation; the official's access ends at once."""
    require(by, "designation.manage", within=designation.municipality)
    with transaction.atomic():
        updated = Designation.objects.filter(pk=designation.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), ended_by=by
        )
        if updated:
            audit.record(
                Event.DESIGNATION_ENDED, by=by, obj=designation, purpose=Purpose.ADMINISTRATION
            )
    designation.refresh_from_db()
    return designation
