"""What the audit append lock costs under concurrency, measured with raw psycopg (no Django).

    .venv/bin/python bench/audit_lock_floor.py --processes 1 2 4 8 --per-transaction 3

Several processes write transactions of `--per-transaction` rows each into a table shaped like
the audit log (a number, a time, about 300 bytes of JSON, two hashes), starting together:

- `lock`: as `audit.record()` does, each transaction takes a transaction-level advisory lock,
  reads the head of the chain, and inserts rows numbered after it; commits queue for the lock.
- `nolock`: rows numbered from a sequence and nothing else, the ceiling of a design that
  chains records later (a sealer).

It prints the rows per second over all processes, per mode and count of processes, on a
scratch database (`samenspel_bench_lock_floor`, dropped afterwards).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import time
from typing import Any

import psycopg

ADMIN = "postgresql://root@127.0.0.1:5432/postgres"
NAME = "samenspel_bench_lock_floor"
URL = f"postgresql://root@127.0.0.1:5432/{NAME}"
DETAILS = json.dumps({"k": "x" * 280})


def worker(mode: str, rows: int, per: int, start: float, spans: Any) -> None:
    with psycopg.connect(URL) as conn:
        time.sleep(max(0.0, start - time.time()))
        began = time.time()
        for _ in range(0, rows, per):
            with conn.transaction(), conn.cursor() as cursor:
                if mode == "lock":
                    cursor.execute("SELECT pg_advisory_xact_lock(42)")
                    head = cursor.execute("SELECT seq FROM t ORDER BY seq DESC LIMIT 1").fetchone()
                    seq = head[0] if head else 0
                    cursor.executemany(
                        "INSERT INTO t (seq, at, details, prev_hash, hash)"
                        " VALUES (%s, now(), %s, %s, %s)",
                        [
                            (seq + j + 1, DETAILS, "0" * 64, hashlib.sha256(b"%d" % j).hexdigest())
                            for j in range(per)
                        ],
                    )
                else:
                    cursor.executemany(
                        "INSERT INTO t (seq, at, details, prev_hash, hash)"
                        " VALUES (nextval('s'), now(), %s, '', '')",
                        [(DETAILS,) for _ in range(per)],
                    )
        spans.put((began, time.time()))


def measure(mode: str, processes: int, rows: int, per: int) -> float:
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {NAME}")
    try:
        with psycopg.connect(URL, autocommit=True) as conn:
            conn.execute(
                "CREATE SEQUENCE s; CREATE TABLE t (id bigserial PRIMARY KEY, seq bigint UNIQUE,"
                " at timestamptz, details jsonb, prev_hash varchar(64), hash varchar(64))"
            )
        spans: Any = mp.Queue()
        start = time.time() + 1
        workers = [
            mp.Process(target=worker, args=(mode, rows, per, start, spans))
            for _ in range(processes)
        ]
        for process in workers:
            process.start()
        found = [spans.get(timeout=600) for _ in workers]
        for process in workers:
            process.join()
        return processes * rows / (max(e for _, e in found) - min(b for b, _ in found))
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--rows", type=int, default=1500, help="rows per process")
    parser.add_argument("--per-transaction", type=int, default=3)
    args = parser.parse_args()
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f} per={args.per_transaction}")
    print("| Processes | lock (rows/s) | nolock (rows/s) |")
    print("|---:|---:|---:|")
    for n in args.processes:
        lock = measure("lock", n, args.rows, args.per_transaction)
        nolock = measure("nolock", n, args.rows, args.per_transaction)
        print(f"| {n} | {lock:,.0f} | {nolock:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
