"""Register persons in a municipality."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation, User
from samenspel.audit.events import Event
from samenspel.cases.models import Person
from samenspel.cases.services._common import PURPOSE
from samenspel.lib.bsn import bsn_error, normalise_bsn
from samenspel.lib.names import name_key
from samenspel.sharing.policy import Denied, allowed

# --- Persons -------------------------------------------------------------------------------


def clean_person(
    *, family_name: str, given_names: str, birth_date: dt.date | None, bsn: str
) -> dict[str, str]:
    """Return field errors for person data (shared by the signal form and triage)."""
    errors: dict[str, str] = {}
    if not family_name.strip():
        errors["family_name"] = _("Vul de achternaam in.")
    if birth_date is not None and birth_date > timezone.localdate():
        errors["birth_date"] = _("De geboortedatum ligt in de toekomst.")
    if birth_date is not None and birth_date.year < 1900:
        errors["birth_date"] = _("Controleer het jaar van de geboortedatum.")
    if bsn.strip() and (message := bsn_error(bsn)):
        errors["bsn"] = message
    return errors


def create_person(
    *,
    municipality: Organisation,
    family_name: str,
    given_names: str = "",
    birth_date: dt.date | None = None,
    bsn: str = "",
    address: str = "",
    by: User,
) -> Person:
    """Register a person in a municipality (at triage, or when a case moves there)."""
    if not allowed(by, "person.register", within=municipality):
        raise Denied("cases.person", "", exists=False)
    errors = clean_person(
        family_name=family_name, given_names=given_names, birth_date=birth_date, bsn=bsn
    )
    bsn = normalise_bsn(bsn) if bsn.strip() else ""
    if bsn and Person.objects.filter(municipality=municipality, bsn=bsn).exists():
        errors["bsn"] = _("Er is al een persoon met dit BSN in deze gemeente. Koppel die persoon.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        person = _insert_person(
            municipality=municipality,
            family_name=family_name,
            given_names=given_names,
            birth_date=birth_date,
            bsn=bsn,
            address=address,
        )
        audit.record(Event.PERSON_CREATED, by=by, obj=person, purpose=PURPOSE)
    return person


def _insert_person(
    *,
    municipality: Organisation,
    family_name: str,
    given_names: str,
    birth_date: dt.date | None,
    bsn: str,
    address: str,
) -> Person:
    full = f"{given_names} {family_name}"
    return Person.objects.create(
        municipality=municipality,
        family_name=family_name.strip(),
        given_names=given_names.strip(),
        birth_date=birth_date,
        bsn=bsn,
        address=address.strip(),
        name_key=name_key(full)[:400],
    )


def remove_unused_person(person: Person, *, by: User) -> bool:
    """Remove a person record that no case and no signal refers to any more, with its record.

    After a warm transfer the sending municipality keeps no person data: only the stub.
    """
    if person.cases.exists() or person.signals.exists():
        return False
    with transaction.atomic():
        audit.record(
            Event.PERSON_REMOVED,
            by=by,
            obj=person,
            purpose=PURPOSE,
            municipality=str(person.municipality.uuid),
        )
        person.delete()
    return True
