"""Paths the middleware and the probes treat apart, in one place below both."""

from __future__ import annotations

# The liveness and readiness probes (web/health.py): no login, no session.
PROBE_PATHS = frozenset({"/healthz", "/readyz"})
