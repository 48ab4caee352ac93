"""Real worker processes: killed between commit and delivery, or racing, each mail goes once.

The processes share a real database: a SQLite file always, and a scratch PostgreSQL database
when this run is on PostgreSQL (the test database's rows are invisible to other processes).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.audit.test_concurrency import ROOT, environment, run
from tests.audit.test_concurrency import scratch_postgres_url as scratch_postgres_url

MAILS = 12


def _env(tmp_path: Path, database_url: str, backend: str) -> dict[str, str]:
    env = environment(tmp_path, database_url)
    env.update(
        SAMENSPEL_EMAIL_BACKEND=f"tests.notifications.mailers.{backend}",
        SAMENSPEL_TEST_MAIL_LOG=str(tmp_path / "sent.log"),
        SAMENSPEL_TEST_HANG_LOG=str(tmp_path / "hung.log"),
        SAMENSPEL_MAIL_LEASE_SECONDS="30",
        SAMENSPEL_WORKER_INTERVAL_SECONDS="1",
    )
    return env


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def _state(env: dict[str, str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(
        run(env, "-m", "tests.notifications.outbox_process", "state").stdout
    )
    return rows


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "samenspel", "worker", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def kill_the_worker_mid_send_and_start_it_again(tmp_path: Path, database_url: str) -> None:
    hanging = _env(tmp_path, database_url, "HangingBackend")
    run(hanging, "-m", "tests.notifications.outbox_process", "setup", str(MAILS))
    assert {row["status"] for row in _state(hanging)} == {"pending"}
    # A worker claims the first mail and is killed (SIGKILL) while sending it.
    worker = _worker(hanging)
    deadline = time.monotonic() + 60
    while not _lines(tmp_path / "hung.log") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _lines(tmp_path / "hung.log"), "the worker never started sending"
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    (hung,) = _lines(tmp_path / "hung.log")
    statuses = Counter(str(row["status"]) for row in _state(hanging))
    assert statuses == {"sending": 1, "pending": MAILS - 1}
    # Started again, the worker sends everything else; the claimed mail waits for its lease.
    sending = _env(tmp_path, database_url, "RecordingBackend")
    again = _worker(sending, "--once")
    output, _ = again.communicate(timeout=60)
    assert again.returncode == 0, output
    assert f"sent {MAILS - 1}" in output
    assert hung not in _lines(tmp_path / "sent.log")
    # Once the lease has lapsed, the killed worker's mail goes too.
    later = run(sending, "-m", "tests.notifications.outbox_process", "later", "31")
    assert json.loads(later.stdout) == {"sent": 1}
    # Every mail delivered exactly once; further passes send nothing.
    again = _worker(sending, "--once")
    output, _ = again.communicate(timeout=60)
    assert "none due" in output
    rows = _state(sending)
    assert {str(row["status"]) for row in rows} == {"sent"}
    sent = Counter(_lines(tmp_path / "sent.log"))
    assert sent == Counter({str(row["message_id"]): 1 for row in rows})
    assert sent[hung] == 1


def two_workers_race_and_send_each_mail_once(tmp_path: Path, database_url: str) -> None:
    env = _env(tmp_path, database_url, "RecordingBackend")
    run(env, "-m", "tests.notifications.outbox_process", "setup", str(MAILS))
    workers = [_worker(env, "--once") for _ in range(2)]
    outputs = []
    for worker in workers:
        output, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, output
        outputs.append(output)
    rows = _state(env)
    assert {str(row["status"]) for row in rows} == {"sent"}
    assert Counter(_lines(tmp_path / "sent.log")) == Counter(
        {str(row["message_id"]): 1 for row in rows}
    )


def test_a_worker_killed_between_commit_and_delivery_loses_nothing_on_sqlite(
    tmp_path: Path,
) -> None:
    kill_the_worker_mid_send_and_start_it_again(
        tmp_path, f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    )


def test_two_worker_processes_send_each_mail_once_on_sqlite(tmp_path: Path) -> None:
    two_workers_race_and_send_each_mail_once(tmp_path, f"sqlite:///{tmp_path / 'shared.sqlite3'}")


@pytest.mark.postgres
def test_a_worker_killed_between_commit_and_delivery_loses_nothing_on_postgresql(
    tmp_path: Path, scratch_postgres_url: str
) -> None:
    kill_the_worker_mid_send_and_start_it_again(tmp_path, scratch_postgres_url)


@pytest.mark.postgres
def test_two_worker_processes_send_each_mail_once_on_postgresql(
    tmp_path: Path, scratch_postgres_url: str
) -> None:
    two_workers_race_and_send_each_mail_once(tmp_path, scratch_postgres_url)


def test_the_worker_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'shared.sqlite3'}", "RecordingBackend")
    env["PYTHONUNBUFFERED"] = "1"
    run(env, "-m", "samenspel", "migrate", "--verbosity", "0")
    worker = _worker(env)
    assert worker.stdout is not None
    assert "Worker running" in worker.stdout.readline()
    time.sleep(1.5)  # at least one pass
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "Worker stopped." in output
