"""Write audit records: the only door into the audit log."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from samenspel.audit import chain
from samenspel.audit.context import current
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.audit.models import GENESIS_HASH, AuditEvent

if TYPE_CHECKING:
    from samenspel.accounts.models import User

# An arbitrary constant that names the audit append lock on PostgreSQL.
ADVISORY_LOCK_KEY = 0x5A_4D_45_4E_53_50_45_4C & 0x7FFF_FFFF_FFFF_FFFF

# Details carry identifiers only: short values without spaces, never prose about a person.
_IDENTIFIER = re.compile(r"^[\w.:@/+=-]{0,100}$", re.ASCII)


def _check_detail(key: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        if not _IDENTIFIER.fullmatch(value):
            raise ValueError(f"audit detail {key!r} is not an identifier")
        return value
    if isinstance(value, list | tuple):
        return [_check_detail(key, item) for item in value]
    raise TypeError(f"audit detail {key!r} has unsupported type {type(value).__name__}")


def describe(obj: models.Model | None) -> tuple[str, str, int | None]:
    """Return (object type, public id, owning organisation id) for an audited object."""
    if obj is None:
        return "", "", None
    object_type = obj._meta.label_lower
    public_id = getattr(obj, "uuid", None) or obj.pk
    owner = getattr(obj, "audit_organisation_id", None)
    if owner is None:
        owner = getattr(obj, "organisation_id", None)
    if owner is None and object_type == "accounts.organisation":
        owner = obj.pk
    return object_type, str(public_id), owner


def _lock_chain() -> None:
    """Serialise appends: an advisory lock on PostgreSQL; SQLite writers hold BEGIN IMMEDIATE."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def record(
    event: Event,
    *,
    by: User | None,
    obj: models.Model | None = None,
    purpose: Purpose,
    outcome: Outcome = Outcome.SUCCESS,
    object_type: str | None = None,
    object_id: str | None = None,
    **details: Any,
) -> AuditEvent:
    """Append one audit record inside the caller's transaction."""
    if not isinstance(event, Event):
        raise TypeError("event must be an audit Event")
    if not isinstance(purpose, Purpose):
        raise TypeError("purpose must be an audit Purpose")
    clean_details = {key: _check_detail(key, value) for key, value in details.items()}
    described_type, described_id, object_org = describe(obj)
    ctx = current()
    actor = by if by is not None and by.pk is not None else None
    roles = sorted(actor.role_set) if actor is not None else []
    # No savepoint of its own: a failed append must fail the caller's whole transaction, and
    # it saves two round trips per record.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        head = _head()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        row = AuditEvent(
            seq=seq,
            occurred_at=timezone.now(),
            event=int(event),
            outcome=str(outcome),
            actor=actor,
            actor_organisation_id=actor.organisation_id if actor else None,
            actor_roles=roles,
            object_type=object_type if object_type is not None else described_type,
            object_id=object_id if object_id is not None else described_id,
            object_organisation_id=object_org,
            purpose=str(purpose),
            request_id=ctx.request_id,
            client_address=ctx.client_address,
            details=clean_details,
            prev_hash=prev_hash,
        )
        row.hash = chain.link_hash(prev_hash, fields_of(row))
        _insert(row)
    return row


# The append is the hottest write of the product: it runs in every audited request. The two
# statements below are written out once, with Django's own field preparation, instead of
# compiling a query for each record.
_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_COLUMNS = [str(f.column) for f in _FIELDS]
_TABLE = AuditEvent._meta.db_table
_PK = str(AuditEvent._meta.pk.column)


def _head() -> tuple[int, str] | None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('seq')}, {quote('hash')} FROM {quote(_TABLE)}"  # noqa: S608
            f" ORDER BY {quote('seq')} DESC LIMIT 1"
        )
        found = cursor.fetchone()
    return (int(found[0]), str(found[1])) if found else None


def _insert(row: AuditEvent) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in _COLUMNS)
    placeholders = ", ".join(["%s"] * len(_FIELDS))
    values = [f.get_db_prep_save(f.pre_save(row, add=True), connection) for f in _FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(_TABLE)} ({columns}) VALUES ({placeholders})"  # noqa: S608
            f" RETURNING {quote(_PK)}",
            values,
        )
        row.pk = cursor.fetchone()[0]
    row._state.adding = False
    row._state.db = connection.alias


def fields_of(row: AuditEvent) -> dict[str, Any]:
    """Return the hashed content of a stored or new record."""
    return chain.hashed_fields(
        seq=row.seq,
        occurred_at=row.occurred_at,
        event=row.event,
        outcome=row.outcome,
        actor_id=row.actor_id,
        actor_organisation_id=row.actor_organisation_id,
        actor_roles=list(row.actor_roles),
        object_type=row.object_type,
        object_id=row.object_id,
        object_organisation_id=row.object_organisation_id,
        purpose=row.purpose,
        request_id=row.request_id,
        client_address=row.client_address,
        details=dict(row.details),
    )
