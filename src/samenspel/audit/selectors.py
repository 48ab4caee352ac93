"""Read the audit log. Only samenspel.sharing filters it for people; commands verify it."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from samenspel.audit import chain
from samenspel.audit.models import GENESIS_HASH, AuditEvent


def unfiltered_events() -> QuerySet[AuditEvent]:
    """Return every record, unfiltered: for samenspel.sharing and the verifier only."""
    return AuditEvent.objects.select_related("actor", "actor_organisation", "object_organisation")


@dataclass(frozen=True)
class ChainHead:
    size: int
    head_hash: str


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of recomputing the chain; `head` is the last record that verified."""

    ok: bool
    checked: int
    head: ChainHead
    broken_seq: int | None = None
    # One word: gap, duplicate, unexpected_seq, prev_hash_mismatch, hash_mismatch, unreadable,
    # checkpoint_mismatch or truncated.
    reason: str = ""
    expected: str = ""
    got: str = ""
    detail: str = ""  # a sentence for the operator
    against_checkpoint: bool = False


def iter_chain(chunk_size: int = 5000) -> Iterator[AuditEvent]:
    """Stream every record in chain order."""
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)


def hash_at(seq: int) -> str | None:
    """Return the stored hash of record `seq`, or None when it does not exist."""
    return AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()


# The verifier reads the stored values with plain SQL rather than through the model: it is
# several times faster, and it sees what is stored, not what Django's converters make of it.
# SQLite keeps times as text, and Python's ISO parser accepts more than one spelling of a time
# ("12:00:00,5" for "12:00:00.5"), so the verifier demands the one spelling Django writes.
_COLUMNS = (
    "seq",
    "occurred_at",
    "event",
    "outcome",
    "actor",
    "actor_organisation",
    "actor_roles",
    "object_type",
    "object_id",
    "object_organisation",
    "purpose",
    "request_id",
    "client_address",
    "details",
    "prev_hash",
    "hash",
)


def _select_sql(*, from_seq: int = 0) -> str:
    quote = connection.ops.quote_name
    stored = {field.name: str(field.column) for field in AuditEvent._meta.concrete_fields}
    columns = []
    for name in _COLUMNS:
        column = quote(stored[name])
        if name == "occurred_at" and connection.vendor == "sqlite":
            column = f"CAST({column} AS TEXT)"
        columns.append(column)
    table = quote(str(AuditEvent._meta.db_table))
    seq = quote(stored["seq"])
    where = f" WHERE {seq} >= {int(from_seq)}" if from_seq > 0 else ""
    return f"SELECT {', '.join(columns)} FROM {table}{where} ORDER BY {seq}"  # noqa: S608


@contextlib.contextmanager
def _stored_rows(chunk_size: int, *, from_seq: int = 0) -> Iterator[Iterator[Sequence[Any]]]:
    """Yield the stored rows from `from_seq` on in chain order, streamed in chunks."""
    server_side = connection.vendor == "postgresql" and not connection.settings_dict.get(
        "DISABLE_SERVER_SIDE_CURSORS"
    )
    # On PostgreSQL a server-side cursor inside a transaction streams the rows. On SQLite a
    # transaction would take the write lock (BEGIN IMMEDIATE) and stall every request while the
    # verifier runs; one SELECT already reads a consistent snapshot there.
    with transaction.atomic() if server_side else contextlib.nullcontext():
        cursor = connection.chunked_cursor() if server_side else connection.cursor()
        with cursor:
            cursor.execute(_select_sql(from_seq=from_seq))
            yield _fetch(cursor, chunk_size)


def _fetch(cursor: Any, chunk_size: int) -> Iterator[Sequence[Any]]:
    while rows := cursor.fetchmany(chunk_size):
        yield from rows


def _whole_number(value: Any, name: str) -> int:
    if type(value) is not int:  # not bool, not text that SQLite kept in an integer column
        raise ValueError(f"{name} is not a whole number")
    return value


def _key(value: Any, name: str) -> int | None:
    return None if value is None else _whole_number(value, name)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} is not text")
    return value


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("occurred_at has no time zone")
        return value
    text = _text(value, "occurred_at")
    naive = dt.datetime.fromisoformat(text)
    if naive.tzinfo is not None or naive.isoformat(sep=" ") != text:
        raise ValueError("occurred_at is not written the way Samenspel writes times")
    return naive.replace(tzinfo=dt.UTC)  # SQLite holds UTC without an offset


_decode_json = json.JSONDecoder().decode


def _json(value: Any, name: str, kind: type[Any]) -> Any:
    parsed = _decode_json(value) if isinstance(value, str) else value
    if not isinstance(parsed, kind):
        raise ValueError(f"{name} is not a JSON {kind.__name__}")
    return parsed


def _stored_fields(row: Sequence[Any]) -> dict[str, Any]:
    """Return the hashed content of a stored row, refusing values no writer could have stored."""
    (seq, occurred_at, event, outcome, actor, actor_org, roles, object_type, object_id,
     object_org, purpose, request_id, client_address, details, _prev, _hash) = row  # fmt: skip
    return chain.hashed_fields(
        seq=_whole_number(seq, "seq"),
        occurred_at=_moment(occurred_at),
        event=_whole_number(event, "event"),
        outcome=_text(outcome, "outcome"),
        actor_id=_key(actor, "actor"),
        actor_organisation_id=_key(actor_org, "actor_organisation"),
        actor_roles=_json(roles, "actor_roles", list),
        object_type=_text(object_type, "object_type"),
        object_id=_text(object_id, "object_id"),
        object_organisation_id=_key(object_org, "object_organisation"),
        purpose=_text(purpose, "purpose"),
        request_id=_text(request_id, "request_id"),
        client_address=_text(client_address, "client_address"),
        details=_json(details, "details", dict),
    )


