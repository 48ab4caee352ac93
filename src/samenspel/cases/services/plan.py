"""Add and change the interventions of a case plan and justify its balance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation, OrganisationType, User
from samenspel.audit.events import Event
from samenspel.cases.balance import Balance
from samenspel.cases.models import (
    CONSENT_TEXT_MAX,
    JUSTIFICATION_MAX,
    Case,
    Consent,
    Intervention,
    InterventionDomain,
    InterventionStatus,
)
from samenspel.cases.services._common import (
    PURPOSE,
    _bump,
    _check_open,
    _require,
    _same_submitter,
)
from samenspel.frameworks.selectors import framework_of
from samenspel.frameworks.types import Framework
from samenspel.frameworks.types import Measure as FrameworkMeasure
from samenspel.lib.errors import StaleEdit
from samenspel.sharing.policy import Action

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
    consent_by: str = "",
    consent_on: dt.date | None = None,
    consent_scope: str = "",
    consent_shared_with: Iterable[Organisation] = (),
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
            return _same_submitter(existing, by)
    _check_open(case)
    errors: dict[str, str] = {}
    framework = framework_of(case.framework_version)
    row = framework.measures.get(measure)
    if row is None:
        errors["measure"] = _("Kies een interventie uit het kader.")
    elif domain not in row.domains:
        errors["domain"] = _("Deze interventie is %(domains)s.") % {
            "domains": _domain_names(row.domains)
        }
    voluntary = row is not None and row.flags.voluntary
    consent = consent or (Consent.NOT_ASKED if voluntary else Consent.NOT_NEEDED)
    if consent not in Consent.values:
        errors["consent"] = _("Kies een waarde uit de lijst.")
    elif voluntary and consent == Consent.NOT_NEEDED:
        errors["consent"] = _("Deze interventie is vrijwillig: leg vast of er toestemming is.")
    elif not voluntary and consent != Consent.NOT_NEEDED:
        errors["consent"] = _("Deze interventie is niet vrijwillig: toestemming is niet nodig.")
    shared_with = list(consent_shared_with)
    record: dict[str, Any] = {
        "consent": consent,
        "consent_by": consent_by.strip(),
        "consent_on": consent_on,
        "consent_scope": consent_scope.strip(),
        "consent_shared_with": shared_with,
    }
    errors.update(_consent_errors(record))
    if not owner.is_active or owner.type == OrganisationType.AIVD:
        errors["owner"] = _("Kies een actieve partnerorganisatie als eigenaar.")
    elif (
        row is not None
        and domain == InterventionDomain.REPRESSION
        and (message := _owner_error(framework, row, owner))
    ):
        errors["owner"] = message
    errors.update(_period_errors(start_date, end_date, review_date))
    if errors or row is None:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            intervention = Intervention.objects.create(
                case=case,
                measure=measure,
                name=row.name,
                domain=domain,
                owner=owner,
                legal_basis=row.legal_basis.text,
                voluntary=voluntary,
                consent=consent,
                consent_by=record["consent_by"] if consent == Consent.GIVEN else "",
                consent_on=consent_on if consent == Consent.GIVEN else None,
                consent_scope=record["consent_scope"] if consent == Consent.GIVEN else "",
                goal=goal.strip(),
                start_date=start_date,
                end_date=end_date,
                review_date=review_date,
                submission_key=submission_key,
                created_by=by,
            )
            if consent == Consent.GIVEN and shared_with:
                intervention.consent_shared_with.set(shared_with)
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
        return _same_submitter(
            Intervention.objects.get(case=case, submission_key=submission_key), by
        )
    return intervention


def change_intervention(
    intervention: Intervention,
    *,
    expected_version: int,
    by: User,
    **changes: Any,
) -> Intervention:
    """Change status, consent (with its record), dates, goal or the outcome of an intervention.

    Withdrawn consent stops a running voluntary intervention at once (the outcome says so), and
    from then on the care information that rested on it no longer reaches the organisations it
    was shared with (sharing/rules/compartments.py).
    """
    case = intervention.case
    _require(by, Action.EDIT, case)
    # A care line is changed only by who reads it (sharing/rules/compartments.py).
    _require(by, Action.EDIT, intervention)
    _check_open(case)
    if unknown := set(changes) - CHANGEABLE:
        raise ValueError(f"cannot change {sorted(unknown)}")
    current = {f: getattr(intervention, f) for f in CHANGEABLE - {"consent_shared_with"}}
    current["consent_shared_with"] = list(intervention.consent_shared_with.all())
    merged = {f: changes.get(f, current[f]) for f in CHANGEABLE}
    for field in ("consent_by", "consent_scope", "goal", "outcome"):
        merged[field] = str(merged[field] or "").strip()
    withdrawn = (
        intervention.voluntary
        and merged["consent"] == Consent.WITHDRAWN
        and intervention.consent != Consent.WITHDRAWN
    )
    if withdrawn and merged["status"] == InterventionStatus.RUNNING:
        # Withdrawn consent stops the intervention; the outcome records why.
        merged["status"] = InterventionStatus.STOPPED
        merged["outcome"] = merged["outcome"] or _(
            "Gestopt: de persoon heeft de toestemming ingetrokken."
        )
    errors = _period_errors(merged["start_date"], merged["end_date"], merged["review_date"])
    if merged["status"] not in InterventionStatus.values:
        errors["status"] = _("Kies een status uit de lijst.")
    if merged["consent"] not in Consent.values:
        errors["consent"] = _("Kies een waarde uit de lijst.")
    elif intervention.voluntary and merged["consent"] == Consent.NOT_NEEDED:
        errors["consent"] = _("Deze interventie is vrijwillig: leg vast of er toestemming is.")
    elif not intervention.voluntary and merged["consent"] != Consent.NOT_NEEDED:
        errors["consent"] = _("Deze interventie is niet vrijwillig: toestemming is niet nodig.")
    errors.update(_consent_errors(merged))
    if (
        intervention.voluntary
        and merged["status"] == InterventionStatus.RUNNING
        and merged["consent"] != Consent.GIVEN
    ):
        errors["status"] = _("Een vrijwillige interventie loopt alleen met toestemming.")
    if (
        merged["status"] in (InterventionStatus.DONE, InterventionStatus.STOPPED)
        and not merged["outcome"]
    ):
        errors["outcome"] = _("Beschrijf de uitkomst voordat u de interventie afsluit.")
    if errors:
        raise ValidationError(errors)
    if merged["consent"] != Consent.GIVEN and merged["consent"] != Consent.WITHDRAWN:
        # Only given (or withdrawn) consent has a record.
        merged.update(consent_by="", consent_on=None, consent_scope="", consent_shared_with=[])
    shared = {o.pk for o in merged["consent_shared_with"]}
    real = {f: merged[f] for f in CHANGEABLE - {"consent_shared_with"} if merged[f] != current[f]}
    shared_changed = shared != {o.pk for o in current["consent_shared_with"]}
    if not real and not shared_changed:
        # Nothing to save, but a stale version is still stale: the editor saw an older state.
        now = (
            Intervention.objects.filter(pk=intervention.pk)
            .values_list("version", flat=True)
            .first()
        )
        if now != expected_version:
            raise StaleEdit("cases.intervention", now or 0)
        return intervention
    with transaction.atomic():
        _bump(intervention, expected_version, updated_at=timezone.now(), **real)
        if shared_changed:
            intervention.consent_shared_with.set(sorted(shared))
        Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())
        fields = sorted({*real, *(["consent_shared_with"] if shared_changed else [])})
        audit.record(
            Event.INTERVENTION_CHANGED,
            by=by,
            obj=case,
            purpose=PURPOSE,
            intervention=str(intervention.uuid),
            fields=fields,
        )
        if withdrawn:
            audit.record(
                Event.CONSENT_WITHDRAWN,
                by=by,
                obj=case,
                purpose=PURPOSE,
                intervention=str(intervention.uuid),
                stopped=merged["status"] == InterventionStatus.STOPPED,
            )
    return intervention


# What change_intervention changes.
CHANGEABLE = frozenset(
    {
        "status",
        "consent",
        "goal",
        "start_date",
        "end_date",
        "review_date",
        "outcome",
        "consent_by",
        "consent_on",
        "consent_scope",
        "consent_shared_with",
    }
)


def _consent_errors(record: dict[str, Any]) -> dict[str, str]:
    """Check the consent record: given consent says by whom, when, for what, shared with whom."""
    if record["consent"] != Consent.GIVEN:
        return {}
    errors: dict[str, str] = {}
    if not record["consent_by"]:
        errors["consent_by"] = _(
            "Leg vast wie de toestemming gaf (de persoon, een ouder of voogd)."
        )
    elif len(record["consent_by"]) > 200:
        errors["consent_by"] = _("Gebruik ten hoogste %(n)d tekens.") % {"n": 200}
    on = record["consent_on"]
    if on is None:
        errors["consent_on"] = _("Leg vast wanneer de toestemming is gegeven.")
    elif on > timezone.localdate():
        errors["consent_on"] = _("De datum van de toestemming ligt in de toekomst.")
    if not record["consent_scope"]:
        errors["consent_scope"] = _("Leg vast waarvoor de toestemming geldt.")
    elif len(record["consent_scope"]) > CONSENT_TEXT_MAX:
        errors["consent_scope"] = _("Gebruik ten hoogste %(n)d tekens.") % {"n": CONSENT_TEXT_MAX}
    if any(
        not o.is_active or o.type == OrganisationType.AIVD for o in record["consent_shared_with"]
    ):
        errors["consent_shared_with"] = _("Kies actieve partnerorganisaties.")
    return errors


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


def _owner_error(framework: Framework, row: FrameworkMeasure, owner: Organisation) -> str:
    """Refuse an owner who neither carries out nor decides the measure, per the framework.

    The owner of a plan line is the organisation that carries it out. A Twbmt reporting duty is
    carried out by the police and decided by the minister: a municipality cannot own it.
    """
    actors = [framework.actors[a] for a in (*row.executors, *row.deciders) if a in framework.actors]
    types = {a.organisation_type for a in actors} - {""}
    if not types or owner.type in types:
        return ""
    executors = row.executor_text.rstrip(".") or "-"
    return _(
        "%(measure)s wordt uitgevoerd door: %(executors)s. Hierover besluit: %(who)s. Kies als "
        "eigenaar een organisatie die de maatregel uitvoert of erover besluit."
    ) % {"measure": row.label, "executors": executors, "who": row.decision_role.text.rstrip(".")}


def _period_errors(
    start: dt.date | None, end: dt.date | None, review: dt.date | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if start and end and end < start:
        errors["end_date"] = _("Het einde ligt vóór de start.")
    if start and review and review < start:
        errors["review_date"] = _("De evaluatie ligt vóór de start.")
    return errors


def _domain_names(domains: tuple[str, ...]) -> str:
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
