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
from samenspel.frameworks.selectors import framework_of
from samenspel.frameworks.types import Framework
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


def _framework(case: Case) -> Framework:
    """Return the framework version the case runs under, as typed rows."""
    return framework_of(case.framework_version)


def _named(framework: Framework, key: str) -> str:
    """Return "id name" of a stage, phase, track or measure of the framework."""
    return framework.label_of(key)


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
    framework = _framework(case)
    return render(
        request,
        template,
        {
            "case": case,
            "stage_name": _named(framework, case.stage),
            "phase_name": _named(framework, case.phase),
            # Seen by break-the-glass: every page of the case says so, and until when.
            "break_glass": selectors.active_break_glass(request_user(request), case),
            **context,
        },
        status=status,
    )


def _form_status(form: Any) -> int:
    return 400 if form.errors else 200
