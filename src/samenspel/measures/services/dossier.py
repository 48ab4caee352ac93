"""The decision dossier: information basis, verification, reasons, consultations, and
what a decision still misses (`missing_for_decision`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel.accounts.models import Role, User
from samenspel.audit.events import Event
from samenspel.lib.decisions import claim
from samenspel.lib.errors import StaleEdit
from samenspel.measures.models import (
    THIRD_PARTY,
    BasisItem,
    CaseMeasure,
    Compartment,
    Consultation,
    ConsultationKind,
    Dossier,
    PersonsView,
    Verification,
    VerificationResult,
)
from samenspel.measures.services._common import (
    SHORT_MAX,
    TEXT_MAX,
    _audit,
    _once,
    _require,
    _row,
    _text,
    _touch,
    is_mayors_measure,
)
from samenspel.notifications import services as notifications
from samenspel.notifications.models import Topic
from samenspel.sharing.policy import Action, allowed, can, denied_for
from samenspel.sharing.rules.measures import aivd_readers


def add_basis_item(
    measure: CaseMeasure,
    *,
    compartment: str,
    source: str,
    received_on: dt.date | None,
    summary: str,
    submission_key: str = "",
    by: User,
) -> BasisItem:
    """Add a piece of information the decision rests on, with its source and compartment.

    An AIVD official report goes in as its summary only; only the mayor and the officials the
    mayor designated can add (and read) it.
    """
    _require(by, "measure.prepare", measure)
    errors: dict[str, str] = {}
    if compartment not in Compartment.values:
        errors["compartment"] = _("Kies waar de informatie vandaan komt.")
    elif (
        compartment == Compartment.AIVD
        and not CaseMeasure.objects.filter(aivd_readers(by), pk=measure.pk).exists()
    ):
        errors["compartment"] = _(
            "Alleen de burgemeester en de ambtenaren die de burgemeester aanwijst, zien een "
            "ambtsbericht van de AIVD. Vraag hen dit toe te voegen."
        )
    for field, value, message, limit in (
        ("source", source, _("Noem de bron en het kenmerk."), SHORT_MAX),
        ("summary", summary, _("Schrijf op wat erin staat."), TEXT_MAX),
    ):
        try:
            _text(value, field, message, limit)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if received_on is None:
        errors["received_on"] = _("Vul de datum van ontvangst in.")
    elif received_on > timezone.localdate():
        errors["received_on"] = _("Deze datum ligt in de toekomst. Kies vandaag of eerder.")
    if errors:
        raise ValidationError(errors)
    assert received_on is not None  # noqa: S101 - checked above

    def make() -> BasisItem:
        with transaction.atomic():
            item = BasisItem.objects.create(
                submission_key=submission_key.strip()[:64],
                measure=measure,
                compartment=compartment,
                source=source.strip(),
                received_on=received_on,
                summary=summary.strip(),
                added_by=by,
            )
            _touch(measure)
            _audit(Event.MEASURE_BASIS_ADDED, measure, by, compartment=compartment)
        return item

    return _once(BasisItem, measure, submission_key, by, "added_by", make)


def add_verification(
    measure: CaseMeasure,
    *,
    asked: str,
    asked_on: dt.date | None,
    result: str,
    answer: str,
    submission_key: str = "",
    by: User,
) -> Verification:
    """Record that third-party information was checked: who was asked, when, what came back."""
    _require(by, "measure.prepare", measure)
    errors: dict[str, str] = {}
    for field, value, message, limit in (
        ("asked", asked, _("Noem wie u heeft gevraagd."), SHORT_MAX),
        ("answer", answer, _("Schrijf op wat wel en niet is bevestigd."), TEXT_MAX),
    ):
        try:
            _text(value, field, message, limit)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if result not in VerificationResult.values:
        errors["result"] = _("Kies de uitkomst.")
    if asked_on is None:
        errors["asked_on"] = _("Vul in wanneer u het vroeg.")
    elif asked_on > timezone.localdate():
        errors["asked_on"] = _("Deze datum ligt in de toekomst. Kies vandaag of eerder.")
    if errors:
        raise ValidationError(errors)
    assert asked_on is not None  # noqa: S101 - checked above

    def make() -> Verification:
        with transaction.atomic():
            verification = Verification.objects.create(
                submission_key=submission_key.strip()[:64],
                measure=measure,
                asked=asked.strip(),
                asked_on=asked_on,
                result=result,
                answer=answer.strip(),
                added_by=by,
            )
            _touch(measure)
            _audit(Event.MEASURE_VERIFIED, measure, by, result=result)
        return verification

    return _once(Verification, measure, submission_key, by, "added_by", make)


def save_reasons(
    measure: CaseMeasure,
    *,
    necessity: str,
    proportionality: str,
    subsidiarity: str,
    persons_view: str,
    persons_view_text: str,
    expected_version: int,
    by: User,
) -> Dossier:
    """Save the reasons (necessity, proportionality, subsidiarity) and the person's view.

    Parts may be saved half done; the decision asks for all of them. A save on an older
    version than the stored one raises StaleEdit and changes nothing.
    """
    _require(by, "measure.prepare", measure)
    errors: dict[str, str] = {}
    values = {
        "necessity": necessity.strip(),
        "proportionality": proportionality.strip(),
        "subsidiarity": subsidiarity.strip(),
        "persons_view_text": persons_view_text.strip(),
    }
    for field, value in values.items():
        if len(value) > TEXT_MAX:
            errors[field] = _("Gebruik ten hoogste %(n)d tekens.") % {"n": TEXT_MAX}
    if persons_view not in PersonsView.values:
        errors["persons_view"] = _("Kies een van de mogelijkheden.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = Dossier.objects.filter(measure=measure, version=expected_version).update(
            **values,
            persons_view=persons_view,
            updated_by=by,
            updated_at=timezone.now(),
            version=F("version") + 1,
        )
        if not updated:
            current = Dossier.objects.values_list("version", flat=True).get(measure=measure)
            raise StaleEdit("measures.dossier", current)
        _touch(measure)
        _audit(Event.MEASURE_REASONS_SAVED, measure, by)
    return Dossier.objects.get(measure=measure)


def add_consultation(
    measure: CaseMeasure,
    *,
    consulted: str,
    held_on: dt.date | None,
    outcome: str,
    submission_key: str = "",
    by: User,
) -> Consultation:
    """Record the consultation with local government before a measure: who, when, the advice."""
    _require(by, "measure.prepare", measure)
    errors: dict[str, str] = {}
    for field, value, message, limit in (
        ("consulted", consulted, _("Noem met wie u overlegde."), SHORT_MAX),
        ("outcome", outcome, _("Schrijf de uitkomst en het advies op."), TEXT_MAX),
    ):
        try:
            _text(value, field, message, limit)
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if held_on is None:
        errors["held_on"] = _("Vul de datum van het overleg in.")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("Deze datum ligt in de toekomst. Kies vandaag of eerder.")
    if errors:
        raise ValidationError(errors)
    assert held_on is not None  # noqa: S101 - checked above

    def make() -> Consultation:
        with transaction.atomic():
            consultation = Consultation.objects.create(
                submission_key=submission_key.strip()[:64],
                measure=measure,
                kind=ConsultationKind.LOCAL,
                consulted=consulted.strip(),
                held_on=held_on,
                outcome=outcome.strip(),
                added_by=by,
            )
            _touch(measure)
            _audit(Event.MEASURE_CONSULTED, measure, by, kind=ConsultationKind.LOCAL)
        return consultation

    return _once(Consultation, measure, submission_key, by, "added_by", make)


def receive_mayor_consultation(
    measure: CaseMeasure,
    *,
    received_on: dt.date | None,
    answer_due: dt.date | None,
    submission_key: str = "",
    by: User,
) -> Consultation:
    """Record the minister's request to consult the mayor on a Twbmt measure (flow F-12).

    The mayor of the case's municipality is told through the outbox and answers here.
    """
    _require(by, "measure.prepare", measure)
    _framework, row = _row(measure)
    errors: dict[str, str] = {}
    if not (measure.external and row.flags.consult_mayor):
        raise ValidationError(
            _("Bij deze maatregel raadpleegt de Minister de burgemeester niet volgens het kader.")
        )
    if received_on is None:
        errors["held_on"] = _("Vul in wanneer het verzoek binnenkwam.")
    elif received_on > timezone.localdate():
        errors["held_on"] = _("Deze datum ligt in de toekomst. Kies vandaag of eerder.")
    if answer_due is None:
        errors["answer_due"] = _("Vul in wanneer de Minister het antwoord wil hebben.")
    elif received_on is not None and answer_due < received_on:
        errors["answer_due"] = _("Deze datum ligt voor de ontvangst. Kies een latere datum.")
    if errors:
        raise ValidationError(errors)
    assert received_on is not None and answer_due is not None  # noqa: S101 - checked above

    def make() -> Consultation:
        with transaction.atomic():
            consultation = Consultation.objects.create(
                submission_key=submission_key.strip()[:64],
                measure=measure,
                kind=ConsultationKind.MAYOR,
                consulted=row.decision_role.text.rstrip("."),
                held_on=received_on,
                answer_due=answer_due,
                added_by=by,
            )
            _touch(measure)
            _audit(Event.MEASURE_CONSULTED, measure, by, kind=ConsultationKind.MAYOR)
            mayors = User.objects.with_roles().filter(
                organisation_id=measure.case.municipality_id,
                is_active=True,
                roles__role=Role.MAYOR,
            )
            notifications.notify(Topic.MAYOR_CONSULTED, measure, to=list(mayors), by=by)
        return consultation

    return _once(Consultation, measure, submission_key, by, "added_by", make)


def answer_consultation(consultation: Consultation, *, answer: str, by: User) -> Consultation:
    """The mayor answers the minister's consultation; a second answer is refused."""
    if not can(by, Action.VIEW, consultation):
        raise denied_for(consultation)
    if not allowed(by, "measure.answer_consultation", on=consultation):
        if consultation.answered_at is not None:
            raise ValidationError(_("Deze raadpleging is al beantwoord."))
        raise PermissionDenied(_("Alleen de burgemeester beantwoordt deze raadpleging."))
    answer = _text(answer, "outcome", _("Schrijf uw antwoord aan de Minister."))
    with transaction.atomic():
        claim(
            Consultation.objects.all(),
            consultation.pk,
            expected=[""],
            field="outcome",
            message=_("Deze raadpleging is al beantwoord."),
            outcome=answer,
            answered_at=timezone.now(),
            answered_by=by,
        )
        _touch(consultation.measure)
        _audit(Event.MEASURE_CONSULTATION_ANSWERED, consultation.measure, by)
    consultation.refresh_from_db()
    return consultation


