"""Write audit records: the only door into the audit log."""

from __future__ import annotations

import contextvars
import functools
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
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
    """Append one audit record inside the caller's transaction.

    Inside an `appended_at_end()` block (every view runs in one) the record is appended when
    the block ends, with the block's other records; its `seq`, hashes and `pk` are set then.
    """
    if not isinstance(event, Event):
        raise TypeError("event must be an audit Event")
    if not isinstance(purpose, Purpose):
        raise TypeError("purpose must be an audit Purpose")
    clean_details = {key: _check_detail(key, value) for key, value in details.items()}
    described_type, described_id, object_org = describe(obj)
    ctx = current()
    actor = by if by is not None and by.pk is not None else None
    roles = sorted(actor.role_set) if actor is not None else []
    row = AuditEvent(
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
    )
    conn = connections[DEFAULT_DB_ALIAS]
    batch = _batch.get()
    if batch is not None and batch.conn is conn and conn.in_atomic_block:
        # Appended when the batch ends; dropped with the savepoint it was written in.
        marker = functools.partial(_noop)
        conn.on_commit(marker)
        batch.rows.append((marker, row))
        return row
    # No savepoint of its own: a failed append must fail the caller's whole transaction, and
    # it saves two round trips per record.
    with transaction.atomic(savepoint=False):
        _append(conn, [row])
    return row


@dataclass
class _Batch:
    conn: BaseDatabaseWrapper
    rows: list[tuple[Callable[[], None], AuditEvent]] = field(default_factory=list)


_batch: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar(
    "samenspel_audit_batch", default=None
)


@contextmanager
def appended_at_end() -> Iterator[None]:
    """Append the records written in the block together, when it ends without an error.

    For a block inside a transaction that commits right after it, such as a view under
    ATOMIC_REQUESTS: the append lock (held until commit) is then taken at the end, not at the
    first record, so audited requests do not wait for each other's views and templates. The
    records keep the time they were written; their sequence numbers and hashes are given when
    they are appended. A record written in a savepoint that rolls back is not appended. If
    the block raises, nothing is appended and the transaction must roll back (atomic does).
    Outside a transaction the records are appended at once, as without the block.
    """
    conn = connections[DEFAULT_DB_ALIAS]
    if not conn.in_atomic_block or _batch.get() is not None:
        yield
        return
    batch = _Batch(conn)
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    kept = {id(entry[1]) for entry in _commit_callbacks(conn)}
    rows = [row for marker, row in batch.rows if id(marker) in kept]
    if rows:
        _append(conn, rows)


def _append(conn: BaseDatabaseWrapper, rows: list[AuditEvent]) -> None:
    """Link `rows` after the head of the chain, in order, and insert them."""
    head = _lock_and_read_head(conn)
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    for row in rows:
        row.seq, row.prev_hash = seq, prev_hash
        row.hash = chain.link_hash(prev_hash, fields_of(row))
        seq, prev_hash = seq + 1, row.hash
    for start in range(0, len(rows), _INSERT_CHUNK):
        _insert(conn, rows[start : start + _INSERT_CHUNK])


# The append is the hottest write of the product: it runs in every audited request. The two
# statements below are written out once, with Django's own field preparation, instead of
# compiling a query for each record.
_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_COLUMNS = [str(f.column) for f in _FIELDS]
_TABLE = AuditEvent._meta.db_table
_PK = str(AuditEvent._meta.pk.column)


def _noop() -> None:
    """Stand for a record of a batch in Django's commit callbacks; see appended_at_end()."""


def _commit_callbacks(conn: BaseDatabaseWrapper) -> list[tuple[Any, ...]]:
    """Django's pending commit callbacks: (savepoint ids, callback, robust) each."""
    return cast(list[tuple[Any, ...]], conn.run_on_commit)


def _lock_and_read_head(conn: BaseDatabaseWrapper) -> tuple[int, str] | None:
    """Take the append lock and read the head of the chain, in one round trip.

    PostgreSQL: a transaction-level advisory lock, then the head, as two statements in one
    call; in READ COMMITTED the second statement sees every append committed before the lock
    was granted. SQLite: writers hold the database's write lock (BEGIN IMMEDIATE).
    """
    head_sql = _head_sql(conn)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY}); {head_sql}")
            cursor.nextset()
        else:
            cursor.execute(head_sql)
        found = cursor.fetchone()
    return (int(found[0]), str(found[1])) if found else None


# Rows per INSERT statement: SQLite allows 32,766 parameters in one statement.
_INSERT_CHUNK = 500


def _head_sql(conn: BaseDatabaseWrapper) -> str:
    quote = conn.ops.quote_name
    return (
        f"SELECT {quote('seq')}, {quote('hash')} FROM {quote(_TABLE)}"  # noqa: S608
        f" ORDER BY {quote('seq')} DESC LIMIT 1"
    )


def _columns(conn: BaseDatabaseWrapper) -> str:
    return ", ".join(conn.ops.quote_name(column) for column in _COLUMNS)


def _values(conn: BaseDatabaseWrapper, rows: list[AuditEvent]) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(row, add=True), conn) for row in rows for f in _FIELDS]


def _insert(conn: BaseDatabaseWrapper, rows: list[AuditEvent]) -> None:
    quote = conn.ops.quote_name
    one = "(" + ", ".join(["%s"] * len(_FIELDS)) + ")"
    with conn.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(_TABLE)} ({_columns(conn)}) VALUES "  # noqa: S608
            + ", ".join([one] * len(rows))
            + f" RETURNING {quote('seq')}, {quote(_PK)}",
            _values(conn, rows),
        )
        ids = dict(cursor.fetchall())  # RETURNING promises no order
    for row in rows:
        row.pk = ids[row.seq]
        row._state.adding = False
        row._state.db = conn.alias


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
