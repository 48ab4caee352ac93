"""Measures on a case: propose, advise, build the decision dossier, decide, record, end, review.

Each write checks the access policy first (sharing/rules/measures.py), audits itself in its
transaction and tells people through the outbox. A decision is refused, and the refusal
audited, when the user is not the competent authority of the framework version the case runs
under, when the dossier lacks a required part (`missing_for_decision`), or when the term is
longer than the framework allows. Decisions claim the measure while it is still open
(lib.decisions): of two racing decisions one wins, the other changes nothing.

- `proposals`: propose, advise, mark requested or intended, withdraw, end, extend, reminders;
- `dossier`: information basis, verification, reasons, consultations, what is missing;
- `decisions`: the competent authority's decision, and external decisions;
- `reviews`: objection and appeal, with the framework's term;
- `designations`: the mayor's designated officials.
"""

from __future__ import annotations

from samenspel.measures.services._common import (
    TEXT_MAX,
    is_mayors_measure,
    is_register_measure,
    max_term_text,
    term_end,
)
from samenspel.measures.services.decisions import decide_measure, record_external_decision
from samenspel.measures.services.designations import designate, end_designation
from samenspel.measures.services.dossier import (
    Missing,
    add_basis_item,
    add_consultation,
    add_verification,
    answer_consultation,
    missing_for_decision,
    receive_mayor_consultation,
    save_reasons,
)
from samenspel.measures.services.proposals import (
    advise_measure,
    end_measure,
    extend_measure,
    move_measure,
    propose_measure,
    remind_measure_terms,
    start_decided_measures,
    withdraw_measure,
)
from samenspel.measures.services.reviews import decide_review, file_review, review_deadline

__all__ = [
    "TEXT_MAX",
    "Missing",
    "add_basis_item",
    "add_consultation",
    "add_verification",
    "advise_measure",
    "answer_consultation",
    "decide_measure",
    "decide_review",
    "designate",
    "end_designation",
    "end_measure",
    "extend_measure",
    "file_review",
    "is_mayors_measure",
    "is_register_measure",
    "max_term_text",
    "missing_for_decision",
    "move_measure",
    "propose_measure",
    "receive_mayor_consultation",
    "record_external_decision",
    "remind_measure_terms",
    "review_deadline",
    "save_reasons",
    "start_decided_measures",
    "term_end",
    "withdraw_measure",
]
