"""Demo measures on Havenstad's cases, made through the services, once.

- Sam Voorbeeld (demo-case-1, police, OM and care on the team): the mayor declared the passport
  void on the state-security ground (I-17) on a summary AIVD report, after checking it with the
  AIVD through the NCTV, with the reasons and the local consultation (an objection against it
  is pending); and held an
  administrative conversation (I-07, public order) after consulting the neighbourhood team,
  since ended with its evaluation.
- Alex Fictief (demo-case-2, the OM on the team): the minister's reporting duty (I-19, Twbmt)
  recorded from the decision letter after the mayor answered the minister's consultation, its
  term ending within a month (the terms calendar shows it); a prosecution (I-29) in the
  criminal dossier, seen by the OM and the police only; and an area ban under the
  Municipalities Act (I-23) proposed, its dossier half done, so that the guided form shows what
  is still missing.
- The mayor designated the security adviser to read the mayor's dossiers and AIVD summaries.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samenspel.accounts.models import Organisation, User
from samenspel.cases.models import Case
from samenspel.intake.models import Signal
from samenspel.measures import services
from samenspel.measures.models import CaseMeasure, Compartment, Dossier, PersonsView

KEY = "demo-measure-"
H = "Gemeente Havenstad"

# The summary AIVD report the passport decision rests on. The measure's dossier holds it as a
# basis item; the case's information holds the same summary in the AIVD compartment
# (demo/information.py): one report, one reference, one date, one text.
AIVD_REFERENCE = "Ambtsbericht AIVD, kenmerk DEMO-2026-017"
AIVD_RECEIVED_DAYS_AGO = 12
AIVD_SUMMARY = (
    "Betrokkene heeft concrete plannen om binnen enkele weken uit te reizen naar een "
    "gebied waar een terroristische organisatie strijdt (demo)."
)


def loaded() -> bool:
    """Tell whether the demo measures exist already."""
    return CaseMeasure.objects.filter(submission_key__startswith=KEY).exists()


def _case(key: str) -> Case | None:
    signal = Signal.objects.filter(idempotency_key=key).select_related("case").first()
    return signal.case if signal is not None else None


def load(users: dict[str, User], orgs: dict[str, Organisation]) -> None:
    """Create the demo measures, once (the demo cases must exist)."""
    if loaded():
        return
    first, second = _case("demo-case-1"), _case("demo-case-2")
    if first is None or second is None:
        return
    mayor, adviser, director = users["burgemeester"], users["adviseur"], users["regisseur"]
    services.designate(
        orgs[H],
        user=adviser,
        reason="Bereidt de besluiten over openbare orde en paspoorten voor (demo).",
        by=mayor,
    )
    _passport(first, mayor=mayor, adviser=adviser, director=director)
    _conversation(first, mayor=mayor, adviser=adviser)
    _reporting_duty(second, mayor=mayor, director=director)
    _prosecution(second, prosecutor=users["officier"])
    _area_ban(second, adviser=adviser, director=director)


def _days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _proposed_ago(measure: CaseMeasure, days: int) -> None:
    """Date the proposal back, so that the demo's history reads in order."""
    when = timezone.now() - dt.timedelta(days=days)
    CaseMeasure.objects.filter(pk=measure.pk).update(proposed_at=when, created_at=when)


def _reasons(measure: CaseMeasure, by: User, **values: str) -> None:
    dossier = Dossier.objects.get(measure=measure)
    fields = {
        "necessity": "",
        "proportionality": "",
        "subsidiarity": "",
        "persons_view": PersonsView.NOT_YET,
        "persons_view_text": "",
    }
    fields.update(values)
    services.save_reasons(measure, expected_version=dossier.version, by=by, **fields)


