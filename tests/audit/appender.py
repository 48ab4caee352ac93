"""A separate process that appends audit records: `python -m tests.audit.appender ...`.

Run by test_concurrency with DATABASE_URL pointing at a database shared by several processes.
  append WORKER COUNT START   wait until the epoch time START, then append COUNT records, two
                              at a time: in a transaction with a rolled-back append between
                              them (appended where written, or at its end as a view does), or
                              each on its own outside a transaction, in turn
  alone                       append records outside a transaction with a right, a stale and a
                              wrong guess of the head; print the statements each took, as JSON
  check                       run `samenspel audit verify`, then print its output and
                              [seq, worker, n] of every record as JSON
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time

import django


class DiscardError(Exception):
    """Rolls back the savepoint of a record that must leave no trace."""


def main(argv: list[str]) -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from samenspel import audit
    from samenspel.audit.events import Event, Purpose
    from samenspel.audit.models import AuditEvent
    from samenspel.audit.services import appended_at_end

    if argv[0] == "append":
        worker, count, start = int(argv[1]), int(argv[2]), float(argv[3])
        time.sleep(max(0.0, start - time.time()))
        for n in range(0, count, 2):
            if n % 6 == 4:
                # Each on its own, outside a transaction (a command, a task): on PostgreSQL in
                # one round trip when this process's guess of the head still holds, which the
                # other processes keep spoiling.
                for m in range(n, min(n + 2, count)):
                    audit.record(
                        Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, worker=worker, n=m
                    )
                time.sleep(0.01)
                continue
            # Two kept records per transaction, with a rolled-back savepoint between them that
            # appended one more: the second kept record must link to the first, not to the
            # discarded one (the connection's knowledge of the head goes with the savepoint).
            # Every other transaction appends its records at its end, as a view does.
            at_end = appended_at_end() if n % 6 == 2 else contextlib.nullcontext()
            with transaction.atomic(), at_end:
                audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, worker=worker, n=n)
                try:
                    with transaction.atomic():
                        audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, discard=1)
                        raise DiscardError
                except DiscardError:
                    pass
                if n + 1 < count:
                    audit.record(
                        Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, worker=worker, n=n + 1
                    )
            # Requests leave gaps between appends. Without them one SQLite writer retakes the
            # lock at once while the others back off, and the processes barely interleave.
            time.sleep(0.01)
    elif argv[0] == "alone":
        sys.stdout.write(json.dumps(_alone()))
    elif argv[0] == "check":
        out = io.StringIO()
        call_command("audit", "verify", stdout=out, stderr=io.StringIO())
        rows = AuditEvent.objects.order_by("seq").values_list("seq", "details")
        records = [[seq, d.get("worker"), d.get("n")] for seq, d in rows]
        sys.stdout.write(json.dumps({"verify": out.getvalue(), "records": records}))
    else:
        raise SystemExit(f"unknown action {argv[0]!r}")


def _alone() -> dict[str, object]:
    """Append outside a transaction with a right, a stale and a wrong guess of the head."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samenspel import audit
    from samenspel.audit import services
    from samenspel.audit.events import Event, Purpose

    def append(n: int) -> tuple[object, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            row = audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, n=n)
        return row, [q["sql"].split()[0].upper() for q in queries]

    steps: dict[str, list[str]] = {}
    rows = []

    def step(name: str) -> None:
        row, sql = append(len(rows))
        rows.append(row)
        steps[name] = sql

    step("first")  # no guess yet: the usual way, which leaves one
    step("second")
    step("third")
    # Stale: another writer appended after this connection's last record (here: the guess is
    # set back to the first record, as if the second and third came from elsewhere).
    setattr(connection, services._COMMITTED_ATTRIBUTE, (rows[0].seq, rows[0].hash))  # type: ignore[attr-defined]
    step("stale")
    step("backing_off_1")  # after a spoilt guess: the usual way for two records
    step("backing_off_2")
    step("guessing_again")
    # Wrong: a record that does not exist at all.
    setattr(connection, services._COMMITTED_ATTRIBUTE, (10_000, "f" * 64))
    step("wrong")
    return {
        "seqs": [r.seq for r in rows],  # type: ignore[attr-defined]
        "pks_set": all(r.pk is not None for r in rows),  # type: ignore[attr-defined]
        "sql": steps,
    }


if __name__ == "__main__":
    main(sys.argv[1:])
