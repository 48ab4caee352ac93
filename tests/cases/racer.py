"""Race two decisions on one transfer in one process: `python -m tests.cases.racer SCENARIO`.

Run by test_transfer_races with DATABASE_URL pointing at a scratch database. Each decision
runs in a thread of its own, with its own connection and transaction, as two web workers
would. Every successful claim holds its row lock for a while before its transaction goes on,
so the other decision's claim really meets the lock and waits for the commit.

SCENARIO is accept-accept, accept-decline or accept-cancel. Prints, as JSON, what each
decision returned (or the conflict it raised) and what the database holds afterwards.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import django

HOLD = 0.4  # seconds a successful claim keeps its row lock


def race(*calls: Callable[[], Any]) -> list[Any]:
    from django.db import connections, transaction

    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():  # a request's transaction (ATOMIC_REQUESTS)
                results[index] = call()
        except Exception as exc:  # the loser's conflict is what is measured
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def main(scenario: str) -> None:
    django.setup()
    from django.core.management import call_command

    from samenspel.accounts.models import Role
    from samenspel.audit.events import Event
    from samenspel.audit.models import AuditEvent
    from samenspel.cases import services
    from samenspel.cases.models import CaseTransition, Dimension, Transfer
    from samenspel.cases.services import transfer as transfer_services
    from samenspel.lib import decisions
    from samenspel.testing import make_case, make_cast, make_user

    call_command("migrate", verbosity=0)
    claims: list[float] = []
    real = decisions.claim

    def held(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        claims.append(time.monotonic())
        time.sleep(HOLD)

    transfer_services.claim = held  # type: ignore[assignment]
    cast = make_cast()
    case = make_case(cast, team=(cast.police_officer,))
    transfer = services.request_transfer(
        case, to_municipality=cast.municipality_b, reason="Verhuisd naar B.", by=cast.case_manager
    )
    colleague = make_user(cast.municipality_b, Role.CASE_DIRECTOR, full_name="Collega Buiten")

    def fresh() -> Transfer:
        return Transfer.objects.select_related("case", "to_municipality").get(pk=transfer.pk)

    first, second = fresh(), fresh()
    accept = lambda: services.accept_transfer(  # noqa: E731
        first, case_director=cast.outsider, by=cast.outsider
    )
    other = {
        "accept-accept": lambda: services.accept_transfer(
            second, case_director=colleague, by=colleague
        ),
        "accept-decline": lambda: services.decline_transfer(
            second, reason="Niet bij ons.", by=cast.outsider
        ),
        "accept-cancel": lambda: services.cancel_transfer(second, by=cast.case_manager),
    }[scenario]
    results = race(accept, other)
    case.refresh_from_db()
    events = AuditEvent.objects.filter(
        event__in=[
            Event.TRANSFER_ACCEPTED,
            Event.TRANSFER_DECLINED,
            Event.TRANSFER_CANCELLED,
        ]
    )
    sys.stdout.write(
        json.dumps(
            {
                "results": [
                    {"error": type(r).__name__, "message": " ".join(getattr(r, "messages", []))}
                    if isinstance(r, Exception)
                    else {"ok": True}
                    for r in results
                ],
                "claims": len(claims),
                "status": fresh().status,
                "municipality": case.municipality.name,
                "case_director": case.case_director.full_name,
                "moves": CaseTransition.objects.filter(
                    case_id=case.pk, dimension=Dimension.MUNICIPALITY
                ).count(),
                "decision_events": sorted(
                    Event(e).name for e in events.values_list("event", flat=True)
                ),
                "team": sorted(
                    case.members.filter(removed_at__isnull=True).values_list(
                        "user__full_name", flat=True
                    )
                ),
                "police_on_team": case.members.filter(
                    user=cast.police_officer, removed_at__isnull=True
                ).exists(),
                "b": cast.municipality_b.name,
                "a": cast.municipality_a.name,
                "outsider": cast.outsider.full_name,
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    main(sys.argv[1])
