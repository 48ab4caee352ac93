"""Append audit records from several processes at once, on PostgreSQL.

    .venv/bin/python bench/audit_processes.py --processes 1 2 4 8 --records 2000
    .venv/bin/python bench/audit_processes.py --processes 1 2 4 8 --records 3000 --per-transaction 3

Every append takes the chain's lock until its transaction commits (see `audit/services.py`),
so appends from several processes queue for it. This measures the log's throughput when
several processes append at once: each process appends `--records` records, starting
together. Without `--per-transaction` each record is written outside a transaction (as a
command or a task does) and commits on its own; with `--per-transaction K` the records are
written K at a time in one transaction and appended together when it ends, as a request's
view does. The script reports the records per second over all processes from the first start
to the last finish, and runs `samenspel audit verify` on the result. Each count of processes
gets a fresh scratch database (`samenspel_bench_processes`, dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

PG_ADMIN = "postgresql://root@127.0.0.1:5432/postgres"
NAME = "samenspel_bench_processes"
ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--records", type=int, default=2000, help="records per process")
    parser.add_argument(
        "--per-transaction",
        type=int,
        default=0,
        metavar="K",
        help="append K records together at the end of each transaction, as a view does",
    )
    parser.add_argument("--worker", type=float, help=argparse.SUPPRESS)  # start time
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.records, args.worker, args.per_transaction)
        return

    import psycopg

    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMENSPEL_")}
    env.update(
        SAMENSPEL_ENV="production",
        SAMENSPEL_SECRET_KEY="bench-only-" + uuid.uuid4().hex * 2,
        SAMENSPEL_ALLOWED_HOSTS="localhost",
        SAMENSPEL_DATA_DIR=tempfile.mkdtemp(prefix="samenspel-bench-"),
        DATABASE_URL=f"postgres://root@127.0.0.1:5432/{NAME}",
        DJANGO_SETTINGS_MODULE="samenspel.settings",
        PYTHONPATH=str(ROOT / "src"),
    )
    how = f"{args.per_transaction} per transaction" if args.per_transaction else "each alone"
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f} records={how}")
    print("| Processes | Records | Records/s | Verify |")
    print("|---:|---:|---:|---|")
    for n in args.processes:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {NAME}")
        try:
            rate, verify = run(env, n, args.records, args.per_transaction)
        finally:
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        print(f"| {n} | {n * args.records:,} | {rate:,.0f} | {verify} |")
    print(f"load={os.getloadavg()[0]:.1f}")


def run(env: dict[str, str], processes: int, records: int, per: int) -> tuple[float, str]:
    """Return the records per second over all processes, and the verifier's first words."""
    samenspel = [sys.executable, "-m", "samenspel"]
    subprocess.run([*samenspel, "migrate", "audit", "--verbosity", "0"], env=env, check=True)
    start = time.time() + 3  # every process is up and warmed up by then
    workers = [
        subprocess.Popen(
            [
                *(sys.executable, __file__, "--records", str(records), "--worker", str(start)),
                *("--per-transaction", str(per)),
            ],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    spans = []
    for process in workers:
        output, _ = process.communicate(timeout=600)
        if process.returncode != 0:
            raise SystemExit(f"a worker failed: {output}")
        spans.append(json.loads(output))
    elapsed = max(s["end"] for s in spans) - min(s["start"] for s in spans)
    verify = subprocess.run(
        [*samenspel, "audit", "verify"], env=env, capture_output=True, text=True, check=False
    )
    return processes * records / elapsed, " ".join(verify.stdout.split()[:3])


def worker(records: int, start: float, per: int) -> None:
    import django

    django.setup()
    from django.db import transaction

    from samenspel import audit
    from samenspel.audit.events import Event, Purpose
    from samenspel.audit.services import appended_at_end

    for _ in range(WARM_UP):
        audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, warm_up=1)
    time.sleep(max(0.0, start - time.time()))
    began = time.time()
    if per:
        for first in range(0, records, per):
            with transaction.atomic(), appended_at_end():
                for n in range(first, min(first + per, records)):
                    audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, n=n)
    else:
        for n in range(records):
            audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, n=n)
    sys.stdout.write(json.dumps({"start": began, "end": time.time()}))


if __name__ == "__main__":
    main()
