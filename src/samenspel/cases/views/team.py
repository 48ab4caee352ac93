"""The case team."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from samenspel.accounts.selectors import request_user
from samenspel.cases import selectors, services
from samenspel.cases.forms import MemberForm
from samenspel.cases.views._common import _case, _form_status, _page
from samenspel.sharing.policy import Action, Denied, allowed, require

# --- Team -------------------------------------------------------------------------------------


def team(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Show the team (to whoever sees the case) and add a member (whoever manages it)."""
    me = request_user(request)
    case = _case(request, case_uuid)
    can_manage = allowed(me, "case.manage", on=case)
    if request.method == "POST":
        require(me, "case.manage", on=case)
    candidates = {str(u.uuid): u for u in selectors.candidate_members(me, case)}
    options = [(key, f"{u.full_name} ({u.organisation.name})") for key, u in candidates.items()]
    if request.method == "POST":
        form = MemberForm(request.POST, candidates=options)
        if form.is_valid():
            try:
                services.add_member(
                    case,
                    user=candidates[form.cleaned_data["user"]],
                    task=form.cleaned_data["task"],
                    by=me,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Het teamlid is toegevoegd."))
                return redirect("cases:team", case_uuid=case.uuid)
    else:
        form = MemberForm(candidates=options)
    return _page(
        request,
        "cases/team.html",
        case,
        {"form": form, "team": selectors.team_of(me, case), "can_manage": can_manage},
        status=_form_status(form),
    )


def team_remove(request: HttpRequest, case_uuid: uuid.UUID, user_uuid: uuid.UUID) -> HttpResponse:
    """Ask to confirm, then take a member off the team; their access ends at once."""
    me = request_user(request)
    case = _case(request, case_uuid, Action.MANAGE)
    member = next((m for m in selectors.team_of(me, case) if m.user.uuid == user_uuid), None)
    if member is None:
        raise Denied("cases.casemember", str(user_uuid), exists=False)
    error = ""
    if request.method == "POST":
        try:
            services.remove_member(case, user=member.user, by=me)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Het teamlid is uit het team gehaald."))
            return redirect("cases:team", case_uuid=case.uuid)
    return _page(
        request,
        "cases/team_remove.html",
        case,
        {"member": member, "error": error},
        status=400 if error else 200,
    )