# What the verifier reports may come from tampered rows: keep it to one line of plain ASCII, so
# that nobody can forge an "OK" line or smuggle terminal escapes into the operator's screen.
_PLAIN = re.compile(r"[\w.:+=<>/-]{1,100}", re.ASCII)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


def _one_line(text: str) -> str:
    ascii_text = text[:300].encode("ascii", "backslashreplace").decode("ascii")
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", ascii_text)


def _token(value: object) -> str:
    text = str(value)
    return text if _PLAIN.fullmatch(text) else _one_line(repr(text[:100])).replace(" ", "\\x20")


def verify_chain(
    *,
    checkpoint: ChainHead | None = None,
    start: ChainHead | None = None,
    chunk_size: int = 5000,
) -> VerifyResult:
    """Recompute the chain and report the first broken record, if any.

    With a `checkpoint` (the size and head hash of an earlier, signed checkpoint) it also
    detects what the chain alone cannot: records removed from the end, and a chain whose
    hashes were all recomputed after an edit.

    With `start` (a signed checkpoint too) only the records after it are recomputed: the first
    must link to the checkpoint's head hash, and the checkpoint's own record, where it is still
    stored, must carry that hash. The records before it are trusted to the checkpoint, so this
    works after retention has cut them, and takes time in proportion to what is new.
    """
    base = start.size if start is not None else 0
    expected_seq = base + 1
    prev_hash = start.head_hash if start is not None else GENESIS_HASH
    checked = 0
    anchored = False  # the checkpoint's own record of `start` was found
    against = checkpoint is not None or start is not None

    def fail(seq: int, reason: str, expected: object, got: object, detail: str) -> VerifyResult:
        return VerifyResult(
            ok=False,
            checked=checked,
            head=ChainHead(base + checked, prev_hash),
            broken_seq=seq,
            reason=reason,
            expected=_token(expected),
            got=_token(got),
            detail=_one_line(detail),
            against_checkpoint=against,
        )

    def recomputed_after(cp: ChainHead) -> VerifyResult:
        return fail(
            cp.size,
            "checkpoint_mismatch",
            cp.head_hash,
            prev_hash,
            f"Record {cp.size} differs from the signed checkpoint: the chain was rewritten and "
            "its hashes recomputed after the checkpoint. Only the checkpoint shows this.",
        )

    for signed in (checkpoint, start):
        if signed is not None and signed.size == 0 and signed.head_hash != GENESIS_HASH:
            return recomputed_after(signed)
    with _stored_rows(chunk_size, from_seq=base) as stored:
        for row in stored:
            seq, stored_prev, stored_hash = row[0], row[-2], row[-1]
            if type(seq) is not int:
                return fail(expected_seq, "unreadable", expected_seq, seq, "seq is not a number.")
            if start is not None and seq == base and not checked:
                # The checkpoint's own record: its hash is the one that was signed.
                if stored_hash != start.head_hash:
                    return fail(
                        base,
                        "checkpoint_mismatch",
                        start.head_hash,
                        stored_hash,
                        f"Record {base} differs from the signed checkpoint: it or the records "
                        "before it were changed and the hashes recomputed.",
                    )
                anchored = True
                continue
            if seq > expected_seq:
                return fail(
                    expected_seq, "gap", expected_seq, seq, f"Record {expected_seq} is missing."
                )
            if checked and seq == expected_seq - 1:
                return fail(seq, "duplicate", expected_seq, seq, f"Record {seq} appears twice.")
            if seq < expected_seq:
                return fail(
                    expected_seq,
                    "unexpected_seq",
                    expected_seq,
                    seq,
                    f"Record {expected_seq} was expected here, not {seq}.",
                )
            if stored_prev != prev_hash:
                return fail(
                    seq,
                    "prev_hash_mismatch",
                    prev_hash,
                    stored_prev,
                    "The record does not point at the one before it: records were removed, added "
                    "or reordered here.",
                )
            try:
                fields = _stored_fields(row)
            except (TypeError, ValueError) as exc:
                return fail(seq, "unreadable", "readable", type(exc).__name__, str(exc))
            recomputed = chain.link_hash(prev_hash, fields)
            if recomputed != stored_hash:
                return fail(
                    seq,
                    "hash_mismatch",
                    recomputed,
                    stored_hash,
                    "The record's content does not match its hash: it was changed.",
                )
            prev_hash = stored_hash
            checked += 1
            expected_seq += 1
            if (
                checkpoint is not None
                and base + checked == checkpoint.size
                and prev_hash != checkpoint.head_hash
            ):
                return recomputed_after(checkpoint)
    if base and not anchored and not checked:
        return fail(
            base,
            "truncated",
            f"size>={base}",
            "none",
            f"Neither record {base} of the signed checkpoint nor any record after it is stored: "
            "records were removed from the end. Only the checkpoint shows this.",
        )
    covered = max(checkpoint.size if checkpoint is not None else 0, base)
    if base + checked < covered:
        return fail(
            base + checked + 1,
            "truncated",
            f"size>={covered}",
            f"size={base + checked}",
            f"The signed checkpoint covers {covered} records but only {base + checked} remain: "
            "records were removed from the end. Only the checkpoint shows this.",
        )
    return VerifyResult(
        True, checked, ChainHead(base + checked, prev_hash), against_checkpoint=against
    )
