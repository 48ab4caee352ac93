"""A scratch database for a benchmark: production settings on a throwaway SQLite file or a
PostgreSQL database made and dropped here, then migrated and described in one line."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from urllib.parse import quote

PG_ADMIN = "postgresql://root@127.0.0.1:5432/postgres"


@contextlib.contextmanager
def scratch_database(
    db: str, *, pg_name: str, keep: bool = False, pg_socket: str = "", hosts: str = "localhost"
) -> Iterator[str]:
    """Point the settings at a new database (sqlite or postgres); drop it afterwards."""
    folder = tempfile.mkdtemp(prefix="samenspel-bench-")
    if db == "postgres":
        pg_admin(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)", f"CREATE DATABASE {pg_name}")
        url = f"postgres://root@127.0.0.1:5432/{pg_name}"
        if pg_socket:  # a server on the same machine, as libpq reaches it by default
            url = f"postgres://root@{quote(pg_socket, safe='')}/{pg_name}"
    else:
        url = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.update(
        SAMENSPEL_ENV="production",
        SAMENSPEL_SECRET_KEY="bench-only-" + uuid.uuid4().hex * 2,
        SAMENSPEL_ALLOWED_HOSTS=hosts,
        SAMENSPEL_DATA_DIR=folder,
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="samenspel.settings",
    )
    os.environ.pop("SAMENSPEL_DEBUG", None)
    try:
        yield folder
    finally:
        if not keep:
            from django.db import connections

            connections.close_all()
            if db == "postgres":
                pg_admin(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
            shutil.rmtree(folder, ignore_errors=True)


def pg_admin(*statements: str) -> None:
    """Run statements on the PostgreSQL server's maintenance database."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement.encode())


def migrate_and_describe() -> str:
    """Set Django up, migrate, and return "vendor=... version=... host=... load=..."."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    assert settings.PRODUCTION and not settings.DEBUG
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cursor.fetchone()[0]
    host = connection.settings_dict.get("HOST") or "-"
    return f"vendor={connection.vendor} version={version} host={host} load={os.getloadavg()[0]:.1f}"
