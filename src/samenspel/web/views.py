"""The start page: a section for each role the user holds."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samenspel.accounts import selectors
from samenspel.accounts.models import Role
from samenspel.accounts.selectors import request_user as _me
from samenspel.audit.events import Purpose
from samenspel.cases import selectors as case_selectors
from samenspel.intake import selectors as intake_selectors
from samenspel.intake import services as intake_services
from samenspel.sharing.policy import Action, allowed

# --- Start page ---------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    """Show a start page with a section for what the user may do, asked of the policy."""
    me = _me(request)
    own = me.organisation
    context: dict[str, Any] = {
        # The roles name the user's own place (mayor, liaison); what they may do is asked below.
        "roles": me.role_set,
        "Role": Role,
        "may_work_on_cases": allowed(me, "case.direct", within=own)
        or allowed(me, "case.open", within=own),
        "may_manage_users": allowed(me, "user.create"),
        "may_read_log": allowed(me, "audit.read"),
        "may_review_break_glass": allowed(me, "break_glass.review_queue"),
        "may_add_organisations": allowed(me, "organisation.create"),
    }
    if context["may_manage_users"]:
        context["user_count"] = selectors.users_visible_to(me, Action.MANAGE).count()
    if context["may_add_organisations"]:
        context["organisation_count"] = selectors.organisations_visible_to(me).count()
    context["may_report"] = intake_services.may_report(me)
    if intake_services.municipalities_triaged_by(me):
        queue = intake_selectors.triage_queue(me)
        context["queue"] = {
            "waiting": queue.count(),
            "acute": queue.filter(is_acute=True).count(),
            "overdue": intake_selectors.overdue(queue).count(),
        }
    if context["may_review_break_glass"]:
        context["break_glass_pending"] = case_selectors.break_glass_pending_count(me)
    # Counts only, through the same policy as the list: no person is shown here.
    context["case_counts"] = case_selectors.count_cases(me)
    context["my_case_count"] = case_selectors.case_list(me, mine=True).count()
    selectors.record_page_read(me, page="home", purpose=Purpose.COLLABORATION)
    return render(request, "web/home.html", context)
