"""The access rules, one module per domain app; each registers its rules on import.

`load()` imports them all; `SharingConfig.ready()` calls it, so the policy is complete before
the first request, command or test.
"""

from __future__ import annotations

import importlib

MODULES = (
    "accounts",
    "audit",
    "frameworks",
    "intake",
    "cases",
    "consultations",
    "measures",
    "compartments",
    "notifications",
)


def load() -> None:
    """Import every rules module once (importing registers its rules)."""
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")
