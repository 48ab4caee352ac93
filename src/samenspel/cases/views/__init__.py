"""The case pages: list, case file with plan and balance, plan editor, information by source,
team, history, transfers.

Every page reads through cases.selectors (which start from the access policy and audit the
read) and changes through cases.services. A case the user may not reach is a 404.
"""

from __future__ import annotations

from samenspel.cases.views.break_glass import break_glass, break_glass_queue, break_glass_review
from samenspel.cases.views.detail import detail, history, justify
from samenspel.cases.views.exports import case_list_csv, case_pdf
from samenspel.cases.views.information import (
    information,
    information_add,
    information_detail,
    information_file,
)
from samenspel.cases.views.lifecycle import close, phase, reopen, stage, tracks
from samenspel.cases.views.lists import case_list
from samenspel.cases.views.plan import intervention_add, intervention_edit, plan
from samenspel.cases.views.team import team, team_remove
from samenspel.cases.views.transfers import (
    transfer_accept,
    transfer_cancel,
    transfer_decline,
    transfer_request,
    transfers,
)

__all__ = [
    "break_glass",
    "break_glass_queue",
    "break_glass_review",
    "case_list",
    "case_list_csv",
    "case_pdf",
    "close",
    "detail",
    "history",
    "information",
    "information_add",
    "information_detail",
    "information_file",
    "intervention_add",
    "intervention_edit",
    "justify",
    "phase",
    "plan",
    "reopen",
    "stage",
    "team",
    "team_remove",
    "tracks",
    "transfer_accept",
    "transfer_cancel",
    "transfer_decline",
    "transfer_request",
    "transfers",
]
