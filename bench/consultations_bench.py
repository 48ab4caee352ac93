"""Time case consultations at scale: proposing an agenda and opening a meeting (issue 15 §7).

    .venv/bin/python bench/consultations_bench.py --db sqlite
    .venv/bin/python bench/consultations_bench.py --db postgres

Builds, in a scratch database (a SQLite file in a temporary folder, or the PostgreSQL database
`samenspel_bench_consult`, dropped and created here), one series of municipality A with --cases
open cases (200) and --actions action items (2,000) on them. The personas, the cases (signal
and triage), the series, a held meeting with every case on its agenda and the invitations go
through the services, as the tests build them; the action items are bulk-inserted, because
2,000 calls of `add_action` (audit record and notification each) would take most of the run.

Then, with production settings (SAMENSPEL_ENV=production, debug off), it times:
- building the agenda: `propose_agenda` on a fresh meeting (every case comes back, for its
  open or overdue actions), the meeting planned untimed before each run;
- the agenda as the chair and as a police participant invited for one item in ten:
  `agenda_of` (with its audit record), at 200 items and at 20, to show that the number of
  statements does not grow with the agenda;
- the meeting page, GET /overleg/vergadering/<uuid>/, through Django's test client, when the
  URL name `consultations:meeting` exists.
Per operation: median and p95 over --repeat runs, and the SQL statements per call.
Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from scratch import migrate_and_describe, scratch_database

PG_NAME = "samenspel_bench_consult"
GOAL_MS = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cases", type=int, default=200, help="cases on the agenda (200)")
    parser.add_argument("--small", type=int, default=20, help="items of the small agenda (20)")
    parser.add_argument("--actions", type=int, default=2_000, help="action items (2000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per operation (30)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--pg-name", default=PG_NAME, help=f"PostgreSQL database ({PG_NAME})")
    args = parser.parse_args()

    with scratch_database(
        args.db, pg_name=args.pg_name, keep=args.keep, hosts="localhost,testserver"
    ):
        run(args)


def run(args: argparse.Namespace) -> None:
    print(f"database {migrate_and_describe()}")
    from django.db import connection

    started = time.perf_counter()
    world = build(args.cases, args.small, args.actions)
    print(
        f"built seconds={time.perf_counter() - started:.1f} cases={args.cases} "
        f"actions={args.actions} load={os.getloadavg()[0]:.1f}"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    Bench(world, args.repeat).run_all()


# --- Building -----------------------------------------------------------------------------------


def build(cases: int, small: int, actions: int) -> dict[str, Any]:
    """Build the series, its cases, a held meeting, the actions, and the meetings to read."""
    from django.utils import timezone

    from samenspel.consultations import services
    from samenspel.consultations.models import ActionItem, ActionStatus, AgendaItem, Meeting
    from samenspel.testing import make_case, make_cast, make_meeting, make_series

    cast = make_cast()
    series = make_series(cast)
    chair = cast.case_manager
    all_cases = [make_case(cast, family_name=f"Bench{i:04d}") for i in range(cases)]

    # A held meeting that discussed every case: its items carry the actions.
    held = make_meeting(series, by=chair, days_ahead=1)
    services.propose_agenda(held, by=chair)
    Meeting.objects.filter(pk=held.pk).update(starts_at=timezone.now() - dt.timedelta(days=14))
    held.refresh_from_db()
    services.mark_held(held, by=chair)
    items = list(AgendaItem.objects.filter(meeting=held).order_by("position"))
    today = timezone.localdate()
    owners = [chair, cast.police_officer]
    now = timezone.now()
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                series=series,
                item=items[n % len(items)],
                case_id=items[n % len(items)].case_id,
                description=f"Actie {n}: gesprek voeren en terugkoppelen.",
                owner=owners[n % 2],
                owner_organisation_id=owners[n % 2].organisation_id,
                # One in four overdue; the first action of each case already done.
                deadline=today + dt.timedelta(days=(n % 40) - 10),
                status=ActionStatus.DONE if n < len(items) else ActionStatus.OPEN,
                closed_at=now if n < len(items) else None,
                created_by=chair,
            )
            for n in range(actions)
        ],
        batch_size=500,
    )

    # The meeting to open: the full agenda proposed from the cases, the police invited for one
    # item in ten.
    big = make_meeting(series, by=chair, days_ahead=2)
    services.propose_agenda(big, by=chair)
    for item in AgendaItem.objects.filter(meeting=big, position__lte=cases).order_by("position")[
        ::10
    ]:
        services.invite(item, organisation=cast.police, reason="Politie-informatie.", by=chair)
    # A small meeting: the first `small` cases, the police invited for one in ten.
    little = make_meeting(series, by=chair, days_ahead=3)
    for n, case in enumerate(all_cases[:small]):
        item = services.add_item(little, case=case, by=chair)
        if n % 10 == 0:
            services.invite(item, organisation=cast.police, reason="Politie-informatie.", by=chair)
    return {"cast": cast, "series": series, "big": big, "small": little, "days": 10}


# --- Timing -------------------------------------------------------------------------------------


class Bench:
    """Time each operation through its selector or service, and count its statements."""

    def __init__(self, world: dict[str, Any], repeat: int) -> None:
        self.w = world
        self.repeat = repeat
        self.results: list[dict[str, Any]] = []

    def run_all(self) -> None:
        from django.urls import NoReverseMatch, reverse

        from samenspel.accounts.models import User
        from samenspel.consultations import selectors, services
        from samenspel.consultations.models import AgendaItem
        from samenspel.testing import make_meeting

        w = self.w
        cast = w["cast"]

        def fresh(user: Any) -> Any:
            # A request starts with the user read anew, without roles cached.
            return User.objects.select_related("organisation").get(pk=user.pk)

        days = iter(range(w["days"], w["days"] + 10_000))

        def plan() -> Any:
            return make_meeting(w["series"], by=cast.case_manager, days_ahead=next(days))

        def propose(meeting: Any) -> Any:
            made = services.propose_agenda(meeting, by=fresh(cast.case_manager))
            assert len(made) == AgendaItem.objects.filter(meeting=w["big"]).count(), len(made)
            return made

        self.measure("propose_agenda, fresh meeting", propose, prepare=plan)

        for size, meeting in (("small", w["small"]), ("big", w["big"])):
            n = AgendaItem.objects.filter(meeting=meeting).count()
            for who in ("case_manager", "police_officer"):
                user = getattr(cast, who)
                self.measure(
                    f"agenda_of, {who}, {n} items",
                    lambda user=user, meeting=meeting: selectors.agenda_of(fresh(user), meeting),
                    goal=GOAL_MS,
                    group=f"agenda_of {who}",
                    size=size,
                )

        try:
            reverse("consultations:meeting", kwargs={"meeting_uuid": w["big"].uuid})
        except NoReverseMatch:
            print("note: consultations:meeting does not resolve yet; the page is not timed")
            self.report()
            return
        from django.test import Client

        from samenspel.testing import force_verified_login

        for size, meeting in (("small", w["small"]), ("big", w["big"])):
            n = AgendaItem.objects.filter(meeting=meeting).count()
            url = reverse("consultations:meeting", kwargs={"meeting_uuid": meeting.uuid})
            for who in ("case_manager", "police_officer"):
                client = Client()
                force_verified_login(client, getattr(cast, who))

                def get(client: Client = client, url: str = url) -> Any:
                    response = client.get(url, secure=True)
                    assert response.status_code == 200, response.status_code
                    return response

                self.measure(
                    f"GET meeting page, {who}, {n} items",
                    get,
                    goal=GOAL_MS,
                    group=f"page {who}",
                    size=size,
                )
        self.report()

    def measure(
        self,
        name: str,
        fn: Callable[..., Any],
        *,
        goal: float | None = None,
        prepare: Callable[[], Any] | None = None,
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
            fn(given) if prepare else fn()
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
            "goal": goal,
            "group": group,
            "size": size,
        }
        self.results.append(row)
        print(
            f"{name}: median={row['median']:.2f} ms p95={row['p95']:.2f} ms queries={queries} "
            f"load={os.getloadavg()[0]:.1f}"
        )

    def report(self) -> None:
        """Print the results as a Markdown table, and the statements at both agenda sizes."""
        print()
        print("| Operation | Median | p95 | Statements | Goal | Met |")
        print("|---|---:|---:|---:|---|---|")
        for r in self.results:
            goal = f"≤ {r['goal']:.0f} ms" if r["goal"] else ""
            met = ("yes" if r["median"] <= r["goal"] else "no") if r["goal"] else ""
            print(
                f"| {r['name']} | {r['median']:.2f} ms | {r['p95']:.2f} ms | {r['queries']} | "
                f"{goal} | {met} |"
            )
        print()
        groups: dict[str, dict[str, int]] = {}
        for r in self.results:
            if r["group"]:
                groups.setdefault(r["group"], {})[r["size"]] = r["queries"]
        for group, sizes in groups.items():
            same = "constant" if sizes.get("small") == sizes.get("big") else "GROWS"
            print(
                f"statements {group}: small agenda {sizes.get('small')}, "
                f"big agenda {sizes.get('big')} ({same})"
            )


if __name__ == "__main__":
    main()
