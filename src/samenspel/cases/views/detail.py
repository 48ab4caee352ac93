"""The case page with its plan, balance and course of action, and the history."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samenspel.accounts.models import User
from samenspel.accounts.selectors import request_user
from samenspel.cases import selectors, services
from samenspel.cases.balance import Balance
from samenspel.cases.forms import JustifyForm
from samenspel.cases.models import (
    Case,
    CaseStatus,
    Dimension,
    Intervention,
    InterventionStatus,
    TransferStatus,
)
from samenspel.cases.views._common import (
    _framework,
    _named,
    _page,
    _record_conflict,
    _stale_message,
)
from samenspel.consultations import selectors as consultation_selectors
from samenspel.frameworks.views.common import (
    DOMAIN_LABELS,
    Frame,
    emergency_first,
    item_out,
    organisation_type_label,
    refs,
)
from samenspel.lib.errors import StaleEdit
from samenspel.measures import selectors as measure_selectors
from samenspel.sharing.policy import Action, can

# --- Case page --------------------------------------------------------------------------------

# How many information items the case page shows (the newest); the rest is on its own page.
INFORMATION_SHOWN = 5


def _balance_rows(of: Balance | list[Intervention]) -> tuple[Balance, list[dict[str, Any]]]:
    """Return the balance and its table rows; pass selectors.plan_balance, so that it counts
    every line of the plan (also those the user may not read) and is the same for the team."""
    result = of if isinstance(of, Balance) else selectors.balance(of)
    rows = [
        {
            "domain": domain,
            "label": DOMAIN_LABELS.get(domain, domain),
            "count": count,
            "share": share,
            "step": 5 * round(share / 5),
        }
        for domain, count, share in result.rows()
    ]
    return result, rows


def _course(case: Case, me: User) -> dict[str, Any] | None:
    course = selectors.course_for(case, me)
    if course is None:
        return None
    frame = Frame(case.framework_version, chosen=True, is_current=False)
    q = frame.query
    return {
        "scope": course.scope,
        "scope_name": course.scope_name,
        "organisation_type": course.organisation_type,
        "organisation_type_label": organisation_type_label(course.organisation_type),
        "actors": refs(course.actors, frame.index("actors")),
        "must_do": [item_out(i, q) for i in course.must_do],
        "can_do": [item_out(i, q) for i in course.can_do],
        "must_not_do": [item_out(i, q) for i in course.must_not_do],
        "involve": [item_out(i, q) for i in course.involve],
        "acute": [item_out(i, q) for i in emergency_first(course.acute)],
        "non_acute": [item_out(i, q) for i in course.non_acute],
        "next_steps": [item_out(i, q) for i in course.next_steps],
    }


@require_safe
def detail(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Show the case: person, stage and phase, plan with its balance, team, course of action."""
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid)
    return _detail(request, me, case)


def _detail(
    request: HttpRequest,
    me: User,
    case: Case,
    *,
    justify_form: JustifyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    framework = _framework(case)
    plan = selectors.plan_of(me, case)
    balance, balance_rows = _balance_rows(selectors.plan_balance(me, case))
    can_manage = can(me, Action.MANAGE, case)
    can_edit = can_manage or can(me, Action.EDIT, case)
    if justify_form is None and can_manage:
        justify_form = JustifyForm(
            initial={"text": case.balance_justification, "version": case.version}
        )
    transfers = selectors.transfers_of(me, case)
    reviews = [
        i.review_date
        for i in plan
        if i.review_date and i.status in (InterventionStatus.PLANNED, InterventionStatus.RUNNING)
    ]
    open_actions, overdue_actions = consultation_selectors.action_counts_of_case(me, case)
    team = selectors.team_of(me, case)
    is_open = case.status == CaseStatus.OPEN
    return _page(
        request,
        "cases/case_detail.html",
        case,
        {
            "tracks": [_named(framework, t) for t in case.tracks],
            "plan": plan,
            "hidden_plan": selectors.hidden_plan_count(me, case),
            # The newest few items the user reads; the read is audited with the items shown.
            "information": selectors.information_of(me, case, limit=INFORMATION_SHOWN),
            "may_record": is_open and bool(selectors.compartments_for(me, case)),
            "balance": balance,
            "balance_rows": balance_rows,
            "team": team,
            # The summary at the top: what a reader needs first.
            "next_review": min(reviews, default=None),
            "open_actions": open_actions,
            # Counts by ground only: the measures are read on their own page.
            "measure_counts": measure_selectors.measure_counts_of_case(me, case),
            "overdue_actions": overdue_actions,
            "course": _course(case, me),
            "transfers": transfers,
            "pending_transfer": next(
                (t for t in transfers if t.status == TransferStatus.REQUESTED), None
            ),
            "can_manage": can_manage,
            "can_edit": can_edit,
            "is_open": is_open,
            "justify_form": justify_form,
        },
        status=status,
    )


@require_POST
def justify(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Record why the plan has no prevention or care."""
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid, Action.MANAGE, record_read=False)
    form = JustifyForm(request.POST)
    if form.is_valid():
        try:
            services.justify_balance(
                case,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
                by=me,
            )
        except StaleEdit:
            _record_conflict(me, case, "case")
            messages.error(request, _stale_message())
            return redirect("cases:detail", case_uuid=case.uuid)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("De onderbouwing van de balans is opgeslagen."))
            return redirect("cases:detail", case_uuid=case.uuid)
    return _detail(request, me, case, justify_form=form, status=400)


@require_safe
def history(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Show the history of the case: every stage, phase, track, status and municipality step."""
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid, record_read=False)
    steps = _history_steps(me, case)
    return _page(request, "cases/case_history.html", case, {"steps": steps})


def _history_steps(me: User, case: Case, *, record_read: bool = True) -> list[dict[str, Any]]:
    framework = _framework(case)
    return [
        {
            "step": step,
            "from": _named(framework, step.from_value) if step.from_value else "",
            "to": ", ".join(_named(framework, v) for v in step.to_value.split(","))
            if step.dimension == Dimension.TRACKS
            else _named(framework, step.to_value),
        }
        for step in selectors.history_of(me, case, record_read=record_read)
    ]
