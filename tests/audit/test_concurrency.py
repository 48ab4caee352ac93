"""Appends from several OS processes at once stay one linear chain that verifies.

The processes share a real database: a SQLite file always, and a scratch PostgreSQL database on
the same server when this run is on PostgreSQL. (Not the test database itself: its rows live in
a transaction that other processes cannot see, and committed audit rows could not be cleaned up
afterwards without dropping the triggers that this suite checks.)
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
APPENDS = 20


def environment(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMENSPEL_")}
    env.update(
        SAMENSPEL_ENV="test",
        SAMENSPEL_DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="samenspel.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def append_concurrently_and_verify(env: dict[str, str]) -> None:
    # The audit app and what it depends on; the other apps' tables play no part here.
    run(env, "-m", "samenspel", "migrate", "audit", "--verbosity", "0")
    start = time.time() + 1.5  # every process is up and waiting by then
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.audit.appender",
                "append",
                str(w),
                str(APPENDS),
                str(start),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for w in range(WORKERS)
    ]
    for worker in workers:
        output, _ = worker.communicate(timeout=60)
        assert worker.returncode == 0, output

    total = WORKERS * APPENDS
    checked = json.loads(run(env, "-m", "tests.audit.appender", "check").stdout)
    assert checked["verify"].startswith(f"OK origin=samenspel size={total} "), checked["verify"]
    assert f" checked={total}" in checked["verify"]
    appended = checked["records"][:total]  # after them comes the verification's own record
    assert [seq for seq, _, _ in appended] == list(range(1, total + 1))
    for w in range(WORKERS):
        assert [n for _, worker, n in appended if worker == w] == list(range(APPENDS))
    switches = sum(1 for a, b in itertools.pairwise(appended) if a[1] != b[1])
    assert switches > WORKERS - 1, "the processes ran one after another, not at the same time"


def test_processes_appending_to_one_sqlite_file_keep_one_chain(tmp_path: Path) -> None:
    append_concurrently_and_verify(
        environment(tmp_path, f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    )


@pytest.fixture
def scratch_postgres_url(db: None) -> Iterator[str]:
    if connection.vendor != "postgresql":
        require_or_skip("postgres", "this run is on SQLite; the PostgreSQL run covers this")
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_appends"
    server = {
        "host": params["HOST"] or None,
        "port": params["PORT"] or None,
        "user": params["USER"] or None,
        "password": params["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    user = quote(params["USER"] or "")
    if params["PASSWORD"]:
        user += ":" + quote(params["PASSWORD"])
    port = f":{params['PORT']}" if params["PORT"] else ""
    try:
        yield f"postgres://{user}@{params['HOST'] or ''}{port}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_processes_appending_to_postgresql_keep_one_chain(
    tmp_path: Path, scratch_postgres_url: str
) -> None:
    append_concurrently_and_verify(environment(tmp_path, scratch_postgres_url))


@pytest.mark.postgres
def test_a_record_alone_takes_one_round_trip_and_a_spoilt_guess_falls_back(
    tmp_path: Path, scratch_postgres_url: str
) -> None:
    # Outside a transaction a record commits on its own. On PostgreSQL the connection guesses
    # the head from its last record and the database checks the guess in the same message.
    env = environment(tmp_path, scratch_postgres_url)
    run(env, "-m", "samenspel", "migrate", "audit", "--verbosity", "0")
    result = json.loads(run(env, "-m", "tests.audit.appender", "alone").stdout)
    assert result["seqs"] == [1, 2, 3, 4, 5, 6, 7, 8] and result["pks_set"]
    sql = result["sql"]
    usual = ["BEGIN", "SELECT", "INSERT", "COMMIT"]  # the lock and the head in one call
    one = ["SELECT"]  # the lock and the checked INSERT as one message
    assert sql["first"] == usual  # no guess yet
    assert sql["second"] == sql["third"] == one
    # A stale or a wrong guess inserts nothing, then the usual way; after a spoilt guess the
    # connection appends the usual way for a while before it guesses again.
    assert sql["stale"] == sql["wrong"] == ["SELECT", *usual]
    assert sql["backing_off_1"] == sql["backing_off_2"] == usual
    assert sql["guessing_again"] == one
    checked = json.loads(run(env, "-m", "tests.audit.appender", "check").stdout)
    assert checked["verify"].startswith("OK origin=samenspel size=8 "), checked["verify"]
