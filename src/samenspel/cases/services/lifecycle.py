"""Open, move along the framework's stages and phases, close and reopen a case."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import User
from samenspel.audit.events import Event
from samenspel.cases.balance import balance_of
from samenspel.cases.models import (
    Case,
    CaseMember,
    CaseStatus,
    CaseTransition,
    Dimension,
    InterventionStatus,
    Person,
)
from samenspel.cases.services._common import (
    PURPOSE,
    _bump,
    _check_open,
    _new_reference,
    _not_allowed,
    _reason,
    _require,
    allowed_transitions,
    current_framework,
)
from samenspel.cases.services.plan import _balance_message
from samenspel.frameworks.selectors import framework_of
from samenspel.sharing.policy import Action, Denied, allowed

# --- Opening a case ----------------------------------------------------------------------------


def open_case(
    *,
    person: Person,
    case_director: User,
    phase: str,
    tracks: list[str] | None = None,
    reason: str,
    parallel_reason: str = "",
    by: User,
) -> Case:
    """Open a person-centred case in the person's municipality, at the framework's opening stage.

    A person has one open case: while one is open (not closed), a second opens only with
    `parallel_reason`, and then points at the open one (`parallel_to`).
    """
    municipality = person.municipality
    if not allowed(by, "case.open", within=municipality):
        raise Denied("cases.person", str(person.uuid), exists=True)
    version = current_framework()
    errors: dict[str, str] = {}
    framework = framework_of(version)
    opening = framework.opening_stage.id
    if phase not in framework.phases:
        errors["phase"] = _("Kies een fase uit het kader.")
    tracks = list(dict.fromkeys(tracks or []))
    if unknown := [t for t in tracks if t not in framework.tracks]:
        errors["tracks"] = _("Onbekend spoor: %(tracks)s.") % {"tracks": ", ".join(unknown)}
    if not allowed(case_director, "case.direct", within=municipality):
        errors["case_director"] = _("Kies een casusregisseur van de gemeente %(name)s.") % {
            "name": municipality.name
        }
    if not reason.strip():
        errors["reason"] = _("Geef een reden op.")
    running = open_case_of(person)
    if running is not None and not parallel_reason.strip():
        errors["second_case_reason"] = _(
            "%(name)s heeft al een open casus, %(reference)s. Voeg het signaal daaraan toe, "
            "of geef een reden om een tweede casus naast die casus te openen."
        ) % {"name": person.full_name, "reference": running.reference}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = Case.objects.create(
            parallel_to=running,
            parallel_reason=parallel_reason.strip() if running is not None else "",
            reference=_new_reference(municipality),
            municipality=municipality,
            person=person,
            case_director=case_director,
            framework_version=version,
            stage=opening,
            phase=phase,
            tracks=tracks,
        )
        CaseTransition.objects.bulk_create(
            [
                CaseTransition(
                    case=case, dimension=Dimension.STAGE, to_value=opening, reason=reason, by=by
                ),
                CaseTransition(
                    case=case, dimension=Dimension.PHASE, to_value=phase, reason=reason, by=by
                ),
            ]
        )
        CaseMember.objects.create(
            case=case,
            user=case_director,
            organisation_id=municipality.pk,
            task=_("casusregisseur"),
            added_by=by,
        )
        audit.record(
            Event.CASE_OPENED,
            by=by,
            obj=case,
            purpose=PURPOSE,
            person=str(person.uuid),
            framework_version=str(version.uuid),
            phase=phase,
            parallel_to=str(running.uuid) if running is not None else "",
        )
    return case


def open_case_of(person: Person) -> Case | None:
    """Return the person's open (not closed) case, the newest if there are parallel ones."""
    return (
        Case.objects.filter(person=person)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("-opened_at", "-id")
        .first()
    )


# --- Stage, phase and tracks -------------------------------------------------------------------


def change_stage(case: Case, *, to: str, reason: str, expected_version: int, by: User) -> Case:
    """Move the case to another process stage, along a transition the framework allows."""
    _require(by, Action.MANAGE, case)
    _check_open(case)
    reason = _reason(reason)
    allowed = {t.to_id for t in allowed_transitions(case.framework_version, case.stage)}
    if to not in allowed:
        raise ValidationError({"to": _not_allowed(case.framework_version, case.stage, allowed)})
    target = framework_of(case.framework_version).stages[to]
    if target.closes_case:
        raise ValidationError({"to": _("Sluit de casus met de knop Casus sluiten.")})
    if target.carries_out_plan:
        balance = balance_of(case.interventions.exclude(status=InterventionStatus.STOPPED))
        if balance.total == 0:
            raise ValidationError({"to": _("Het plan heeft nog geen interventies.")})
        if balance.needs_justification and not case.balance_justification:
            raise ValidationError({"to": _balance_message(balance)})
    return _transition(case, Dimension.STAGE, "stage", to, reason, expected_version, by)


def change_phase(case: Case, *, to: str, reason: str, expected_version: int, by: User) -> Case:
    """Record that the person is in another phase, along a transition the framework allows."""
    _require(by, Action.MANAGE, case)
    _check_open(case)
    reason = _reason(reason)
    allowed = {t.to_id for t in allowed_transitions(case.framework_version, case.phase)}
    if to not in allowed:
        raise ValidationError({"to": _not_allowed(case.framework_version, case.phase, allowed)})
    return _transition(case, Dimension.PHASE, "phase", to, reason, expected_version, by)