def _passport(case: Case, *, mayor: User, adviser: User, director: User) -> None:
    measure = services.propose_measure(
        case,
        measure="I-17",
        reason="Aanwijzingen dat betrokkene wil uitreizen naar een strijdgebied (demo).",
        submission_key=f"{KEY}passport",
        by=director,
    )
    _proposed_ago(measure, 14)
    services.add_basis_item(
        measure,
        compartment=Compartment.AIVD,
        source=f"{AIVD_REFERENCE} (samenvatting)",
        received_on=_days_ago(AIVD_RECEIVED_DAYS_AGO),
        summary=AIVD_SUMMARY,
        by=mayor,
    )
    services.add_basis_item(
        measure,
        compartment=Compartment.POLICE,
        source="Politie Rijnmond, mutatie DEMO-4411",
        received_on=_days_ago(10),
        summary="Betrokkene heeft een vliegticket gekocht met vertrek over drie weken (demo).",
        by=adviser,
    )
    services.add_verification(
        measure,
        asked="AIVD, via de NCTV (bestuurlijk contact)",
        asked_on=_days_ago(9),
        result="confirmed",
        answer=(
            "De AIVD bevestigt dat de informatie actueel is (van deze maand) en uit meer dan "
            "een bron komt. Bronnen en werkwijze zijn niet gedeeld (demo)."
        ),
        by=mayor,
    )
    _reasons(
        measure,
        adviser,
        necessity="Zonder paspoort kan betrokkene het Schengengebied niet uit (demo).",
        proportionality=(
            "Het paspoort is het middel om uit te reizen. De zorg en het contact met het "
            "wijkteam lopen door; betrokkene krijgt een vervangende identiteitskaart (demo)."
        ),
        subsidiarity=(
            "Een stopgesprek en gesprekken met de familie hielden de plannen niet tegen (demo)."
        ),
        persons_view=PersonsView.NOT_ASKED,
        persons_view_text=(
            "Vragen om een zienswijze zou de uitreis kunnen versnellen: spoed (demo)."
        ),
    )
    services.add_consultation(
        measure,
        consulted="Wethouder zorg en het wijkteam Havenstad-Noord",
        held_on=_days_ago(8),
        outcome=(
            "Geen bezwaar. Het wijkteam houdt contact met de familie en let op de "
            "vertrouwensrelatie (demo)."
        ),
        by=adviser,
    )
    services.decide_measure(
        measure,
        decision_text="Het paspoort van betrokkene wordt vervallen verklaard (demo).",
        decided_on=_days_ago(7),
        starts_on=_days_ago(7),
        ends_on=None,
        by=mayor,
    )
    services.file_review(
        measure,
        kind="objection",
        notified_on=_days_ago(6),
        filed_on=_days_ago(2),
        grounds=(
            "Betrokkene zegt alleen familie te willen bezoeken en vraagt het paspoort terug (demo)."
        ),
        submission_key=f"{KEY}objection",
        by=adviser,
    )


def _conversation(case: Case, *, mayor: User, adviser: User) -> None:
    measure = services.propose_measure(
        case,
        measure="I-07",
        reason="Stopgesprek: laten weten dat de gemeente meekijkt en hulp aanbiedt (demo).",
        submission_key=f"{KEY}conversation",
        by=adviser,
    )
    _proposed_ago(measure, 45)
    services.add_basis_item(
        measure,
        compartment=Compartment.MUNICIPAL,
        source="Signaal meldpunt Havenstad, DEMO-0001",
        received_on=_days_ago(40),
        summary="Zorgen van de school over uitspraken in de klas (demo).",
        by=adviser,
    )
    _reasons(
        measure,
        adviser,
        necessity="Betrokkene moet weten dat de uitspraken gezien zijn (demo).",
        proportionality="Een gesprek is het lichtste middel van de burgemeester (demo).",
        subsidiarity="Er is geen lichter middel dan een gesprek (demo).",
        persons_view=PersonsView.GIVEN,
        persons_view_text="Betrokkene wil praten, samen met een ouder (demo).",
    )
    services.add_consultation(
        measure,
        consulted="Wijkteam Havenstad-Noord en de jeugdzorg",
        held_on=_days_ago(30),
        outcome="Voer het gesprek samen met de wijkagent; het wijkteam blijft op afstand (demo).",
        by=adviser,
    )
    services.decide_measure(
        measure,
        decision_text="De burgemeester voert een stopgesprek met betrokkene (demo).",
        decided_on=_days_ago(28),
        starts_on=_days_ago(21),
        ends_on=_days_ago(21),
        by=mayor,
    )
    services.end_measure(
        measure,
        evaluation=(
            "Het gesprek is gevoerd. Betrokkene neemt nu deel aan het mentorprogramma (demo)."
        ),
        by=adviser,
    )


