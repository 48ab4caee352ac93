"""Appends from several OS processes at once stay one linear chain that verifies.

The processes share a real database: a SQLite file always, and a scratch PostgreSQL database on
the same server when this run is on PostgreSQL. (Not the test database itself: its rows live in
a transaction that other processes cannot see, and committed audit rows could not be cleaned up
afterwards without dropping the triggers that this suite checks.)
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import require_or_skip
from tests.scratch import ROOT, environment, run, scratch_postgres

WORKERS = 3
APPENDS = 20


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
    with scratch_postgres("appends") as url:
        yield url


@pytest.mark.postgres
def test_processes_appending_to_postgresql_keep_one_chain(
    tmp_path: Path, scratch_postgres_url: str
) -> None:
    append_concurrently_and_verify(environment(tmp_path, scratch_postgres_url))


@pytest.mark.postgres
def test_a_record_alone_commits_on_its_own_after_taking_the_lock(
    tmp_path: Path, scratch_postgres_url: str
) -> None:
    # Outside a transaction a record commits on its own: the lock and the head in one call,
    # then the INSERT, in a transaction of its own; nothing is guessed or remembered.
    env = environment(tmp_path, scratch_postgres_url)
    run(env, "-m", "samenspel", "migrate", "audit", "--verbosity", "0")
    result = json.loads(run(env, "-m", "tests.audit.appender", "alone").stdout)
    assert result["seqs"] == [1, 2, 3] and result["pks_set"]
    assert result["sql"] == [["BEGIN", "SELECT", "INSERT", "COMMIT"]] * 3
    checked = json.loads(run(env, "-m", "tests.audit.appender", "check").stdout)
    assert checked["verify"].startswith("OK origin=samenspel size=3 "), checked["verify"]
