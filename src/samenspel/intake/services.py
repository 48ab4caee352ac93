"""Submit signals, pick them up and weigh them (triage). Each change audits itself."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.audit.events import Event, Purpose
from samenspel.cases import services as cases
from samenspel.cases.models import Case, Person
from samenspel.intake.models import (
    Attachment,
    Signal,
    SignalStatus,
    TriageOutcome,
    TriageSeat,
)
from samenspel.lib.bsn import normalise_bsn
from samenspel.lib.errors import StaleEdit
from samenspel.lib.files import sniff
from samenspel.notifications.models import Topic
from samenspel.notifications.services import notify
from samenspel.sharing.policy import Action, Denied, allowed, can
from samenspel.sharing.rules.intake import triage_municipalities

PURPOSE = Purpose.SIGNAL_INTAKE


@dataclasses.dataclass(frozen=True)
class Upload:
    """A file as received from a form or the API."""

    name: str
    content: bytes


@dataclasses.dataclass(frozen=True)
class SignalInput:
    """What a reporter submits."""

    municipality: Organisation | None
    observed_on: dt.date | None
    observation: str
    concern: str
    is_acute: bool
    family_name: str
    given_names: str = ""
    birth_date: dt.date | None = None
    bsn: str = ""
    address: str = ""


def may_report(user: User) -> bool:
    """Tell whether `user` may submit signals: any active professional of a partner."""
    return allowed(user, "signal.report")


def _sniff(upload: Upload) -> str | None:
    return sniff(upload.name, upload.content)


def _attachment_errors(uploads: list[Upload]) -> tuple[list[str], list[str]]:
    """Return (errors, content types) for the attachments."""
    errors: list[str] = []
    types: list[str] = []
    if len(uploads) > settings.ATTACHMENT_MAX_COUNT:
        errors.append(
            _("U kunt ten hoogste %(count)d bijlagen meesturen.")
            % {"count": settings.ATTACHMENT_MAX_COUNT}
        )
    for upload in uploads:
        if len(upload.content) > settings.ATTACHMENT_MAX_BYTES:
            errors.append(
                _("%(name)s is te groot: ten hoogste %(mb)s MB.")
                % {"name": upload.name[:80], "mb": settings.ATTACHMENT_MAX_BYTES // 1_048_576}
            )
        elif not upload.content:
            errors.append(_("%(name)s is leeg.") % {"name": upload.name[:80]})
        elif (content_type := _sniff(upload)) is None:
            errors.append(
                _("%(name)s heeft een soort bestand dat niet mag. Stuur PDF, PNG, JPEG of tekst.")
                % {"name": upload.name[:80]}
            )
        else:
            types.append(content_type)
    return errors, types


def submit_signal(
    data: SignalInput, *, uploads: list[Upload] | None = None, idempotency_key: str, by: User
) -> Signal:
    """Submit a signal to a municipality; a second submit with the same key returns the first."""
    if not may_report(by):
        raise Denied("intake.signal", "", exists=False)
    key = idempotency_key.strip()[:64] or uuid.uuid4().hex
    existing = Signal.objects.filter(reporter=by, idempotency_key=key).first()
    if existing is not None:
        return existing
    uploads = uploads or []
    errors = cases.clean_person(
        family_name=data.family_name,
        given_names=data.given_names,
        birth_date=data.birth_date,
        bsn=data.bsn,
    )
    errors = {f"subject_{k}" if k != "bsn" else "subject_bsn": v for k, v in errors.items()}
    municipality = data.municipality
    if (
        municipality is None
        or municipality.type != OrganisationType.MUNICIPALITY
        or not municipality.is_active
    ):
        errors["municipality"] = _("Kies de gemeente waar de persoon woont.")
    if data.observed_on is None:
        errors["observed_on"] = _("Vul in wanneer u het zag of hoorde.")
    elif data.observed_on > timezone.localdate():
        errors["observed_on"] = _("Deze datum ligt in de toekomst.")
    if not data.observation.strip():
        errors["observation"] = _("Beschrijf wat u zag of hoorde.")
    if not data.concern.strip():
        errors["concern"] = _("Beschrijf uw zorg.")
    attachment_errors, types = _attachment_errors(uploads)
    if attachment_errors:
        errors["attachments"] = " ".join(attachment_errors)
    if errors:
        raise ValidationError(errors)
    if municipality is None or data.observed_on is None:  # for the type checker
        raise ValidationError(errors)
    now = timezone.now()
    due = (
        now + dt.timedelta(minutes=settings.SIGNAL_ACUTE_PICKUP_MINUTES)
        if data.is_acute
        else now + dt.timedelta(days=settings.SIGNAL_TRIAGE_DAYS)
    )
    try:
        with transaction.atomic():
            signal = Signal.objects.create(
                reference=f"S-{now:%Y}-{uuid.uuid4().hex[:8].upper()}",
                idempotency_key=key,
                reporter=by,
                source_organisation_id=by.organisation_id,
                municipality=municipality,
                observed_on=data.observed_on,
                observation=data.observation.strip(),
                concern=data.concern.strip(),
                is_acute=data.is_acute,
                subject_family_name=data.family_name.strip(),
                subject_given_names=data.given_names.strip(),
                subject_birth_date=data.birth_date,
                subject_bsn=normalise_bsn(data.bsn) if data.bsn.strip() else "",
                subject_address=data.address.strip(),
                received_at=now,
                due_at=due,
            )
            Attachment.objects.bulk_create(
                Attachment(
                    signal=signal,
                    name=upload.name[:200] or "bijlage",
                    content_type=content_type,
                    size=len(upload.content),
                    sha256=hashlib.sha256(upload.content).hexdigest(),
                    content=upload.content,
                )
                for upload, content_type in zip(uploads, types, strict=True)
            )
            audit.record(
                Event.SIGNAL_SUBMITTED,
                by=by,
                obj=signal,
                purpose=PURPOSE,
                acute=data.is_acute,
                attachments=len(uploads),
            )
            if data.is_acute:
                # Written with the signal; the worker mails it (notifications.services).
                notify(Topic.SIGNAL_ACUTE, signal, to=triage_team(municipality), by=by)
    except IntegrityError:
        # The same submission raced with itself: the first one won.
        return Signal.objects.get(reporter=by, idempotency_key=key)
    return signal


def triage_team(municipality: Organisation) -> list[User]:
    """Return the active members of a municipality's triage team (weegploeg)."""
    seats = TriageSeat.objects.filter(municipality=municipality).values("user_id")
    own = User.objects.filter(
        organisation=municipality,
        roles__role__in=[Role.CASE_DIRECTOR, Role.SECURITY_ADVISER],
    ).values("pk")
    return list(
        User.objects.filter(is_active=True)
        .filter(pk__in=own.union(seats.values("user_id")))
        .select_related("organisation")
        .order_by("full_name")
    )


