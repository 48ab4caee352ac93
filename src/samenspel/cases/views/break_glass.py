"""Break-the-glass pages: the emergency-access form, and the privacy officer's review queue."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samenspel import audit
from samenspel.accounts.models import User
from samenspel.accounts.selectors import request_user
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.cases import selectors, services
from samenspel.cases.forms import BreakGlassForm, BreakGlassReviewForm
from samenspel.cases.models import BreakGlass
from samenspel.cases.services.break_glass import PART_CASE
from samenspel.cases.views._common import _form_status
from samenspel.lib.errors import DecisionConflict
from samenspel.sharing.policy import require


def break_glass(request: HttpRequest) -> HttpResponse:
    """Open a case you may be on but are not, in an emergency, for a while and with a reason."""
    me = request_user(request)
    require(me, "case.break_glass")
    municipalities = {str(o.uuid): o for o in selectors.break_glass_municipalities(me)}
    options = [(key, o.name) for key, o in municipalities.items()]
    uses: list[BreakGlass] = []
    if request.method == "POST":
        form = BreakGlassForm(request.POST, municipalities=options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                use = services.break_glass(
                    data["reference"],
                    municipalities.get(data["municipality"]),
                    reason=data["reason"],
                    part=data["part"] or PART_CASE,
                    submission_key=data["submission_key"],
                    by=me,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.warning(
                    request,
                    _(
                        "U hebt noodtoegang tot casus %(reference)s tot %(time)s. De "
                        "functionaris gegevensbescherming is ingelicht en beoordeelt dit."
                    )
                    % {
                        "reference": use.case.reference,
                        "time": timezone.localtime(use.expires_at).strftime("%H:%M"),
                    },
                )
                return redirect("cases:detail", case_uuid=use.case.uuid)
    else:
        # A new key per form: a double submit of this form opens the glass once.
        form = BreakGlassForm(
            municipalities=options,
            initial={"part": PART_CASE, "submission_key": uuid.uuid4().hex},
        )
        # The user's own earlier uses, with their review; the read is audited.
        uses = selectors.break_glass_queue(me)
    return render(
        request,
        "cases/break_glass.html",
        {"form": form, "uses": uses},
        status=_form_status(form),
    )


@require_safe
def break_glass_queue(request: HttpRequest) -> HttpResponse:
    """Show the privacy officer every use of break-the-glass to review, and the figures."""
    me = request_user(request)
    return _queue(request, me)


def _queue(
    request: HttpRequest,
    me: User,
    *,
    bound: tuple[uuid.UUID, BreakGlassReviewForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    require(me, "break_glass.review_queue")
    rows = selectors.break_glass_queue(me)
    reviewable = selectors.break_glass_reviewable(me, [r.uuid for r in rows if r.pending])
    items: list[dict[str, Any]] = []
    for row in rows:
        form = None
        if row.uuid in reviewable:
            form = bound[1] if bound and bound[0] == row.uuid else BreakGlassReviewForm()
            form.prefix = f"r{row.uuid.hex[:8]}"
        items.append({"use": row, "form": form})
    return render(
        request,
        "cases/break_glass_queue.html",
        {
            "items": items,
            "pending": sum(1 for r in rows if r.pending),
            "figures": selectors.break_glass_figures(me),
        },
        status=status,
    )


@require_POST
def break_glass_review(request: HttpRequest, use_uuid: uuid.UUID) -> HttpResponse:
    """Record the privacy officer's review of one use: in order, or not (with why)."""
    me = request_user(request)
    use = selectors.get_break_glass_for(me, use_uuid)
    form = BreakGlassReviewForm(request.POST, prefix=f"r{use.uuid.hex[:8]}")
    if form.is_valid():
        try:
            services.review_break_glass(
                use,
                outcome=form.cleaned_data["outcome"],
                comment=form.cleaned_data["comment"],
                by=me,
            )
        except DecisionConflict as exc:
            audit.record(
                Event.DECISION_CONFLICT,
                by=me,
                obj=use,
                purpose=Purpose.AUDIT_REVIEW,
                outcome=Outcome.DENIED,
            )
            messages.error(request, exc.messages[0])
            return redirect("cases:break_glass_queue")
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Uw beoordeling is vastgelegd."))
            return redirect(reverse("cases:break_glass_queue") + f"#noodtoegang-{use.uuid}")
    return _queue(request, me, bound=(use.uuid, form), status=_form_status(form))
