"""What this machine allows at most: raw psycopg round trips and commits, without Django.

    .venv/bin/python bench/pg_floor.py                    # TCP on 127.0.0.1 and the Unix socket
    .venv/bin/python bench/pg_floor.py --rows 2000 --runs 5

The audit append cannot be faster than the database lets any code be. This script measures,
on a scratch database (`samenspel_bench_floor`, dropped afterwards) and a table shaped like
the audit log (a sequence number, two hashes, a time and about 300 bytes of JSON):

- one round trip (`SELECT 1`);
- one-row INSERTs, each committed (`synchronous_commit=on`, so each is a flush to disk);
- one-row INSERTs, all in one transaction (one round trip each).

Each is run `--runs` times; the script prints min, median and max per connection kind, so
that `docs/benchmarks.md` can set the bench's figures beside what the machine allows.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import psycopg

PG_ADMIN = "postgresql://root@127.0.0.1:5432/postgres"
NAME = "samenspel_bench_floor"
TABLE = """
CREATE TABLE floor_log (
    seq bigint PRIMARY KEY,
    at timestamptz NOT NULL,
    details jsonb NOT NULL,
    prev_hash char(64) NOT NULL,
    hash char(64) NOT NULL
)
"""
INSERT = "INSERT INTO floor_log (seq, at, details, prev_hash, hash) VALUES (%s, now(), %s, %s, %s)"
DETAILS = json.dumps(
    {
        "event": 501,
        "purpose": "case_work",
        "object": "case:7d5c2f1e-4b3a-4c1d-9e8f-0a1b2c3d4e5f",
        "role": "case_director",
        "request": "a" * 32,
        "address": "127.0.0.1",
        "page": "cases",
        "shown": 100,
        "note": "x" * 80,
    }
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000, help="INSERTs per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--socket", default="/var/run/postgresql", help="Unix socket folder")
    args = parser.parse_args()

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {NAME}")
    try:
        for kind, conninfo in (
            ("TCP 127.0.0.1", f"postgresql://root@127.0.0.1:5432/{NAME}"),
            ("Unix socket", f"host={args.socket} user=root dbname={NAME}"),
        ):
            with psycopg.connect(conninfo, autocommit=True) as conn:
                setting = conn.execute("SHOW synchronous_commit").fetchone()
                conn.execute(TABLE)
                print(f"{kind}: synchronous_commit={setting[0] if setting else '?'}")
                measure(kind, "round trip (SELECT 1), µs", args.runs, lambda: trips(conn, args))
                measure(kind, "INSERT, each committed, /s", args.runs, lambda: each(conn, args))
                measure(kind, "INSERT, one transaction, /s", args.runs, lambda: one(conn, args))
                conn.execute("DROP TABLE floor_log")
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")


def measure(kind: str, what: str, runs: int, fn: Callable[[], float]) -> None:
    values = sorted(fn() for _ in range(runs))
    print(
        f"{kind}: {what}: min={values[0]:,.0f} median={statistics.median(values):,.0f} "
        f"max={values[-1]:,.0f}"
    )


def trips(conn: psycopg.Connection[Any], args: argparse.Namespace) -> float:
    cur = conn.cursor()
    start = time.perf_counter()
    for _ in range(args.rows):
        cur.execute("SELECT 1").fetchone()
    return (time.perf_counter() - start) / int(args.rows) * 1e6


def _rows(conn: psycopg.Connection[Any], n: int) -> list[tuple[int, str, str, str]]:
    cur = conn.cursor()
    row = cur.execute("SELECT coalesce(max(seq), 0) FROM floor_log").fetchone()
    first = (int(row[0]) if row else 0) + 1
    out = []
    prev = "0" * 64
    for seq in range(first, first + n):
        digest = hashlib.sha256(f"{prev}{seq}{DETAILS}".encode()).hexdigest()
        out.append((seq, DETAILS, prev, digest))
        prev = digest
    return out


def each(conn: psycopg.Connection[Any], args: argparse.Namespace) -> float:
    rows = _rows(conn, args.rows)
    cur = conn.cursor()
    start = time.perf_counter()
    for row in rows:
        cur.execute(INSERT, row)  # autocommit: every INSERT is its own durable transaction
    return int(args.rows) / (time.perf_counter() - start)


def one(conn: psycopg.Connection[Any], args: argparse.Namespace) -> float:
    rows = _rows(conn, args.rows)
    start = time.perf_counter()
    with conn.transaction():
        cur = conn.cursor()
        for row in rows:
            cur.execute(INSERT, row)
    return int(args.rows) / (time.perf_counter() - start)


if __name__ == "__main__":
    main()
