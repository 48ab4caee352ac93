"""`samenspel migrate`: Django's migrate, and the one command that creates a SQLite database."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.commands import migrate


class Command(migrate.Command):
    help = (
        "Create the SQLite database if it is missing (production never creates it on "
        "connecting), then apply the migrations."
    )

    def execute(self, *args: Any, **options: Any) -> Any:
        # Before the system checks, which connect to the database.
        name = str(settings.DATABASES["default"]["NAME"])
        path = Path(settings.SQLITE_PATH)
        if name.startswith("file:") and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            sqlite3.connect(path).close()
            path.chmod(0o600)
            if options.get("verbosity", 1) >= 1:
                self.stdout.write(f"Created the database {path}.")
        return super().execute(*args, **options)
