"""Measures on a case: propose, advise, build the decision dossier, decide, record, end.

Each write checks the access policy first (sharing/rules/measures.py), audits itself in its
transaction and tells people through the outbox. A decision is refused, and the refusal
audited, when the user is not the competent authority of the framework version the case runs
under, when the dossier lacks a required part (`missing_for_decision`), or when the term is
longer than the framework allows. Decisions claim the measure while it is still open
(lib.decisions): of two racing decisions one wins, the other changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.cases.models import Case, CaseMember, CaseStatus
from samenspel.frameworks.typed import framework_of
from samenspel.frameworks.types import Framework
from samenspel.frameworks.types import Measure as FrameworkMeasure
from samenspel.lib.decisions import claim
from samenspel.lib.errors import StaleEdit
from samenspel.measures.models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    THIRD_PARTY,
    BasisItem,
    CaseMeasure,
    Compartment,
    Consultation,
    ConsultationKind,
    Designation,
    Dossier,
    MeasureStatus,
    PersonsView,
    Verification,
    VerificationResult,
)
from samenspel.notifications import services as notifications
from samenspel.notifications.models import Topic
from samenspel.sharing.policy import Action, allowed, can, denied_for, require
from samenspel.sharing.rules.measures import aivd_readers, competent, not_designable

__all__ = [
    "TEXT_MAX",
    "Missing",
    "add_basis_item",
    "add_consultation",
    "add_verification",
    "advise_measure",
    "answer_consultation",
    "decide_measure",
    "designate",
    "end_designation",
    "end_measure",
    "extend_measure",
    "is_mayors_measure",
    "is_register_measure",
    "max_term_text",
    "missing_for_decision",
    "move_measure",
    "propose_measure",
    "receive_mayor_consultation",
    "record_external_decision",
    "save_reasons",
    "withdraw_measure",
]

PURPOSE = Purpose.CASE_WORK
TEXT_MAX = 8000
SHORT_MAX = 300
# Organisation types that have no users in Samenspel: their decisions are external.
NO_USERS = ("", OrganisationType.AIVD)


# --- Framework facts -----------------------------------------------------------------------


def is_register_measure(row: FrameworkMeasure) -> bool:
    """Tell whether a framework row is a measure for the register: repressive, on a person.

    Rows that only apply to process stages (triage, the case consultation itself) are steps
    of the approach, not measures on a person.
    """
    return "repression" in row.domains and bool(row.phases)


def _is_external(framework: Framework, row: FrameworkMeasure) -> bool:
    types = {framework.actors[a].organisation_type for a in row.deciders if a in framework.actors}
    return not (types - set(NO_USERS))


def is_mayors_measure(framework: Framework, row: FrameworkMeasure) -> bool:
    """Tell whether the mayor decides (the actor only the mayor acts as): the mayor's dossier."""
    return any(
        framework.actors[a].user_roles == (Role.MAYOR.value,)
        for a in row.deciders
        if a in framework.actors
    )


def _row(measure: CaseMeasure) -> tuple[Framework, FrameworkMeasure]:
    framework = framework_of(measure.case.framework_version)
    row = framework.measures.get(measure.measure)
    if row is None:  # a published version never loses a row
        raise ValidationError(_("Deze maatregel staat niet (meer) in het kader van de casus."))
    return framework, row


# --- Small helpers -------------------------------------------------------------------------


def _text(value: str, field: str, message: str, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > limit:
        raise ValidationError({field: _("Gebruik ten hoogste %(n)d tekens.") % {"n": limit}})
    return value


def _date(value: dt.date | None, field: str, message: str) -> dt.date:
    if value is None:
        raise ValidationError({field: message})
    return value


def _not_future(value: dt.date, field: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: _("Deze datum ligt in de toekomst. Kies vandaag of eerder.")})


def _touch(measure: CaseMeasure) -> None:
    CaseMeasure.objects.filter(pk=measure.pk).update(
        updated_at=timezone.now(), version=F("version") + 1
    )


