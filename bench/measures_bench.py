"""Time measures at scale: the terms calendar, grounds of a case, a measure and its dossier.

    .venv/bin/python bench/measures_bench.py --db sqlite
    .venv/bin/python bench/measures_bench.py --db postgres

Builds, in a scratch database (a SQLite file in a temporary folder, or the PostgreSQL database
`samenspel_bench_measures`, dropped and created here), the personas and open cases of
municipality A with three measures each, on three grounds. The personas, the first cases
(signal and triage) and the measures of three of them go through the services, as the tests
build them: on the case under test a public-order measure (I-23) of the mayor's with
information from the police, the AIVD and the municipality, verified, reasoned and decided
(its term ends in 20 days), a passport measure (I-17) and a criminal investigation (I-29)
proposed. The other cases and their measures are bulk-inserted (`bulk_create`), modelled on
the rows the services wrote: each case with its person, signal, history and case director on
the team, the police officer on the team of one case in ten and the prosecutor on every case
with a criminal measure; each measure with its dossier and one to three information items
(police, AIVD, municipal), one in five running with a term that ends within 30 days, the
others open, running longer, ended or withdrawn.

It builds --small cases (200) and times, then grows to --cases (2,000) and times again, with
production settings (SAMENSPEL_ENV=production, debug off):
- `terms_calendar` for the mayor and for the police officer;
- `grounds_of_case` on the case under test (the case read beforehand, untimed, as the view
  reads it) for the mayor and the police officer;
- `get_measure_for` on the I-23: the mayor reads its dossier, the police officer does not;
- the policy's row count, `visible(user, CaseMeasure.objects.all(), Action.VIEW).count()`;
- GET /api/v1/measures/<uuid> through Django's test client, and the case's measures page,
  the measure page and the terms calendar page when their URL names resolve.
Every call starts with the user read anew (no cached roles), as a request has it. Per
operation: median and p95 over --repeat runs, the SQL statements of one call, and at the end
whether the statements stay the same at both sizes. Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from scratch import migrate_and_describe, scratch_database

PG_NAME = "samenspel_bench_measures"
GOAL_MS = 30.0
SERVICE_CASES = 10  # cases opened through signal and triage; the rest are bulk-inserted

# Three measures per case, one on each of three grounds: national security, public order, and
# criminal law or social security.
NATIONAL = ("I-17", "I-19", "I-20")
PUBLIC_ORDER = ("I-23", "I-07")
THIRD = ("I-29", "I-25", "I-32")
CRIMINAL = {"I-29", "I-32"}
# Information items per ground, by compartment, the first one or more of each list.
COMPARTMENTS = {
    "D-NATVEI": ("aivd", "police", "municipal"),
    "D-OOV": ("municipal", "police", "aivd"),
    "D-STRAF": ("police", "municipal", "police"),
    "D-SOC": ("municipal", "municipal", "police"),
}
GIVEN = ["Mohamed", "Ahmed", "Youssef", "Omar", "Fatima", "Aisha", "Mehmet", "Elif", "Daan"]
FAMILY = ["El Amrani", "Bouzid", "Yilmaz", "Kaya", "Warsame", "de Jong", "Jansen", "de Vries"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cases", type=int, default=2_000, help="open cases at the end (2000)")
    parser.add_argument("--small", type=int, default=200, help="open cases first (200)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per operation (30)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--pg-name", default=PG_NAME, help=f"PostgreSQL database ({PG_NAME})")
    args = parser.parse_args()
    assert SERVICE_CASES <= args.small <= args.cases, "need 10 <= --small <= --cases"

    with scratch_database(
        args.db, pg_name=args.pg_name, keep=args.keep, hosts="localhost,testserver"
    ):
        run(args)


def run(args: argparse.Namespace) -> None:
    print(f"database {migrate_and_describe()}")
    world = build()
    bench = Bench(world, args.repeat)
    for size, total in (("small", args.small), ("big", args.cases)):
        started = time.perf_counter()
        grow(world, total)
        analyze()
        print(
            f"built seconds={time.perf_counter() - started:.1f} {summary()} "
            f"load={os.getloadavg()[0]:.1f}"
        )
        bench.run_all(size, total)
    bench.report()


def analyze() -> None:
    """Give PostgreSQL the statistics and visibility map a database in use has."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def summary() -> str:
    """Count what is built, for the log line."""
    from django.utils import timezone

    from samenspel.cases.models import Case
    from samenspel.measures.models import BasisItem, CaseMeasure, MeasureStatus

    today = timezone.localdate()
    soon = CaseMeasure.objects.filter(
        status=MeasureStatus.IN_FORCE, ends_on__lte=today + dt.timedelta(days=30)
    ).count()
    return (
        f"cases={Case.objects.count()} measures={CaseMeasure.objects.count()} "
        f"ending_within_30_days={soon} basis_items={BasisItem.objects.count()}"
    )


