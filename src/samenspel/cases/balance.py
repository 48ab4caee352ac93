"""The balance of a case plan: how prevention, care and repression are mixed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

DOMAINS = ("prevention", "care", "repression")


@dataclass(frozen=True)
class Balance:
    """Counts and shares (in whole percent) of the plan's interventions per domain."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, domain: str) -> int:
        """Return the share of `domain` in whole percent (0 for an empty plan)."""
        return round(100 * self.counts.get(domain, 0) / self.total) if self.total else 0

    @property
    def repression_only(self) -> bool:
        return self.total > 0 and self.counts.get("repression", 0) == self.total

    @property
    def lacks_prevention_and_care(self) -> bool:
        return self.counts.get("prevention", 0) == 0 and self.counts.get("care", 0) == 0

    @property
    def needs_justification(self) -> bool:
        """A plan without prevention or care needs a recorded reason (VNG ask 1)."""
        return self.total > 0 and self.lacks_prevention_and_care

    def rows(self) -> list[tuple[str, int, int]]:
        """Return (domain, count, share) per domain, in the fixed order."""
        return [(d, self.counts.get(d, 0), self.share(d)) for d in DOMAINS]


def balance_of(interventions: Iterable[Any]) -> Balance:
    """Count the interventions (objects with a `domain`) per domain."""
    counts = dict.fromkeys(DOMAINS, 0)
    for intervention in interventions:
        counts[intervention.domain] = counts.get(intervention.domain, 0) + 1
    return Balance(counts)
