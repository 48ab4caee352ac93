"""Time case work at scale: intake, case list, case detail, plan, candidate search, audit append.

    .venv/bin/python bench/cases_bench.py --db sqlite   --cases 1000   --audit 10000
    .venv/bin/python bench/cases_bench.py --db postgres --cases 100000 --audit 1000000

Seeds 342 municipalities with a skewed spread of cases (a Zipf curve: most municipalities have
0 to 5 open cases, a dozen have 200 or more) into a scratch database (a SQLite file in a temporary
folder, or the PostgreSQL database `samenspel_bench`, dropped and created here), with persons,
teams, history, plans, signals and a valid audit hash chain. Seeding uses bulk inserts; every
measured operation goes through the real selectors and services, with production settings
(SAMENSPEL_ENV=production, debug off).

Per operation it prints min, median and max over --repeat runs, the queries per call
(CaptureQueriesContext) and the median of the same SQL statements replayed through a raw
DB-API cursor ("bare SQL"). Writes are replayed inside a transaction that is rolled back, so
their bare time leaves out the commit. Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from scratch import migrate_and_describe, scratch_database

MUNICIPALITIES = 342
ZIPF = 1.7  # weight of the i-th municipality is i ** -ZIPF
PG_NAME = "samenspel_bench"
NO_LOGIN = "!"  # an unusable password hash: the seeded users never log in

GIVEN = [
    "Mohamed",
    "Mohammed",
    "Ahmed",
    "Youssef",
    "Omar",
    "Ali",
    "Ibrahim",
    "Hamza",
    "Bilal",
    "Ayoub",
    "Karim",
    "Mehmet",
    "Mustafa",
    "Emre",
    "Burak",
    "Yusuf",
    "Abdi",
    "Abdullahi",
    "Liban",
    "Hodan",
    "Fatima",
    "Aisha",
    "Khadija",
    "Samira",
    "Noor",
    "Sara",
    "Amina",
    "Zeynep",
    "Elif",
    "Daan",
    "Sem",
    "Lucas",
    "Finn",
    "Levi",
    "Jan",
    "Pieter",
    "Thomas",
    "Anna",
    "Emma",
    "Julia",
    "Lotte",
    "Iman",
    "Ruslan",
    "Adam",
    "Islam",
    "Magomed",
    "Tamara",
]
FAMILY = [
    "El Amrani",
    "Amrani",
    "Bouzid",
    "El Idrissi",
    "Benali",
    "Ait Taleb",
    "Ouali",
    "Haddou",
    "Azzouz",
    "Chaouch",
    "Yilmaz",
    "Kaya",
    "Demir",
    "Sahin",
    "Celik",
    "Ozturk",
    "Aydin",
    "Arslan",
    "Dogan",
    "Koç",
    "Warsame",
    "Abdi",
    "Farah",
    "Hassan",
    "Mohamud",
    "Jama",
    "Dudajev",
    "Kadyrov",
    "Bassajev",
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "de Bruin",
    "van der Heijden",
    "Schouten",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cases", type=int, default=1_000, help="cases to seed (1000)")
    parser.add_argument("--audit", type=int, default=10_000, help="audit records to seed (10000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per operation (30)")
    parser.add_argument("--appends", type=int, default=1_000, help="records per append loop")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--profile",
        default="",
        metavar="TEXT",
        help="print a cProfile of the operations whose name contains TEXT",
    )
    parser.add_argument("--pg-name", default=PG_NAME, help=f"PostgreSQL database ({PG_NAME})")
    parser.add_argument(
        "--pg-socket",
        metavar="DIR",
        default="",
        help="reach PostgreSQL through its Unix socket in DIR (default: TCP on 127.0.0.1)",
    )
    args = parser.parse_args()

    with scratch_database(args.db, pg_name=args.pg_name, keep=args.keep, pg_socket=args.pg_socket):
        run(args)


def run(args: argparse.Namespace) -> None:
    print(f"database {migrate_and_describe()}")
    from django.db import connection

    started = time.perf_counter()
    world = Seeder(
        random.Random(4),  # noqa: S311 - repeatable test data, not secrets
        args.cases,
        args.audit,
    ).seed()
    print(f"seeded seconds={time.perf_counter() - started:.1f} {world['summary']}")
    if connection.vendor == "postgresql":
        # A bulk-loaded table has no visibility map yet, so counts could not use index-only
        # scans; autovacuum keeps one on a database in use.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    Bench(world, args.repeat, args.appends, args.profile).run_all()
    if args.audit <= 200_000:
        from samenspel.audit.selectors import verify_chain

        result = verify_chain()
        print(f"audit chain ok={result.ok} checked={result.checked}")
        assert result.ok, result


# --- Seeding ----------------------------------------------------------------------------------


def spread(total: int, buckets: int) -> list[int]:
    """Split `total` over `buckets` along a Zipf curve, largest remainders rounded up."""
    weights = [(i + 1) ** -ZIPF for i in range(buckets)]
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(buckets), key=lambda i: counts[i] - shares[i])
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class Seeder:
    """Bulk-insert a realistic world; only the framework goes through its services."""

    def __init__(self, rng: random.Random, cases: int, audit_rows: int) -> None:
        self.rng = rng
        self.n_cases = cases
        self.n_audit = audit_rows

    def seed(self) -> dict[str, Any]:
        from samenspel.accounts.models import Organisation, OrganisationType, Role, User

        rng = self.rng
        orgs = [
            Organisation(name=f"Gemeente {i + 1:03d}", type=OrganisationType.MUNICIPALITY)
            for i in range(MUNICIPALITIES)
        ]
        orgs[0].is_operator = True
        police = Organisation(name="Politie Eenheid", type=OrganisationType.POLICE)
        care = Organisation(name="GGZ", type=OrganisationType.CARE_PARTNER)
        om = Organisation(name="Parket", type=OrganisationType.OM)
        nctv = Organisation(name="NCTV", type=OrganisationType.NCTV)
        Organisation.objects.bulk_create([*orgs, police, care, om, nctv])
        municipalities = list(
            Organisation.objects.filter(type=OrganisationType.MUNICIPALITY).order_by("name")
        )
        police, care, nctv = (
            Organisation.objects.get(name=n) for n in ("Politie Eenheid", "GGZ", "NCTV")
        )
        per_municipality = spread(self.n_cases, MUNICIPALITIES)

        users: list[tuple[User, list[str]]] = []
        directors: dict[int, list[User]] = {}
        for org, count in zip(municipalities, per_municipality, strict=True):
            n = min(20, max(1, count // 2000))
            directors[org.pk] = []
            for j in range(n):
                user = User(
                    username=f"cd.{org.name[-3:]}.{j}",
                    full_name=f"Regisseur {j} {org.name}",
                    organisation=org,
                    password=NO_LOGIN,
                )
                directors[org.pk].append(user)
                users.append((user, [Role.CASE_DIRECTOR]))
            adviser = User(
                username=f"aov.{org.name[-3:]}",
                full_name=f"Adviseur {org.name}",
                organisation=org,
                password=NO_LOGIN,
            )
            users.append((adviser, [Role.SECURITY_ADVISER]))
        officers = [
            User(
                username=f"police.{i}",
                full_name=f"Agent {i}",
                organisation=police,
                password=NO_LOGIN,
            )
            for i in range(60)
        ]
        carers = [
            User(username=f"care.{i}", full_name=f"Zorg {i}", organisation=care, password=NO_LOGIN)
            for i in range(60)
        ]
        users += [(u, [Role.PARTNER_LIAISON]) for u in officers + carers]
        national = User(
            username="national", full_name="Landelijk", organisation=nctv, password=NO_LOGIN
        )
        users.append((national, [Role.NATIONAL_ADMIN]))
        self._users(users)

        version = self._framework(national)
        content = version.content
        phases = [row["id"] for row in content["phases"]]
        measures = [m for m in content["measures"] if m.get("domains")]

        cases = self._cases(municipalities, per_municipality, directors, version, phases, rng)
        bench_officer = officers[0]
        team_cases = self._teams(cases, directors, officers, carers, bench_officer, police, care)
        self._plans(cases, measures, police, care, rng)
        self._signals(municipalities, officers + carers, rng)
        self._audit(cases, [u for u, _ in users], rng)

        big = municipalities[0]
        open_big = [c for c in cases if c.municipality_id == big.pk and c.status == "open"]
        open_counts = {}
        for c in cases:
            if c.status == "open":
                open_counts[c.municipality_id] = open_counts.get(c.municipality_id, 0) + 1
        few = sum(1 for m in municipalities if open_counts.get(m.pk, 0) <= 5)
        many = sum(1 for m in municipalities if open_counts.get(m.pk, 0) >= 200)
        return {
            "big": big,
            "director": directors[big.pk][0],
            "officer": bench_officer,
            "reporter": carers[1],
            "care": care,
            "open_big": open_big,
            "team_cases": team_cases,
            "measures": measures,
            "summary": (
                f"cases={len(cases)} audit={self.n_audit} big_municipality_cases="
                f"{per_municipality[0]} big_open={len(open_big)} municipalities_0_to_5_open={few} "
                f"municipalities_200_plus_open={many}"
            ),
        }

    def _users(self, users: list[tuple[Any, list[str]]]) -> None:
        from samenspel.accounts.models import RoleAssignment, User

        User.objects.bulk_create([u for u, _ in users], batch_size=2000)
        by_name = dict(User.objects.values_list("username", "pk"))
        for user, _roles in users:
            user.pk = by_name[user.username]
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user_id=u.pk, role=r) for u, roles in users for r in roles],
            batch_size=2000,
        )

    def _framework(self, national: Any) -> Any:
        from samenspel.frameworks import services
        from samenspel.frameworks.shipped import shipped_text

        version = services.load_version(shipped_text(), source_name="bench", by=national)
        return services.publish_version(version, by=national)

    def _cases(self, municipalities, per_municipality, directors, version, phases, rng):  # type: ignore[no-untyped-def]
        from django.utils import timezone

        from samenspel.cases.models import Case, CaseTransition, Person
        from samenspel.lib.names import name_key

        now = timezone.now()
        persons, cases = [], []
        keys: dict[str, str] = {}
        for org, count in zip(municipalities, per_municipality, strict=True):
            for _ in range(count):
                given, family = rng.choice(GIVEN), rng.choice(FAMILY)
                full = f"{given} {family}"
                if full not in keys:
                    keys[full] = name_key(full)[:400]
                persons.append(
                    Person(
                        municipality_id=org.pk,
                        given_names=given,
                        family_name=family,
                        birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(18_000)),
                        address=f"Straat {rng.randrange(1, 300)}",
                        name_key=keys[full],
                        created_at=now - dt.timedelta(days=rng.randrange(1500)),
                    )
                )
        Person.objects.bulk_create(persons, batch_size=5000)
        for i, person in enumerate(persons, start=1):
            roll = rng.random()
            status = "open" if roll < 0.3 else "aftercare" if roll < 0.4 else "closed"
            opened = now - dt.timedelta(minutes=rng.randrange(4 * 365 * 24 * 60))
            cases.append(
                Case(
                    reference=f"PGA-{opened.year}-{i:06X}",
                    municipality_id=person.municipality_id,
                    person=person,
                    case_director=rng.choice(directors[person.municipality_id]),
                    framework_version=version,
                    stage=rng.choice(["ST-3", "ST-4", "ST-5"]) if status == "open" else "ST-6",
                    phase=rng.choice(phases),
                    tracks=["TR-PGA"],
                    status=status,
                    opened_at=opened,
                    closed_at=None if status == "open" else opened + dt.timedelta(days=200),
                    updated_at=opened,
                )
            )
        Case.objects.bulk_create(cases, batch_size=5000)
        CaseTransition.objects.bulk_create(
            (
                CaseTransition(
                    case=c,
                    dimension=d,
                    to_value=v,
                    reason="Opgenomen na weging.",
                    by_id=c.case_director.pk,
                    at=c.opened_at,
                )
                for c in cases
                for d, v in (("stage", "ST-3"), ("phase", c.phase))
            ),
            batch_size=5000,
        )
        return cases

    def _teams(self, cases, directors, officers, carers, bench_officer, police, care):  # type: ignore[no-untyped-def]
        from samenspel.cases.models import CaseMember

        rng = self.rng
        members = []
        for c in cases:
            members.append(
                CaseMember(
                    case=c,
                    user_id=c.case_director.pk,
                    organisation_id=c.municipality_id,
                    task="casusregisseur",
                    added_by_id=c.case_director.pk,
                    added_at=c.opened_at,
                )
            )
            if rng.random() < 0.4:
                members.append(
                    CaseMember(
                        case=c,
                        user_id=rng.choice(officers[1:]).pk,
                        organisation_id=police.pk,
                        added_by_id=c.case_director.pk,
                        added_at=c.opened_at,
                    )
                )
            if rng.random() < 0.3:
                members.append(
                    CaseMember(
                        case=c,
                        user_id=rng.choice(carers).pk,
                        organisation_id=care.pk,
                        added_by_id=c.case_director.pk,
                        added_at=c.opened_at,
                    )
                )
        # The police user under test sits on 30 open cases, spread over the municipalities.
        open_cases = [c for c in cases if c.status == "open"]
        team = rng.sample(open_cases, min(30, len(open_cases)))
        members += [
            CaseMember(
                case=c,
                user_id=bench_officer.pk,
                organisation_id=police.pk,
                added_by_id=c.case_director.pk,
                added_at=c.opened_at,
            )
            for c in team
        ]
        CaseMember.objects.bulk_create(members, batch_size=5000)
        return team

    def _plans(self, cases, measures, police, care, rng):  # type: ignore[no-untyped-def]
        from samenspel.cases.models import Intervention

        rows = []
        for c in cases:
            for _ in range(rng.choice((0, 1, 2, 3, 3, 4, 5))):
                m = rng.choice(measures)
                voluntary = bool((m.get("flags") or {}).get("voluntary"))
                rows.append(
                    Intervention(
                        case=c,
                        measure=m["id"],
                        name=m["name"][:300],
                        domain=m["domains"][0],
                        owner_id=rng.choice((c.municipality_id, police.pk, care.pk)),
                        legal_basis=(m.get("legal_basis") or {}).get("text", "") or "-",
                        voluntary=voluntary,
                        consent="given" if voluntary else "not_needed",
                        goal="Doel van de interventie.",
                        created_by_id=c.case_director.pk,
                        created_at=c.opened_at,
                        updated_at=c.opened_at,
                        status="running" if c.status == "open" else "done",
                    )
                )
        Intervention.objects.bulk_create(rows, batch_size=5000)

    def _signals(self, municipalities, reporters, rng):  # type: ignore[no-untyped-def]
        from django.utils import timezone

        from samenspel.intake.models import Signal

        now = timezone.now()
        counts = spread(self.n_cases, MUNICIPALITIES)
        rows = []
        for org, count in zip(municipalities, counts, strict=True):
            for _ in range(count):
                at = now - dt.timedelta(minutes=rng.randrange(4 * 365 * 24 * 60))
                closed = rng.random() < 0.95
                rows.append(
                    Signal(
                        reference=f"S-{at.year}-{uuid.UUID(int=rng.getrandbits(128)).hex[:12]}",
                        idempotency_key=uuid.UUID(int=rng.getrandbits(128)).hex,
                        reporter_id=(r := rng.choice(reporters)).pk,
                        source_organisation_id=r.organisation_id,
                        municipality_id=org.pk,
                        observed_on=at.date(),
                        observation="Waarneming.",
                        concern="Zorg.",
                        subject_family_name=rng.choice(FAMILY),
                        subject_given_names=rng.choice(GIVEN),
                        status="closed" if closed else "received",
                        outcome="include" if closed else "",
                        received_at=at,
                        due_at=at + dt.timedelta(days=5),
                    )
                )
        Signal.objects.bulk_create(rows, batch_size=5000)

    def _audit(self, cases, users, rng):  # type: ignore[no-untyped-def]
        """Append audit records after the current head, hashed as audit.record() hashes them."""
        from django.db import connection, transaction
        from django.utils import timezone

        from samenspel.audit import chain
        from samenspel.audit.events import Event, Outcome, Purpose
        from samenspel.audit.models import GENESIS_HASH, AuditEvent

        head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = head if head else (0, GENESIS_HASH)
        events = [Event.CASE_VIEWED] * 6 + [Event.CASE_LIST_VIEWED] * 3 + [Event.INTERVENTION_ADDED]
        by_org = [(u.pk, u.organisation_id) for u in users]
        start = timezone.now() - dt.timedelta(days=365)
        step = dt.timedelta(days=364) / max(self.n_audit, 1)
        columns = (
            "seq, occurred_at, event, outcome, actor_id, actor_organisation_id, actor_roles, "
            "object_type, object_id, object_organisation_id, purpose, request_id, "
            "client_address, details, prev_hash, hash"
        )
        sqlite = connection.vendor == "sqlite"
        batch: list[tuple[Any, ...]] = []

        def flush() -> None:
            with transaction.atomic():
                raw = connection.connection.cursor()
                if sqlite:
                    raw.executemany(
                        f"INSERT INTO audit_auditevent ({columns}) VALUES ({', '.join('?' * 16)})",  # noqa: S608
                        batch,
                    )
                else:
                    with raw.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
            batch.clear()

        for n in range(self.n_audit):
            seq += 1
            at = start + step * n
            case = rng.choice(cases)
            actor, actor_org = rng.choice(by_org)
            event = rng.choice(events)
            details = {"page": "cases", "shown": 100} if event == Event.CASE_LIST_VIEWED else {}
            fields = chain.hashed_fields(
                seq=seq,
                occurred_at=at,
                event=int(event),
                outcome=str(Outcome.SUCCESS),
                actor_id=actor,
                actor_organisation_id=actor_org,
                actor_roles=["case_director"],
                object_type="cases.case",
                object_id=str(case.uuid),
                object_organisation_id=case.municipality_id,
                purpose=str(Purpose.CASE_WORK),
                request_id=f"{seq:032x}",
                client_address=f"10.0.{seq % 250}.{seq % 199}",
                details=details,
            )
            digest = chain.link_hash(prev, fields)
            stored_at: Any = (
                at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ") if sqlite else at
            )
            batch.append(
                (
                    seq,
                    stored_at,
                    int(event),
                    fields["outcome"],
                    actor,
                    actor_org,
                    json.dumps(fields["roles"]),
                    fields["object_type"],
                    fields["object_id"],
                    fields["object_org"],
                    fields["purpose"],
                    fields["request_id"],
                    fields["client"],
                    json.dumps(details),
                    prev,
                    digest,
                )
            )
            prev = digest
            if len(batch) >= 20_000:
                flush()
        if batch:
            flush()


# --- Measuring --------------------------------------------------------------------------------

CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


class Bench:
    """Time each operation through its selector or service, and its SQL through a raw cursor."""

    def __init__(self, world: dict[str, Any], repeat: int, appends: int, profile: str = "") -> None:
        self.w = world
        self.repeat = repeat
        self.appends = appends
        self.profile = profile
        self.results: list[dict[str, Any]] = []

    def run_all(self) -> None:
        from samenspel import audit
        from samenspel.accounts.models import User
        from samenspel.audit.events import Event, Purpose
        from samenspel.cases import selectors, services
        from samenspel.intake.services import SignalInput, submit_signal

        w = self.w
        director = User.objects.select_related("organisation").get(pk=w["director"].pk)
        officer = User.objects.select_related("organisation").get(pk=w["officer"].pk)
        reporter = User.objects.select_related("organisation").get(pk=w["reporter"].pk)
        big = w["big"]

        def fresh(user: User) -> User:
            # A request starts without the roles cached on the user.
            user.__dict__.pop("_role_cache", None)
            return user

        def intake() -> Any:
            data = SignalInput(
                municipality=big,
                observed_on=dt.date(2026, 11, 1),
                observation="Deelt filmpjes die geweld verheerlijken.",
                concern="Trekt zich terug van school.",
                is_acute=False,
                family_name="El Amrani",
                given_names="Mohamed",
                birth_date=dt.date(2005, 3, 14),
            )
            return submit_signal(data, idempotency_key=uuid.uuid4().hex, by=fresh(reporter))

        self.measure("signal intake (submit_signal)", intake, goal=("<=", 12))

        self.measure(
            "case list, case director, big municipality (100 rows)",
            lambda: list(selectors.case_list(fresh(director))[:100]),
            goal=("<=", 30),
        )
        self.measure(
            "case list, police user on 30 teams",
            lambda: list(selectors.case_list(fresh(officer))[:100]),
            goal=("<=", 30),
        )

        def list_page() -> Any:
            # What the list view does besides the page: counts per status and an audit record.
            from django.core.paginator import Paginator

            me = fresh(director)
            counts = selectors.count_cases(me)
            paginator = Paginator(selectors.case_list(me), 100)
            paginator.count = counts["open"]  # as the view does without a search
            rows = list(paginator.get_page(1).object_list)
            selectors.record_list_read(me, len(rows))
            return rows

        self.measure("case list view work (page, counts, audit)", list_page)

        target = max(w["open_big"], key=lambda c: (c.interventions.count(), c.members.count()))

        def detail() -> Any:
            me = fresh(director)
            case = selectors.get_case_for(me, target.uuid)
            plan = selectors.plan_of(me, case)
            return (
                selectors.balance(plan),
                selectors.team_of(me, case),
                selectors.transfers_of(me, case),
                selectors.course_for(case, me),
            )

        self.measure("case detail (get_case_for + plan, balance, team)", detail, goal=("<=", 8))

        rotation = iter(w["open_big"][:200] * 1000)
        measure = next(m for m in w["measures"] if not (m.get("flags") or {}).get("voluntary"))

        def next_case() -> Any:
            return selectors.get_case_for(
                director, next(rotation).uuid, selectors.Action.EDIT, record_read=False
            )

        def add(case: Any) -> Any:
            return services.add_intervention(
                case,
                measure=measure["id"],
                domain=measure["domains"][0],
                owner=w["care"],
                goal="Doel.",
                by=fresh(director),
            )

        self.measure("add intervention (add_intervention)", add, goal=("<=", 12), prepare=next_case)

        person = w["open_big"][len(w["open_big"]) // 2].person
        self.measure(
            "person candidate search (find_candidates), big municipality",
            lambda: selectors.find_candidates(
                fresh(director),
                big,
                family_name=person.family_name,
                given_names=person.given_names,
                birth_date=person.birth_date,
            ),
        )
        self.appends_per_second(audit, Event, Purpose, director, target)
        self.report()

    def measure(
        self,
        name: str,
        fn: Callable[[], Any],
        *,
        goal: tuple[str, float] | None = None,
        prepare: Callable[[], Any] | None = None,
    ) -> None:
        """Time `fn` (given what `prepare` returns, untimed) and its SQL replayed bare."""
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        call = (lambda: fn(prepare())) if prepare else fn
        for _ in range(3):
            call()
        # Capture the statements in a transaction that is rolled back, so they can be replayed.
        given = prepare() if prepare else None
        with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
            fn(given) if prepare else fn()
            transaction.set_rollback(True)
        statements = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(CONTROL)]
        writes = any(
            s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for s in statements
        )

        def bare() -> None:
            cursor = connection.connection.cursor()
            for sql in statements:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()

        bare_times = []
        for _ in range(self.repeat):
            started = time.perf_counter()
            if writes:
                with transaction.atomic():
                    bare()
                    transaction.set_rollback(True)
            else:
                connection.ensure_connection()
                bare()
            bare_times.append(time.perf_counter() - started)
        # Timed after the replays: the replayed audit INSERT must find its sequence number free.
        times = []
        for _ in range(self.repeat):
            given = prepare() if prepare else None
            started = time.perf_counter()
            fn(given) if prepare else fn()
            times.append(time.perf_counter() - started)
        if self.profile and self.profile in name:
            self.print_profile(name, call)
        ms = [t * 1000 for t in times]
        row = {
            "name": name,
            "min": min(ms),
            "median": statistics.median(ms),
            "max": max(ms),
            "bare": statistics.median(bare_times) * 1000,
            "queries": len(statements),
            "goal": goal,
        }
        self.results.append(row)
        print(
            f"{name}: min={row['min']:.2f}ms median={row['median']:.2f}ms max={row['max']:.2f}ms "
            f"bare_sql_median={row['bare']:.2f}ms queries={row['queries']} "
            f"load={os.getloadavg()[0]:.1f}"
        )

    def print_profile(self, name: str, call: Callable[[], Any]) -> None:
        """Print where the time of `repeat` calls goes, own time first (not part of timings)."""
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(self.repeat):
            call()
        profiler.disable()
        print(f"--- profile of {self.repeat} calls: {name}")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)

    def appends_per_second(
        self, audit: Any, event: Any, purpose: Any, user: Any, case: Any
    ) -> None:
        """Time audit.record() in a loop: each record its own transaction, all in one, and all
        in one appended together at the end (as a view appends its records)."""
        from django.db import transaction

        from samenspel.audit.services import appended_at_end

        loops = (
            ("own transaction each", "own"),
            ("one transaction", "one"),
            ("one transaction, appended together at its end as views do", "batch"),
        )
        for label, how in loops:
            rates = []
            for _ in range(3):
                started = time.perf_counter()
                if how != "own":
                    at_end = appended_at_end() if how == "batch" else contextlib.nullcontext()
                    with transaction.atomic(), at_end:
                        for _ in range(self.appends):
                            audit.record(
                                event.CASE_VIEWED, by=user, obj=case, purpose=purpose.CASE_WORK
                            )
                else:
                    for _ in range(self.appends):
                        audit.record(
                            event.CASE_VIEWED, by=user, obj=case, purpose=purpose.CASE_WORK
                        )
                rates.append(self.appends / (time.perf_counter() - started))
            row = {
                "name": f"audit append, {label} (records/s)",
                "min": min(rates),
                "median": statistics.median(rates),
                "max": max(rates),
                "bare": None,
                "queries": None,
                "goal": (">=", 2000),
            }
            self.results.append(row)
            print(
                f"{row['name']}: min={row['min']:.0f} median={row['median']:.0f} "
                f"max={row['max']:.0f} records={self.appends} load={os.getloadavg()[0]:.1f}"
            )

    def report(self) -> None:
        """Print the results as a Markdown table."""
        print()
        print("| Operation | Min | Median | Max | Bare SQL median | Queries | Goal | Met |")
        print("|---|---:|---:|---:|---:|---:|---|---|")
        by_name = {r["name"]: r for r in self.results}
        for r in self.results:
            fmt = "{:,.0f}" if r["bare"] is None else "{:.2f} ms"
            goal, met = "", ""
            if r["goal"]:
                op, value = r["goal"]
                goal = f"{op.replace('<=', '≤').replace('>=', '≥')} {value:,}"
                goal += "" if r["bare"] is None else " ms"
                ok = r["median"] <= value if op == "<=" else r["median"] >= value
                met = "yes" if ok else "no"
            bare = "" if r["bare"] is None else f"{r['bare']:.2f} ms"
            queries = "" if r["queries"] is None else str(r["queries"])
            print(
                f"| {r['name']} | {fmt.format(r['min'])} | {fmt.format(r['median'])} | "
                f"{fmt.format(r['max'])} | {bare} | {queries} | {goal} | {met} |"
            )
        full = by_name["case list, case director, big municipality (100 rows)"]["median"]
        team = by_name["case list, police user on 30 teams"]["median"]
        print(f"\nrestricted/unrestricted list median ratio: {team / full:.2f} (goal ≤ 1.2)")


if __name__ == "__main__":
    main()
