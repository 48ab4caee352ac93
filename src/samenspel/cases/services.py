"""Change persons, cases, their team, plan and transfers. Each change audits itself.

Every edit carries the version the editor saw (`expected_version`); when somebody else saved
in between, the service raises StaleEdit and saves nothing (optimistic concurrency).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.audit.events import Event, Purpose
from samenspel.cases.balance import Balance, balance_of
from samenspel.cases.models import (
    JUSTIFICATION_MAX,
    Case,
    CaseMember,
    CaseStatus,
    CaseTransition,
    Consent,
    Dimension,
    Intervention,
    InterventionStatus,
    Person,
    Transfer,
    TransferStatus,
)
from samenspel.frameworks.models import FrameworkVersion, VersionStatus
from samenspel.frameworks.selectors import document_of
from samenspel.intake.models import Signal
from samenspel.lib.bsn import bsn_error, normalise_bsn
from samenspel.lib.errors import StaleEdit
from samenspel.lib.names import name_key
from samenspel.sharing.policy import Action, Denied, can

PURPOSE = Purpose.CASE_WORK

# The process stages a case runs through (domain.md §2a).
STAGE_PLAN = "ST-3"  # case consultation and plan (IPA)
STAGE_EXECUTE = "ST-4"  # the plan is adopted and carried out
STAGE_CLOSE = "ST-6"


def _require(by: User, action: Action, obj: Model) -> None:
    """Refuse, as a 404, what the access policy does not allow."""
    if not can(by, action, obj):
        raise Denied(obj._meta.label_lower, str(getattr(obj, "uuid", obj.pk)), exists=True)


def _bump(obj: Case | Intervention | Person, expected_version: int, **changes: Any) -> None:
    """Save `changes` only if nobody saved since `expected_version`; raise StaleEdit if so."""
    model = type(obj)
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **changes
    )
    if not updated:
        current = model.objects.filter(pk=obj.pk).values_list("version", flat=True).first()
        raise StaleEdit(model._meta.label_lower, current or 0)
    obj.refresh_from_db()


def _reason(reason: str, field: str = "reason") -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({field: _("Geef een reden op.")})
    return reason


# --- Framework lookups -------------------------------------------------------------------------


def _section(version: FrameworkVersion, section: str) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in document_of(version).get(section) or []}


def allowed_transitions(version: FrameworkVersion, current: str) -> list[dict[str, Any]]:
    """Return the framework's transitions out of stage or phase `current`."""
    return [t for t in document_of(version).get("transitions") or [] if t["from"] == current]


def current_framework(on: dt.date | None = None) -> FrameworkVersion:
    """Return the published framework version in force; new cases run under it."""
    day = on or timezone.localdate()
    version = (
        FrameworkVersion.objects.filter(status=VersionStatus.PUBLISHED, valid_from__lte=day)
        .exclude(valid_until__lte=day)
        .order_by("-valid_from", "-published_at")
        .first()
    )
    if version is None:
        raise ValidationError(
            _(
                "Er is geen gepubliceerd kader. "
                "Vraag de landelijk beheerder om er een te publiceren."
            )
        )
    return version


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
    if not _triages(by, municipality):
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


def _triages(user: User, municipality: Organisation) -> bool:
    from samenspel.sharing.policy import triage_municipalities

    return Organisation.objects.filter(triage_municipalities(user), pk=municipality.pk).exists()


# --- Opening a case ----------------------------------------------------------------------------


def _new_reference(municipality: Organisation) -> str:
    return f"PGA-{timezone.localdate().year}-{uuid.uuid4().hex[:6].upper()}"


