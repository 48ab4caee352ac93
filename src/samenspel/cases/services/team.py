"""Add and remove the members of a case team."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import User
from samenspel.audit.events import Event
from samenspel.cases.models import Case, CaseMember
from samenspel.cases.services._common import PURPOSE, _require
from samenspel.notifications import services as notifications
from samenspel.notifications.models import Topic
from samenspel.sharing.policy import Action, allowed

# --- Team -------------------------------------------------------------------------------------


def add_member(case: Case, *, user: User, task: str = "", by: User) -> CaseMember:
    """Add a user to the case team: from then on they see the case (need-to-know)."""
    _require(by, Action.MANAGE, case)
    if not allowed(user, "case.join", on=case):
        # Need-to-know: case work of this municipality and the partners of its region only
        # (sharing/rules/cases.py); persons move between municipalities only by transfer.
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
            notifications.notify(Topic.MEMBER_ADDED, case, to=[user], by=by)
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
