"""Helpers for the audit tests: a realistic chain, owner rights over the table, the command."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from samenspel import audit
from samenspel.audit import chain
from samenspel.audit import db as audit_db
from samenspel.audit.context import RequestContext, bound
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.audit.models import GENESIS_HASH, AuditEvent
from samenspel.audit.services import fields_of
from samenspel.testing import Cast


@dataclass
class Run:
    """What one run of `samenspel audit ...` printed and how it ended."""

    code: int
    out: str
    err: str


def run_audit(*args: str) -> Run:
    """Run the audit command as the CLI would, turning its exit into a code."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return Run(code, out.getvalue(), err.getvalue())


@contextmanager
def owner_rights() -> Iterator[None]:
    """Act as someone who owns the database: drop the append-only triggers for the block.

    DDL is transactional on PostgreSQL and SQLite, so this stays inside the test's transaction.
    """
    audit_db.execute(connection, install=False)
    try:
        yield
    finally:
        audit_db.execute(connection, install=True)


def sql(statement: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def rows() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("seq"))


def recompute_from(seq: int) -> None:
    """Rewrite the hashes of every record from `seq` on, as an attacker who knows the code can."""
    prev = GENESIS_HASH
    for row in rows():
        if row.seq >= seq:
            new_hash = chain.link_hash(prev, fields_of(row))
            sql(
                "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
                [prev, new_hash, row.seq],
            )
            prev = new_hash
        else:
            prev = row.hash


def append(n: int, *, start: int = 0) -> None:
    """Append `n` ordinary records, as requests would."""
    for i in range(start, start + n):
        audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, page=f"p{i}")


@pytest.fixture
def chain_of_records(cast: Cast) -> list[AuditEvent]:
    """A chain whose records use every column: actors, objects, roles, request facts, details."""
    with bound(RequestContext(request_id="0f6c7d4e9a1b", client_address="192.0.2.10")):
        audit.record(
            Event.USER_VIEWED,
            by=cast.case_manager,
            obj=cast.outsider,
            purpose=Purpose.ADMINISTRATION,
            page=2,
            filter="active",
        )
        audit.record(
            Event.ACCESS_DENIED,
            by=cast.outsider,
            obj=cast.municipality_a,
            purpose=Purpose.SECURITY,
            outcome=Outcome.DENIED,
            route="web:user",
            allowed=False,
            tags=["a", "b"],
            nothing=None,
        )
    with bound(RequestContext(request_id="77aa", client_address="2001:db8::1")):
        audit.record(
            Event.ROLES_CHANGED,
            by=cast.admin_a,
            obj=cast.adviser,
            purpose=Purpose.ADMINISTRATION,
            added=["mayor"],
            removed=[],
        )
    return rows()


def checkpoint_file(tmp_path: Path, name: str = "checkpoint.txt") -> Path:
    """Write a checkpoint of the current chain and return its path."""
    path = tmp_path / name
    run = run_audit("checkpoint", "--output", str(path))
    assert run.code == 0, run.out + run.err
    return path