def _require(by: User, action: Action, obj: Signal | TriageSeat) -> None:
    if not can(by, action, obj):
        raise Denied(obj._meta.label_lower, str(getattr(obj, "uuid", obj.pk)), exists=True)


def pick_up(signal: Signal, *, by: User) -> Signal:
    """Take a signal into triage; picking it up twice is harmless."""
    _require(by, Action.MANAGE, signal)
    if signal.status != SignalStatus.RECEIVED:
        return signal
    with transaction.atomic():
        updated = Signal.objects.filter(pk=signal.pk, status=SignalStatus.RECEIVED).update(
            status=SignalStatus.IN_TRIAGE,
            picked_up_at=timezone.now(),
            picked_up_by=by,
            version=F("version") + 1,
        )
        signal.refresh_from_db()
        if updated:
            audit.record(
                Event.SIGNAL_PICKED_UP,
                by=by,
                obj=signal,
                purpose=PURPOSE,
                overdue=signal.picked_up_at is not None and signal.picked_up_at > signal.due_at,
            )
    return signal


@dataclasses.dataclass(frozen=True)
class TriageDecision:
    """The outcome of the weging, with the reason and the criteria used."""

    outcome: str
    reason: str
    criteria: str
    person: Person | None = None  # link to a known person of the municipality
    create_person: bool = False  # or register the person from the signal's data
    case_director: User | None = None  # for inclusion
    phase: str = ""
    tracks: tuple[str, ...] = ()
    # A person with an open case: the signal joins that case, unless the team opens a second
    # case beside it, for this reason.
    second_case_reason: str = ""


