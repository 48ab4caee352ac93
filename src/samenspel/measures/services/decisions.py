"""Decide a measure (its competent authority only), or record a decision taken outside
Samenspel from its document.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel.accounts.models import User
from samenspel.audit.events import Event
from samenspel.frameworks.types import Measure as FrameworkMeasure
from samenspel.measures.models import (
    OPEN_STATUSES,
    CaseMeasure,
)
from samenspel.measures.services._common import (
    TEXT_MAX,
    _candidates,
    _refuse,
    _require,
    _row,
    _status_after,
    _term_errors,
    _transition,
)
from samenspel.measures.services.dossier import missing_for_decision
from samenspel.notifications import services as notifications
from samenspel.notifications.models import Topic
from samenspel.sharing.policy import Action, can, denied_for
from samenspel.sharing.rules.measures import competent


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
    return _transition(
        measure,
        expected=OPEN_STATUSES,
        message=_("Over deze maatregel is net al besloten. Er is niets veranderd."),
        status=_status_after(starts_on),
        decision_text=decision_text.strip(),
        decided_on=decided_on,
        decided_by=by,
        decided_by_organisation_id=by.organisation_id,
        starts_on=starts_on,
        ends_on=ends_on,
        event=Event.MEASURE_DECIDED,
        by=by,
        details={"starts_on": str(starts_on), "ends_on": str(ends_on)},
        then=lambda: _tell_decided(measure, by),
    )


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
    return _transition(
        measure,
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
        event=Event.MEASURE_EXTERNAL_RECORDED,
        by=by,
        details={"reference": reference.strip()},
        then=lambda: _tell_decided(measure, by),
    )
