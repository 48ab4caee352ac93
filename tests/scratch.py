"""A scratch PostgreSQL database beside the test database, for tests that need real commits.

Rows in the test database live in a transaction other connections cannot see, and committed
audit rows could not be cleaned up afterwards without dropping the triggers the suite checks.
So tests that race connections or processes run in a database of their own, dropped after.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def scratch_postgres(suffix: str) -> Iterator[str]:
    """Create an empty database named after the test database, yield its URL, drop it."""
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_{suffix}"
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


def environment(tmp_path: Path, database_url: str) -> dict[str, str]:
    """Return the environment of a child process that works on `database_url`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMENSPEL_")}
    env.update(
        SAMENSPEL_ENV="test",
        SAMENSPEL_DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="samenspel.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def run(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run this interpreter with `args` in `env`; fail the test with its output if it fails."""
    done = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done
