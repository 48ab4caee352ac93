"""Liveness and readiness probes, and the answer while the database is unavailable.

`/healthz` says the process lives and touches nothing. `/readyz` says whether the database is
reachable and writable, its migrations are applied and the audit head is readable. Neither
needs a login or a session, and neither writes an audit record: they show no personal data,
and a record per probe would make every probe write to the database (a prober every ten
seconds would add 8,640 records a day). The write that tests writability is rolled back.

When the database cannot be reached or written, pages answer 503 with a Dutch page and the
API 503 JSON, instead of a 500; the next request tries again, so both recover without a
restart. Until the database is ready once, nothing but the probes and static files is served.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from samenspel.audit import selectors as audit_selectors
from samenspel.lib import problems
from samenspel.lib.env import one_line
from samenspel.lib.unavailable import is_unavailable
from samenspel.web.paths import PROBE_PATHS

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

Handler = Callable[[HttpRequest], HttpResponse]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _uncreated_sqlite_file() -> Path | None:
    """Return the SQLite file that connecting will not create (production), if missing."""
    name = str(connection.settings_dict["NAME"])
    file = Path(settings.SQLITE_PATH)
    if connection.vendor == "sqlite" and name.startswith("file:") and not file.exists():
        return file
    return None


def _reachable() -> Check:
    file = _uncreated_sqlite_file()
    if file is not None:
        return Check("database", False, f"{file} is missing: restore it or run samenspel migrate")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return Check("database", False, f"not reachable: {one_line(exc)}")
    return Check("database", True, "reachable")


def _migrated() -> Check:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return Check("migrations", False, f"unreadable: {one_line(exc)}")
    if plan:
        first = plan[0][0]
        return Check(
            "migrations",
            False,
            f"{len(plan)} not applied (first {first.app_label}.{first.name}): "
            "run samenspel migrate",
        )
    return Check("migrations", True, "applied")


def _writable() -> Check:
    """Write a session row and roll it back: the write every login needs."""
    table = connection.ops.quote_name(Session._meta.db_table)
    key = f"readyz-{secrets.token_hex(8)}"
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (session_key, session_data, expire_date) "  # noqa: S608 - the table name is quoted, values bound
                    "VALUES (%s, %s, %s)",
                    [key, "", timezone.now()],
                )
            transaction.set_rollback(True)
    except DatabaseError as exc:
        return Check("writable", False, f"no: {one_line(exc)}")
    return Check("writable", True, "yes")


def _audit_head() -> Check:
    try:
        head = audit_selectors.unfiltered_events().order_by("-seq").values_list("seq").first()
    except DatabaseError as exc:
        return Check("audit head", False, f"unreadable: {one_line(exc)}")
    return Check("audit head", True, f"record {head[0] if head else 0}")


def readiness() -> list[Check]:
    """Check the database, its migrations, a rolled-back write and the audit head."""
    reachable = _reachable()
    if not reachable.ok:
        return [reachable]
    migrated = _migrated()
    if not migrated.ok:
        return [reachable, migrated]
    return [reachable, migrated, _writable(), _audit_head()]


def _plain(text: str, status: int) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response._has_been_logged = True  # type: ignore[attr-defined]  # readyz logged why
    return response


@require_safe
@never_cache
@transaction.non_atomic_requests
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer that the process lives; touch nothing else."""
    return _plain("ok\n", 200)


@require_safe
@never_cache
@transaction.non_atomic_requests
def readyz(request: HttpRequest) -> HttpResponse:
    """Answer 200 when the database serves reads and writes, 503 with the reason when not."""
    checks = readiness()
    ready = all(check.ok for check in checks)
    if ready:
        _gate.opened()
    else:
        logger.warning(
            "not ready: %s", "; ".join(f"{c.name} {c.detail}" for c in checks if not c.ok)
        )
    lines = [f"{'ok' if c.ok else 'FAIL'} {c.name}: {c.detail}" for c in checks]
    return _plain(
        "\n".join(["ready" if ready else "not ready", *lines]) + "\n", 200 if ready else 503
    )


def unavailable(request: HttpRequest, reason: BaseException | str | None = None) -> HttpResponse:
    """Answer 503: the Dutch page, or JSON under /api/. Nothing is audited: it cannot be."""
    if reason is not None:
        logger.warning("database unavailable at %s: %s", request.path, one_line(reason))
    if request.path.startswith("/api/"):
        response: HttpResponse = problems.response(
            503,
            detail=_(
                "Samenspel is tijdelijk niet beschikbaar. Er is niets opgeslagen. "
                "Probeer het over een paar minuten opnieuw."
            ),
        )
    else:
        # Rendered without the request: the page shell's context reads the user, and with
        # that the session, from the database that is unavailable.
        response = HttpResponse(
            render_to_string(
                "web/unavailable.html",
                {"request_id": getattr(request, "request_id", "")},
            ),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # One line in the log, ours above: Django would log every 5xx again (django.request).
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class _Gate:
    """Whether this process has seen the database ready; re-checked now and then until so."""

    RECHECK_SECONDS = 5.0

    def __init__(self) -> None:
        self.open = False
        self.checked_at = 0.0

    def opened(self) -> None:
        self.open = True

    def allows(self) -> bool:
        if self.open:
            return True
        now = time.monotonic()
        if now - self.checked_at < self.RECHECK_SECONDS:
            return False
        self.checked_at = now
        problems = [c for c in readiness() if not c.ok]
        if problems:
            logger.warning(
                "refusing to serve until the database is ready: %s",
                "; ".join(f"{c.name} {c.detail}" for c in problems),
            )
            return False
        self.open = True
        return True


_gate = _Gate()


class DatabaseAvailabilityMiddleware:
    """Serve nothing but the probes until the database is ready; answer 503 when it fails."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in PROBE_PATHS or request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if not _gate.allows():
            return unavailable(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        """Turn a view's database outage into a 503, with one log line and no traceback."""
        if not is_unavailable(exception):
            return None
        return unavailable(request, exception)
