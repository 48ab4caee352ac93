"""Move signals with their case when the case moves to another municipality.

The warm transfer (cases.services.transfer) calls this, so that intake's rows change only
through intake's own code and with its own audit record. It sits below the case services
in the layers: it imports nothing of theirs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from samenspel import audit
from samenspel.audit.events import Event, Purpose
from samenspel.intake.models import Signal

if TYPE_CHECKING:
    from samenspel.accounts.models import Organisation, User
    from samenspel.cases.models import Case, Person


def move_signals_with_case(case: Case, *, to: Organisation, person: Person, by: User) -> int:
    """Move the signals behind `case` to municipality `to` and its person record there."""
    signals = Signal.objects.filter(case_id=case.pk)
    moved = [str(u) for u in signals.values_list("uuid", flat=True)]
    if not moved:
        return 0
    signals.update(municipality=to, person=person)
    audit.record(
        Event.SIGNALS_MOVED,
        by=by,
        obj=case,
        purpose=Purpose.SIGNAL_INTAKE,
        signals=moved,
        to=str(to.uuid),
    )
    return len(moved)
