"""The worker loop behind `samenspel worker` (and the demo's background thread)."""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections, connection
from django.utils import timezone

from samenspel.consultations import services as consultations
from samenspel.measures import services as measures
from samenspel.notifications import services

logger = logging.getLogger(__name__)

# Review reminders are made per day: once an hour is often enough to catch a new date.
REMINDER_INTERVAL_SECONDS = 3600


class Worker:
    """Run passes until stopped: review reminders hourly, lapsed claims back, due mails out."""

    def __init__(self, *, interval: float, stop: threading.Event | None = None) -> None:
        self.interval = interval
        self.stop = stop or threading.Event()
        self._last_reminders = float("-inf")

    def run_once(self) -> services.PassResult:
        """Do one pass; a database or mail failure is logged and the next pass tries again."""
        if not connection.in_atomic_block:  # never inside a caller's transaction (tests)
            close_old_connections()  # as Django does per request: drop broken or expired ones
        reminders = time.monotonic() - self._last_reminders >= REMINDER_INTERVAL_SECONDS
        if reminders:
            # Action items of case consultations: before, at and after their deadline.
            consultations.create_action_reminders(today=timezone.localdate())
            # Capacity requests unanswered past the framework's deadline escalate.
            consultations.escalate_capacity_requests(now=timezone.now())
            # Measures: in force on their start date; their dossier readers told before the
            # term ends, so that it is evaluated, ended or extended in time.
            measures.start_decided_measures(today=timezone.localdate())
            measures.remind_measure_terms(today=timezone.localdate())
        result = services.run_pass(reminders=reminders)
        if reminders:
            self._last_reminders = time.monotonic()
        if result.outcomes or result.recovered or result.reminders:
            logger.info(
                "worker pass: %s, %d recovered, %d reminders",
                result.outcomes,
                result.recovered,
                result.reminders,
            )
        return result

    def run(self) -> None:
        """Loop until `stop` is set."""
        while not self.stop.is_set():
            try:
                self.run_once()
            except Exception:  # keep the worker alive: the rows stay and the next pass retries
                logger.exception("worker pass failed")
            self.stop.wait(self.interval)
        close_old_connections()


def start_in_thread(*, interval: float) -> tuple[threading.Thread, threading.Event]:
    """Start a worker in a daemon thread of this process (the demo); return it and its stop."""
    stop = threading.Event()
    thread = threading.Thread(
        target=Worker(interval=interval, stop=stop).run, name="samenspel-worker", daemon=True
    )
    thread.start()
    return thread, stop
