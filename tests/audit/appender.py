"""A separate process that appends audit records: `python -m tests.audit.appender ...`.

Run by test_concurrency with DATABASE_URL pointing at a database shared by several processes.
  append WORKER COUNT START   wait until the epoch time START, then append COUNT records, two
                              at a time: in a transaction with a rolled-back append between
                              them (appended where written, or at its end as a view does), or
                              each on its own outside a transaction, in turn
  alone                       append three records outside a transaction; print the statements
                              each took, as JSON
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
                # Each on its own, outside a transaction (a command, a task).
                for m in range(n, min(n + 2, count)):
                    audit.record(
                        Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, worker=worker, n=m
                    )
                time.sleep(0.01)
                continue
            # Two kept records per transaction, with a rolled-back savepoint between them that
            # appended one more: the second kept record must link to the first, not to the
            # discarded one.
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
    """Append three records outside a transaction; report the statements each took."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samenspel import audit
    from samenspel.audit.events import Event, Purpose

    rows, statements = [], []
    for n in range(3):
        with CaptureQueriesContext(connection) as queries:
            rows.append(audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, n=n))
        statements.append([q["sql"].split()[0].upper() for q in queries])
    return {
        "seqs": [r.seq for r in rows],
        "pks_set": all(r.pk is not None for r in rows),
        "sql": statements,
    }


if __name__ == "__main__":
    main(sys.argv[1:])
