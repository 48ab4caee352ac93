"""Record information on a case: notes, documents, summaries and attachments by compartment.

An item is recorded once and never changed. Its compartment (the source: police, OM, AIVD,
care, municipality) decides who reads it (sharing/rules/compartments.py); a user records only
in the compartments they read afterwards. An AIVD item is the summary of an official report,
never its underlying material. A care item names its ground: the consent of a voluntary
intervention of the case (its readers are the organisations that consent names), a conflict of
duties or a statutory exception (with the reason).
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import User
from samenspel.audit.events import Event, Outcome
from samenspel.cases.models import (
    ITEM_TEXT_MAX,
    ITEM_TITLE_MAX,
    CareBasis,
    Case,
    Compartment,
    Consent,
    InformationItem,
    Intervention,
    ItemKind,
)
from samenspel.cases.services._common import PURPOSE, _check_open, _same_submitter
from samenspel.lib.files import sniff
from samenspel.sharing.policy import require
from samenspel.sharing.rules.compartments import recordable_compartments

SOURCE_MAX = 300
REASON_MAX = 4000
FILE_NAME_MAX = 200


@dataclasses.dataclass(frozen=True)
class ItemFile:
    """A file as received from a form or the API."""

    name: str
    content: bytes


def _refuse(case: Case, by: User, field: str, message: str, **details: str) -> NoReturn:
    """Audit a refusal the user could not have avoided by typing better, and explain it."""
    audit.record(
        Event.INFORMATION_REFUSED,
        by=by,
        obj=case,
        purpose=PURPOSE,
        outcome=Outcome.DENIED,
        **details,
    )
    raise ValidationError({field: message})


def _file_errors(file: ItemFile) -> tuple[str, str]:
    """Return (error, content type) for a file."""
    if not file.content:
        return _("%(name)s is leeg.") % {"name": file.name[:80]}, ""
    if len(file.content) > settings.ATTACHMENT_MAX_BYTES:
        return _("%(name)s is te groot: ten hoogste %(mb)s MB.") % {
            "name": file.name[:80],
            "mb": settings.ATTACHMENT_MAX_BYTES // 1_048_576,
        }, ""
    content_type = sniff(file.name, file.content)
    if content_type is None:
        return _(
            "%(name)s heeft een soort bestand dat niet mag. Stuur PDF, PNG, JPEG of tekst."
        ) % {"name": file.name[:80]}, ""
    return "", content_type


def record_information(
    case: Case,
    *,
    kind: str,
    compartment: str,
    title: str,
    text: str = "",
    source: str = "",
    file: ItemFile | None = None,
    care_basis: str = "",
    consent_of: uuid.UUID | None = None,
    basis_reason: str = "",
    submission_key: str = "",
    by: User,
) -> InformationItem:
    """Record one information item on `case`; raise ValidationError with Dutch field messages.

    A second call with the same non-empty `submission_key` returns the first item.
    """
    require(by, "case.record_information", on=case)
    submission_key = submission_key.strip()[:64]
    if submission_key:
        existing = InformationItem.objects.filter(case=case, submission_key=submission_key).first()
        if existing is not None:
            return _same_submitter(existing, by)
    _check_open(case)
    if compartment not in Compartment.values:
        raise ValidationError({"compartment": _("Kies een bron uit de lijst.")})
    if compartment not in recordable_compartments(by, case):
        _refuse(
            case,
            by,
            "compartment",
            _(
                "U kunt geen informatie uit deze bron vastleggen: u mag die zelf niet lezen. "
                "Vraag de organisatie die de informatie heeft om die vast te leggen."
            ),
            compartment=compartment,
        )
    errors: dict[str, str] = {}
    if kind not in ItemKind.values:
        errors["kind"] = _("Kies een soort uit de lijst.")
    title = title.strip()
    if not title:
        errors["title"] = _("Geef de informatie een titel.")
    elif len(title) > ITEM_TITLE_MAX:
        errors["title"] = _("Gebruik ten hoogste %(n)d tekens.") % {"n": ITEM_TITLE_MAX}
    text = text.strip()
    if len(text) > ITEM_TEXT_MAX:
        errors["text"] = _("Gebruik ten hoogste %(n)d tekens.") % {"n": ITEM_TEXT_MAX}
    source = source.strip()
    if len(source) > SOURCE_MAX:
        errors["source"] = _("Gebruik ten hoogste %(n)d tekens.") % {"n": SOURCE_MAX}
    content_type = ""
    if file is not None:
        message, content_type = _file_errors(file)
        if message:
            errors["file"] = message
    if not text and file is None:
        errors["text"] = _("Schrijf de informatie op of voeg een bestand toe.")
    if compartment == Compartment.AIVD:
        if kind != ItemKind.SUMMARY:
            errors["kind"] = _(
                "Van een AIVD-ambtsbericht legt u alleen de samenvatting vast (Wiv)."
            )
        if file is not None:
            errors["file"] = _(
                "Voeg bij een AIVD-ambtsbericht geen bestand toe: alleen de samenvatting, "
                "nooit onderliggend materiaal."
            )
        if not source:
            errors["source"] = _("Geef het kenmerk en de datum van het ambtsbericht.")
    consent_intervention = _care_errors(
        case, compartment, care_basis, consent_of, basis_reason, errors
    )
    basis_reason = basis_reason.strip()
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            item = InformationItem.objects.create(
                case=case,
                kind=kind,
                compartment=compartment,
                title=title,
                text=text,
                source=source,
                file_name=(file.name.strip() or "bestand")[:FILE_NAME_MAX] if file else "",
                file_type=content_type,
                file_size=len(file.content) if file else 0,
                file_sha256=hashlib.sha256(file.content).hexdigest() if file else "",
                file_content=file.content if file else b"",
                care_basis=care_basis if compartment == Compartment.CARE else "",
                consent_of=consent_intervention,
                basis_reason=basis_reason if compartment == Compartment.CARE else "",
                organisation_id=by.organisation_id,
                created_by=by,
                submission_key=submission_key,
            )
            Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
            audit.record(
                Event.INFORMATION_RECORDED,
                by=by,
                obj=case,
                purpose=PURPOSE,
                item=str(item.uuid),
                compartment=compartment,
                kind=kind,
                care_basis=item.care_basis,
                file=bool(file),
            )
    except IntegrityError:
        if not submission_key:
            raise
        # The same submission raced with itself: the first one won.
        first = InformationItem.objects.get(case=case, submission_key=submission_key)
        return _same_submitter(first, by)
    return item


def _care_errors(
    case: Case,
    compartment: str,
    care_basis: str,
    consent_of: uuid.UUID | None,
    basis_reason: str,
    errors: dict[str, str],
) -> Intervention | None:
    """Check the ground for sharing care information; return the consent's intervention."""
    if compartment != Compartment.CARE:
        if care_basis:
            errors["care_basis"] = _("Alleen zorginformatie heeft een grond om te delen.")
        return None
    if care_basis not in CareBasis.values:
        errors["care_basis"] = _(
            "Zorginformatie valt onder het beroepsgeheim: kies op welke grond u die deelt."
        )
        return None
    if care_basis == CareBasis.CONSENT:
        intervention = (
            Intervention.objects.filter(case=case, uuid=consent_of, voluntary=True).first()
            if consent_of
            else None
        )
        if intervention is None:
            errors["consent_of"] = _(
                "Kies de vrijwillige interventie van deze casus waarvoor de persoon "
                "toestemming gaf."
            )
        elif intervention.consent != Consent.GIVEN:
            errors["consent_of"] = _(
                "Voor deze interventie is geen toestemming vastgelegd. Leg eerst de toestemming "
                "vast, of kies een andere grond."
            )
        return intervention
    reason = basis_reason.strip()
    if not reason:
        errors["basis_reason"] = _(
            "Leg uit waarom u deelt zonder toestemming (conflict van plichten of de wettelijke "
            "uitzondering)."
        )
    elif len(reason) > REASON_MAX:
        errors["basis_reason"] = _("Gebruik ten hoogste %(n)d tekens.") % {"n": REASON_MAX}
    return None
