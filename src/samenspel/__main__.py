"""The `samenspel` command: Django's management commands with Samenspel's settings."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
    if len(args) > 1 and args[1] in ("demo", "democode"):
        # The demo generates its own secrets in the data folder and serves on loopback.
        os.environ.setdefault("SAMENSPEL_ENV", "demo")
    from django.conf import settings
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    from samenspel.lib.env import refuse, start_or_exit

    # Read the settings first: a missing or wrong variable is one line and exit code 2, never a
    # traceback (Django would otherwise raise it from deep inside the command line utility).
    start_or_exit(lambda: settings.INSTALLED_APPS)
    args[0] = "samenspel"
    try:
        start_or_exit(lambda: execute_from_command_line(args))
    except OperationalError:
        missing = Path(settings.SQLITE_PATH)
        if settings.DATABASES["default"]["NAME"].startswith("file:") and not missing.exists():
            refuse(
                f"the database {missing} does not exist: create it with samenspel migrate "
                "(in production no other command creates it), or restore it from a backup."
            )
        raise


if __name__ == "__main__":
    main()
