"""Tamper-evident audit log. `audit.record()` is the only way to write to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from samenspel.audit.services import record as record
else:

    def record(*args: Any, **kwargs: Any) -> Any:
        """Append one audit record in the current transaction (see services.record)."""
        from samenspel.audit.services import record as _record

        return _record(*args, **kwargs)