# --- Building -----------------------------------------------------------------------------------


def build() -> dict[str, Any]:
    """Build the personas, the first cases and the measures of three of them by the services."""
    from django.utils import timezone

    from samenspel.measures import services
    from samenspel.measures.models import CaseMeasure, Compartment, Dossier, PersonsView
    from samenspel.testing import make_case, make_cast

    cast = make_cast()
    today = timezone.localdate()
    # The police officer on one case in ten (the first), the prosecutor on the three cases
    # with a criminal measure proposed below.
    teams = {
        0: (cast.police_officer, cast.prosecutor),
        1: (cast.prosecutor,),
        2: (cast.prosecutor,),
    }
    cases = [
        make_case(cast, family_name=f"Dienst{n:02d}", team=teams.get(n, ()))
        for n in range(SERVICE_CASES)
    ]
    target = cases[0]

    order = services.propose_measure(
        target, measure="I-23", reason="Ordeverstoring.", by=cast.mayor
    )
    for compartment, source, summary_text in (
        (Compartment.POLICE, "Proces-verbaal politie, kenmerk PL-2026-0412", "Twee incidenten."),
        (Compartment.AIVD, "Ambtsbericht AIVD, kenmerk 2026-0042", "Samenvatting: mobiliseert."),
        (Compartment.MUNICIPAL, "Verslag handhaving, kenmerk 12", "Verstoorde de orde."),
    ):
        services.add_basis_item(
            order,
            compartment=compartment,
            source=source,
            received_on=today,
            summary=summary_text,
            by=cast.mayor,
        )
    services.add_verification(
        order,
        asked="Politie, wijkagent en teamchef",
        asked_on=today,
        result="confirmed",
        answer="Beide incidenten bevestigd, van deze maand.",
        by=cast.mayor,
    )
    services.save_reasons(
        order,
        necessity="De orde is twee keer verstoord.",
        proportionality="Alleen het plein, alleen in de avond.",
        subsidiarity="Een waarschuwing hielp niet.",
        persons_view=PersonsView.GIVEN,
        persons_view_text="Betrokkene zegt dat het niet weer gebeurt.",
        expected_version=Dossier.objects.get(measure=order).version,
        by=cast.mayor,
    )
    missing = services.missing_for_decision(order)
    if any(m.part == "consultation" for m in missing):
        services.add_consultation(
            order,
            consulted="Wethouder zorg en het wijkteam",
            held_on=today,
            outcome="Geen bezwaar.",
            by=cast.mayor,
        )
    order = services.decide_measure(
        order,
        decision_text="Gebiedsverbod voor het Marktplein.",
        decided_on=today,
        starts_on=today,
        ends_on=today + dt.timedelta(days=20),
        by=cast.mayor,
    )
    passport = services.propose_measure(target, measure="I-17", reason="Uitreis.", by=cast.mayor)
    services.add_basis_item(
        passport,
        compartment=Compartment.AIVD,
        source="Ambtsbericht AIVD, kenmerk 2026-0043",
        received_on=today,
        summary="Samenvatting: voornemen tot uitreis.",
        by=cast.mayor,
    )
    crime = services.propose_measure(
        target, measure="I-29", reason="Verdenking.", by=cast.prosecutor
    )
    services.add_basis_item(
        crime,
        compartment=Compartment.POLICE,
        source="Proces-verbaal politie, kenmerk PL-2026-0413",
        received_on=today,
        summary="Verdenking van voorbereiding.",
        by=cast.prosecutor,
    )
    # The other framework measures the bulk rows copy, proposed on two more cases.
    for case, proposals in (
        (cases[1], (("I-19", cast.case_manager), ("I-07", cast.mayor), ("I-32", cast.prosecutor))),
        (cases[2], (("I-20", cast.mayor), ("I-25", cast.case_manager), ("I-29", cast.prosecutor))),
    ):
        for code, by in proposals:
            services.propose_measure(case, measure=code, reason="Voorstel.", by=by)
    templates = {m.measure: m for m in CaseMeasure.objects.order_by("id")}
    return {
        "cast": cast,
        "target": target,
        "measure": order,
        "templates": templates,
        "built": SERVICE_CASES,
        "rng": random.Random(16),  # noqa: S311 - repeatable test data, not secrets
        "serial": 0,
    }


