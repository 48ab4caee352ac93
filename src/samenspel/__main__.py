"""The `samenspel` command: Django's management commands with Samenspel's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
    if len(args) > 1 and args[1] in ("demo", "democode"):
        # The demo generates its own secrets in the data folder and serves on loopback.
        os.environ.setdefault("SAMENSPEL_ENV", "demo")
    from django.core.management import execute_from_command_line

    args[0] = "samenspel"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
