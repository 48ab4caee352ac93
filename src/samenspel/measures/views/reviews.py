"""Objection and appeal against a measure's decision, and where its preparation stands.

Forms of the measure page (views/measure.py shows them): each posts here, changes through one
service and goes back to the page, or shows the page again with the service's message at the
field and changes nothing. A late objection without the reason for the delay is refused at
`late_reason` (the service audits the refusal); a double submit files a review once.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenspel.accounts.selectors import request_user
from samenspel.measures import selectors, services
from samenspel.measures.forms import MoveForm, ReviewForm, ReviewOutcomeForm
from samenspel.measures.views.measure import _again, _back, _post, _service_errors


@require_POST
def move(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """Record that the measure was requested from its authority, or that a decision is intended."""
    return _post(
        request,
        measure_uuid,
        "move_form",
        MoveForm,
        lambda m, d, me: services.move_measure(m, to=d["to"], by=me),
        done=_("De stand van de voorbereiding is vastgelegd."),
        anchor="status",
    )


@require_POST
def review_file(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """Record an objection or appeal; after its term only with the reason for the delay."""
    return _post(
        request,
        measure_uuid,
        "review_form",
        ReviewForm,
        lambda m, d, me: services.file_review(
            m,
            kind=d["kind"],
            notified_on=d["notified_on"],
            filed_on=d["filed_on"],
            grounds=d["grounds"],
            late_reason=d["late_reason"] or "",
            submission_key=d["submission_key"] or "",
            by=me,
        ),
        done=_("Het bezwaar of beroep is vastgelegd."),
        anchor="bezwaar-en-beroep",
    )


@require_POST
def review_decide(
    request: HttpRequest, measure_uuid: uuid.UUID, review_uuid: uuid.UUID
) -> HttpResponse:
    """Record the outcome of an objection or appeal; an annulling one annuls the measure."""
    me = request_user(request)
    measure = selectors.get_measure(me, measure_uuid)
    review = selectors.get_review_for(me, measure, review_uuid)
    form = ReviewOutcomeForm(request.POST, prefix=f"u-{review.uuid}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            decided = services.decide_review(
                review,
                outcome=data["outcome"],
                outcome_on=data["outcome_on"],
                outcome_text=data["outcome_text"],
                annuls=data["annuls"],
                by=me,
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(
                request,
                _("De uitkomst is vastgelegd. Het besluit is vernietigd.")
                if decided.annuls
                else _("De uitkomst is vastgelegd."),
            )
            return _back(measure, "status" if decided.annuls else "bezwaar-en-beroep")
    return _again(request, measure, {f"outcome-{review.uuid}": form}, status=400)