def _refuse(measure: CaseMeasure, by: User, message: str, **details: Any) -> NoReturn:
    """Audit a refused decision (outside any transaction that rolls back) and explain it."""
    audit.record(
        Event.MEASURE_DECISION_REFUSED,
        by=by,
        obj=measure.case,
        purpose=PURPOSE,
        outcome=Outcome.DENIED,
        measure=str(measure.uuid),
        framework_measure=measure.measure,
        **details,
    )
    raise ValidationError(message)


def _audit(event: Event, measure: CaseMeasure, by: User | None, **details: Any) -> None:
    audit.record(
        event,
        by=by,
        obj=measure.case,
        purpose=PURPOSE,
        measure=str(measure.uuid),
        framework_measure=measure.measure,
        **details,
    )


def _require(by: User, verb: str, measure: CaseMeasure) -> None:
    require(by, verb, on=measure)


# --- Proposing and advising ----------------------------------------------------------------


def propose_measure(
    case: Case,
    *,
    measure: str,
    reason: str,
    extends: CaseMeasure | None = None,
    submission_key: str = "",
    by: User,
) -> CaseMeasure:
    """Propose a measure from the framework for a case; its competent authority is told.

    The legal domain, basis and decision role come from the case's framework version. The
    same non-empty `submission_key` again returns the first proposal.
    """
    require(by, "measure.propose", on=case)
    submission_key = submission_key.strip()[:64]
    if submission_key:
        earlier = CaseMeasure.objects.filter(case=case, submission_key=submission_key).first()
        if earlier is not None:
            return _own_submission(earlier, by)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("De casus is gesloten. Heropen de casus eerst."))
    framework = framework_of(case.framework_version)
    row = framework.measures.get(measure)
    errors: dict[str, str] = {}
    if row is None or not is_register_measure(row):
        errors["measure"] = _("Kies een maatregel uit de lijst.")
    try:
        reason = _text(reason, "reason", _("Schrijf waarom u deze maatregel voorstelt."))
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors or row is None:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            created = CaseMeasure.objects.create(
                case=case,
                measure=row.id,
                name=row.name,
                legal_domain=row.legal_domain,
                legal_basis=row.legal_basis.text,
                decision_role=row.decision_role.text,
                external=_is_external(framework, row),
                reason=reason,
                proposed_by=by,
                proposed_by_organisation_id=by.organisation_id,
                extends=extends,
                submission_key=submission_key,
            )
            Dossier.objects.create(measure=created, updated_by=by)
            _audit(
                Event.MEASURE_EXTENSION_PROPOSED if extends else Event.MEASURE_PROPOSED,
                created,
                by,
                legal_domain=row.legal_domain,
            )
            if not created.external:
                deciders = notifications.who_may(
                    "measure.decide", on=created, among=_candidates(case)
                )
                notifications.notify(Topic.MEASURE_PROPOSED, created, to=deciders, by=by)
    except IntegrityError:
        if not submission_key:
            raise
        return _own_submission(
            CaseMeasure.objects.get(case=case, submission_key=submission_key), by
        )
    return created


def _own_submission(earlier: CaseMeasure, by: User) -> CaseMeasure:
    """Answer a repeated submission with its first proposal, but only to whoever made it.

    The key is unique per case; another user's proposal under the same key may be on a
    ground the caller does not see, so it is never handed out.
    """
    if earlier.proposed_by_id != by.pk:
        raise ValidationError(
            _("Deze sleutel voor het indienen is al gebruikt. Dien het voorstel opnieuw in.")
        )
    return earlier


def _candidates(case: Case) -> list[User]:
    """The users who may be told about a measure on a case: its municipality and its team."""
    team = CaseMember.objects.filter(case=case, removed_at__isnull=True).values("user_id")
    return list(
        User.objects.with_roles().filter(
            Q(organisation_id=case.municipality_id) | Q(pk__in=team), is_active=True
        )
    )


