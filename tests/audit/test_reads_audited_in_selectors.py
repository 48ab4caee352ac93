"""Read audits come from one layer, the selectors: pages and the API never write them.

A view or an API operation may record only a refusal it answered (an edit or a decision that
lost a race, a call without a valid key, input it could not take); every record of what
someone looked at or took out of Samenspel is written by the selector that read it, so a page
and the API cannot differ in what they log.
"""

from __future__ import annotations

import ast
from pathlib import Path

from samenspel.audit.events import Event

SRC = Path(__file__).resolve().parents[2] / "src" / "samenspel"
# Refusals that changed nothing; everything else a view could record is a read.
WRITE_OUTCOMES = {"CASE_EDIT_CONFLICT", "DECISION_CONFLICT", "API_UNAUTHENTICATED", "BAD_REQUEST"}


def _view_and_api_modules() -> list[Path]:
    views = [*SRC.glob("*/views.py"), *SRC.glob("*/views/*.py")]
    return sorted([*views, *SRC.glob("api/*.py")])


def _recorded_events(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "Event"
        ):
            found.append(node.attr)
    return found


def test_pages_and_the_api_record_no_reads() -> None:
    modules = _view_and_api_modules()
    assert len(modules) > 10, "the view and API modules were not found"
    offenders = {
        str(path.relative_to(SRC)): events
        for path in modules
        if (events := [e for e in _recorded_events(path) if e not in WRITE_OUTCOMES])
    }
    assert offenders == {}


def test_the_allowed_events_are_real_events() -> None:
    assert set(Event.__members__) >= WRITE_OUTCOMES
