"""The append path: every append takes the lock and reads the head of the chain, never a fork.

Nothing about the head is remembered between appends, so a rolled-back savepoint or
transaction cannot leave a stale head behind: the next append reads what is stored. These
tests run inside the test's own transaction; real transactions with other writers appending
in between are covered by test_concurrency.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from samenspel import audit
from samenspel.audit.events import Event, Purpose
from samenspel.audit.models import AuditEvent
from samenspel.audit.selectors import verify_chain
from samenspel.audit.services import appended_at_end


class DiscardError(Exception):
    """Rolls back a savepoint in these tests."""


def append(n: int) -> AuditEvent:
    return audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, n=n)


def chain_of_ns() -> list[int]:
    return [d["n"] for d in AuditEvent.objects.order_by("seq").values_list("details", flat=True)]


def assert_sound() -> None:
    result = verify_chain()
    assert result.ok, result


@pytest.mark.django_db
def test_every_record_takes_the_lock_reads_the_head_and_inserts() -> None:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        append(1)
        append(2)
        append(3)
    # Each record: the lock and the head (one call; on PostgreSQL the advisory lock and the
    # SELECT go in it together, on SQLite the write lock is the transaction's), then the INSERT.
    kinds = [q["sql"].lstrip().split()[0].upper() for q in queries]
    assert kinds == ["SELECT", "INSERT"] * 3
    if connection.vendor == "postgresql":
        assert all("pg_advisory_xact_lock" in q["sql"] for q in queries[::2])
    assert chain_of_ns() == [1, 2, 3]
    assert_sound()


@pytest.mark.django_db
def test_a_record_after_a_rolled_back_savepoint_links_to_the_last_kept_record() -> None:
    with transaction.atomic():
        kept = append(1)
        with pytest.raises(DiscardError), transaction.atomic():
            append(99)
            append(98)
            raise DiscardError
        after = append(2)
    assert (after.seq, after.prev_hash) == (kept.seq + 1, kept.hash)
    assert chain_of_ns() == [1, 2]
    assert_sound()


@pytest.mark.django_db
def test_the_first_record_in_a_rolled_back_savepoint_leaves_no_trace() -> None:
    with transaction.atomic():
        with pytest.raises(DiscardError), transaction.atomic():
            append(99)
            raise DiscardError
        first = append(1)
        append(2)
    assert first.seq == 1
    assert chain_of_ns() == [1, 2]
    assert_sound()


@pytest.mark.django_db
def test_records_in_a_released_savepoint_stay_the_head() -> None:
    with transaction.atomic():
        append(1)
        with transaction.atomic():
            inner = append(2)
        after = append(3)
    assert (after.seq, after.prev_hash) == (inner.seq + 1, inner.hash)
    assert chain_of_ns() == [1, 2, 3]
    assert_sound()


@pytest.mark.django_db
def test_a_savepoint_rolled_back_after_the_head_moved_inside_it_restores_the_outer_head() -> None:
    with transaction.atomic():
        append(1)
        with pytest.raises(DiscardError), transaction.atomic():
            with transaction.atomic():
                append(97)
            append(96)
            raise DiscardError
        append(2)
        with transaction.atomic(savepoint=False):
            append(3)
        append(4)
    assert chain_of_ns() == [1, 2, 3, 4]
    assert_sound()


# --- Appending at the end of a block (what every view does) --------------------------------


def stored() -> int:
    return AuditEvent.objects.count()


@pytest.mark.django_db
def test_records_written_in_the_block_are_appended_together_when_it_ends() -> None:
    append(0)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, appended_at_end():
            rows = [append(1), append(2), append(3)]
            assert stored() == 1  # nothing appended yet
            during = len(queries)
        assert stored() == 4
    appended = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries[during:]]
    # One lock and head for the three, then one INSERT of all three.
    assert appended == ["SELECT", "INSERT"]
    assert [r.seq for r in rows] == [2, 3, 4]
    assert all(r.pk is not None for r in rows)
    assert chain_of_ns() == [0, 1, 2, 3]
    assert_sound()


@pytest.mark.django_db
def test_a_record_of_a_savepoint_rolled_back_in_the_block_is_not_appended() -> None:
    with transaction.atomic(), appended_at_end():
        append(1)
        with pytest.raises(DiscardError), transaction.atomic():
            append(99)
            raise DiscardError
        append(2)
        with transaction.atomic():
            append(3)
    assert chain_of_ns() == [1, 2, 3]
    assert_sound()


@pytest.mark.django_db
def test_a_block_that_raises_appends_nothing() -> None:
    with pytest.raises(DiscardError), transaction.atomic(), appended_at_end():
        append(1)
        raise DiscardError
    assert stored() == 0
    append(2)
    assert chain_of_ns() == [2]
    assert_sound()


@pytest.mark.django_db
def test_the_append_lock_is_taken_only_when_the_block_ends() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no advisory lock: its writers hold the database write lock")

    def holding() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                " AND pid = pg_backend_pid() AND granted"
            )
            return bool(cursor.fetchone()[0])

    with transaction.atomic():
        with appended_at_end():
            append(1)
            assert not holding()
        assert holding()
    assert_sound()


@pytest.mark.django_db
def test_a_nested_block_appends_with_the_outer_one() -> None:
    with transaction.atomic(), appended_at_end():
        append(1)
        with appended_at_end():
            append(2)
        assert stored() == 0
    assert chain_of_ns() == [1, 2]