def open_case(
    *,
    person: Person,
    case_director: User,
    phase: str,
    tracks: list[str] | None = None,
    reason: str,
    by: User,
) -> Case:
    """Open a person-centred case in the person's municipality, at the plan stage (ST-3)."""
    municipality = person.municipality
    if not _triages(by, municipality):
        raise Denied("cases.person", str(person.uuid), exists=True)
    version = current_framework()
    errors: dict[str, str] = {}
    phases, all_tracks = _section(version, "phases"), _section(version, "tracks")
    if phase not in phases:
        errors["phase"] = _("Kies een fase uit het kader.")
    tracks = list(dict.fromkeys(tracks or []))
    if unknown := [t for t in tracks if t not in all_tracks]:
        errors["tracks"] = _("Onbekend spoor: %(tracks)s.") % {"tracks": ", ".join(unknown)}
    if not (
        case_director.is_active
        and case_director.organisation_id == municipality.pk
        and case_director.has_role(Role.CASE_DIRECTOR)
    ):
        errors["case_director"] = _("Kies een casusregisseur van de gemeente %(name)s.") % {
            "name": municipality.name
        }
    if not reason.strip():
        errors["reason"] = _("Geef een reden op.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = Case.objects.create(
            reference=_new_reference(municipality),
            municipality=municipality,
            person=person,
            case_director=case_director,
            framework_version=version,
            stage=STAGE_PLAN,
            phase=phase,
            tracks=tracks,
        )
        CaseTransition.objects.bulk_create(
            [
                CaseTransition(
                    case=case, dimension=Dimension.STAGE, to_value=STAGE_PLAN, reason=reason, by=by
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
        )
    return case


# --- Stage, phase and tracks -------------------------------------------------------------------


def change_stage(case: Case, *, to: str, reason: str, expected_version: int, by: User) -> Case:
    """Move the case to another process stage, along a transition the framework allows."""
    _require(by, Action.MANAGE, case)
    _check_open(case)
    reason = _reason(reason)
    allowed = {t["to"] for t in allowed_transitions(case.framework_version, case.stage)}
    if to not in allowed:
        raise ValidationError({"to": _not_allowed(case.framework_version, case.stage, allowed)})
    if to == STAGE_CLOSE:
        raise ValidationError({"to": _("Sluit de casus met de knop Casus sluiten.")})
    if to == STAGE_EXECUTE:
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
    allowed = {t["to"] for t in allowed_transitions(case.framework_version, case.phase)}
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
    known = _section(case.framework_version, "tracks")
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


def _not_allowed(version: FrameworkVersion, current: str, allowed: set[str]) -> str:
    if not allowed:
        return _("Het kader staat geen overgang toe vanuit %(current)s.") % {"current": current}
    return _("Het kader staat vanuit %(current)s alleen over naar: %(allowed)s.") % {
        "current": current,
        "allowed": ", ".join(sorted(allowed)),
    }


def _check_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("De casus is gesloten. Heropen de casus eerst."))


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


# --- Team -------------------------------------------------------------------------------------


def add_member(case: Case, *, user: User, task: str = "", by: User) -> CaseMember:
    """Add a user to the case team: from then on they see the case (need-to-know)."""
    _require(by, Action.MANAGE, case)
    other_municipality = (
        user.organisation.type == OrganisationType.MUNICIPALITY
        and user.organisation_id != case.municipality_id
    )  # persons move between municipalities only by transfer
    if not user.is_active or user.organisation.type == OrganisationType.AIVD or other_municipality:
        raise ValidationError({"user": _("Deze gebruiker kan niet in een casusteam.")})
    existing = CaseMember.objects.filter(case=case, user=user, removed_at__isnull=True).first()
    if existing is not None:
        return existing  # a double submit adds nobody twice
    try:
        with transaction.atomic():
            member = CaseMember.objects.create(
                case=case,
                user=user,
                organisation_id=user.organisation_id,
                task=task.strip()[:200],
                added_by=by,
            )
            audit.record(
                Event.CASE_MEMBER_ADDED,
                by=by,
                obj=case,
                purpose=PURPOSE,
                user=str(user.uuid),
                organisation=str(user.organisation.uuid),
            )
    except IntegrityError:
        return CaseMember.objects.get(case=case, user=user, removed_at__isnull=True)
    return member


def remove_member(case: Case, *, user: User, by: User) -> None:
    """Take a user off the case team; their access ends at once."""
    _require(by, Action.MANAGE, case)
    if user.pk == case.case_director_id:
        raise ValidationError(
            {"user": _("De casusregisseur blijft in het team. Wijs eerst een ander aan.")}
        )
    with transaction.atomic():
        removed = CaseMember.objects.filter(case=case, user=user, removed_at__isnull=True).update(
            removed_at=timezone.now(), removed_by=by
        )
        if removed:
            audit.record(
                Event.CASE_MEMBER_REMOVED,
                by=by,
                obj=case,
                purpose=PURPOSE,
                user=str(user.uuid),
            )


def candidate_members(case: Case) -> list[User]:
    """Return who may join the team: colleagues of the municipality and partner organisations.

    Never users of another municipality (persons move only by transfer) nor of the AIVD.
    """
    on_team = CaseMember.objects.filter(case=case, removed_at__isnull=True).values("user_id")
    partner = ~Q(organisation__type__in=[OrganisationType.MUNICIPALITY, OrganisationType.AIVD])
    return list(
        User.objects.filter(is_active=True, organisation__is_active=True)
        .filter(Q(organisation_id=case.municipality_id) | partner)
        .exclude(pk__in=on_team)
        .select_related("organisation")
        .order_by("organisation__name", "full_name")
    )


# --- Plan -------------------------------------------------------------------------------------


def add_intervention(
    case: Case,
    *,
    measure: str,
    domain: str,
    owner: Organisation,
    goal: str = "",
    consent: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    review_date: dt.date | None = None,
    submission_key: str = "",
    by: User,
) -> Intervention:
    """Add an intervention from the framework catalogue to the case plan.

    A second call with the same non-empty `submission_key` returns the first intervention.
    """
    _require(by, Action.EDIT, case)
    submission_key = submission_key.strip()[:64]
    if submission_key:
        existing = Intervention.objects.filter(case=case, submission_key=submission_key).first()
        if existing is not None:
            return existing
    _check_open(case)
    measures = _section(case.framework_version, "measures")
    errors: dict[str, str] = {}
    row = measures.get(measure)
    if row is None:
        errors["measure"] = _("Kies een interventie uit het kader.")
        row = {}
    elif domain not in (row.get("domains") or []):
        errors["domain"] = _("Deze interventie is %(domains)s.") % {
            "domains": _domain_names(row.get("domains") or [])
        }
    voluntary = bool((row.get("flags") or {}).get("voluntary"))
    consent = consent or (Consent.NOT_ASKED if voluntary else Consent.NOT_NEEDED)
    if consent not in Consent.values:
        errors["consent"] = _("Kies een waarde uit de lijst.")
    elif voluntary and consent == Consent.NOT_NEEDED:
        errors["consent"] = _("Deze interventie is vrijwillig: leg vast of er toestemming is.")
    elif not voluntary and consent != Consent.NOT_NEEDED:
        errors["consent"] = _("Deze interventie is niet vrijwillig: toestemming is niet nodig.")
    if not owner.is_active or owner.type == OrganisationType.AIVD:
        errors["owner"] = _("Kies een actieve partnerorganisatie als eigenaar.")
    errors.update(_period_errors(start_date, end_date, review_date))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            intervention = Intervention.objects.create(
                case=case,
                measure=measure,
                name=row["name"],
                domain=domain,
                owner=owner,
                legal_basis=(row.get("legal_basis") or {}).get("text", ""),
                voluntary=voluntary,
                consent=consent,
                goal=goal.strip(),
                start_date=start_date,
                end_date=end_date,
                review_date=review_date,
                submission_key=submission_key,
                created_by=by,
            )
            Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
            audit.record(
                Event.INTERVENTION_ADDED,
                by=by,
                obj=case,
                purpose=PURPOSE,
                intervention=str(intervention.uuid),
                measure=measure,
                domain=domain,
            )
    except IntegrityError:
        if not submission_key:
            raise
        # The same submission raced with itself: the first one won.
        return Intervention.objects.get(case=case, submission_key=submission_key)
    return intervention


def change_intervention(
    intervention: Intervention,
    *,
    expected_version: int,
    by: User,
    **changes: Any,
) -> Intervention:
    """Change status, consent, dates, goal or the outcome review of an intervention."""
    case = intervention.case
    _require(by, Action.EDIT, case)
    _check_open(case)
    allowed = {"status", "consent", "goal", "start_date", "end_date", "review_date", "outcome"}
    if unknown := set(changes) - allowed:
        raise ValueError(f"cannot change {sorted(unknown)}")
    merged = {f: changes.get(f, getattr(intervention, f)) for f in allowed}
    errors = _period_errors(merged["start_date"], merged["end_date"], merged["review_date"])
    if merged["status"] not in InterventionStatus.values:
        errors["status"] = _("Kies een status uit de lijst.")
    if merged["consent"] not in Consent.values:
        errors["consent"] = _("Kies een waarde uit de lijst.")
    elif intervention.voluntary and merged["consent"] == Consent.NOT_NEEDED:
        errors["consent"] = _("Deze interventie is vrijwillig: leg vast of er toestemming is.")
    elif not intervention.voluntary and merged["consent"] != Consent.NOT_NEEDED:
        errors["consent"] = _("Deze interventie is niet vrijwillig: toestemming is niet nodig.")
    if (
        intervention.voluntary
        and merged["status"] == InterventionStatus.RUNNING
        and merged["consent"] != Consent.GIVEN
    ):
        errors["status"] = _("Een vrijwillige interventie loopt alleen met toestemming.")
    if (
        merged["status"] in (InterventionStatus.DONE, InterventionStatus.STOPPED)
        and not str(merged["outcome"]).strip()
    ):
        errors["outcome"] = _("Beschrijf de uitkomst voordat u de interventie afsluit.")
    if errors:
        raise ValidationError(errors)
    real = {f: v for f, v in changes.items() if getattr(intervention, f) != v}
    if not real:
        return intervention
    with transaction.atomic():
        _bump(intervention, expected_version, updated_at=timezone.now(), **real)
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        audit.record(
            Event.INTERVENTION_CHANGED,
            by=by,
            obj=case,
            purpose=PURPOSE,
            intervention=str(intervention.uuid),
            fields=sorted(real),
        )
    return intervention


def justify_balance(case: Case, *, text: str, expected_version: int, by: User) -> Case:
    """Record why the plan stays without prevention or care (or clear that reason)."""
    _require(by, Action.MANAGE, case)
    if len(text.strip()) > JUSTIFICATION_MAX:
        raise ValidationError(
            {"text": _("Gebruik ten hoogste %(max)d tekens.") % {"max": JUSTIFICATION_MAX}}
        )
    with transaction.atomic():
        _bump(case, expected_version, balance_justification=text.strip())
        audit.record(
            Event.PLAN_BALANCE_JUSTIFIED, by=by, obj=case, purpose=PURPOSE, cleared=not text.strip()
        )
    return case


def _period_errors(
    start: dt.date | None, end: dt.date | None, review: dt.date | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if start and end and end < start:
        errors["end_date"] = _("Het einde ligt vóór de start.")
    if start and review and review < start:
        errors["review_date"] = _("De evaluatie ligt vóór de start.")
    return errors


def _domain_names(domains: list[str]) -> str:
    from samenspel.cases.models import InterventionDomain

    labels = dict(InterventionDomain.choices)
    return _(" of ").join(str(labels.get(d, d)) for d in domains)


def _balance_message(balance: Balance) -> str:
    if balance.repression_only:
        return _(
            "Het plan bestaat alleen uit repressie. Voeg preventie of zorg toe, of leg vast "
            "waarom dat niet kan."
        )
    return _(
        "Het plan heeft geen preventie of zorg. Voeg die toe, of leg vast waarom dat niet kan."
    )


# --- Closing and reopening ---------------------------------------------------------------------


def close_case(
    case: Case,
    *,
    reason: str,
    aftercare_until: dt.date | None = None,
    expected_version: int,
    by: User,
) -> Case:
    """Close the case, with an optional monitoring and aftercare period (ST-6, then ST-7)."""
    _require(by, Action.MANAGE, case)
    _check_open(case)
    reason = _reason(reason)
    allowed = {t["to"] for t in allowed_transitions(case.framework_version, case.stage)}
    if STAGE_CLOSE not in allowed:
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
            stage=STAGE_CLOSE,
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
                    to_value=STAGE_CLOSE,
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
    """Reopen a closed case for a new case consultation and plan (back to ST-3).

    The framework has no transition out of ST-6; reopening is a status change that the
    municipality records with its reason, not a stage transition (docs/cases.md).
    """
    _require(by, Action.MANAGE, case)
    if case.status == CaseStatus.OPEN:
        raise ValidationError(_("De casus is al open."))
    reason = _reason(reason)
    now = timezone.now()
    with transaction.atomic():
        before_stage, before_status = case.stage, case.status
        _bump(
            case,
            expected_version,
            stage=STAGE_PLAN,
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
                    to_value=STAGE_PLAN,
                    reason=reason,
                    by=by,
                ),
            ]
        )
        audit.record(Event.CASE_REOPENED, by=by, obj=case, purpose=PURPOSE)
    return case


