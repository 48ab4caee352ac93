"""Helpers shared by the measure services: framework facts, texts, terms, audit, refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import OrganisationType, Role, User
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.cases.models import Case, CaseMember
from samenspel.frameworks.typed import framework_of
from samenspel.frameworks.types import Framework
from samenspel.frameworks.types import Measure as FrameworkMeasure
from samenspel.lib.decisions import claim
from samenspel.measures.models import (
    CaseMeasure,
    MeasureStatus,
)
from samenspel.sharing.policy import require

PURPOSE = Purpose.CASE_WORK
TEXT_MAX = 8000
SHORT_MAX = 300
# Organisation types that have no users in Samenspel: their decisions are external.
NO_USERS = ("", OrganisationType.AIVD)


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


def _refuse(
    measure: CaseMeasure,
    by: User,
    message: str,
    *,
    event: Event = Event.MEASURE_DECISION_REFUSED,
    field: str = "",
    **details: Any,
) -> NoReturn:
    """Audit a refusal (outside any transaction that rolls back) and explain it, at `field`."""
    audit.record(
        event,
        by=by,
        obj=measure.case,
        purpose=PURPOSE,
        outcome=Outcome.DENIED,
        measure=str(measure.uuid),
        framework_measure=measure.measure,
        **details,
    )
    raise ValidationError({field: message} if field else message)


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


def _candidates(case: Case) -> list[User]:
    """The users who may be told about a measure on a case: its municipality and its team."""
    team = CaseMember.objects.filter(case=case, removed_at__isnull=True).values("user_id")
    return list(
        User.objects.with_roles().filter(
            Q(organisation_id=case.municipality_id) | Q(pk__in=team), is_active=True
        )
    )


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


def _term_text(row: FrameworkMeasure) -> str:
    return row.max_term.words() if row.max_term is not None else ""


def max_term_text(row: FrameworkMeasure) -> str:
    """Return the longest term the framework allows for a measure, in words ("" for none)."""
    return _term_text(row)


def term_end(measure: CaseMeasure, starts_on: dt.date) -> dt.date | None:
    """Return the last day the framework allows for a measure starting on `starts_on`."""
    _framework, row = _row(measure)
    return row.max_term.last_day(starts_on) if row.max_term is not None else None


def _status_after(starts_on: dt.date) -> MeasureStatus:
    return MeasureStatus.IN_FORCE if starts_on <= timezone.localdate() else MeasureStatus.DECIDED


def _once[M: Model](
    model: type[M], measure: CaseMeasure, key: str, by: User, by_field: str, make: Callable[[], M]
) -> M:
    """Run `make` once per submission key: a double submit returns the first row.

    Only to whoever made it: the key is unique per measure, and another user's row is not
    handed out under it.
    """
    key = key.strip()[:64]
    if key:
        earlier = model._default_manager.filter(measure=measure, submission_key=key).first()
        if earlier is not None:
            return _own(earlier, by_field, by)
    try:
        return make()
    except IntegrityError:
        if not key:
            raise
        return _own(model._default_manager.get(measure=measure, submission_key=key), by_field, by)


def _own[M: Model](earlier: M, by_field: str, by: User) -> M:
    if getattr(earlier, f"{by_field}_id") != by.pk:
        raise ValidationError(
            _("Deze sleutel voor het indienen is al gebruikt. Dien het formulier opnieuw in.")
        )
    return earlier


def _transition(
    measure: CaseMeasure,
    *,
    expected: Iterable[str],
    message: str,
    event: Event,
    by: User,
    details: dict[str, Any] | None = None,
    then: Callable[[], None] | None = None,
    **changes: Any,
) -> CaseMeasure:
    """Claim the measure while it is still in an `expected` status and make `changes`, audited.

    Of two racing transitions one wins; the other raises DecisionConflict and changes nothing.
    `then` runs in the same transaction (the outbox).
    """
    with transaction.atomic():
        claim(CaseMeasure.objects.all(), measure.pk, expected=expected, message=message, **changes)
        _touch(measure)
        _audit(event, measure, by, **(details or {}))
        if then is not None:
            then()
    measure.refresh_from_db()
    return measure
