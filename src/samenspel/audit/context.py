"""Per-request facts that every audit record carries (set by the web middleware)."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_address: str = ""


_NO_REQUEST = RequestContext()
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "samenspel_audit_request",
    default=_NO_REQUEST,  # frozen, so immutable
)


def current() -> RequestContext:
    return _current.get()


@contextmanager
def bound(ctx: RequestContext) -> Iterator[None]:
    """Attach `ctx` to every audit record written inside the block."""
    token = _current.set(ctx)
    try:
        yield
    finally:
        _current.reset(token)
