"""Time the audit verifier: seed N records into a temporary SQLite database, run verify_chain().

    .venv/bin/python bench/audit_verify.py [--rows 200000] [--repeat 1]

Prints one line per timed verification: wall time, CPU time of this process (steadier when the
machine is busy) and the 1-minute load average. The records are written with bulk inserts and
hashed with samenspel.audit.chain, as audit.record() hashes them, so the chain verifies.
Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import time
import uuid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="records to seed (200000)")
    parser.add_argument("--repeat", type=int, default=1, help="verifications to time (1)")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="samenspel-bench-")
    os.environ.update(
        SAMENSPEL_ENV="test",
        SAMENSPEL_DATA_DIR=folder,
        DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
        DJANGO_SETTINGS_MODULE="samenspel.settings",
    )
    try:
        run(args.rows, args.repeat)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(rows: int, repeat: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from samenspel.audit.selectors import verify_chain

    call_command("migrate", "audit", verbosity=0)
    started = time.perf_counter()
    seed(rows)
    seeded = time.perf_counter() - started
    size_mb = os.path.getsize(connection.settings_dict["NAME"]) / 1e6
    print(f"seeded rows={rows} seconds={seeded:.1f} database_mb={size_mb:.0f}")
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = verify_chain()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started  # steadier than wall time on a busy machine
        assert result.ok and result.checked == rows, result
        print(
            f"verify_chain vendor={connection.vendor} rows={rows} seconds={seconds:.2f} "
            f"rows_per_s={rows / seconds:,.0f} cpu_seconds={cpu:.2f} "
            f"rows_per_cpu_s={rows / cpu:,.0f} load={os.getloadavg()[0]:.1f}"
        )


def seed(rows: int, batch: int = 20_000) -> None:
    """Append `rows` varied records in bulk, linking each to the one before.

    Plain INSERTs in SQLite's storage format (UTC text times, JSON text) are several times
    faster than bulk_create; the hashes come from samenspel.audit.chain as in audit.record().
    """
    import json

    from django.db import connection, transaction

    from samenspel.audit import chain
    from samenspel.audit.events import Event, Outcome, Purpose
    from samenspel.audit.models import GENESIS_HASH

    assert connection.vendor == "sqlite"
    insert = (
        "INSERT INTO audit_auditevent (seq, occurred_at, event, outcome, actor_id, "
        "actor_organisation_id, actor_roles, object_type, object_id, object_organisation_id, "
        "purpose, request_id, client_address, details, prev_hash, hash) "
        "VALUES (%s, %s, %s, %s, NULL, NULL, %s, %s, %s, NULL, %s, %s, %s, %s, %s, %s)"
    )
    events = [int(e) for e in Event]
    purposes = [str(p) for p in Purpose]
    role_sets = [[], ["case_director"], ["privacy_officer", "security_adviser"]]
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    prev = GENESIS_HASH
    seq = 0
    while seq < rows:
        values = []
        for _ in range(min(batch, rows - seq)):
            seq += 1
            at = start + dt.timedelta(milliseconds=137 * seq)
            roles = role_sets[seq % len(role_sets)]
            details = {"page": seq % 40, "route": "web:user-detail", "sso": seq % 2 == 0}
            fields = chain.hashed_fields(
                seq=seq,
                occurred_at=at,
                event=events[seq % len(events)],
                outcome=str(Outcome.DENIED if seq % 17 == 0 else Outcome.SUCCESS),
                actor_id=None,
                actor_organisation_id=None,
                actor_roles=roles,
                object_type="accounts.user",
                object_id=str(uuid.UUID(int=seq)),
                object_organisation_id=None,
                purpose=purposes[seq % len(purposes)],
                request_id=f"{seq:016x}",
                client_address=f"192.0.2.{seq % 250}",
                details=details,
            )
            digest = chain.link_hash(prev, fields)
            values.append(
                (
                    seq,
                    at.replace(tzinfo=None).isoformat(sep=" "),  # as Django stores it on SQLite
                    fields["event"],
                    fields["outcome"],
                    json.dumps(roles),
                    fields["object_type"],
                    fields["object_id"],
                    fields["purpose"],
                    fields["request_id"],
                    fields["client"],
                    json.dumps(details),
                    prev,
                    digest,
                )
            )
            prev = digest
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(insert, values)


if __name__ == "__main__":
    main()
