"""Selectors for the audit log, which sits below the domain apps and so is filtered here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from samenspel import audit
from samenspel.audit import selectors as audit_selectors
from samenspel.audit.events import Event, Purpose
from samenspel.sharing.policy import Action, get_visible_or_404, rule_labels, visible

if TYPE_CHECKING:
    from samenspel.audit.models import AuditEvent  # noqa: TID251 - types only


@dataclass(frozen=True)
class AuditFilter:
    """What the privacy officer narrows the log down to."""

    actor_uuid: str = ""
    event: int | None = None
    object_type: str = ""
    object_id: str = ""
    purpose: str = ""
    outcome: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def audit_events_visible_to(user: Any, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """Return the audit records `user` may read, newest first, narrowed by `filters`."""
    qs = visible(user, audit_selectors.unfiltered_events(), Action.VIEW)
    f = filters or AuditFilter()
    if f.actor_uuid:
        qs = qs.filter(actor__uuid=f.actor_uuid)
    if f.event is not None:
        qs = qs.filter(event=f.event)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.purpose:
        qs = qs.filter(purpose=f.purpose)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.since is not None:
        qs = qs.filter(occurred_at__gte=f.since)
    if f.until is not None:
        qs = qs.filter(occurred_at__lt=f.until)
    return qs.order_by("-seq")


def get_audit_event_for(user: Any, seq: int) -> AuditEvent:
    """Return one audit record that `user` may read, or raise a 404; the read is audited."""
    row = get_visible_or_404(user, audit_selectors.unfiltered_events(), Action.VIEW, seq=seq)
    audit.record(Event.AUDIT_RECORD_VIEWED, by=user, purpose=Purpose.AUDIT_REVIEW, record=seq)
    return row


def record_log_read(user: Any, filters: AuditFilter, *, count: int, page_number: int) -> None:
    """Audit that the privacy officer read a page (or an API list) of the log."""
    audit.record(
        Event.AUDIT_LOG_VIEWED,
        by=user,
        purpose=Purpose.AUDIT_REVIEW,
        count=count,
        page_number=page_number,
        event_filter=filters.event,
        object_id=filters.object_id or None,
    )


def record_log_export(user: Any, filters: AuditFilter, *, count: int) -> None:
    """Audit that the privacy officer exported records of the log."""
    audit.record(
        Event.AUDIT_EXPORTED,
        by=user,
        purpose=Purpose.AUDIT_REVIEW,
        count=count,
        event_filter=filters.event,
        object_id=filters.object_id or None,
    )


# --- Readable labels for the log ------------------------------------------------------------


def _short(object_id: str) -> str:
    return object_id[:8] + "…" if len(object_id) > 12 else object_id


def _named(model_label: str, user: Any, ids: set[str]) -> dict[str, str]:
    """Return, for the ids of one model the user may name, a readable name."""
    import uuid as uuid_module

    from django.apps import apps

    uuids = set()
    for value in ids:
        try:
            uuids.add(uuid_module.UUID(value))
        except ValueError:
            continue
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return {}
    name_of = _NAMES.get(model_label)
    if name_of is None or not uuids or model_label not in rule_labels():
        return {}
    rows = visible(user, model._default_manager.filter(uuid__in=uuids), Action.NAME)
    related, fields, render = name_of
    if related:
        rows = rows.select_related(*related)
    return {str(row.uuid): render(row) for row in rows.only("uuid", *fields)}


# What names each kind of object in the log: (select_related, fields, name). Other kinds
# keep their identifier; so does an object the reader may not name under the policy.
_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], Any]] = {
    "accounts.user": ((), ("full_name",), lambda u: u.full_name),
    "accounts.organisation": ((), ("name",), lambda o: o.name),
    "cases.case": ((), ("reference",), lambda c: c.reference),
    "cases.transfer": ((), ("case_reference",), lambda t: t.case_reference),
    "intake.signal": ((), ("reference",), lambda s: s.reference),
    "consultations.series": ((), ("name",), lambda s: s.name),
    "consultations.meeting": (
        ("series",),
        ("starts_at", "series__name"),
        lambda m: f"{m.series.name}, {m.starts_at:%d-%m-%Y}",
    ),
    "frameworks.frameworkversion": ((), ("label", "title"), lambda v: f"{v.title} {v.label}"),
}


def object_labels(user: Any, records: list[AuditEvent]) -> dict[int, str]:
    """Return per record (seq) a readable label of its object: its kind in words and its
    name where the reader may name it through the policy, else a short identifier."""
    from django.apps import apps

    wanted: dict[str, set[str]] = {}
    for record in records:
        if record.object_type and record.object_id:
            wanted.setdefault(record.object_type, set()).add(record.object_id)
    names: dict[tuple[str, str], str] = {}
    kinds: dict[str, str] = {}
    for label, ids in wanted.items():
        try:
            kinds[label] = str(apps.get_model(label)._meta.verbose_name)
        except (LookupError, ValueError):
            kinds[label] = label
        for object_id, name in _named(label, user, ids).items():
            names[(label, object_id)] = name
    labels: dict[int, str] = {}
    for record in records:
        if not record.object_type:
            continue
        name = names.get((record.object_type, record.object_id)) or _short(record.object_id)
        labels[record.seq] = f"{kinds[record.object_type]} {name}".strip()
    return labels