# --- Warm transfer ---------------------------------------------------------------------------


def request_transfer(
    case: Case, *, to_municipality: Organisation | None, reason: str, by: User
) -> Transfer:
    """Ask another municipality to take over the case of a person who moved there."""
    _require(by, Action.MANAGE, case)
    errors: dict[str, str] = {}
    if (
        to_municipality is None
        or to_municipality.type != OrganisationType.MUNICIPALITY
        or not to_municipality.is_active
    ):
        errors["to_municipality"] = _("Kies een gemeente uit de lijst.")
    elif to_municipality.pk == case.municipality_id:
        errors["to_municipality"] = _("De casus hoort al bij deze gemeente. Kies een andere.")
    if not reason.strip():
        errors["reason"] = _("Geef een reden op.")
    if case.status == CaseStatus.CLOSED:
        errors["to_municipality"] = _("Een gesloten casus wordt niet overgedragen.")
    if errors:
        raise ValidationError(errors)
    if to_municipality is None:  # for the type checker: refused above
        raise ValidationError(errors)
    pending = Transfer.objects.filter(case=case, status=TransferStatus.REQUESTED).first()
    if pending is not None:
        if pending.to_municipality_id == to_municipality.pk:
            return pending  # a double submit
        raise ValidationError(
            {"to_municipality": _("Er loopt al een overdracht. Trek die eerst in.")}
        )
    with transaction.atomic():
        transfer = Transfer.objects.create(
            case=case,
            case_reference=case.reference,
            from_municipality_id=case.municipality_id,
            to_municipality=to_municipality,
            reason=reason.strip(),
            requested_by=by,
        )
        audit.record(
            Event.TRANSFER_REQUESTED,
            by=by,
            obj=case,
            purpose=PURPOSE,
            transfer=str(transfer.uuid),
            to=str(to_municipality.uuid),
        )
    return transfer


