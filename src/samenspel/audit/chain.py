"""Canonical form and hash of an audit record: pure functions shared by writer and verifier."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

HASH_VERSION = "v1"


def format_time(moment: dt.datetime) -> str:
    """Render a moment as UTC with microseconds, the only form that is hashed."""
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical(fields: dict[str, Any]) -> bytes:
    """Serialise the hashed fields as compact JSON with sorted keys."""
    return _ENCODER.encode(fields).encode("utf-8")


def hashed_fields(
    *,
    seq: int,
    occurred_at: dt.datetime,
    event: int,
    outcome: str,
    actor_id: int | None,
    actor_organisation_id: int | None,
    actor_roles: list[str],
    object_type: str,
    object_id: str,
    object_organisation_id: int | None,
    purpose: str,
    request_id: str,
    client_address: str,
    details: dict[str, Any],
) -> dict[str, Any]:
    """Return the content of a record that its hash covers: every column but the hashes."""
    return {
        "v": HASH_VERSION,
        "seq": seq,
        "at": format_time(occurred_at),
        "event": event,
        "outcome": outcome,
        "actor": actor_id,
        "actor_org": actor_organisation_id,
        "roles": sorted(actor_roles),
        "object_type": object_type,
        "object_id": object_id,
        "object_org": object_organisation_id,
        "purpose": purpose,
        "request_id": request_id,
        "client": client_address,
        "details": details,
    }


def link_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """Return SHA-256 over the previous hash and this record's canonical content."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(fields))
    return digest.hexdigest()
