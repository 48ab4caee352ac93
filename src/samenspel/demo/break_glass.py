"""A demo use of break-the-glass that waits for the privacy officer's review, made once.

The police liaison (`politie`) is not on the team of Alex Fictief's case (demo-case-2) and
opened it yesterday in an emergency, with a reason. The hour has passed; Havenstad's privacy
officer (`fg`) was told at once and has the use in the review queue.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samenspel.accounts.models import User
from samenspel.cases import services
from samenspel.cases.models import BreakGlass
from samenspel.intake.models import Signal

KEY = "demo-break-glass"


def loaded() -> bool:
    """Tell whether the demo use exists already."""
    return BreakGlass.objects.filter(submission_key=KEY).exists()


def load(users: dict[str, User]) -> None:
    """Let the police break the glass on a demo case they are not on, once."""
    if loaded():
        return
    signal = Signal.objects.filter(idempotency_key="demo-case-2").select_related("case").first()
    if signal is None or signal.case is None:
        return
    case = signal.case
    use = services.break_glass(
        case.reference,
        case.municipality,
        reason=(
            "Melding van de meldkamer om 23.10 uur: betrokkene zou vannacht vertrekken. De "
            "casusregisseur was niet bereikbaar (demo)."
        ),
        submission_key=KEY,
        by=users["politie"],
    )
    # Yesterday evening: the hour has passed, the review has not.
    opened = timezone.now() - dt.timedelta(days=1)
    BreakGlass.objects.filter(pk=use.pk).update(
        opened_at=opened, expires_at=opened + (use.expires_at - use.opened_at)
    )