def _decide(transfer: Transfer, by: User) -> None:
    _require(by, Action.MANAGE, transfer)
    if transfer.status != TransferStatus.REQUESTED:
        raise ValidationError(_("Over deze overdracht is al beslist."))


def accept_transfer(transfer: Transfer, *, case_director: User, reason: str = "", by: User) -> Case:
    """Take over the case: it moves with its history; the sender keeps only the transfer stub.

    The person is registered again in the receiving municipality, or, when it knows the
    person's BSN already, the case joins that person. The sending municipality's team leaves
    the case; the receiving case director forms a new one.
    """
    _decide(transfer, by)
    target = transfer.to_municipality
    if not (
        case_director.is_active
        and case_director.organisation_id == target.pk
        and case_director.has_role(Role.CASE_DIRECTOR)
    ):
        raise ValidationError(
            {
                "case_director": _("Kies een casusregisseur van de gemeente %(name)s.")
                % {"name": target.name}
            }
        )
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=transfer.case_id)
        old_person = case.person
        # A BSN names one person: when the receiving municipality knows it already, the case
        # joins that record instead of a second one for the same person.
        known = (
            Person.objects.filter(municipality=target, bsn=old_person.bsn).first()
            if old_person.bsn
            else None
        )
        person = known or _insert_person(
            municipality=target,
            family_name=old_person.family_name,
            given_names=old_person.given_names,
            birth_date=old_person.birth_date,
            bsn=old_person.bsn,
            address=old_person.address,
        )
        source = case.municipality
        Case.objects.filter(pk=case.pk).update(
            municipality=target,
            person=person,
            case_director=case_director,
            reference=_new_reference(target),
            version=F("version") + 1,
            updated_at=now,
        )
        CaseMember.objects.filter(case=case, removed_at__isnull=True).update(
            removed_at=now, removed_by=by
        )
        CaseMember.objects.create(
            case=case,
            user=case_director,
            organisation=target,
            task=_("casusregisseur"),
            added_by=by,
        )
        CaseTransition.objects.create(
            case=case,
            dimension=Dimension.MUNICIPALITY,
            from_value=source.name,
            to_value=target.name,
            reason=transfer.reason,
            by=by,
        )
        Transfer.objects.filter(pk=transfer.pk).update(
            status=TransferStatus.ACCEPTED,
            decided_by=by,
            decided_at=now,
            decision_reason=reason.strip(),
        )
        # The signals behind the case move with it; the sender keeps only the transfer stub.
        Signal.objects.filter(case_id=case.pk).update(municipality=target, person=person)
        if not old_person.cases.exists() and not old_person.signals.exists():
            old_person.delete()
        case.refresh_from_db()
        audit.record(
            Event.TRANSFER_ACCEPTED,
            by=by,
            obj=case,
            purpose=PURPOSE,
            transfer=str(transfer.uuid),
            source=str(source.uuid),
            person=str(person.uuid),
            person_known=known is not None,
        )
    return case


