"""Helpers shared by the case pages."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import User
from samenspel.accounts.selectors import request_user
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.cases import selectors
from samenspel.cases.models import Case
from samenspel.frameworks.selectors import document_of
from samenspel.sharing.policy import Action

# --- Helpers --------------------------------------------------------------------------------


def _stale_message() -> str:
    return _(
        "Iemand anders heeft dit intussen gewijzigd. Uw wijziging is niet opgeslagen; "
        "bekijk de nieuwe stand."
    )


def _record_conflict(me: User, case: Case, what: str) -> None:
    audit.record(
        Event.CASE_EDIT_CONFLICT,
        by=me,
        obj=case,
        purpose=Purpose.CASE_WORK,
        outcome=Outcome.DENIED,
        changed=what,
    )


def _rows(case: Case) -> dict[str, dict[str, Any]]:
    """Return the framework rows of the case's version by id (stages, phases, tracks, ...)."""
    document = document_of(case.framework_version)
    if not isinstance(document, dict):
        return {}
    return {
        row["id"]: row
        for section in ("stages", "phases", "tracks", "measures")
        for row in document.get(section) or []
    }


def _named(rows: dict[str, dict[str, Any]], key: str) -> str:
    row = rows.get(key)
    return f"{key} {row['name']}" if row else key


def _uncertain(row: dict[str, Any]) -> bool:
    return "GK?" in (row.get("src") or [])


def _case(request: HttpRequest, case_uuid: uuid.UUID, action: Action = Action.VIEW) -> Case:
    """Return the case for this request; a GET is a read and is audited, a POST is not."""
    return selectors.get_case_for(
        request_user(request), case_uuid, action, record_read=request.method == "GET"
    )


def _page(
    request: HttpRequest,
    template: str,
    case: Case,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    rows = _rows(case)
    return render(
        request,
        template,
        {
            "case": case,
            "stage_name": _named(rows, case.stage),
            "phase_name": _named(rows, case.phase),
            **context,
        },
        status=status,
    )


def _form_status(form: Any) -> int:
    return 400 if form.errors else 200
