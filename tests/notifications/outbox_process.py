"""A separate process around the mail outbox: `python -m tests.notifications.outbox_process ...`.

Run by test_crash with DATABASE_URL pointing at a database shared by several processes.
  setup COUNT        migrate, make the personas and COUNT acute signals (one mail each)
  later SECONDS      do one worker pass as if SECONDS had passed (a lapsed lease, without waiting)
  state              print the status and attempts of every delivery, and its Message-ID, as JSON
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import django


def main(argv: list[str]) -> None:
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from samenspel.accounts.models import User
    from samenspel.notifications import services
    from samenspel.notifications.models import Delivery
    from samenspel.testing import make_cast, make_signal

    if argv[0] == "setup":
        call_command("migrate", verbosity=0)
        cast = make_cast()
        User.objects.filter(pk=cast.case_manager.pk).update(email="carla@a.example")
        reporter = User.objects.get(pk=cast.police_officer.pk)
        for n in range(int(argv[1])):
            make_signal(reporter, cast.municipality_a, key=f"crash-{n}", is_acute=True)
    elif argv[0] == "later":
        later = timezone.now() + dt.timedelta(seconds=float(argv[1]))
        print(json.dumps(services.run_pass(now=later).outcomes))  # noqa: T201
    elif argv[0] == "state":
        host = "127.0.0.1"
        rows = [
            {"status": d.status, "attempts": d.attempts, "message_id": f"<{d.uuid}@{host}>"}
            for d in Delivery.objects.order_by("id")
        ]
        print(json.dumps(rows))  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1:])
