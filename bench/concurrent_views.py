"""Serve the case page to several processes at once: does the audit append lock make them wait?

    .venv/bin/python bench/concurrent_views.py --processes 1 2 4 --seconds 10

Seeds a scratch PostgreSQL database (`samenspel_bench_views`, dropped afterwards) with the test
personas and one case per process whose team holds that process's user, then has each process
GET its case page in a loop through Django's test client (the full middleware stack, the view,
the template; no HTTP server) with production settings. It reports requests per second over
all processes, once with every view appending its audit records when it returns (what
Samenspel does, web/batching.py) and once with each record appended where it is written (the
append lock then holds from the case read to the commit), and the median and 95th percentile
time per request.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

PG_ADMIN = "postgresql://root@127.0.0.1:5432/postgres"
NAME = "samenspel_bench_views"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seconds", type=float, default=10.0, help="timed seconds per run")
    args = parser.parse_args()

    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {NAME}")
    os.environ.update(
        SAMENSPEL_ENV="production",
        SAMENSPEL_SECRET_KEY="bench-only-" + uuid.uuid4().hex * 2,
        SAMENSPEL_ALLOWED_HOSTS="testserver",
        SAMENSPEL_DATA_DIR=tempfile.mkdtemp(prefix="samenspel-bench-"),
        DATABASE_URL=f"postgres://root@127.0.0.1:5432/{NAME}",
        DJANGO_SETTINGS_MODULE="samenspel.settings",
    )
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from samenspel.accounts.models import Role
    from samenspel.testing import make_case, make_cast, make_user

    call_command("migrate", verbosity=0)
    cast = make_cast()
    most = max(args.processes)
    viewers = [
        make_user(cast.police, Role.PARTNER_LIAISON, username=f"bench.{n}") for n in range(most)
    ]
    cases = [str(make_case(cast, team=(viewer,)).uuid) for viewer in viewers]
    work = [(viewer.pk, case) for viewer, case in zip(viewers, cases, strict=True)]
    connections.close_all()  # the processes below open their own
    print(f"load={os.getloadavg()[0]:.1f} cpus={os.cpu_count()}")
    print("| Audit append | Processes | Requests/s | Median ms | p95 ms |")
    print("|---|---:|---:|---:|---:|")
    for mode in ("at the end of the view", "where written"):
        for processes in args.processes:
            rate, median, p95 = measure(mode, work[:processes], args.seconds)
            print(f"| {mode} | {processes} | {rate:.0f} | {median:.1f} | {p95:.1f} |")
    print(f"load={os.getloadavg()[0]:.1f}")


def measure(mode: str, work: list[tuple[int, str]], seconds: float) -> tuple[float, float, float]:
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(len(work))
    results = context.Queue()
    processes = [
        context.Process(target=worker, args=(mode, pk, case, ready, seconds, results))
        for pk, case in work
    ]
    for process in processes:
        process.start()
    times = [t for _ in processes for t in results.get(timeout=seconds + 120)]
    for process in processes:
        process.join()
        assert process.exitcode == 0, process.exitcode
    times.sort()
    return len(times) / seconds, statistics.median(times), times[int(len(times) * 0.95)]


def worker(mode: str, user_pk: int, case: str, ready: Any, seconds: float, results: Any) -> None:
    """Log in, warm up, wait for the others, then request the case page for `seconds`."""
    from django.db import connections
    from django.test import Client

    from samenspel.accounts.models import User
    from samenspel.testing import force_verified_login
    from samenspel.web import batching

    connections.close_all()
    if mode == "where written":
        batching.appended_at_end = contextlib.nullcontext  # type: ignore[assignment]
    client = Client()
    force_verified_login(client, User.objects.get(pk=user_pk))
    url = f"/casussen/{case}/"
    for _ in range(5):
        warm: Any = client.get(url, secure=True)
        assert warm.status_code == 200, (warm.status_code, warm.get("Location"))
    ready.wait()  # every process is warm: the timed part starts for all at once
    times: list[float] = []
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        began = time.perf_counter()
        response: Any = client.get(url, secure=True)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    results.put(times)


if __name__ == "__main__":
    main()
