"""Demo information on Sam Voorbeeld's case (demo-case-1), one item in every compartment, once.

The case with the passport measure (demo/measures.py) gets, each recorded by who holds it:

- police: a summary of the police registrations, by the police liaison (`politie`);
- OM: a note on the criminal investigation, by the OM liaison (`officier`);
- municipality: a note from the neighbourhood team, by the case director (`regisseur`);
- AIVD: the summary of the official report the passport decision rests on, by the mayor
  (`burgemeester`): the reference, date and text of the basis item in the measure's dossier;
- care: the progress of the GGZ's care trajectory (I-08), by the care liaison (`zorg`), shared
  on the consent the person gave for it (with Havenstad and the GGZ, demo/casework.py).

So each demo user reads a different part: the police the police item, the OM the OM item, the
case director the police, municipal and care items (not the OM's, not the AIVD's), the mayor
all five, and the security adviser she designated the AIVD summary too (not the OM's).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from samenspel.accounts.models import User
from samenspel.cases import services
from samenspel.cases.models import Compartment, InformationItem, ItemKind
from samenspel.demo import measures as demo_measures
from samenspel.intake.models import Signal

KEY = "demo-information-"


def loaded() -> bool:
    """Tell whether the demo information exists already."""
    return InformationItem.objects.filter(submission_key__startswith=KEY).exists()


def load(users: dict[str, User]) -> None:
    """Record the demo information on the passport case, once (the demo case must exist)."""
    if loaded():
        return
    signal = Signal.objects.filter(idempotency_key="demo-case-1").select_related("case").first()
    if signal is None or signal.case is None:
        return
    case = signal.case
    today = timezone.localdate()
    received = today - dt.timedelta(days=demo_measures.AIVD_RECEIVED_DAYS_AGO)
    care = case.interventions.get(measure="I-08")

    def record(key: str, days_ago: int, **values: Any) -> None:
        item = services.record_information(case, submission_key=f"{KEY}{key}", **values)
        # Demo only: an item is recorded now; dating it back makes the list read in order.
        when = timezone.now() - dt.timedelta(days=days_ago)
        InformationItem.objects.filter(pk=item.pk).update(created_at=when)

    record(
        "aivd",
        demo_measures.AIVD_RECEIVED_DAYS_AGO,
        kind=ItemKind.SUMMARY,
        compartment=Compartment.AIVD,
        title="Samenvatting ambtsbericht AIVD over uitreisplannen",
        source=f"{demo_measures.AIVD_REFERENCE}, ontvangen {received:%d-%m-%Y}",
        text=demo_measures.AIVD_SUMMARY,
        by=users["burgemeester"],
    )
    record(
        "police",
        10,
        kind=ItemKind.SUMMARY,
        compartment=Compartment.POLICE,
        title="Samenvatting politieregistraties",
        source=(
            "Politie Rijnmond, mutaties DEMO-4402 tot 4411, "
            f"{today - dt.timedelta(days=10):%d-%m-%Y}"
        ),
        text=(
            "Drie keer gezien bij bijeenkomsten van een extremistische groep; kocht een "
            "vliegticket met vertrek over drie weken (demo)."
        ),
        by=users["politie"],
    )
    record(
        "om",
        6,
        kind=ItemKind.NOTE,
        compartment=Compartment.OM,
        title="Stand van het strafrechtelijk onderzoek",
        source="Arrondissementsparket Rijnmond, parketnummer DEMO-10-2026-33",
        text=(
            "Er loopt een onderzoek naar het delen van filmpjes die geweld verheerlijken. Nog "
            "geen besluit over vervolging (demo)."
        ),
        by=users["officier"],
    )
    record(
        "municipal",
        3,
        kind=ItemKind.NOTE,
        compartment=Compartment.MUNICIPAL,
        title="Gesprek van het wijkteam met de ouders",
        source="Wijkteam Havenstad-Noord",
        text=(
            "De ouders maken zich zorgen en willen meewerken. De moeder heeft contact met de "
            "school over het verzuim (demo)."
        ),
        by=users["regisseur"],
    )
    record(
        "care",
        2,
        kind=ItemKind.NOTE,
        compartment=Compartment.CARE,
        title="Voortgang van het zorgtraject",
        source="GGZ Havenstad, behandelaar",
        text=(
            "Betrokkene komt naar de afspraken en praat open over twijfels. Het traject loopt "
            "door (demo)."
        ),
        care_basis="consent",
        consent_of=care.uuid,
        by=users["zorg"],
    )
