"""Helpers shared by the case services: access checks, versioned saves, framework lookups."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel.accounts.models import Organisation, User
from samenspel.audit.events import Purpose
from samenspel.cases.models import Case, CaseStatus, Intervention, Person
from samenspel.frameworks.models import FrameworkVersion, VersionStatus
from samenspel.frameworks.selectors import framework_of
from samenspel.frameworks.types import Transition
from samenspel.lib.errors import StaleEdit
from samenspel.sharing.policy import Action, can, denied_for, require
from samenspel.sharing.rules.cases import CASE_VERBS

PURPOSE = Purpose.CASE_WORK


def _require(by: User, action: Action, obj: Model) -> None:
    """Refuse what the access policy does not allow: 404 unseen, 403 seen but not allowed."""
    if isinstance(obj, Case):
        require(by, CASE_VERBS[action], on=obj)
    elif not can(by, action, obj):
        raise denied_for(obj)


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


def _same_submitter[M: Model](row: M, by: User) -> M:
    """Return the row a repeated submission made, only to whoever made it.

    Another user's key never hands back that user's row (it could be one the caller may not
    read): the caller is asked to submit again.
    """
    if getattr(row, "created_by_id", None) != by.pk:
        raise ValidationError(
            _("Deze sleutel voor het indienen is al gebruikt. Dien het formulier opnieuw in.")
        )
    return row


def _reason(reason: str, field: str = "reason") -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({field: _("Geef een reden op.")})
    return reason


# --- Framework lookups -------------------------------------------------------------------------


def allowed_transitions(version: FrameworkVersion, current: str) -> tuple[Transition, ...]:
    """Return the framework's transitions out of stage or phase `current`."""
    return framework_of(version).transitions_from(current)


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


def _new_reference(municipality: Organisation) -> str:
    return f"PGA-{timezone.localdate().year}-{uuid.uuid4().hex[:6].upper()}"
