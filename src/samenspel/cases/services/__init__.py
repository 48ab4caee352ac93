"""Change persons, cases, their team, plan and transfers. Each change audits itself.

Every edit carries the version the editor saw (`expected_version`); when somebody else saved
in between, the service raises StaleEdit and saves nothing (optimistic concurrency).
Other apps import the services from here; the modules are the package's own layout.
"""

from __future__ import annotations

from samenspel.cases.services._common import (
    PURPOSE,
    allowed_transitions,
    current_framework,
)
from samenspel.cases.services.break_glass import break_glass, review_break_glass
from samenspel.cases.services.information import ItemFile, record_information
from samenspel.cases.services.lifecycle import (
    change_phase,
    change_stage,
    close_case,
    open_case,
    open_case_of,
    reopen_case,
    set_tracks,
)
from samenspel.cases.services.persons import clean_person, create_person
from samenspel.cases.services.plan import add_intervention, change_intervention, justify_balance
from samenspel.cases.services.team import add_member, remove_member
from samenspel.cases.services.transfer import (
    accept_transfer,
    cancel_transfer,
    decline_transfer,
    request_transfer,
)

__all__ = [
    "PURPOSE",
    "ItemFile",
    "accept_transfer",
    "add_intervention",
    "add_member",
    "allowed_transitions",
    "break_glass",
    "cancel_transfer",
    "change_intervention",
    "change_phase",
    "change_stage",
    "clean_person",
    "close_case",
    "create_person",
    "current_framework",
    "decline_transfer",
    "justify_balance",
    "open_case",
    "open_case_of",
    "record_information",
    "remove_member",
    "reopen_case",
    "request_transfer",
    "review_break_glass",
    "set_tracks",
]
