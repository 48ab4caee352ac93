"""Read the audit log. Only samenspel.sharing filters it for people; commands verify it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from samenspel.audit.models import GENESIS_HASH, AuditEvent
from samenspel.audit.services import fields_of
from samenspel.audit import chain


def unfiltered_events() -> QuerySet[AuditEvent]:
    """Return every record, unfiltered: for samenspel.sharing and the verifier only."""
    return AuditEvent.objects.select_related("actor", "actor_organisation", "object_organisation")


@dataclass(frozen=True)
class ChainHead:
    size: int
    head_hash: str


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    head: ChainHead
    broken_seq: int | None = None
    reason: str = ""


def iter_chain(chunk_size: int = 5000) -> Iterator[AuditEvent]:
    """Stream every record in chain order."""
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)


def verify_chain() -> VerifyResult:
    """Recompute the whole chain and report the first broken record, if any."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for row in iter_chain():
        if row.seq != expected_seq:
            reason = (
                f"gap: expected seq {expected_seq}, found {row.seq} (a record is missing)"
                if row.seq > expected_seq
                else f"order: seq {row.seq} appears after {expected_seq - 1}"
            )
            return VerifyResult(False, checked, ChainHead(checked, prev_hash), expected_seq, reason)
        if row.prev_hash != prev_hash:
            return VerifyResult(
                False,
                checked,
                ChainHead(checked, prev_hash),
                row.seq,
                f"prev_hash mismatch: expected {prev_hash}, got {row.prev_hash}",
            )
        recomputed = chain.link_hash(prev_hash, fields_of(row))
        if recomputed != row.hash:
            return VerifyResult(
                False,
                checked,
                ChainHead(checked, prev_hash),
                row.seq,
                f"content changed: hash expected {recomputed}, got {row.hash}",
            )
        prev_hash = row.hash
        checked += 1
        expected_seq += 1
    return VerifyResult(True, checked, ChainHead(checked, prev_hash))


def hash_at(seq: int) -> str | None:
    """Return the stored hash of record `seq`, or None when it does not exist."""
    return AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
