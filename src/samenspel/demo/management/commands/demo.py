"""`samenspel demo`: migrate, load the demo cast, print the logins, and serve on 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from samenspel.demo import data
from samenspel.notifications.worker import start_in_thread

MARKER_TEXT = (
    "This data folder was made by `samenspel demo` and holds fictional demo data only.\n"
    "Every samenspel command on it runs as the demo (SAMENSPEL_ENV=demo) unless SAMENSPEL_ENV\n"
    "says otherwise. Never put real data here.\n"
)


def mark_demo_folder(command: BaseCommand) -> None:
    """Mark the data folder as the demo's; refuse a database that holds data of another kind."""
    marker = Path(settings.DEMO_MARKER)
    if not marker.is_file() and connection.introspection.table_names():
        command.stderr.write(
            f"The database of {settings.DATA_DIR} holds tables that samenspel demo did not "
            "make (the folder has no demo_marker file). Choose an empty folder with "
            "SAMENSPEL_DATA_DIR, or delete this one if it held an earlier demo."
        )
        raise SystemExit(2)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(MARKER_TEXT, encoding="utf-8")


class Command(BaseCommand):
    help = "Set up the demo database with its organisations and users, then serve it on loopback."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Load the demo data only.")
        parser.add_argument(
            "--port", type=int, default=8000, help="Port on 127.0.0.1 (default 8000)."
        )

    def execute(self, *args: Any, **options: Any) -> Any:
        # Before the system checks, which would open (and in production not find) a database.
        if settings.PRODUCTION:
            self.stderr.write("The demo refuses to run with SAMENSPEL_ENV=production.")
            raise SystemExit(2)
        return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        mark_demo_folder(self)
        call_command("migrate", interactive=False, verbosity=0)
        logins = data.load()
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins (password for all: {data.DEMO_PASSWORD})")
        )
        width = max(len(x.username) for x in logins)
        for login in logins:
            secret = login.totp_secret or "(sets up TOTP at first login)"
            roles = ", ".join(login.roles)
            self.stdout.write(
                f"  {login.username:<{width}}  {roles:<54} {login.organisation:<34} TOTP {secret}"
            )
        self.stdout.write("")
        self.stdout.write(
            "Add a TOTP secret to any authenticator app (manual entry, 6 digits, 30 seconds),\n"
            "or print a user's current code with: samenspel democode USERNAME"
        )
        if options["no_serve"]:
            return
        port = options["port"]
        if not os.environ.get("SAMENSPEL_BASE_URL"):
            settings.BASE_URL = f"http://127.0.0.1:{port}"  # the links in the demo's mails
        # The worker runs beside the server in this process, so notifications (and their mails,
        # printed here by the console mail backend) go out as they would in production.
        start_in_thread(interval=settings.WORKER_INTERVAL_SECONDS)
        self.stdout.write(
            self.style.SUCCESS(f"Serving Samenspel on http://127.0.0.1:{port}/  (Ctrl-C stops)")
        )
        self.stdout.write("The worker that sends notifications runs in the background.")
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)
