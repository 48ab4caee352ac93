"""`samenspel bootstrap`: create the operator organisation and its first national administrator."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from samenspel import audit
from samenspel.accounts import services
from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.audit.events import Event, Purpose


class Command(BaseCommand):
    help = (
        "On an empty installation, create the organisation that operates it and its first "
        "national administrator (who also administers that organisation's users). "
        "The password comes from SAMENSPEL_BOOTSTRAP_PASSWORD or is asked for."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="Name, e.g. 'Gemeente Utrecht'.")
        parser.add_argument(
            "--type", required=True, choices=OrganisationType.values, help="Kind of organisation."
        )
        parser.add_argument("--region", default="", help="Region, e.g. 'Midden-Nederland'.")
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.exists():
            raise CommandError(
                "There are users already: bootstrap only runs on an empty installation."
            )
        password = os.environ.get("SAMENSPEL_BOOTSTRAP_PASSWORD") or ""
        if not password:
            if not os.isatty(0):
                raise CommandError("Set SAMENSPEL_BOOTSTRAP_PASSWORD, or run this in a terminal.")
            password = getpass.getpass("Password for the first administrator: ")
        try:
            with transaction.atomic():
                org = Organisation.objects.create(
                    name=options["organisation"].strip(),
                    type=options["type"],
                    region=options["region"].strip(),
                    is_operator=True,
                )
                audit.record(Event.ORGANISATION_CREATED, by=None, obj=org, purpose=Purpose.SYSTEM)
                user = services.create_user(
                    organisation=org,
                    username=options["username"],
                    full_name=options["full_name"],
                    email=options["email"],
                    roles=[Role.NATIONAL_ADMIN.value, Role.FUNCTIONAL_ADMIN.value],
                    password=password,
                    by=None,
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Created {org.name} (operator) and administrator {user.username}. "
            "At the first login they set up their second factor."
        )
