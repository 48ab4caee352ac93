"""Break-the-glass (noodtoegang): open a hidden case for a while, with a reason; review each use.

Who may be on a case's team but is not (a partner liaison of the region) can, in an emergency,
open the case for reading for the framework's term (`Framework.break_glass`, an hour by
default). The privacy officers of the case's municipality and of the user's own organisation
are told at once, through the outbox, and review every use (accountability, AVG art. 5(2);
logging of access, art. 32). It never opens AIVD material or another ground's dossier: the
measure rules keep those apart whoever sees the case (sharing/rules/measures.py).

A refusal says the same for a case that does not exist, is closed or is not for this user, so
that the form cannot be used to find out which cases exist; the audit record says which.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation, OrganisationType, User
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.cases.models import (
    BREAK_GLASS_TEXT_MAX,
    BreakGlass,
    BreakGlassReview,
    Case,
    CaseStatus,
)
from samenspel.cases.services._common import PURPOSE
from samenspel.frameworks.typed import framework_of
from samenspel.lib.decisions import claim
from samenspel.notifications import services as notifications
from samenspel.notifications.models import Topic
from samenspel.sharing.policy import Action, allowed, can, eligible, require

# What break-the-glass can open: the case itself (its file, plan, team and history, as its
# team reads them). Never AIVD material, never another ground's dossier.
PART_CASE = "case"
# A reference or a part is kept in the audit record only when it is a plain code.
_CODE = re.compile(r"^[\w.:/-]{1,40}$", re.ASCII)


def _not_found() -> str:
    return _("Er is geen casus met dit kenmerk die u met noodtoegang kunt openen.")


def _code(value: str) -> str:
    value = value.strip()
    return value if _CODE.fullmatch(value) else "other"


def _refuse(
    by: User,
    message: str,
    *,
    reason: str,
    field: str = "",
    obj: Case | Organisation | None = None,
    **details: Any,
) -> NoReturn:
    """Audit the refusal (it stays when the request's work is rolled back) and explain it."""
    audit.record(
        Event.BREAK_GLASS_REFUSED,
        by=by,
        obj=obj,
        purpose=PURPOSE,
        outcome=Outcome.DENIED,
        reason=reason,
        **details,
    )
    raise ValidationError({field: message} if field else message)


def break_glass(
    case_reference: str,
    municipality: Organisation | None,
    *,
    reason: str,
    submission_key: str = "",
    part: str = PART_CASE,
    by: User,
) -> BreakGlass:
    """Open a case the user may be on but is not, for the framework's term, with a reason.

    The same non-empty `submission_key` again returns the first use and opens nothing twice.
    """
    submission_key = submission_key.strip()[:64]
    if submission_key:
        earlier = BreakGlass.objects.filter(user_id=by.pk, submission_key=submission_key).first()
        if earlier is not None:
            return earlier
    if part != PART_CASE:
        _refuse(
            by,
            _(
                "Noodtoegang opent alleen de casus zelf. Het opent nooit AIVD-informatie of het "
                "dossier van een andere grond."
            ),
            reason="part",
            field="part",
            obj=municipality,
            part=_code(part),
        )
    text = (reason or "").strip()
    reference = (case_reference or "").strip().upper()
    errors: dict[str, str] = {}
    if municipality is None:
        errors["municipality"] = _("Kies de gemeente van de casus.")
    if not reference:
        errors["reference"] = _("Vul het kenmerk van de casus in.")
    if not text:
        errors["reason"] = _("Schrijf op waarom u noodtoegang nodig hebt.")
    elif len(text) > BREAK_GLASS_TEXT_MAX:
        errors["reason"] = _("Gebruik ten hoogste %(n)d tekens.") % {"n": BREAK_GLASS_TEXT_MAX}
    if errors:
        audit.record(
            Event.BREAK_GLASS_REFUSED,
            by=by,
            obj=municipality,
            purpose=PURPOSE,
            outcome=Outcome.DENIED,
            reason="incomplete",
            fields=sorted(errors),
        )
        raise ValidationError(errors)
    assert municipality is not None  # noqa: S101 - checked above
    asked = _code(reference)
    if not allowed(by, "case.break_glass"):
        _refuse(by, _not_found(), reason="not_eligible", obj=municipality, reference=asked)
    if municipality.type != OrganisationType.MUNICIPALITY:
        _refuse(by, _not_found(), reason="unknown_municipality", reference=asked)
    case = (
        Case.objects.select_related("municipality", "framework_version")
        .defer("framework_version__content")
        .filter(municipality=municipality, reference=reference)
        .first()
    )
    if case is None:
        _refuse(by, _not_found(), reason="not_found", obj=municipality, reference=asked)
    if can(by, Action.VIEW, case):
        _refuse(
            by,
            _("U ziet deze casus al. Daarvoor is geen noodtoegang nodig."),
            reason="already_visible",
            obj=case,
        )
    if case.status == CaseStatus.CLOSED:
        _refuse(by, _not_found(), reason="closed", obj=case)
    if not User.objects.filter(eligible("case.join", on=case), pk=by.pk).exists():
        _refuse(by, _not_found(), reason="not_eligible", obj=case)
    now = timezone.now()
    expires_at = now + framework_of(case.framework_version).break_glass
    try:
        with transaction.atomic():
            use = BreakGlass.objects.create(
                case=case,
                user=by,
                organisation_id=by.organisation_id,
                reason=text,
                opened_at=now,
                expires_at=expires_at,
                submission_key=submission_key,
            )
            audit.record(
                Event.BREAK_GLASS_OPENED,
                by=by,
                obj=case,
                purpose=PURPOSE,
                break_glass=str(use.uuid),
                expires_at=expires_at.isoformat(),
            )
            # Told at once, in this transaction: the use and its notice commit together.
            reviewers = User.objects.filter(eligible("break_glass.review", on=use))
            notifications.notify(Topic.BREAK_GLASS_USED, use, to=reviewers, by=by)
    except IntegrityError:
        # Two submits with one key raced; the first one opened the glass.
        return BreakGlass.objects.get(user_id=by.pk, submission_key=submission_key)
    return use


def review_break_glass(use: BreakGlass, *, outcome: str, comment: str = "", by: User) -> BreakGlass:
    """A privacy officer reviews one use of break-the-glass: accepted, or flagged with why."""
    require(by, "break_glass.review", on=use)
    comment = (comment or "").strip()
    errors: dict[str, str] = {}
    if outcome not in (BreakGlassReview.ACCEPTED, BreakGlassReview.FLAGGED):
        errors["outcome"] = _("Kies: in orde, of niet in orde.")
    elif outcome == BreakGlassReview.FLAGGED and not comment:
        errors["comment"] = _("Schrijf op wat niet in orde is.")
    if len(comment) > BREAK_GLASS_TEXT_MAX:
        errors["comment"] = _("Gebruik ten hoogste %(n)d tekens.") % {"n": BREAK_GLASS_TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        claim(
            BreakGlass.objects.all(),
            use.pk,
            field="review",
            expected=BreakGlassReview.PENDING,
            message=_("Deze noodtoegang is al beoordeeld. Er is niets veranderd."),
            review=outcome,
            reviewed_by=by,
            reviewed_at=timezone.now(),
            review_comment=comment,
        )
        audit.record(
            Event.BREAK_GLASS_REVIEWED,
            by=by,
            obj=use,
            purpose=Purpose.AUDIT_REVIEW,
            outcome_of_review=outcome,
            case=str(use.case.uuid),
            user=str(use.user.uuid),
        )
    use.refresh_from_db()
    return use