def advise_measure(measure: CaseMeasure, *, advice: str, by: User) -> CaseMeasure:
    """Record the case consultation's advice on a proposed measure (the advice can be updated)."""
    _require(by, "measure.advise", measure)
    advice = _text(advice, "advice", _("Schrijf het advies van het casusoverleg op."))
    with transaction.atomic():
        claim(
            CaseMeasure.objects.all(),
            measure.pk,
            expected=[MeasureStatus.PROPOSED, MeasureStatus.ADVISED],
            message=_("Over deze maatregel is al verder besloten. Het advies is niet opgeslagen."),
            status=MeasureStatus.ADVISED,
            advice=advice,
        )
        _touch(measure)
        _audit(Event.MEASURE_ADVISED, measure, by)
    measure.refresh_from_db()
    return measure


MOVES = {
    MeasureStatus.REQUESTED: (MeasureStatus.PROPOSED, MeasureStatus.ADVISED),
    MeasureStatus.INTENDED: (
        MeasureStatus.PROPOSED,
        MeasureStatus.ADVISED,
        MeasureStatus.REQUESTED,
    ),
}


def move_measure(measure: CaseMeasure, *, to: str, by: User) -> CaseMeasure:
    """Mark that the measure was requested from its authority, or that a decision is intended."""
    _require(by, "measure.prepare", measure)
    if to not in MOVES:
        raise ValidationError({"status": _("Kies aangevraagd of voornemen.")})
    with transaction.atomic():
        claim(
            CaseMeasure.objects.all(),
            measure.pk,
            expected=MOVES[MeasureStatus(to)],
            message=_("De maatregel is al verder. Er is niets veranderd."),
            status=to,
        )
        _touch(measure)
        _audit(Event.MEASURE_STAGE_CHANGED, measure, by, status=to)
    measure.refresh_from_db()
    return measure


# --- The dossier -----------------------------------------------------------------------------


