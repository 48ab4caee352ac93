"""The database itself refuses to change or remove audit records."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from samenspel import audit
from samenspel.audit.events import Event, Purpose
from samenspel.audit.models import AuditEvent

from .conftest import owner_rights, sql


@pytest.fixture
def record(db: None) -> AuditEvent:
    audit.record(Event.DEMO_LOADED, by=None, purpose=Purpose.SYSTEM)
    return audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, page="home")


def refused(statement: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement)


def test_update_is_refused(record: AuditEvent) -> None:
    refused("UPDATE audit_auditevent SET object_id = 'other' WHERE seq = 2")
    refused("UPDATE audit_auditevent SET hash = prev_hash")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(purpose="security")
    record.purpose = "security"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        record.save()
    assert AuditEvent.objects.get(seq=2).purpose == "system"


def test_delete_is_refused(record: AuditEvent) -> None:
    refused("DELETE FROM audit_auditevent WHERE seq = 1")
    refused("DELETE FROM audit_auditevent")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        record.delete()
    assert AuditEvent.objects.count() == 2


def test_truncate_is_refused_on_postgresql(record: AuditEvent) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE without WHERE is refused above")
    # Check the deferred foreign keys of the fixture's inserts now: PostgreSQL will not truncate
    # a table with pending trigger events, and the test must reach the append-only trigger.
    sql("SET CONSTRAINTS ALL IMMEDIATE")
    refused("TRUNCATE audit_auditevent")
    refused("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.count() == 2


def test_appending_still_works(record: AuditEvent) -> None:
    row = audit.record(Event.LOGOUT, by=None, purpose=Purpose.AUTHENTICATION)
    assert row.seq == 3


def test_the_triggers_come_back_after_owner_rights(record: AuditEvent) -> None:
    with owner_rights():
        sql("UPDATE audit_auditevent SET object_id = 'other' WHERE seq = 2")
    refused("UPDATE audit_auditevent SET object_id = 'again' WHERE seq = 2")
    refused("DELETE FROM audit_auditevent WHERE seq = 2")
