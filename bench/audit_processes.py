"""Append audit records outside a transaction from several processes at once, on PostgreSQL.

    .venv/bin/python bench/audit_processes.py --processes 1 2 4 8 --records 2000

A record written outside a transaction (a command, a task) commits on its own. On PostgreSQL
a connection then guesses the head of the chain and appends in one round trip; another
process that appends in between spoils the guess (see `audit/services.py`). This measures
what that does to the log's throughput when several processes append at once: each process
appends `--records` records, one `audit.record()` each, starting together; the script reports
the records per second over all processes from the first start to the last finish, and runs
`samenspel audit verify` on the result. Each count of processes gets a fresh scratch database
(`samenspel_bench_processes`, dropped afterwards).
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
    parser.add_argument("--worker", type=float, help=argparse.SUPPRESS)  # start time
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.records, args.worker)
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
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f}")
    print("| Processes | Records | Records/s | Verify |")
    print("|---:|---:|---:|---|")
    for n in args.processes:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {NAME}")
        try:
            rate, verify = run(env, n, args.records)
        finally:
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        print(f"| {n} | {n * args.records:,} | {rate:,.0f} | {verify} |")
    print(f"load={os.getloadavg()[0]:.1f}")


def run(env: dict[str, str], processes: int, records: int) -> tuple[float, str]:
    """Return the records per second over all processes, and the verifier's first words."""
    samenspel = [sys.executable, "-m", "samenspel"]
    subprocess.run([*samenspel, "migrate", "audit", "--verbosity", "0"], env=env, check=True)
    start = time.time() + 3  # every process is up and warmed up by then
    workers = [
        subprocess.Popen(
            [sys.executable, __file__, "--records", str(records), "--worker", str(start)],
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


def worker(records: int, start: float) -> None:
    import django

    django.setup()
    from samenspel import audit
    from samenspel.audit.events import Event, Purpose

    for _ in range(WARM_UP):
        audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, warm_up=1)
    time.sleep(max(0.0, start - time.time()))
    began = time.time()
    for n in range(records):
        audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, n=n)
    sys.stdout.write(json.dumps({"start": began, "end": time.time()}))


if __name__ == "__main__":
    main()
