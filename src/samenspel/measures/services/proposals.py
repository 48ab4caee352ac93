"""Propose, advise, mark requested or intended, withdraw, end and extend a measure."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel.accounts.models import User
from samenspel.audit.events import Event
from samenspel.cases.models import Case, CaseStatus
from samenspel.frameworks.typed import framework_of
from samenspel.measures.models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    CaseMeasure,
    Dossier,
    MeasureStatus,
)
from samenspel.measures.services._common import (
    _audit,
    _candidates,
    _is_external,
    _require,
    _text,
    _transition,
    is_register_measure,
)
from samenspel.notifications import services as notifications
from samenspel.notifications.models import Topic
from samenspel.sharing.policy import require
from samenspel.sharing.rules.measures import reads_dossier


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


def advise_measure(measure: CaseMeasure, *, advice: str, by: User) -> CaseMeasure:
    """Record the case consultation's advice on a proposed measure (the advice can be updated)."""
    _require(by, "measure.advise", measure)
    advice = _text(advice, "advice", _("Schrijf het advies van het casusoverleg op."))
    return _transition(
        measure,
        expected=[MeasureStatus.PROPOSED, MeasureStatus.ADVISED],
        message=_("Over deze maatregel is al verder besloten. Het advies is niet opgeslagen."),
        status=MeasureStatus.ADVISED,
        advice=advice,
        event=Event.MEASURE_ADVISED,
        by=by,
    )


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
    return _transition(
        measure,
        expected=MOVES[MeasureStatus(to)],
        message=_("De maatregel is al verder. Er is niets veranderd."),
        status=to,
        event=Event.MEASURE_STAGE_CHANGED,
        by=by,
        details={"status": to},
    )


def withdraw_measure(measure: CaseMeasure, *, reason: str, by: User) -> CaseMeasure:
    """Withdraw a proposal before a decision: by who proposed it or its competent authority."""
    _require(by, "measure.withdraw", measure)
    reason = _text(reason, "closing_note", _("Schrijf waarom de maatregel niet doorgaat."))
    return _transition(
        measure,
        expected=OPEN_STATUSES,
        message=_("Over deze maatregel is al besloten. Er is niets ingetrokken."),
        status=MeasureStatus.WITHDRAWN,
        closing_note=reason,
        closed_at=timezone.now(),
        event=Event.MEASURE_WITHDRAWN,
        by=by,
    )


def end_measure(measure: CaseMeasure, *, evaluation: str, by: User) -> CaseMeasure:
    """End a running measure with its evaluation: what it did, and what comes next."""
    _require(by, "measure.close", measure)
    evaluation = _text(
        evaluation, "closing_note", _("Schrijf de evaluatie: wat heeft de maatregel gedaan?")
    )
    return _transition(
        measure,
        expected=RUNNING_STATUSES,
        message=_("Deze maatregel loopt niet (meer). Er is niets veranderd."),
        status=MeasureStatus.ENDED,
        closing_note=evaluation,
        closed_at=timezone.now(),
        event=Event.MEASURE_ENDED,
        by=by,
    )


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


# --- Work outside the request (the worker) ----------------------------------------------------


def start_decided_measures(*, today: dt.date) -> int:
    """Put decided measures whose start date has come in force; return how many."""
    started = 0
    for measure in CaseMeasure.objects.filter(
        status=MeasureStatus.DECIDED, starts_on__lte=today
    ).select_related("case"):
        with transaction.atomic():
            changed = CaseMeasure.objects.filter(
                pk=measure.pk, status=MeasureStatus.DECIDED
            ).update(status=MeasureStatus.IN_FORCE, updated_at=timezone.now())
            if changed:
                _audit(Event.MEASURE_STAGE_CHANGED, measure, None, status=MeasureStatus.IN_FORCE)
                started += 1
    return started


def remind_measure_terms(*, today: dt.date) -> int:
    """Tell the readers of a running measure's dossier that its term ends soon, once per end
    date: so that it is evaluated, ended or extended (a new decision) in time."""
    horizon = today + dt.timedelta(days=settings.REVIEW_NOTICE_DAYS)
    due = CaseMeasure.objects.filter(
        status__in=RUNNING_STATUSES, ends_on__isnull=False, ends_on__lte=horizon
    ).select_related("case", "dossier")
    made = 0
    for measure in due.order_by("ends_on", "id"):
        readers = [u for u in _candidates(measure.case) if reads_dossier(u, measure)]
        key = f"measure:term:{measure.uuid}:{measure.ends_on}"
        with transaction.atomic():
            made += len(
                notifications.notify(
                    Topic.MEASURE_TERM_ENDING, measure, to=readers, by=None, once_key=key
                )
            )
    return made