def grow(world: dict[str, Any], total: int) -> None:
    """Bulk-insert open cases of municipality A, with their measures, up to `total` cases."""
    from django.utils import timezone

    from samenspel.cases.models import Case, CaseMember, CaseTransition, Person
    from samenspel.frameworks.typed import framework_of
    from samenspel.intake.models import Signal
    from samenspel.lib.names import name_key

    cast = world["cast"]
    rng: random.Random = world["rng"]
    start, count = world["built"], total - world["built"]
    if count <= 0:
        return
    version = world["target"].framework_version
    phases = [p.id for p in framework_of(version).phases] or ["PH-1"]
    municipality = cast.municipality_a
    director = cast.case_manager
    now = timezone.now()

    persons: list[Any] = []
    for _n in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        persons.append(
            Person(
                municipality=municipality,
                given_names=given,
                family_name=family,
                birth_date=dt.date(1985, 1, 1) + dt.timedelta(days=rng.randrange(9000)),
                address=f"Straat {rng.randrange(1, 300)}",
                name_key=name_key(f"{given} {family}")[:400],
                created_at=now - dt.timedelta(days=rng.randrange(30, 700)),
            )
        )
    Person.objects.bulk_create(persons, batch_size=2000)
    cases: list[Any] = []
    for i, person in enumerate(persons):
        opened = person.created_at
        cases.append(
            Case(
                reference=f"PGA-{opened.year}-B{start + i:05X}",
                municipality=municipality,
                person=person,
                case_director=director,
                framework_version=version,
                stage=rng.choice(["ST-3", "ST-4", "ST-5"]),
                phase=rng.choice(phases),
                tracks=["TR-PGA"],
                status="open",
                opened_at=opened,
                updated_at=opened,
            )
        )
    Case.objects.bulk_create(cases, batch_size=2000)
    Signal.objects.bulk_create(
        [
            Signal(
                reference=f"S-{c.opened_at.year}-B{start + i:07X}",
                idempotency_key=f"bench-{uuid.uuid4().hex}",
                reporter=cast.police_officer,
                source_organisation=cast.police,
                municipality=municipality,
                observed_on=(c.opened_at - dt.timedelta(days=3)).date(),
                observation="Deelt filmpjes die geweld verheerlijken in een groepsapp.",
                concern="Trekt zich terug van school.",
                subject_given_names=c.person.given_names,
                subject_family_name=c.person.family_name,
                subject_birth_date=c.person.birth_date,
                status="closed",
                received_at=c.opened_at - dt.timedelta(days=2),
                due_at=c.opened_at + dt.timedelta(days=8),
                picked_up_at=c.opened_at - dt.timedelta(days=1),
                picked_up_by=director,
                outcome="include",
                outcome_reason="Voldoet aan de criteria.",
                criteria="Criteria weegploeg 2026",
                triaged_by=director,
                triaged_at=c.opened_at,
                person=c.person,
                case=c,
            )
            for i, c in enumerate(cases)
        ],
        batch_size=2000,
    )
    CaseTransition.objects.bulk_create(
        [
            CaseTransition(
                case=c,
                dimension=dimension,
                to_value=value,
                reason="Voldoet aan de criteria.",
                by=director,
                at=c.opened_at,
            )
            for c in cases
            for dimension, value in (("stage", "ST-3"), ("phase", c.phase))
        ],
        batch_size=5000,
    )
    members: list[Any] = []
    plans: list[tuple[Any, list[str]]] = []
    for i, c in enumerate(cases):
        n = start + i
        codes = [NATIONAL[n % 3], PUBLIC_ORDER[n % 2], THIRD[(n // 3) % 3]]
        plans.append((c, codes))
        team = [(director, municipality, "casusregisseur")]
        if n % 10 == 0:
            team.append((cast.police_officer, cast.police, ""))
        if CRIMINAL & set(codes):
            team.append((cast.prosecutor, cast.om, ""))
        members += [
            CaseMember(
                case=c, user=u, organisation=org, task=task, added_by=director, added_at=c.opened_at
            )
            for u, org, task in team
        ]
    CaseMember.objects.bulk_create(members, batch_size=5000)
    add_measures(world, plans)
    world["built"] = total


def add_measures(world: dict[str, Any], plans: list[tuple[Any, list[str]]]) -> None:
    """Bulk-insert the measures of new cases, each with its dossier and information items."""
    from django.utils import timezone

    from samenspel.frameworks.typed import framework_of
    from samenspel.measures.models import (
        BasisItem,
        CaseMeasure,
        Consultation,
        Dossier,
        MeasureStatus,
        PersonsView,
        Verification,
    )
    from samenspel.measures.services import is_mayors_measure

    cast = world["cast"]
    rng: random.Random = world["rng"]
    templates: dict[str, Any] = world["templates"]
    framework = framework_of(world["target"].framework_version)
    today = timezone.localdate()
    now = timezone.now()
    mayors = {code for code in templates if is_mayors_measure(framework, framework.measures[code])}
    proposers = {
        "I-17": cast.mayor,
        "I-19": cast.case_manager,
        "I-20": cast.mayor,
        "I-23": cast.mayor,
        "I-07": cast.mayor,
        "I-25": cast.case_manager,
        "I-29": cast.prosecutor,
        "I-32": cast.prosecutor,
    }
    deciders = {"I-29": cast.prosecutor, "I-32": cast.prosecutor, "I-25": cast.case_manager}

    measures: list[Any] = []
    for case, codes in plans:
        for code in codes:
            k = world["serial"]
            world["serial"] += 1
            t = templates[code]
            by = proposers[code]
            decided_ago = rng.randrange(10, 120)
            proposed = now - dt.timedelta(days=decided_ago + rng.randrange(7, 30))
            row = CaseMeasure(
                case=case,
                measure=code,
                name=t.name,
                legal_domain=t.legal_domain,
                legal_basis=t.legal_basis,
                decision_role=t.decision_role,
                external=t.external,
                reason="Voorstel na het casusoverleg.",
                proposed_by=by,
                proposed_by_organisation_id=by.organisation_id,
                proposed_at=proposed,
                created_at=proposed,
                updated_at=proposed,
            )
            roll = rng.random()
            if rng.random() < 0.2:  # running, its term ending within 30 days
                kind, ends = "running", today + dt.timedelta(days=rng.randrange(1, 31))
            elif roll < 0.35:
                kind, ends = "open", None
            elif roll < 0.6:
                no_end = code in {"I-17", "I-29"}
                kind = "running"
                ends = None if no_end else today + dt.timedelta(days=rng.randrange(31, 170))
            elif roll < 0.85:
                kind, ends = "ended", today - dt.timedelta(days=rng.randrange(1, 9))
            else:
                kind, ends = "withdrawn", None
            if kind == "open":
                row.status = (
                    MeasureStatus.REQUESTED
                    if t.external
                    else rng.choice([MeasureStatus.PROPOSED, MeasureStatus.ADVISED])
                )
                if row.status == MeasureStatus.ADVISED:
                    row.advice = "Het casusoverleg adviseert de maatregel."
            elif kind == "withdrawn":
                row.status = MeasureStatus.WITHDRAWN
                row.closed_at = proposed + dt.timedelta(days=5)
                row.closing_note = "Niet meer nodig."
            else:
                starts = today - dt.timedelta(days=decided_ago)
                row.status = MeasureStatus.IN_FORCE if kind == "running" else MeasureStatus.ENDED
                row.decision_text = "Besloten zoals voorgesteld."
                row.decided_on = starts
                row.starts_on = starts
                row.ends_on = ends
                if t.external:
                    row.external_authority = "Minister van Justitie en Veiligheid"
                    row.external_reference = f"JenV-2026-{k:05d}"
                    row.recorded_by = cast.case_manager
                else:
                    decider = deciders.get(code, cast.mayor)
                    row.decided_by = decider
                    row.decided_by_organisation_id = decider.organisation_id
                if kind == "ended":
                    row.closed_at = now - dt.timedelta(days=1)
                    row.closing_note = "Termijn verstreken; evaluatie besproken."
            measures.append(row)
    CaseMeasure.objects.bulk_create(measures, batch_size=2000)

    dossiers, basis, verifications, consultations = [], [], [], []
    for k, m in enumerate(measures):
        decided = m.decided_on is not None
        reasoned = decided and not m.external
        dossiers.append(
            Dossier(
                measure=m,
                necessity="Zonder maatregel gaat het mis." if reasoned else "",
                proportionality="In verhouding tot het risico." if reasoned else "",
                subsidiarity="Een lichter middel hielp niet." if reasoned else "",
                persons_view=PersonsView.GIVEN if reasoned else PersonsView.NOT_YET,
                persons_view_text="Betrokkene is gehoord." if reasoned else "",
                updated_by=m.proposed_by,
                updated_at=m.proposed_at,
            )
        )
        for j, compartment in enumerate(COMPARTMENTS[m.legal_domain][: 1 + k % 3]):
            basis.append(
                BasisItem(
                    measure=m,
                    compartment=compartment,
                    source=f"Bron {compartment}, kenmerk {k}-{j}",
                    received_on=(m.proposed_at + dt.timedelta(days=j + 1)).date(),
                    summary="Samenvatting van de informatie.",
                    added_by=cast.mayor if compartment == "aivd" else m.proposed_by,
                    added_at=m.proposed_at + dt.timedelta(days=j + 1),
                )
            )
        if decided and m.measure in mayors:
            verifications.append(
                Verification(
                    measure=m,
                    asked="Politie, via de wijkagent",
                    asked_on=m.decided_on - dt.timedelta(days=2),
                    result="confirmed",
                    answer="Bevestigd en actueel.",
                    added_by=cast.mayor,
                    added_at=m.proposed_at + dt.timedelta(days=4),
                )
            )
            consultations.append(
                Consultation(
                    measure=m,
                    kind="local",
                    consulted="Wethouder zorg en het wijkteam",
                    held_on=m.decided_on - dt.timedelta(days=1),
                    outcome="Geen bezwaar.",
                    added_by=cast.adviser,
                    added_at=m.proposed_at + dt.timedelta(days=5),
                )
            )
    Dossier.objects.bulk_create(dossiers, batch_size=2000)
    BasisItem.objects.bulk_create(basis, batch_size=2000)
    Verification.objects.bulk_create(verifications, batch_size=2000)
    Consultation.objects.bulk_create(consultations, batch_size=2000)


# --- Timing -------------------------------------------------------------------------------------


class Bench:
    """Time each read through its selector, the policy or the test client; count statements."""

    def __init__(self, world: dict[str, Any], repeat: int) -> None:
        self.w = world
        self.repeat = repeat
        self.results: list[dict[str, Any]] = []

    def run_all(self, size: str, cases: int) -> None:
        from django.test import Client
        from django.urls import NoReverseMatch, reverse

        from samenspel.accounts.models import User
        from samenspel.cases import selectors as case_selectors
        from samenspel.measures import selectors
        from samenspel.measures.models import CaseMeasure
        from samenspel.sharing.policy import Action, visible
        from samenspel.testing import force_verified_login

        w = self.w
        cast = w["cast"]
        target, measure = w["target"], w["measure"]
        people = (("mayor", cast.mayor), ("police", cast.police_officer))

        def fresh(user: Any) -> Any:
            # A request starts with the user read anew, without roles cached.
            return User.objects.select_related("organisation").get(pk=user.pk)

        def add(name: str, fn: Callable[..., Any], **kwargs: Any) -> None:
            self.measure(f"{name}, {cases} cases", fn, group=name, size=size, **kwargs)

        for who, user in people:
            add(
                f"terms_calendar, {who}",
                lambda user=user: selectors.terms_calendar(fresh(user)),
                goal=GOAL_MS,
                rows=len,
            )
        for who, user in people:
            add(
                f"grounds_of_case, {who}",
                lambda case, user=user: selectors.grounds_of_case(fresh(user), case),
                prepare=lambda user=user: case_selectors.get_case_for(
                    fresh(user), target.uuid, record_read=False
                ),
                goal=GOAL_MS,
                rows=lambda grounds: sum(len(g.measures) for g in grounds),
            )
        for who, user in people:

            def read(user: Any = user, who: str = who) -> Any:
                view = selectors.get_measure_for(fresh(user), measure.uuid)
                assert (view.dossier is not None) == (who == "mayor"), who
                return view

            add(
                f"get_measure_for, {who} ({'with' if who == 'mayor' else 'without'} dossier)",
                read,
                goal=GOAL_MS,
                rows=lambda view: len(view.dossier.basis) if view.dossier else 0,
            )
        for who, user in people:
            add(
                f"policy row count, {who}",
                lambda user=user: visible(
                    fresh(user), CaseMeasure.objects.all(), Action.VIEW
                ).count(),
                rows=lambda n: n,
            )

        pages = [("GET /api/v1/measures/<uuid>", f"/api/v1/measures/{measure.uuid}")]
        for label, names, kwargs in (
            (
                "case measures page",
                ("measures:case", "measures:case_measures"),
                {"case_uuid": target.uuid},
            ),
            ("measure page", ("measures:detail",), {"measure_uuid": measure.uuid}),
            ("terms calendar page", ("measures:calendar",), {}),
        ):
            for name in names:
                try:
                    pages.append((f"GET {label} ({name})", reverse(name, kwargs=kwargs)))
                    break
                except NoReverseMatch:
                    continue
            else:
                if size == "small":
                    print(f"note: {' / '.join(names)} does not resolve; the {label} is not timed")
        for label, url in pages:
            for who, user in people:
                client = Client()
                force_verified_login(client, user)
                first = client.get(url, secure=True)
                if first.status_code != 200:
                    print(f"note: {label} answers {first.status_code} to the {who}; not timed")
                    continue

                def get(client: Client = client, url: str = url) -> Any:
                    response = client.get(url, secure=True)
                    assert response.status_code == 200, response.status_code
                    return response

                add(f"{label}, {who}", get, goal=GOAL_MS)

    def measure(
        self,
        name: str,
        fn: Callable[..., Any],
        *,
        goal: float | None = None,
        prepare: Callable[[], Any] | None = None,
        rows: Callable[[Any], int] | None = None,
        group: str = "",
        size: str = "",
    ) -> None:
        """Time `fn` (given what `prepare` returns, untimed) and count its statements."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def call() -> Any:
            return fn(prepare()) if prepare else fn()

        for _ in range(3):
            call()
        given = prepare() if prepare else None
        with CaptureQueriesContext(connection) as ctx:
            result = fn(given) if prepare else fn()
        queries = len(ctx.captured_queries)
        times = []
        for _ in range(self.repeat):
            given = prepare() if prepare else None
            started = time.perf_counter()
            fn(given) if prepare else fn()
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        row = {
            "name": name,
            "median": statistics.median(times),
            "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            "queries": queries,
            "rows": rows(result) if rows else None,
            "goal": goal,
            "group": group,
            "size": size,
        }
        self.results.append(row)
        shown = "" if row["rows"] is None else f" rows={row['rows']}"
        print(
            f"{name}: median={row['median']:.2f} ms p95={row['p95']:.2f} ms queries={queries}"
            f"{shown} load={os.getloadavg()[0]:.1f}"
        )

    def report(self) -> None:
        """Print the results as a Markdown table, and the statements at both sizes."""
        print()
        print("| Operation | Rows | Median | p95 | Statements | Goal | Met |")
        print("|---|---:|---:|---:|---:|---|---|")
        for r in self.results:
            goal = f"≤ {r['goal']:.0f} ms" if r["goal"] else ""
            met = ("yes" if r["median"] <= r["goal"] else "no") if r["goal"] else ""
            shown = "" if r["rows"] is None else str(r["rows"])
            print(
                f"| {r['name']} | {shown} | {r['median']:.2f} ms | {r['p95']:.2f} ms | "
                f"{r['queries']} | {goal} | {met} |"
            )
        print()
        groups: dict[str, dict[str, int]] = {}
        for r in self.results:
            groups.setdefault(r["group"], {})[r["size"]] = r["queries"]
        for group, sizes in groups.items():
            same = "constant" if sizes.get("small") == sizes.get("big") else "GROWS"
            print(
                f"statements {group}: small {sizes.get('small')}, big {sizes.get('big')} ({same})"
            )


if __name__ == "__main__":
    main()