def _reporting_duty(case: Case, *, mayor: User, director: User) -> None:
    measure = services.propose_measure(
        case,
        measure="I-19",
        reason="Bestuurlijke rapportage van het casusoverleg aan de NCTV (demo).",
        submission_key=f"{KEY}reporting-duty",
        by=director,
    )
    _proposed_ago(measure, 200)
    services.advise_measure(
        measure,
        advice="Het casusoverleg adviseert een meldplicht bij de politie (demo).",
        by=director,
    )
    start = timezone.localdate() - dt.timedelta(days=160)
    services.add_basis_item(
        measure,
        compartment=Compartment.MUNICIPAL,
        source="Bestuurlijke rapportage Havenstad, DEMO-BR-2026-03",
        received_on=start - dt.timedelta(days=30),
        summary="De rapportage die het casusoverleg naar de NCTV stuurde (demo).",
        by=mayor,
    )
    consultation = services.receive_mayor_consultation(
        measure,
        received_on=start - dt.timedelta(days=20),
        answer_due=start - dt.timedelta(days=10),
        by=mayor,
    )
    services.answer_consultation(
        consultation,
        answer=(
            "De burgemeester steunt de meldplicht. Let op: de meldtijden mogen het werk en de "
            "zorg niet in de weg zitten (demo)."
        ),
        by=mayor,
    )
    ends = services.term_end(measure, start) or start
    services.record_external_decision(
        measure,
        authority="Minister van Justitie en Veiligheid",
        reference="DGVZ-DEMO-2026-0456",
        decision_text="Betrokkene meldt zich twee keer per week bij de politie (demo).",
        decided_on=start - dt.timedelta(days=2),
        starts_on=start,
        ends_on=ends,
        by=mayor,
    )


def _prosecution(case: Case, *, prosecutor: User) -> None:
    measure = services.propose_measure(
        case,
        measure="I-29",
        reason="Verdenking van voorbereiding van een terroristisch misdrijf (demo).",
        submission_key=f"{KEY}prosecution",
        by=prosecutor,
    )
    _proposed_ago(measure, 25)
    services.add_basis_item(
        measure,
        compartment=Compartment.OM,
        source="Proces-verbaal DEMO-PV-2026-88",
        received_on=_days_ago(20),
        summary="Bevindingen van het opsporingsonderzoek (demo).",
        by=prosecutor,
    )
    _reasons(measure, prosecutor, necessity="Er is een redelijk vermoeden van schuld (demo).")
    services.decide_measure(
        measure,
        decision_text="Het OM stelt een strafrechtelijk onderzoek in (demo).",
        decided_on=_days_ago(19),
        starts_on=_days_ago(19),
        ends_on=None,
        by=prosecutor,
    )


def _area_ban(case: Case, *, adviser: User, director: User) -> None:
    measure = services.propose_measure(
        case,
        measure="I-23",
        reason="Betrokkene zoekt steeds een groep op bij het station en verstoort de orde (demo).",
        submission_key=f"{KEY}area-ban",
        by=director,
    )
    _proposed_ago(measure, 5)
    services.add_basis_item(
        measure,
        compartment=Compartment.POLICE,
        source="Politie Rijnmond, drie mutaties (DEMO-5510 tot 5512)",
        received_on=_days_ago(3),
        summary="Drie keer onrust bij het station in twee weken (demo).",
        by=adviser,
    )
    _reasons(
        measure,
        adviser,
        necessity="De onrust bij het station houdt aan (demo).",
    )
