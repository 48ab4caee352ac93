"""System checks that keep the audit chain linear."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.db import connections


@register()
def sqlite_appends_serialised(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """SQLite must begin every transaction IMMEDIATE so that audit appends never interleave."""
    errors = []
    for alias in connections:
        conn = connections[alias]
        if (
            conn.vendor == "sqlite"
            and conn.settings_dict.get("OPTIONS", {}).get("transaction_mode") != "IMMEDIATE"
        ):
            errors.append(
                Error(
                    f"Database {alias!r} is SQLite without transaction_mode IMMEDIATE.",
                    hint="Samenspel's settings set it; do not override DATABASES OPTIONS.",
                    id="samenspel.audit.E001",
                )
            )
    return errors
