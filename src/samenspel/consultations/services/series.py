"""Set up a standing case consultation and its partners, each with its legal ground."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation, OrganisationType, User
from samenspel.audit.events import Event
from samenspel.consultations.models import (
    PartnerKind,
    Series,
    SeriesPartner,
)
from samenspel.consultations.services._common import (
    PURPOSE,
    _manage,
)
from samenspel.sharing.policy import allowed, require

__all__ = [
    "add_partner",
    "create_series",
]


def create_series(
    *, owner: Organisation, name: str, chair: User | None, secretary: User | None, by: User
) -> Series:
    """Set up a standing case consultation for a municipality or a ZVH."""
    require(by, "series.create", within=owner)
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Geef het casusoverleg een naam.")
    elif Series.objects.filter(owner=owner, name__iexact=name).exists():
        errors["name"] = _("Uw organisatie heeft al een casusoverleg met deze naam.")
    if chair is None or not allowed(chair, "series.chair", within=owner):
        errors["chair"] = _(
            "Kies als voorzitter een procesregisseur of casusregisseur van uw organisatie."
        )
    if secretary is not None and secretary.organisation_id != owner.pk:
        errors["secretary"] = _("Kies als secretaris iemand van uw organisatie.")
    if errors or chair is None:
        raise ValidationError(errors)
    region = owner.region if owner.type == OrganisationType.ZVH else ""
    with transaction.atomic():
        series = Series.objects.create(
            owner=owner,
            name=name,
            region=region,
            chair=chair,
            secretary=secretary,
            created_by=by,
        )
        # The organiser is always a core partner: the municipality (or the ZVH acting for
        # the municipalities of its region) shares under the Wet PGA.
        SeriesPartner.objects.create(
            series=series,
            organisation=owner,
            kind=PartnerKind.CORE,
            legal_ground=_("Organisator van het casusoverleg (Wet PGA)."),
            added_by=by,
        )
        audit.record(Event.SERIES_CREATED, by=by, obj=series, purpose=PURPOSE)
    return series


def add_partner(
    series: Series,
    *,
    organisation: Organisation | None,
    kind: str,
    legal_ground: str,
    flow: str = "",
    by: User,
) -> SeriesPartner:
    """Add a core or casus partner to a series, with the legal ground under which it shares."""
    _manage(by, series)
    errors: dict[str, str] = {}
    if organisation is None or not organisation.is_active or not organisation.can_have_users:
        errors["organisation"] = _("Kies een organisatie uit de lijst.")
    elif SeriesPartner.objects.filter(series=series, organisation=organisation).exists():
        errors["organisation"] = _("Deze organisatie is al partner van dit casusoverleg.")
    if kind not in PartnerKind.values:
        errors["kind"] = _("Kies kernpartner of casuspartner.")
    if not legal_ground.strip():
        errors["legal_ground"] = _(
            "Noem de grondslag waarop deze partner gegevens deelt, bijvoorbeeld art. 18 lid 2 Wpg."
        )
    if errors or organisation is None:
        raise ValidationError(errors)
    with transaction.atomic():
        partner = SeriesPartner.objects.create(
            series=series,
            organisation=organisation,
            kind=kind,
            flow=flow.strip()[:16],
            legal_ground=legal_ground.strip(),
            added_by=by,
        )
        audit.record(
            Event.SERIES_PARTNER_ADDED,
            by=by,
            obj=series,
            purpose=PURPOSE,
            organisation=str(organisation.uuid),
            kind=kind,
        )
    return partner