def triage(signal: Signal, decision: TriageDecision, *, expected_version: int, by: User) -> Signal:
    """Weigh a signal: close it, refer it, include the person (opening a case) or escalate."""
    _require(by, Action.MANAGE, signal)
    if signal.status == SignalStatus.CLOSED:
        if signal.outcome == decision.outcome and signal.triaged_by_id == by.pk:
            return signal  # a double submit of the same decision
        raise StaleEdit("intake.signal", signal.version)
    errors: dict[str, str] = {}
    if decision.outcome not in TriageOutcome.values:
        errors["outcome"] = _("Kies een uitkomst.")
    if not decision.reason.strip():
        errors["reason"] = _("Geef de reden van deze uitkomst.")
    if not decision.criteria.strip():
        errors["criteria"] = _("Leg vast welke criteria de weegploeg heeft gebruikt.")
    person = decision.person
    if person is not None and person.municipality_id != signal.municipality_id:
        errors["person"] = _("Koppel alleen een persoon uit deze gemeente.")
    include = decision.outcome == TriageOutcome.INCLUDE
    if include and person is None and not decision.create_person:
        errors["person"] = _("Koppel een bekende persoon of registreer een nieuwe.")
    # One person, one open case: a known person's open case takes the signal, unless the team
    # gives a reason to open a second case beside it.
    running = cases.open_case_of(person) if include and person is not None else None
    joins = running is not None and not decision.second_case_reason.strip()
    if include and not joins and decision.case_director is None:
        errors["case_director"] = _("Kies een casusregisseur.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        if signal.status == SignalStatus.RECEIVED:
            pick_up(signal, by=by)
            expected_version += 1
        if person is None and decision.create_person:
            person = cases.create_person(
                municipality=signal.municipality,
                family_name=signal.subject_family_name,
                given_names=signal.subject_given_names,
                birth_date=signal.subject_birth_date,
                bsn=signal.subject_bsn,
                address=signal.subject_address,
                by=by,
            )
        case: Case | None = None
        if include and joins:
            case = running
        elif include:
            if person is None or decision.case_director is None:  # checked above
                raise ValidationError(errors)
            case = cases.open_case(
                person=person,
                case_director=decision.case_director,
                phase=decision.phase,
                tracks=list(decision.tracks) or ["TR-PGA"],
                reason=decision.reason,
                parallel_reason=decision.second_case_reason,
                by=by,
            )
        updated = Signal.objects.filter(pk=signal.pk, version=expected_version).update(
            status=SignalStatus.CLOSED,
            outcome=decision.outcome,
            outcome_reason=decision.reason.strip(),
            criteria=decision.criteria.strip(),
            triaged_by=by,
            triaged_at=now,
            person=person,
            case=case,
            version=F("version") + 1,
        )
        if not updated:
            raise StaleEdit("intake.signal", signal.version)
        signal.refresh_from_db()
        details: dict[str, Any] = {"decision": decision.outcome}
        if person is not None:
            details["person"] = str(person.uuid)
        if case is not None:
            details["case"] = str(case.uuid)
            if joins:
                details["joined_open_case"] = True
        audit.record(Event.SIGNAL_TRIAGED, by=by, obj=signal, purpose=PURPOSE, **details)
        notify(Topic.SIGNAL_TRIAGED, signal, to=[signal.reporter], by=by)
    return signal


# --- Triage team --------------------------------------------------------------------------------


def add_triage_seat(municipality: Organisation, *, user: User, by: User) -> TriageSeat:
    """Give a partner user (police, OM) a seat on the municipality's triage team."""
    if not allowed(by, "triage_seat.manage", within=municipality):
        raise Denied("intake.triageseat", "", exists=False)
    if user.organisation.type not in (OrganisationType.POLICE, OrganisationType.OM) or (
        not user.is_active
    ):
        raise ValidationError({"user": _("Kies een actieve gebruiker van politie of OM.")})
    seat, created = TriageSeat.objects.get_or_create(
        municipality=municipality, user=user, defaults={"added_by": by}
    )
    if created:
        audit.record(Event.TRIAGE_SEAT_ADDED, by=by, obj=seat, purpose=PURPOSE, user=str(user.uuid))
    return seat


def remove_triage_seat(seat: TriageSeat, *, by: User) -> None:
    """Take a partner user off the triage team; their access to its signals ends at once."""
    _require(by, Action.MANAGE, seat)
    with transaction.atomic():
        audit.record(
            Event.TRIAGE_SEAT_REMOVED, by=by, obj=seat, purpose=PURPOSE, user=str(seat.user.uuid)
        )
        seat.delete()


def seat_candidates(municipality: Organisation) -> list[User]:
    """Return the police and OM users of the municipality's region who may get a seat."""
    taken = TriageSeat.objects.filter(municipality=municipality).values("user_id")
    return list(
        User.objects.filter(
            is_active=True,
            organisation__is_active=True,
            organisation__type__in=[OrganisationType.POLICE, OrganisationType.OM],
            organisation__region=municipality.region,
        )
        .exclude(pk__in=taken)
        .select_related("organisation")
        .order_by("organisation__name", "full_name")
    )


def municipalities_triaged_by(user: User) -> list[Organisation]:
    """Return the municipalities whose triage queue `user` works on."""
    return list(Organisation.objects.filter(triage_municipalities(user)).order_by("name"))