def decline_transfer(transfer: Transfer, *, reason: str, by: User) -> Transfer:
    """Decline a transfer, with the reason; the case stays with the sender."""
    _decide(transfer, by)
    reason = _reason(reason)
    with transaction.atomic():
        Transfer.objects.filter(pk=transfer.pk).update(
            status=TransferStatus.DECLINED,
            decided_by=by,
            decided_at=timezone.now(),
            decision_reason=reason,
        )
        transfer.refresh_from_db()
        audit.record(
            Event.TRANSFER_DECLINED,
            by=by,
            obj=transfer,
            purpose=PURPOSE,
            case=str(transfer.case.uuid),
        )
    return transfer


def cancel_transfer(transfer: Transfer, *, by: User) -> Transfer:
    """Withdraw a transfer request that is not yet decided."""
    _require(by, Action.MANAGE, transfer.case)
    if transfer.status != TransferStatus.REQUESTED:
        raise ValidationError(_("Over deze overdracht is al beslist."))
    with transaction.atomic():
        Transfer.objects.filter(pk=transfer.pk).update(
            status=TransferStatus.CANCELLED, decided_by=by, decided_at=timezone.now()
        )
        transfer.refresh_from_db()
        audit.record(Event.TRANSFER_CANCELLED, by=by, obj=transfer, purpose=PURPOSE)
    return transfer