@dataclass(frozen=True)
class Missing:
    """A part the decision still needs: the field it belongs to and what to do."""

    part: str
    message: str


def missing_for_decision(measure: CaseMeasure) -> list[Missing]:
    """Return what the dossier still lacks before the competent authority may decide.

    For a measure the mayor decides (the mayor's dossier): the information basis, the
    verification of third-party information (vergewisplicht), necessity, proportionality and
    subsidiarity, the person's view or why it was not asked, and the local consultation for a
    measure flagged TRUST or CONSULT-BGM. Other internal decisions need the information basis
    and the reasons; external ones are recorded from their document.
    """
    framework, row = _row(measure)
    dossier = Dossier.objects.get(measure=measure)
    basis = list(BasisItem.objects.filter(measure=measure).values_list("compartment", flat=True))
    missing: list[Missing] = []
    if not basis and not measure.external:
        missing.append(
            Missing("basis", _("Voeg de informatie toe waarop het besluit rust, met de bron."))
        )
    if not measure.external and is_mayors_measure(framework, row):
        third_party = any(c in THIRD_PARTY for c in basis)
        if (row.flags.verify_duty or third_party) and not Verification.objects.filter(
            measure=measure
        ).exists():
            missing.append(
                Missing(
                    "verification",
                    _(
                        "Ga zelf na of de informatie van anderen klopt en actueel is "
                        "(vergewisplicht): wie heeft u gevraagd, wanneer, wat is bevestigd?"
                    ),
                )
            )
        for part, message in (
            ("necessity", _("Schrijf waarom de maatregel nodig is (noodzaak).")),
            ("proportionality", _("Schrijf waarom de maatregel in verhouding is (evenredigheid).")),
            (
                "subsidiarity",
                _("Schrijf waarom een lichter middel niet genoeg is (subsidiariteit)."),
            ),
        ):
            if not getattr(dossier, part):
                missing.append(Missing(part, message))
        if dossier.persons_view == PersonsView.NOT_YET or not dossier.persons_view_text:
            missing.append(
                Missing(
                    "persons_view",
                    _("Leg de zienswijze van de persoon vast, of waarom die niet is gevraagd."),
                )
            )
        if (row.flags.trust_tension or row.flags.consult_mayor) and not Consultation.objects.filter(
            measure=measure, kind=ConsultationKind.LOCAL
        ).exists():
            missing.append(
                Missing(
                    "consultation",
                    _(
                        "Deze maatregel raakt de vertrouwensrelatie. Overleg eerst met het "
                        "lokale bestuur en leg vast met wie, wanneer en wat het advies was."
                    ),
                )
            )
    elif not measure.external and not dossier.necessity:
        missing.append(Missing("necessity", _("Schrijf waarom de maatregel nodig is (noodzaak).")))
    if measure.external and row.flags.consult_mayor:
        consultations = Consultation.objects.filter(measure=measure, kind=ConsultationKind.MAYOR)
        today = timezone.localdate()
        if not any(c.answered_at or (c.answer_due and c.answer_due < today) for c in consultations):
            missing.append(
                Missing(
                    "consultation",
                    _(
                        "De Minister raadpleegt eerst de burgemeester. Leg het verzoek vast; "
                        "het besluit volgt na het antwoord of na de termijn."
                    ),
                )
            )
    return missing
