"""The liveness and readiness probes, and 503 answers while the database cannot be written."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.test import Client

from samenspel.audit.models import AuditEvent
from samenspel.testing import Cast, force_verified_login
from tests.conftest import require_or_skip


@contextmanager
def database_read_only() -> Iterator[None]:
    """Make the database refuse writes, as a read-only disk or a standby does, then undo it."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = ON")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")
        return
    # PostgreSQL: a transaction may turn read-only at any time; rolling back to the savepoint
    # turns it read-write again.
    savepoint = transaction.savepoint_create()
    with connection.cursor() as cursor:
        cursor.execute("SET transaction_read_only = on")
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def ready(client: Client) -> None:
    """Serve once with a working database, as a process does before an outage."""
    assert client.get("/readyz").status_code == 200


def test_healthz_answers_without_login_session_or_query(
    client: Client, db: None, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"ok\n"
    assert "samenspel_session" not in response.cookies


def test_readyz_says_ready_and_writes_no_audit_record(client: Client, cast: Cast) -> None:
    before = AuditEvent.objects.count()
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.content.decode()
    assert body.splitlines()[0] == "ready"
    for line in ("ok database: reachable", "ok migrations: applied", "ok writable: yes"):
        assert line in body
    assert f"ok audit head: record {before}" in body
    assert AuditEvent.objects.count() == before
    assert "samenspel_session" not in response.cookies


def test_the_probes_refuse_other_methods(client: Client, db: None) -> None:
    assert client.post("/readyz").status_code == 405
    assert client.post("/healthz").status_code == 405


def test_readyz_is_503_while_the_database_cannot_be_written_and_200_after(
    client: Client, db: None, caplog: pytest.LogCaptureFixture
) -> None:
    ready(client)
    caplog.clear()
    with database_read_only():
        response = client.get("/readyz")
        assert [r.getMessage().split(":")[0] for r in caplog.records] == ["not ready"]
        assert response.status_code == 503
        body = response.content.decode()
        assert body.startswith("not ready\n")
        assert "FAIL writable: no:" in body
        assert response["Retry-After"] == "30"
        assert client.get("/healthz").status_code == 200  # the process itself lives
    response = client.get("/readyz")  # the same process, no restart
    assert response.status_code == 200, response.content


def test_pages_and_api_answer_503_while_read_only_and_recover(cast: Cast) -> None:
    browser = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(browser, cast.case_manager)
    ready(browser)
    with database_read_only():
        page = browser.get("/casussen/")
        assert page.status_code == 503
        assert page["Content-Type"].startswith("text/html")
        assert "tijdelijk niet beschikbaar" in page.content.decode()
        api = browser.get("/api/v1/cases")
        assert api.status_code == 503
        assert api["Content-Type"] == "application/problem+json"
        assert "tijdelijk niet beschikbaar" in api.json()["detail"]
    assert browser.get("/casussen/").status_code == 200
    assert browser.get("/api/v1/cases").status_code == 200


def test_a_failing_database_is_logged_in_one_line(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    browser = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(browser, cast.case_manager)
    ready(browser)
    caplog.clear()
    with database_read_only():
        assert browser.get("/casussen/").status_code == 503
    assert [r.getMessage() for r in caplog.records] == [
        "database unavailable at /casussen/: attempt to write a readonly database"
        if connection.vendor == "sqlite"
        else "database unavailable at /casussen/: cannot execute INSERT in a read-only transaction"
    ]
    assert all(r.exc_info is None for r in caplog.records)


# --- A database that is missing or not migrated: no service, and /readyz says why ------------

PROBE = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    client = Client(HTTP_HOST="samenspel.example.nl")
    for step in STEPS:
        if step == "migrate":
            call_command("migrate", verbosity=0)
            continue
        response = client.get(step, secure=True)
        print(step, response.status_code, response.content.decode().replace(chr(10), " | "))
    """
)


def probe(data_dir: Path, steps: list[str], **env: str) -> list[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SAMENSPEL_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean.update(
        SAMENSPEL_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="samenspel.settings", **env
    )
    result = subprocess.run(
        [sys.executable, "-c", f"STEPS = {steps!r}\n" + PROBE],
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines()


def test_production_never_creates_a_missing_database_and_readyz_says_why(
    tmp_path: Path,
) -> None:
    lines = probe(
        tmp_path,
        ["/readyz", "/inloggen/", "/api/v1/openapi.json"],
        SAMENSPEL_ENV="production",
        SAMENSPEL_SECRET_KEY="k" * 10 + "abcdefghij" * 6,
        SAMENSPEL_ALLOWED_HOSTS="samenspel.example.nl",
    )
    assert lines[0].startswith("/readyz 503 not ready | FAIL database: ")
    assert "samenspel.sqlite3 is missing" in lines[0]
    assert lines[1].startswith("/inloggen/ 503 ")
    assert "tijdelijk niet beschikbaar" in lines[1]
    assert lines[2].startswith("/api/v1/openapi.json 503 ")
    assert not (tmp_path / "samenspel.sqlite3").exists()


def test_an_unmigrated_database_is_refused_until_migrate_then_served(tmp_path: Path) -> None:
    lines = probe(
        tmp_path,
        ["/readyz", "/inloggen/", "migrate", "/readyz", "/inloggen/"],
        SAMENSPEL_ENV="test",
        SAMENSPEL_ALLOWED_HOSTS="samenspel.example.nl",
    )
    assert lines[0].startswith("/readyz 503 not ready | ok database: reachable | FAIL migrations:")
    assert "run samenspel migrate" in lines[0]
    assert lines[1].startswith("/inloggen/ 503 ")
    assert lines[2].startswith("/readyz 200 ready | ")
    assert lines[3].startswith("/inloggen/ 200 ")


# --- A restarted PostgreSQL costs no failed request ------------------------------------------


@pytest.fixture
def served_postgres(db: None, tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """Serve Samenspel from a process of its own on a migrated scratch PostgreSQL database."""
    if connection.vendor != "postgresql":
        require_or_skip("postgres", "this run is on SQLite; the PostgreSQL run covers this")
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_probes"
    server = {
        "host": params["HOST"] or None,
        "port": params["PORT"] or None,
        "user": params["USER"] or None,
        "password": params["PASSWORD"] or None,
    }

    def admin() -> Any:
        return psycopg.connect(dbname="postgres", autocommit=True, **server)

    with admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    user = quote(params["USER"] or "")
    if params["PASSWORD"]:
        user += ":" + quote(params["PASSWORD"])
    port = f":{params['PORT']}" if params["PORT"] else ""
    url = f"postgres://{user}@{params['HOST'] or ''}{port}/{name}?application_name=probed"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SAMENSPEL_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(SAMENSPEL_ENV="test", SAMENSPEL_DATA_DIR=str(tmp_path), DATABASE_URL=url)
    samenspel = str(Path(sys.executable).with_name("samenspel"))
    subprocess.run([samenspel, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [samenspel, "runserver", f"127.0.0.1:{free}", "--noreload", "--nothreading"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{free}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).close()  # noqa: S310 - loopback http
                break
            except OSError:
                time.sleep(0.2)
        with admin() as conn:
            yield base, conn
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        with admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback http
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.postgres
def test_a_connection_killed_by_a_database_restart_costs_no_failed_request(
    served_postgres: tuple[str, Any],
) -> None:
    base, admin = served_postgres
    assert get(f"{base}/readyz")[0] == 200  # the server now keeps its connection
    killed = admin.execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE application_name = 'probed'"
    ).fetchone()[0]
    assert killed == 1  # as a restart of PostgreSQL would end it
    status, body = get(f"{base}/readyz")  # the very next request
    assert status == 200, body


def test_the_probes_answer_over_plain_http_where_pages_redirect(db: None, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # a new client loads the middleware with these settings
    assert client.get("/inloggen/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
