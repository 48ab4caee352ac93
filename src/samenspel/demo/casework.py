"""Demo signals, persons, cases, plans and a transfer, made through the services.

Every person is made up and named so that nobody mistakes them for a real one ("Voorbeeld",
"Fictief", ...). The data is loaded once: a second run finds the first demo signal and stops.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from samenspel.accounts.models import Organisation, User
from samenspel.cases import services as cases
from samenspel.cases.models import Case, CaseStatus, Consent, InterventionStatus
from samenspel.consultations import services as meetings
from samenspel.consultations.models import (
    ActionItem,
    AgendaItem,
    CapacityRequest,
    Meeting,
    Series,
)
from samenspel.consultations.services import capacity
from samenspel.intake import services as intake
from samenspel.intake.models import Signal, TriageOutcome

KEY_PREFIX = "demo-"
# Every demo person carries one of these family names: none of them is a real name.
FICTIONAL_NAMES = frozenset(
    {
        "Voorbeeld",
        "Fictief",
        "Verzonnen",
        "Proefpersoon",
        "Nepnaam",
        "Testpersoon",
        "Bedacht",
        "Onecht",
    }
)
CRITERIA = "Criteria weegploeg Havenstad (demo)"


@dataclass(frozen=True)
class DemoSignal:
    key: str
    reporter: str
    municipality: str
    given_names: str
    family_name: str
    birth_date: dt.date
    observation: str
    concern: str
    is_acute: bool = False
    days_ago: int = 1


@dataclass(frozen=True)
class DemoIntervention:
    measure: str
    domain: str
    owner: str
    goal: str
    status: str = InterventionStatus.PLANNED
    consent: str = ""


@dataclass(frozen=True)
class DemoCase:
    signal: DemoSignal
    phase: str
    tracks: tuple[str, ...] = ("TR-PGA",)
    team: tuple[tuple[str, str], ...] = ()  # (username, task)
    plan: tuple[DemoIntervention, ...] = ()
    justification: str = ""  # why a plan without prevention or care stays so
    execute: bool = True  # adopt the plan (ST-3 -> ST-4)
    aftercare_days: int = 0  # close into aftercare for this many days
    transfer_to: str = ""  # request a transfer to this municipality


H, W, K = "Gemeente Havenstad", "Gemeente Weidevelde", "Gemeente Klein-Ommerdam"
POLICE, OM, GGZ = "Politie-eenheid Rijnmond", "Arrondissementsparket Rijnmond", "GGZ Havenstad"

CASES = [
    DemoCase(
        DemoSignal(
            "demo-case-1",
            "politie",
            H,
            "Sam",
            "Voorbeeld",
            dt.date(2006, 4, 2),
            "Deelt in een groepsapp filmpjes die geweld verheerlijken (demo).",
            "Trekt zich terug van school en familie (demo).",
            days_ago=40,
        ),
        phase="PH-1",
        team=(
            ("politie", "wijkagent"),
            ("zorg", "behandelaar"),
            ("officier", "officier van justitie"),
        ),
        plan=(
            DemoIntervention(
                "I-01",
                "prevention",
                H,
                "Weerbaarheidstraining op school.",
                InterventionStatus.RUNNING,
            ),
            DemoIntervention(
                "I-08",
                "care",
                GGZ,
                "Zorgtraject bij de GGZ.",
                InterventionStatus.RUNNING,
                Consent.GIVEN,
            ),
            DemoIntervention("I-07", "repression", H, "Stopgesprek door de gemeente."),
        ),
    ),
    DemoCase(
        DemoSignal(
            "demo-case-2",
            "politie",
            H,
            "Alex",
            "Fictief",
            dt.date(1998, 9, 17),
            "Bezoekt bijeenkomsten van een extremistische groep (demo).",
            "Spreekt over steun aan geweld (demo).",
            days_ago=30,
        ),
        phase="PH-2",
        tracks=("TR-PGA", "TR-STRAF"),
        team=(("officier", "officier van justitie"),),
        plan=(
            DemoIntervention("I-19", "repression", POLICE, "Meldplicht, twee keer per week."),
            DemoIntervention("I-29", "repression", OM, "Strafrechtelijk onderzoek."),
        ),
        justification=(
            "De persoon weigert elke vorm van hulp; zorg is twee keer aangeboden. "
            "Het casusoverleg bekijkt dit over zes weken opnieuw (demo)."
        ),
    ),
    DemoCase(
        DemoSignal(
            "demo-case-3",
            "zorg",
            H,
            "Robin",
            "Verzonnen",
            dt.date(2001, 1, 23),
            "Zocht online contact met ronselaars (demo).",
            "Leek ontvankelijk voor extremistische ideeën (demo).",
            days_ago=200,
        ),
        phase="PH-1",
        team=(("zorg", "behandelaar"),),
        plan=(
            DemoIntervention(
                "I-11",
                "care",
                H,
                "Consultatie van het expertisecentrum.",
                InterventionStatus.RUNNING,
            ),
            DemoIntervention(
                "I-01", "prevention", H, "Mentorprogramma.", InterventionStatus.RUNNING
            ),
        ),
        aftercare_days=180,
    ),
    DemoCase(
        DemoSignal(
            "demo-case-4",
            "politie",
            H,
            "Kim",
            "Proefpersoon",
            dt.date(2004, 11, 5),
            "Uitte bedreigingen op sociale media (demo).",
            "Mogelijk op weg naar geweld (demo).",
            days_ago=20,
        ),
        phase="PH-1",
        team=(("politie", "wijkagent"),),
        plan=(
            DemoIntervention(
                "I-10", "care", GGZ, "Steun voor de familie.", consent=Consent.NOT_ASKED
            ),
        ),
        execute=False,
        transfer_to=W,
    ),
]

# Signals that wait for the triage team: one acute, one overdue, two in triage.
OPEN_SIGNALS = [
    DemoSignal(
        "demo-signal-acute",
        "politie",
        H,
        "Noa",
        "Nepnaam",
        dt.date(2007, 6, 30),
        "Kondigde in een chat een aanslag aan (demo).",
        "Acuut: mogelijk geweld op korte termijn (demo).",
        is_acute=True,
        days_ago=0,
    ),
    DemoSignal(
        "demo-signal-overdue",
        "zorg",
        H,
        "Jip",
        "Testpersoon",
        dt.date(2003, 2, 11),
        "Vertelt over reisplannen naar een conflictgebied (demo).",
        "Zorg over uitreis (demo).",
        days_ago=14,
    ),
    DemoSignal(
        "demo-signal-triage-1",
        "zorg",
        H,
        "Samuel",
        "Voorbeeld",
        dt.date(2006, 4, 2),
        "Nieuwe zorgen van de school over dezelfde leerling (demo).",
        "Lijkt dezelfde persoon als een bekende casus (demo).",
        days_ago=2,
    ),
    DemoSignal(
        "demo-signal-triage-2",
        "officier",
        K,
        "Lou",
        "Bedacht",
        dt.date(1995, 8, 8),
        "Verdachte in een zaak over online haatzaaien (demo).",
        "Mogelijk radicaliserend (demo).",
        days_ago=3,
    ),
    DemoSignal(
        "demo-signal-weide",
        "zorg",
        W,
        "Ruby",
        "Onecht",
        dt.date(2000, 12, 1),
        "Verandert snel van gedrag en vriendenkring (demo).",
        "Zorg over radicalisering (demo).",
        days_ago=1,
    ),
]


@dataclass(frozen=True)
class _World:
    users: dict[str, User]
    orgs: dict[str, Organisation]


def _consent_record(item: DemoIntervention, case: Any, world: Any) -> dict[str, Any]:
    """Given consent in the demo is recorded: the person, two weeks ago, shared with whom."""
    if item.consent != Consent.GIVEN:
        return {}
    return {
        "consent_by": "De persoon zelf (mondeling, bevestigd in een brief)",
        "consent_on": timezone.localdate() - dt.timedelta(days=14),
        "consent_scope": (
            "Delen van het doel, de voortgang en het einde van het zorgtraject met het "
            "casusoverleg (demo)."
        ),
        "consent_shared_with": [case.municipality, world.orgs[item.owner]],
    }


def loaded() -> bool:
    """Tell whether the demo case work exists already."""
    return Signal.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists()


def load(users: dict[str, User], orgs: dict[str, Organisation]) -> None:
    """Create the demo signals, persons, cases, plans and a pending transfer, once."""
    if loaded():
        return
    world = _World(users, orgs)
    director = users["regisseur"]
    intake.add_triage_seat(orgs[H], user=users["officier"], by=director)
    for case in CASES:
        _make_case(world, case)
    for signal in OPEN_SIGNALS:
        _submit(world, signal)
    overdue = Signal.objects.get(idempotency_key="demo-signal-overdue")
    # Backdate one signal so that the queue shows what "overdue" looks like.
    received = timezone.now() - dt.timedelta(days=14)
    Signal.objects.filter(pk=overdue.pk).update(
        received_at=received, due_at=received + dt.timedelta(days=10)
    )
    for key, user in (
        ("demo-signal-triage-1", users["adviseur"]),
        ("demo-signal-triage-2", users["klein.adviseur"]),
    ):
        intake.pick_up(Signal.objects.get(idempotency_key=key), by=user)


def _submit(world: _World, spec: DemoSignal) -> Signal:
    return intake.submit_signal(
        intake.SignalInput(
            municipality=world.orgs[spec.municipality],
            observed_on=timezone.localdate() - dt.timedelta(days=spec.days_ago),
            observation=spec.observation,
            concern=spec.concern,
            is_acute=spec.is_acute,
            family_name=spec.family_name,
            given_names=spec.given_names,
            birth_date=spec.birth_date,
        ),
        idempotency_key=spec.key,
        by=world.users[spec.reporter],
    )


def _make_case(world: _World, spec: DemoCase) -> Case:
    director = world.users["regisseur"]
    signal = _submit(world, spec.signal)
    signal = intake.triage(
        signal,
        intake.TriageDecision(
            outcome=TriageOutcome.INCLUDE,
            reason="Voldoet aan de criteria voor de persoonsgerichte aanpak (demo).",
            criteria=CRITERIA,
            create_person=True,
            case_director=director,
            phase=spec.phase,
            tracks=spec.tracks,
        ),
        expected_version=signal.version,
        by=world.users["adviseur"],
    )
    case = signal.case
    if case is None:
        raise RuntimeError(f"demo signal {spec.signal.key} opened no case")
    for username, task in spec.team:
        cases.add_member(case, user=world.users[username], task=task, by=director)
    for item in spec.plan:
        added = cases.add_intervention(
            case,
            measure=item.measure,
            domain=item.domain,
            owner=world.orgs[item.owner],
            goal=item.goal,
            consent=item.consent,
            **_consent_record(item, case, world),
            start_date=timezone.localdate(),
            review_date=timezone.localdate() + dt.timedelta(days=42),
            by=director,
        )
        if item.status != InterventionStatus.PLANNED:
            cases.change_intervention(
                added, expected_version=added.version, status=item.status, by=director
            )
    case.refresh_from_db()
    if spec.justification:
        case = cases.justify_balance(
            case, text=spec.justification, expected_version=case.version, by=director
        )
    if spec.execute:
        case = cases.change_stage(
            case,
            to="ST-4",
            reason="Het plan van aanpak is vastgesteld in het casusoverleg (demo).",
            expected_version=case.version,
            by=director,
        )
    if spec.aftercare_days:
        case = cases.change_stage(
            case,
            to="ST-5",
            reason="De acties lopen; de casus wordt gevolgd (demo).",
            expected_version=case.version,
            by=director,
        )
        case = cases.close_case(
            case,
            reason="De risico's zijn genoeg verminderd (demo).",
            aftercare_until=timezone.localdate() + dt.timedelta(days=spec.aftercare_days),
            expected_version=case.version,
            by=director,
        )
    if spec.transfer_to:
        cases.request_transfer(
            case,
            to_municipality=world.orgs[spec.transfer_to],
            reason="De persoon is verhuisd (demo).",
            by=director,
        )
    return case


# --- Case consultations ---------------------------------------------------------------------

SERIES_NAME = "Casusoverleg PGA Havenstad (demo)"


def consultations_loaded() -> bool:
    """Tell whether the demo consultation series exists already."""
    return Series.objects.filter(name=SERIES_NAME).exists()


def load_consultations(users: dict[str, User], orgs: dict[str, Organisation]) -> None:
    """Create Havenstad's consultation series: one held meeting with approved minutes (an
    advice, a decision, an open and an overdue action) and one planned meeting, once."""
    if consultations_loaded():
        return
    chair, police = users["regisseur"], orgs[POLICE]
    series = meetings.create_series(
        owner=orgs[H], name=SERIES_NAME, chair=chair, secretary=users["adviseur"], by=chair
    )
    for org, kind, flow, ground in (
        (POLICE, "core", "F-05", "Art. 18 lid 2 Wpg (machtigingsbesluit PGA)."),
        (OM, "core", "F-08", "Art. 39f Wjsg; Wet PGA."),
        (GGZ, "case", "F-10", "Met toestemming van de betrokkene."),
    ):
        meetings.add_partner(
            series, organisation=orgs[org], kind=kind, flow=flow, legal_ground=ground, by=chair
        )
    on_agenda = list(
        Case.objects.filter(municipality=orgs[H], status=CaseStatus.OPEN).order_by("opened_at")[:2]
    )
    held = meetings.plan_meeting(
        series, starts_at=timezone.now() + dt.timedelta(hours=1), place="Stadhuis (demo)", by=chair
    )
    items = [meetings.add_item(held, case=case, by=chair) for case in on_agenda]
    meetings.invite(items[0], organisation=police, reason="Politie-informatie (demo).", by=chair)
    # Demo only: the services plan meetings in the future, so the held meeting is moved back.
    Meeting.objects.filter(pk=held.pk).update(starts_at=timezone.now() - dt.timedelta(days=14))
    held.refresh_from_db()
    minutes = meetings.mark_held(held, by=chair)
    first = AgendaItem.objects.get(pk=items[0].pk)
    meetings.write_note(
        first,
        attendance=[orgs[H], police],
        summary="Zorgen over nieuwe contacten besproken (demo).",
        expected_version=0,
        by=chair,
    )
    meetings.record_decision(
        first, kind="advice", measure="I-07", text="Adviseert een gesprek (demo).", by=chair
    )
    meetings.record_decision(
        first,
        kind="decision",
        measure="I-07",
        decided_by=orgs[H],
        text="De burgemeester voert het gesprek (demo).",
        by=chair,
    )
    meetings.add_action(
        first,
        description="Gesprek met de ouders plannen (demo).",
        owner=chair,
        deadline=timezone.localdate() + dt.timedelta(days=14),
        by=chair,
    )
    overdue = meetings.add_action(
        first,
        description="Wijkagent spreekt de betrokkene aan (demo).",
        owner=users["politie"],
        deadline=timezone.localdate() + dt.timedelta(days=1),
        by=chair,
    )
    # Demo only: a deadline in the past cannot be set, so the action is made overdue here.
    ActionItem.objects.filter(pk=overdue.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=3)
    )
    minutes = meetings.open_for_comment(minutes, until=timezone.localdate(), by=chair)
    meetings.approve_minutes(minutes, by=chair)
    planned = meetings.plan_meeting(
        series, starts_at=timezone.now() + dt.timedelta(days=7), place="Stadhuis (demo)", by=chair
    )
    proposed = meetings.propose_agenda(planned, by=chair)
    if proposed:
        meetings.invite(
            proposed[0], organisation=police, reason="Politie-informatie (demo).", by=chair
        )
    load_capacity(users, orgs, planned=planned)


def _asked_ago(request: CapacityRequest, hours: int) -> None:
    # Demo only: a request is made now; moving it back gives the statistics answer times.
    CapacityRequest.objects.filter(pk=request.pk).update(
        requested_at=timezone.now() - dt.timedelta(hours=hours)
    )
    request.refresh_from_db()


def load_capacity(
    users: dict[str, User], orgs: dict[str, Organisation], *, planned: Meeting
) -> None:
    """Create capacity requests from a priority municipality (Havenstad) and two others
    (Weidevelde, Klein-Ommerdam): answered, declined and open, one of them late."""
    today = timezone.localdate()
    nctv, police, om = orgs["NCTV"], orgs[POLICE], orgs[OM]

    def ask(
        user: str,
        municipality: str,
        to: Organisation,
        kind: str,
        urgency: str,
        question: str,
        days: int,
        meeting: Meeting | None = None,
    ) -> CapacityRequest:
        return capacity.request_capacity(
            orgs[municipality],
            addressed=to,
            kind=kind,
            urgency=urgency,
            needed_by=today + dt.timedelta(days=days),
            question=question,
            meeting=meeting,
            submission_key=f"demo-{user}-{kind}-{to.pk}",
            by=users[user],
        )

    attend = ask(
        "regisseur",
        H,
        police,
        "attendance",
        "non_acute",
        "Wilt u aanschuiven bij ons volgende casusoverleg? (demo)",
        7,
        planned,
    )
    _asked_ago(attend, 20)
    capacity.accept_capacity_request(attend, assignee=users["politie"], by=users["politie"])
    advice = ask(
        "regisseur",
        H,
        nctv,
        "advice",
        "non_acute",
        "Advies over de aanpak van online ronselen in de wijk. (demo)",
        21,
    )
    _asked_ago(advice, 50)
    capacity.propose_capacity_date(
        advice, proposed_date=today + dt.timedelta(days=28), by=users["nctv"]
    )
    duiding = ask(
        "weide.regisseur",
        W,
        nctv,
        "duiding",
        "non_acute",
        "Een duiding van de dreiging rond een lokale groep. (demo)",
        14,
    )
    _asked_ago(duiding, 160)
    capacity.accept_capacity_request(duiding, assignee=users["nctv"], by=users["nctv"])
    report = ask(
        "klein.adviseur",
        K,
        om,
        "advice",
        "non_acute",
        "Kan het OM toelichten wat het kan delen voor het overleg? (demo)",
        10,
    )
    _asked_ago(report, 90)
    capacity.decline_capacity_request(
        report,
        reason="Dit loopt via het arrondissementsparket in de driehoek. (demo)",
        by=users["officier"],
    )
    open_late = ask(
        "klein.adviseur",
        K,
        nctv,
        "attendance",
        "acute",
        "Wij willen de NCTV snel bij een overleg over een zorgelijke casus. (demo)",
        2,
    )
    _asked_ago(open_late, 30)
    ask(
        "weide.regisseur",
        W,
        police,
        "report",
        "non_acute",
        "Een bestuurlijke rapportage voor een mogelijke maatregel. (demo)",
        20,
    )