def add_basis_item(
    measure: CaseMeasure,
    *,
    compartment: str,
    source: str,
    received_on: dt.date | None,
    summary: str,
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
    with transaction.atomic():
        item = BasisItem.objects.create(
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


def add_verification(
    measure: CaseMeasure,
    *,
    asked: str,
    asked_on: dt.date | None,
    result: str,
    answer: str,
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
    with transaction.atomic():
        verification = Verification.objects.create(
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
    with transaction.atomic():
        consultation = Consultation.objects.create(
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


def receive_mayor_consultation(
    measure: CaseMeasure,
    *,
    received_on: dt.date | None,
    answer_due: dt.date | None,
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
    with transaction.atomic():
        consultation = Consultation.objects.create(
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


# --- Deciding --------------------------------------------------------------------------------


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


def _term_errors(
    row: FrameworkMeasure, starts_on: dt.date | None, ends_on: dt.date | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if starts_on is None:
        errors["starts_on"] = _("Vul in vanaf wanneer de maatregel geldt.")
    if row.max_term is not None and ends_on is None:
        errors["ends_on"] = _("Deze maatregel geldt ten hoogste %(term)s. Vul de einddatum in.") % {
            "term": _term_text(row)
        }
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = _("De einddatum ligt voor de begindatum.")
        elif row.max_term is not None and ends_on > row.max_term.last_day(starts_on):
            errors["ends_on"] = _(
                "Dit is langer dan mag: ten hoogste %(term)s, dus tot en met %(last)s. "
                "Verlengen is een nieuw besluit met een eigen dossier."
            ) % {
                "term": _term_text(row),
                "last": row.max_term.last_day(starts_on).strftime("%d-%m-%Y"),
            }
    return errors


UNITS = {
    "days": ("dag", "dagen"),
    "weeks": ("week", "weken"),
    "months": ("maand", "maanden"),
    "years": ("jaar", "jaar"),
}


def _term_text(row: FrameworkMeasure) -> str:
    term = row.max_term
    if term is None:
        return ""
    one, many = UNITS.get(term.unit, (term.unit, term.unit))
    return f"{term.value} {_(one) if term.value == 1 else _(many)}"


def max_term_text(row: FrameworkMeasure) -> str:
    """Return the longest term the framework allows for a measure, in words ("" for none)."""
    return _term_text(row)


def _status_after(starts_on: dt.date) -> MeasureStatus:
    return MeasureStatus.IN_FORCE if starts_on <= timezone.localdate() else MeasureStatus.DECIDED


def decide_measure(
    measure: CaseMeasure,
    *,
    decision_text: str,
    decided_on: dt.date | None,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    by: User,
) -> CaseMeasure:
    """The competent authority decides; refused (and audited) for anyone else or when the
    dossier is not complete, with what is missing named."""
    if not can(by, Action.VIEW, measure):
        raise denied_for(measure)
    _framework, row = _row(measure)
    if measure.external:
        _refuse(
            measure,
            by,
            _(
                "Over %(measure)s besluit %(who)s, buiten Samenspel. Leg het besluit vast als "
                "besluit van buiten, met het kenmerk van de beschikking."
            )
            % {"measure": row.label, "who": row.decision_role.text.rstrip(".")},
            reason="external",
        )
    if not competent(by, measure):
        _refuse(
            measure,
            by,
            _(
                "U bent niet het bevoegd gezag voor %(measure)s. Daarover besluit: %(who)s. "
                "U kunt de maatregel voorstellen of adviseren."
            )
            % {"measure": row.label, "who": row.decision_role.text.rstrip(".")},
            reason="not_competent",
        )
    if not measure.is_open:
        raise ValidationError(_("Over deze maatregel is al besloten, of hij is ingetrokken."))
    missing = missing_for_decision(measure)
    if missing:
        _refuse(
            measure,
            by,
            _("Het dossier is nog niet compleet: %(parts)s")
            % {"parts": " ".join(m.message for m in missing)},
            reason="incomplete",
            missing=[m.part for m in missing],
        )
    errors = _decision_errors(row, decision_text, decided_on, starts_on, ends_on)
    if errors:
        raise ValidationError(errors)
    assert decided_on is not None and starts_on is not None  # noqa: S101 - checked above
    with transaction.atomic():
        claim(
            CaseMeasure.objects.all(),
            measure.pk,
            expected=OPEN_STATUSES,
            message=_("Over deze maatregel is net al besloten. Er is niets veranderd."),
            status=_status_after(starts_on),
            decision_text=decision_text.strip(),
            decided_on=decided_on,
            decided_by=by,
            decided_by_organisation_id=by.organisation_id,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        _touch(measure)
        _audit(Event.MEASURE_DECIDED, measure, by, starts_on=str(starts_on), ends_on=str(ends_on))
        _tell_decided(measure, by)
    measure.refresh_from_db()
    return measure


def _decision_errors(
    row: FrameworkMeasure,
    decision_text: str,
    decided_on: dt.date | None,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
) -> dict[str, str]:
    errors = _term_errors(row, starts_on, ends_on)
    if not (decision_text or "").strip():
        errors["decision_text"] = _("Schrijf het besluit op.")
    elif len(decision_text.strip()) > TEXT_MAX:
        errors["decision_text"] = _("Gebruik ten hoogste %(n)d tekens.") % {"n": TEXT_MAX}
    if decided_on is None:
        errors["decided_on"] = _("Vul de datum van het besluit in.")
    elif decided_on > timezone.localdate():
        errors["decided_on"] = _("Deze datum ligt in de toekomst. Kies vandaag of eerder.")
    return errors


def _tell_decided(measure: CaseMeasure, by: User) -> None:
    fresh = CaseMeasure.objects.select_related("case").get(pk=measure.pk)
    told = [u for u in _candidates(fresh.case) if can(u, Action.VIEW, fresh)]
    notifications.notify(Topic.MEASURE_DECIDED, fresh, to=told, by=by)


def record_external_decision(
    measure: CaseMeasure,
    *,
    authority: str,
    reference: str,
    decision_text: str,
    decided_on: dt.date | None,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    by: User,
) -> CaseMeasure:
    """Record a decision taken outside Samenspel (the minister, a court) from its document."""
    if not can(by, Action.VIEW, measure):
        raise denied_for(measure)
    _framework, row = _row(measure)
    if not measure.external:
        raise ValidationError(
            _("Over deze maatregel besluit een organisatie in Samenspel zelf: %(who)s.")
            % {"who": row.decision_role.text.rstrip(".")}
        )
    _require(by, "measure.record_external", measure)
    if not measure.is_open:
        raise ValidationError(_("Over deze maatregel is al besloten, of hij is ingetrokken."))
    missing = [m for m in missing_for_decision(measure) if m.part == "consultation"]
    if missing:
        _refuse(measure, by, missing[0].message, reason="mayor_not_consulted")
    errors = _decision_errors(row, decision_text, decided_on, starts_on, ends_on)
    if not reference.strip():
        errors["external_reference"] = _("Vul het kenmerk van de beschikking in.")
    elif len(reference.strip()) > 100:
        errors["external_reference"] = _("Gebruik ten hoogste 100 tekens.")
    authority = authority.strip() or row.decision_role.text.rstrip(".")
    if len(authority) > 200:
        errors["external_authority"] = _("Gebruik ten hoogste 200 tekens.")
    if errors:
        raise ValidationError(errors)
    assert decided_on is not None and starts_on is not None  # noqa: S101 - checked above
    with transaction.atomic():
        claim(
            CaseMeasure.objects.all(),
            measure.pk,
            expected=OPEN_STATUSES,
            message=_("Dit besluit is net al vastgelegd. Er is niets veranderd."),
            status=_status_after(starts_on),
            decision_text=decision_text.strip(),
            decided_on=decided_on,
            external_authority=authority,
            external_reference=reference.strip(),
            recorded_by=by,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        _touch(measure)
        _audit(Event.MEASURE_EXTERNAL_RECORDED, measure, by, reference=reference.strip())
        _tell_decided(measure, by)
    measure.refresh_from_db()
    return measure


# --- Withdrawing, ending, extending ---------------------------------------------------------


def withdraw_measure(measure: CaseMeasure, *, reason: str, by: User) -> CaseMeasure:
    """Withdraw a proposal before a decision: by who proposed it or its competent authority."""
    _require(by, "measure.withdraw", measure)
    reason = _text(reason, "closing_note", _("Schrijf waarom de maatregel niet doorgaat."))
    with transaction.atomic():
        claim(
            CaseMeasure.objects.all(),
            measure.pk,
            expected=OPEN_STATUSES,
            message=_("Over deze maatregel is al besloten. Er is niets ingetrokken."),
            status=MeasureStatus.WITHDRAWN,
            closing_note=reason,
            closed_at=timezone.now(),
        )
        _touch(measure)
        _audit(Event.MEASURE_WITHDRAWN, measure, by)
    measure.refresh_from_db()
    return measure


def end_measure(measure: CaseMeasure, *, evaluation: str, by: User) -> CaseMeasure:
    """End a running measure with its evaluation: what it did, and what comes next."""
    _require(by, "measure.close", measure)
    evaluation = _text(
        evaluation, "closing_note", _("Schrijf de evaluatie: wat heeft de maatregel gedaan?")
    )
    with transaction.atomic():
        claim(
            CaseMeasure.objects.all(),
            measure.pk,
            expected=RUNNING_STATUSES,
            message=_("Deze maatregel loopt niet (meer). Er is niets veranderd."),
            status=MeasureStatus.ENDED,
            closing_note=evaluation,
            closed_at=timezone.now(),
        )
        _touch(measure)
        _audit(Event.MEASURE_ENDED, measure, by)
    measure.refresh_from_db()
    return measure


def extend_measure(measure: CaseMeasure, *, reason: str, by: User) -> CaseMeasure:
    """Propose an extension: a new measure with a dossier of its own, pointing at this one."""
    _require(by, "measure.close", measure)
    if measure.status not in RUNNING_STATUSES:
        raise ValidationError(_("Alleen een maatregel die loopt, kan worden verlengd."))
    if CaseMeasure.objects.filter(extends=measure, status__in=OPEN_STATUSES).exists():
        raise ValidationError(_("Er is al een verlenging voorgesteld. Werk die eerst af."))
    return propose_measure(
        measure.case, measure=measure.measure, reason=reason, extends=measure, by=by
    )


# --- The mayor's designations -----------------------------------------------------------------


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
