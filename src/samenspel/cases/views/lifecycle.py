"""Stage, phase, tracks, closing and reopening."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from samenspel.accounts.models import User
from samenspel.accounts.selectors import request_user
from samenspel.cases import selectors, services
from samenspel.cases.forms import CloseForm, ReasonForm, TracksForm, TransitionForm
from samenspel.cases.models import Case, CaseStatus, Dimension
from samenspel.cases.views._common import (
    _case,
    _form_status,
    _framework,
    _named,
    _page,
    _record_conflict,
    _stale_message,
)
from samenspel.lib.errors import StaleEdit
from samenspel.sharing.policy import Action

# --- Stage, phase, tracks ---------------------------------------------------------------------


def _transition_choices(case: Case, dimension: Dimension) -> list[tuple[str, str]]:
    framework = _framework(case)
    current = case.stage if dimension == Dimension.STAGE else case.phase
    choices = []
    for t in services.allowed_transitions(case.framework_version, current):
        target = framework.stages.get(t.to_id)
        if dimension == Dimension.STAGE and target is not None and target.closes_case:
            continue  # closing has its own form, with the aftercare period
        label = f"{_named(framework, t.to_id)}. {_('Voorwaarde')}: {t.criteria}"
        if t.uncertain:
            label += " " + _("(onzeker, GK?: controleren)")
        choices.append((t.to_id, label))
    return choices


def _transition(request: HttpRequest, case_uuid: uuid.UUID, dimension: Dimension) -> HttpResponse:
    me = request_user(request)
    case = _case(request, case_uuid, Action.MANAGE)
    choices = _transition_choices(case, dimension)
    conflict = False
    if request.method == "POST":
        form = TransitionForm(request.POST, choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            change = (
                services.change_stage if dimension == Dimension.STAGE else services.change_phase
            )
            try:
                change(
                    case,
                    to=data["to"],
                    reason=data["reason"],
                    expected_version=data["version"],
                    by=me,
                )
            except StaleEdit:
                _record_conflict(me, case, "case")
                case = selectors.get_case_for(me, case.uuid, Action.MANAGE, record_read=False)
                choices = _transition_choices(case, dimension)
                form = TransitionForm(choices=choices, initial={"version": case.version})
                conflict = True
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("De casus is bijgewerkt."))
                return redirect("cases:detail", case_uuid=case.uuid)
    else:
        form = TransitionForm(choices=choices, initial={"version": case.version})
    is_stage = dimension == Dimension.STAGE
    return _page(
        request,
        "cases/transition.html",
        case,
        {
            "form": form,
            "is_stage": is_stage,
            "title": _("Processtap wijzigen") if is_stage else _("Fase wijzigen"),
            "choices": choices,
            "is_open": case.status == CaseStatus.OPEN,
            "conflict": _stale_message() if conflict else "",
        },
        status=409 if conflict else _form_status(form),
    )


def stage(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Move the case to another process stage the framework allows."""
    return _transition(request, case_uuid, Dimension.STAGE)


def phase(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Record another phase the framework allows."""
    return _transition(request, case_uuid, Dimension.PHASE)


def _case_form(
    request: HttpRequest,
    case_uuid: uuid.UUID,
    *,
    make_form: Callable[[Any, Case], Any],
    apply: Callable[[Case, dict[str, Any], User], object],
    title: str,
    submit: str,
    done: str,
) -> HttpResponse:
    """Show and handle one versioned change of a case on the plain case form page.

    `make_form(data, case)` builds the form (unbound when `data` is None); `apply` calls the
    service. A stale version shows the current state again with the conflict message (409).
    """
    me = request_user(request)
    case = _case(request, case_uuid, Action.MANAGE)
    conflict = False
    form = make_form(request.POST if request.method == "POST" else None, case)
    if request.method == "POST" and form.is_valid():
        try:
            apply(case, form.cleaned_data, me)
        except StaleEdit:
            _record_conflict(me, case, "case")
            case = selectors.get_case_for(me, case.uuid, Action.MANAGE, record_read=False)
            form, conflict = make_form(None, case), True
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, done)
            return redirect("cases:detail", case_uuid=case.uuid)
    return _page(
        request,
        "cases/case_form.html",
        case,
        {
            "form": form,
            "title": title,
            "submit": submit,
            "conflict": _stale_message() if conflict else "",
        },
        status=409 if conflict else _form_status(form),
    )


def tracks(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Set the parallel tracks of the case."""

    def make_form(data: Any, case: Case) -> TracksForm:
        choices = [(t.id, t.label) for t in _framework(case).tracks]
        initial = {"tracks": case.tracks, "version": case.version}
        return TracksForm(data, choices=choices, initial=initial)

    return _case_form(
        request,
        case_uuid,
        make_form=make_form,
        apply=lambda case, data, me: services.set_tracks(
            case,
            tracks=data["tracks"],
            reason=data["reason"],
            expected_version=data["version"],
            by=me,
        ),
        title=_("Sporen wijzigen"),
        submit=_("Sporen opslaan"),
        done=_("De sporen zijn gewijzigd."),
    )


# --- Closing and reopening --------------------------------------------------------------------


def close(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Close the case, with an optional aftercare period."""
    return _case_form(
        request,
        case_uuid,
        make_form=lambda data, case: CloseForm(data, initial={"version": case.version}),
        apply=lambda case, data, me: services.close_case(
            case,
            reason=data["reason"],
            aftercare_until=data["aftercare_until"],
            expected_version=data["version"],
            by=me,
        ),
        title=_("Casus sluiten"),
        submit=_("Casus sluiten"),
        done=_("De casus is gesloten."),
    )


def reopen(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Reopen a closed case (back to the plan stage)."""
    return _case_form(
        request,
        case_uuid,
        make_form=lambda data, case: ReasonForm(data, initial={"version": case.version}),
        apply=lambda case, data, me: services.reopen_case(
            case, reason=data["reason"], expected_version=data["version"], by=me
        ),
        title=_("Casus heropenen"),
        submit=_("Casus heropenen"),
        done=_("De casus is heropend."),
    )