def set_tracks(
    case: Case, *, tracks: list[str], reason: str, expected_version: int, by: User
) -> Case:
    """Set the parallel tracks (local approach, criminal, state security, ...) of the case."""
    _require(by, Action.MANAGE, case)
    _check_open(case)
    reason = _reason(reason)
    known = framework_of(case.framework_version).tracks
    tracks = list(dict.fromkeys(tracks))
    if unknown := [t for t in tracks if t not in known]:
        raise ValidationError(
            {"tracks": _("Onbekend spoor: %(tracks)s.") % {"tracks": ", ".join(unknown)}}
        )
    with transaction.atomic():
        before = ",".join(case.tracks)
        _bump(case, expected_version, tracks=tracks, updated_at=timezone.now())
        CaseTransition.objects.create(
            case=case,
            dimension=Dimension.TRACKS,
            from_value=before,
            to_value=",".join(tracks),
            reason=reason,
            by=by,
        )
        audit.record(Event.CASE_TRACKS_CHANGED, by=by, obj=case, purpose=PURPOSE, tracks=tracks)
    return case


def _transition(
    case: Case,
    dimension: Dimension,
    field: str,
    to: str,
    reason: str,
    expected_version: int,
    by: User,
) -> Case:
    event = Event.CASE_STAGE_CHANGED if dimension == Dimension.STAGE else Event.CASE_PHASE_CHANGED
    with transaction.atomic():
        before = getattr(case, field)
        _bump(case, expected_version, **{field: to, "updated_at": timezone.now()})
        CaseTransition.objects.create(
            case=case, dimension=dimension, from_value=before, to_value=to, reason=reason, by=by
        )
        audit.record(event, by=by, obj=case, purpose=PURPOSE, **{"from": before, "to": to})
    return case


# --- Closing and reopening ---------------------------------------------------------------------


def close_case(
    case: Case,
    *,
    reason: str,
    aftercare_until: dt.date | None = None,
    expected_version: int,
    by: User,
) -> Case:
    """Close the case at the framework's closing stage, with an optional aftercare period."""
    _require(by, Action.MANAGE, case)
    _check_open(case)
    reason = _reason(reason)
    allowed = {t.to_id for t in allowed_transitions(case.framework_version, case.stage)}
    closing = framework_of(case.framework_version).closing_stage.id
    if closing not in allowed:
        raise ValidationError({"reason": _not_allowed(case.framework_version, case.stage, allowed)})
    if aftercare_until is not None and aftercare_until <= timezone.localdate():
        raise ValidationError({"aftercare_until": _("De nazorg loopt tot een datum na vandaag.")})
    status = CaseStatus.AFTERCARE if aftercare_until else CaseStatus.CLOSED
    now = timezone.now()
    with transaction.atomic():
        before_stage, before_status = case.stage, case.status
        _bump(
            case,
            expected_version,
            stage=closing,
            status=status,
            closed_at=now,
            close_reason=reason,
            aftercare_until=aftercare_until,
            updated_at=now,
        )
        CaseTransition.objects.bulk_create(
            [
                CaseTransition(
                    case=case,
                    dimension=Dimension.STAGE,
                    from_value=before_stage,
                    to_value=closing,
                    reason=reason,
                    by=by,
                ),
                CaseTransition(
                    case=case,
                    dimension=Dimension.STATUS,
                    from_value=before_status,
                    to_value=status,
                    reason=reason,
                    by=by,
                ),
            ]
        )
        audit.record(
            Event.CASE_CLOSED,
            by=by,
            obj=case,
            purpose=PURPOSE,
            status=str(status),
            aftercare_until=aftercare_until.isoformat() if aftercare_until else None,
        )
    return case


def reopen_case(case: Case, *, reason: str, expected_version: int, by: User) -> Case:
    """Reopen a closed case for a new case consultation and plan (back to the plan stage).

    The framework has no transition from the closing stage back to the plan; reopening is a
    status change that the municipality records with its reason, not a stage transition
    (docs/cases.md).
    """
    _require(by, Action.MANAGE, case)
    if case.status == CaseStatus.OPEN:
        raise ValidationError(_("De casus is al open."))
    reason = _reason(reason)
    # One person, one open case: a closed case does not reopen beside another open one.
    other = open_case_of(case.person)
    if case.status == CaseStatus.CLOSED and other is not None and other.pk != case.pk:
        raise ValidationError(
            {
                "reason": _(
                    "%(name)s heeft al een open casus, %(reference)s. Werk daarin verder in "
                    "plaats van deze casus te heropenen."
                )
                % {"name": case.person.full_name, "reference": other.reference}
            }
        )
    plan_stage = framework_of(case.framework_version).plan_stage.id
    now = timezone.now()
    with transaction.atomic():
        before_stage, before_status = case.stage, case.status
        _bump(
            case,
            expected_version,
            stage=plan_stage,
            status=CaseStatus.OPEN,
            closed_at=None,
            aftercare_until=None,
            updated_at=now,
        )
        CaseTransition.objects.bulk_create(
            [
                CaseTransition(
                    case=case,
                    dimension=Dimension.STATUS,
                    from_value=before_status,
                    to_value=CaseStatus.OPEN,
                    reason=reason,
                    by=by,
                ),
                CaseTransition(
                    case=case,
                    dimension=Dimension.STAGE,
                    from_value=before_stage,
                    to_value=plan_stage,
                    reason=reason,
                    by=by,
                ),
            ]
        )
        audit.record(Event.CASE_REOPENED, by=by, obj=case, purpose=PURPOSE)
    return case
