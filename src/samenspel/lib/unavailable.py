"""Tell a database that is gone, locked or read-only from other errors; log it in one line."""

from __future__ import annotations

import logging

from django.db import InterfaceError, InternalError, OperationalError

from samenspel.lib.env import one_line

# PostgreSQL's "cannot execute ... in a read-only transaction" (a standby, or a database set
# read-only) arrives as an InternalError; it means unavailable too.
_READ_ONLY_SQLSTATE = "25006"


def is_unavailable(error: BaseException) -> bool:
    """Tell whether a database error means the database is gone, locked or read-only."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    if isinstance(error, InternalError):
        return getattr(error.__cause__, "sqlstate", None) == _READ_ONLY_SQLSTATE
    return False


class OneLineForUnavailableDatabase(logging.Filter):
    """Log a request that failed because the database is unavailable as one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and is_unavailable(error):
            record.msg = f"{record.getMessage()} (database unavailable: {one_line(error)})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
