"""Objection and appeal against a decided measure: filed in time (or with the reason why not),
handled, and an upheld one that annuls the decision shows the measure as annulled everywhere.

The term is the framework's for the measure's ground (`legal_domains[].objection_term`, six
weeks under the Awb), counted from the day the decision was made known. A review is recorded
and handled by the readers of the measure's dossier (for the mayor's measures: the mayor and
the designated officials), as the competent authority handles objections against its own
decisions.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel.accounts.models import User
from samenspel.audit.events import Event
from samenspel.lib.decisions import claim
from samenspel.measures.models import (
    RUNNING_STATUSES,
    CaseMeasure,
    MeasureStatus,
    Review,
    ReviewKind,
    ReviewOutcome,
)
from samenspel.measures.services._common import (
    TEXT_MAX,
    _audit,
    _once,
    _refuse,
    _require,
    _row,
    _text,
    _touch,
)
from samenspel.sharing.policy import Action, can, denied_for

__all__ = ["decide_review", "file_review", "review_deadline"]

# Reviews concern decisions that were taken: running, ended or (by an earlier review) annulled.
REVIEWABLE = (*RUNNING_STATUSES, MeasureStatus.ENDED, MeasureStatus.ANNULLED)


def review_deadline(measure: CaseMeasure, notified_on: dt.date) -> dt.date | None:
    """Return the last day to object or appeal, from the framework's term for the ground."""
    framework, _measure_row = _row(measure)
    domain = framework.legal_domains.get(measure.legal_domain)
    term = domain.objection_term if domain is not None else None
    return term.last_day(notified_on + dt.timedelta(days=1)) if term is not None else None


def file_review(
    measure: CaseMeasure,
    *,
    kind: str,
    notified_on: dt.date | None,
    filed_on: dt.date | None,
    grounds: str,
    late_reason: str = "",
    submission_key: str = "",
    by: User,
) -> Review:
    """Record an objection or appeal; after its deadline only with the reason for the delay.

    A late review without a reason is refused, and the refusal audited.
    """
    _require(by, "measure.review", measure)
    if measure.status not in REVIEWABLE:
        raise ValidationError(_("Bezwaar of beroep gaat over een genomen besluit."))
    errors: dict[str, str] = {}
    if kind not in ReviewKind.values:
        errors["kind"] = _("Kies bezwaar, beroep of hoger beroep.")
    today = timezone.localdate()
    if notified_on is None:
        errors["notified_on"] = _("Vul in wanneer het besluit is bekendgemaakt.")
    elif measure.decided_on and notified_on < measure.decided_on:
        errors["notified_on"] = _("Het besluit is pas genomen op %(date)s.") % {
            "date": measure.decided_on.strftime("%d-%m-%Y")
        }
    if filed_on is None:
        errors["filed_on"] = _("Vul in wanneer het is ingediend.")
    elif filed_on > today:
        errors["filed_on"] = _("Deze datum ligt in de toekomst. Kies vandaag of eerder.")
    elif notified_on is not None and filed_on < notified_on:
        errors["filed_on"] = _("Dit ligt voor de bekendmaking van het besluit.")
    try:
        grounds = _text(grounds, "grounds", _("Schrijf de gronden op: waarom is het besluit fout?"))
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    late_reason = late_reason.strip()
    if len(late_reason) > TEXT_MAX:
        errors["late_reason"] = _("Gebruik ten hoogste %(n)d tekens.") % {"n": TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    assert notified_on is not None and filed_on is not None  # noqa: S101 - checked above
    deadline = review_deadline(measure, notified_on)
    if deadline is None:
        raise ValidationError(
            _(
                "Het kader noemt voor deze grond geen termijn voor bezwaar of beroep. Tegen een "
                "strafrechtelijke beslissing gaat u naar de strafrechter."
            )
        )
    if filed_on > deadline and not late_reason:
        _refuse(
            measure,
            by,
            _(
                "De termijn liep tot en met %(date)s. Leg vast waarom het later is ingediend "
                "(verschoonbare termijnoverschrijding)."
            )
            % {"date": deadline.strftime("%d-%m-%Y")},
            event=Event.MEASURE_REVIEW_REFUSED,
            field="late_reason",
            reason="late",
        )

    def make() -> Review:
        with transaction.atomic():
            review = Review.objects.create(
                submission_key=submission_key.strip()[:64],
                measure=measure,
                kind=kind,
                notified_on=notified_on,
                filed_on=filed_on,
                deadline=deadline,
                late_reason=late_reason,
                grounds=grounds,
                filed_by=by,
            )
            _touch(measure)
            _audit(Event.MEASURE_REVIEW_FILED, measure, by, kind=kind, late=filed_on > deadline)
        return review

    return _once(Review, measure, submission_key, by, "filed_by", make)


def decide_review(
    review: Review,
    *,
    outcome: str,
    outcome_on: dt.date | None,
    outcome_text: str,
    annuls: bool,
    by: User,
) -> Review:
    """Record the outcome of an objection or appeal; an annulling one annuls the measure."""
    if not can(by, Action.VIEW, review):
        raise denied_for(review)
    measure = review.measure
    _require(by, "measure.review", measure)
    errors: dict[str, str] = {}
    if outcome not in ReviewOutcome.values or outcome == ReviewOutcome.PENDING:
        errors["outcome"] = _("Kies de uitkomst.")
    if outcome_on is None:
        errors["outcome_on"] = _("Vul de datum van de beslissing of uitspraak in.")
    elif outcome_on > timezone.localdate():
        errors["outcome_on"] = _("Deze datum ligt in de toekomst. Kies vandaag of eerder.")
    elif outcome_on < review.filed_on:
        errors["outcome_on"] = _("Dit ligt voor de indiening.")
    try:
        outcome_text = _text(outcome_text, "outcome_text", _("Schrijf kort op wat er is beslist."))
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    upheld = outcome in (ReviewOutcome.UPHELD, ReviewOutcome.PARTLY_UPHELD)
    if annuls and not upheld:
        errors["annuls"] = _("Alleen een (deels) gegrond bezwaar of beroep vernietigt het besluit.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        claim(
            Review.objects.all(),
            review.pk,
            expected=ReviewOutcome.PENDING,
            field="outcome",
            message=_("Hierover is al beslist. Er is niets veranderd."),
            outcome=outcome,
            outcome_on=outcome_on,
            outcome_text=outcome_text,
            annuls=annuls,
            decided_by=by,
        )
        if annuls:
            CaseMeasure.objects.filter(pk=measure.pk, status__in=REVIEWABLE).update(
                status=MeasureStatus.ANNULLED, closed_at=timezone.now()
            )
        _touch(measure)
        _audit(Event.MEASURE_REVIEW_DECIDED, measure, by, outcome=outcome, annuls=annuls)
    review.refresh_from_db()
    return review
