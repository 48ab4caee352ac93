"""`samenspel worker`: deliver notifications by mail and make review reminders."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from samenspel.notifications.worker import Worker


class Command(BaseCommand):
    help = (
        "Deliver queued notification mails with retries, and make review reminders. Runs until "
        "stopped (SIGTERM or Ctrl-C); with --once it does one pass and exits, for cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Do one pass and exit (for cron or a timer)."
        )
        parser.add_argument(
            "--interval",
            type=int,
            default=None,
            help="Seconds between passes (default: SAMENSPEL_WORKER_INTERVAL_SECONDS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["interval"] or settings.WORKER_INTERVAL_SECONDS
        if options["once"]:
            result = Worker(interval=interval).run_once()
            outcomes = ", ".join(f"{k} {v}" for k, v in sorted(result.outcomes.items()))
            self.stdout.write(
                f"mails: {outcomes or 'none due'}; recovered {result.recovered}; "
                f"reminders {result.reminders}"
            )
            return
        stop = threading.Event()

        def _stop(signum: int, frame: Any) -> None:
            stop.set()  # finish the mail being sent, then leave

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.stdout.write(f"Worker running, a pass every {interval} s (SIGTERM or Ctrl-C stops).")
        Worker(interval=interval, stop=stop).run()
        self.stdout.write("Worker stopped.")
