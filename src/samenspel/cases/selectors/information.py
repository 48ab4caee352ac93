"""Reads of the information on a case, each through the access policy and audited."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from samenspel import audit
from samenspel.audit.events import Event, Purpose
from samenspel.cases.models import Case, Consent, InformationItem, Intervention
from samenspel.sharing.policy import Action, get_visible_or_404, visible
from samenspel.sharing.rules.compartments import recordable_compartments

PURPOSE = Purpose.CASE_WORK
# The most items one list shows (newest first); the case PDF shows the same.
LIST_MAX = 200


def _all_items(case: Case) -> QuerySet[InformationItem]:
    return (
        InformationItem.objects.filter(case=case)
        .select_related("organisation", "created_by", "consent_of")
        .defer("file_content")
    )


def _items(user: Any, case: Case) -> QuerySet[InformationItem]:
    return visible(user, _all_items(case))


def information_of(
    user: Any, case: Case, *, record_read: bool = True, limit: int = LIST_MAX
) -> list[InformationItem]:
    """Return the information items of `case` that `user` reads, newest first (audited).

    `limit` (at most LIST_MAX) is for a page that shows only the newest few: the audit names
    the items shown.
    """
    items = list(_items(user, case).order_by("-created_at", "-id")[: min(limit, LIST_MAX)])
    if record_read:
        audit.record(
            Event.INFORMATION_LISTED,
            by=user,
            obj=case,
            purpose=PURPOSE,
            items=[str(i.uuid) for i in items],
        )
    return items


def get_information_for(
    user: Any, case: Case, item_uuid: uuid.UUID, *, record_read: bool = True
) -> InformationItem:
    """Return one item of `case` that `user` reads, or raise a 404 (audited)."""
    item = get_visible_or_404(user, _all_items(case), Action.VIEW, uuid=item_uuid)
    if record_read:
        audit.record(
            Event.INFORMATION_VIEWED,
            by=user,
            obj=case,
            purpose=PURPOSE,
            item=str(item.uuid),
            compartment=item.compartment,
        )
    return item


def information_file_for(user: Any, case: Case, item_uuid: uuid.UUID) -> InformationItem:
    """Return an item with its file for download, or raise a 404 (no file: 404 too; audited)."""
    item = get_visible_or_404(
        user,
        InformationItem.objects.filter(case=case).exclude(file_name=""),
        Action.VIEW,
        uuid=item_uuid,
    )
    audit.record(
        Event.INFORMATION_FILE_DOWNLOADED,
        by=user,
        obj=case,
        purpose=PURPOSE,
        item=str(item.uuid),
        sha256=item.file_sha256,
    )
    return item


def compartments_for(user: Any, case: Case) -> list[str]:
    """Return the compartments `user` may record information in on `case` (none: no form)."""
    return recordable_compartments(user, case)


def consents_of(user: Any, case: Case) -> list[Intervention]:
    """Return the voluntary interventions with standing consent that `user` sees on `case`.

    A care item shared on consent names one of these.
    """
    return list(
        visible(user, Intervention.objects.filter(case=case, voluntary=True))
        .filter(consent=Consent.GIVEN)
        .order_by("created_at", "id")
    )


def hidden_plan_count(user: Any, case: Case) -> int:
    """Return how many plan lines `user` knows exist but may not read (care, secrecy)."""
    named = visible(user, Intervention.objects.filter(case=case), Action.NAME).count()
    return named - visible(user, Intervention.objects.filter(case=case)).count()
