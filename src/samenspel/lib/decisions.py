"""Claim a decision with a guarded update, so that of two racing decisions one wins.

A decision (accept, decline, cancel, decide, approve, review) changes the status of its row
only where the row still has the status the decider saw: `UPDATE ... WHERE pk = ? AND status
IN (...)`. The database takes the row lock; the second of two racing requests waits for the
first to commit, then finds no row in the expected status, changes nothing and gets a clear
conflict (healthchecks' sendalerts claims its flips the same way). Call it first in the
service's transaction, before the work the decision brings, so that only the winner does it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet

from samenspel.lib.errors import DecisionConflict


def claim[M: Model](
    queryset: QuerySet[M],
    pk: Any,
    *,
    expected: str | Iterable[str],
    message: str,
    field: str = "status",
    **changes: Any,
) -> None:
    """Update the row `pk` with `changes` only if its `field` is still `expected`.

    Raise DecisionConflict (and change nothing) when another decision came first.
    """
    allowed = [expected] if isinstance(expected, str) else list(expected)
    updated = queryset.filter(pk=pk, **{f"{field}__in": allowed}).update(**changes)
    if updated == 1:
        return
    current = queryset.filter(pk=pk).values_list(field, flat=True).first()
    raise DecisionConflict(queryset.model._meta.label_lower, str(current or ""), message)
