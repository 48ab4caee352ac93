"""A case's measures by ground, with the form to propose one, and the terms calendar."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samenspel.accounts.models import User
from samenspel.accounts.selectors import request_user
from samenspel.cases import selectors as case_selectors
from samenspel.cases.models import Case, CaseStatus
from samenspel.measures import selectors, services
from samenspel.measures.forms import ProposeForm
from samenspel.sharing.policy import allowed


@require_safe
def case_measures(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Show the case's measures the reader may see, by ground, and the form to propose one."""
    me = request_user(request)
    # The list's read is audited by grounds_of_case, with the case as its object.
    case = case_selectors.get_case_for(me, case_uuid, record_read=False)
    return _case_measures_page(request, me, case, None)


def _case_measures_page(
    request: HttpRequest, me: User, case: Case, form: ProposeForm | None, status: int = 200
) -> HttpResponse:
    grounds = selectors.grounds_of_case(me, case)
    is_open = case.status != CaseStatus.CLOSED
    may_propose = is_open and allowed(me, "measure.propose", on=case)
    if may_propose and form is None:
        form = ProposeForm(
            measures=selectors.measure_choices(case),
            initial={"submission_key": uuid.uuid4().hex},
        )
    return render(
        request,
        "measures/case_measures.html",
        {
            "case": case,
            # Seen by break-the-glass: the page says so, and until when.
            "break_glass": case_selectors.active_break_glass(me, case),
            "grounds": grounds,
            "form": form if may_propose or (form is not None and form.errors) else None,
            "is_open": is_open,
        },
        status=status,
    )


@require_POST
def propose(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Propose a measure; a double submit (the same submission key) proposes it once."""
    me = request_user(request)
    case = case_selectors.get_case_for(me, case_uuid, record_read=False)
    form = ProposeForm(request.POST, measures=selectors.measure_choices(case))
    if form.is_valid():
        data = form.cleaned_data
        try:
            measure = services.propose_measure(
                case,
                measure=data["measure"],
                reason=data["reason"],
                submission_key=data["submission_key"] or "",
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("De maatregel is voorgesteld. Wie erover besluit, krijgt bericht.")
                if not measure.external
                else _("De maatregel is voorgesteld. Het besluit valt buiten Samenspel."),
            )
            return redirect("measures:detail", measure_uuid=measure.uuid)
    return _case_measures_page(request, me, case, form, status=400)


@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    """Show the running measures whose term ends within 30 days, the earliest first."""
    me = request_user(request)
    rows = selectors.terms_calendar(me)
    return render(
        request,
        "measures/calendar.html",
        {
            "rows": rows,
            "days": selectors.CALENDAR_DAYS,
            "today": timezone.localdate(),
            "may_designate": allowed(me, "designation.manage", within=me.organisation),
        },
    )
