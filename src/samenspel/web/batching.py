"""Every view appends its audit records at its end, just before its request commits.

Requests run in one transaction each (ATOMIC_REQUESTS), and on PostgreSQL the audit append
lock is held from the first append until the commit. A view that audits its read first and
then queries and renders on would hold that lock, and make every other audited request wait,
for all of that time. Wrapped here, a view's records are appended together when it returns,
inside its transaction (`audit.services.appended_at_end`); a view that raises appends
nothing, and its transaction rolls back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, URLResolver

from samenspel.audit.services import appended_at_end

# The attribute that marks a wrapped view (the tests check every route has it).
MARK = "samenspel_audit_at_end"


def audit_at_end(patterns: list[Any]) -> list[Any]:
    """Wrap the view of every URL pattern in `patterns`, included ones too; return them."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            audit_at_end(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = _wrapped(pattern.callback)
    return patterns


def _wrapped(view: Callable[..., Any]) -> Callable[..., Any]:
    if getattr(view, MARK, False):
        return view

    @functools.wraps(view)  # keeps csrf_exempt, non_atomic_requests and the like
    def audited_at_end(request: Any, *args: Any, **kwargs: Any) -> Any:
        with appended_at_end():
            return view(request, *args, **kwargs)

    setattr(audited_at_end, MARK, True)
    return audited_at_end
