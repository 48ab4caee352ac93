"""A measure's decision letter (besluitbrief) as a tagged PDF, for the page and the API.

The letter takes a decision out of Samenspel, to the person it concerns: it reads through the
same policy as the measure page (`selectors.letter_of`: a measure the user may not see is a
404, a letter the user may not make a 403) and is audited as an export once the PDF exists.
Its export number is part of its kenmerk and printed on every page; the audit record holds the
same number, so a copy can be traced.
"""

from __future__ import annotations

import re
import secrets
import uuid

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from samenspel.accounts.models import User
from samenspel.accounts.selectors import request_user
from samenspel.frameworks.pdf import render_pdf
from samenspel.measures import selectors

_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def letter_response(
    request: HttpRequest, user: User, measure_uuid: uuid.UUID, *, api: bool = False
) -> HttpResponse:
    """Return the decision letter of a measure as a PDF download, and audit it."""
    letter = selectors.letter_of(user, measure_uuid, export=secrets.token_hex(6))
    # Rendered without the request: the letter needs no context of the page (menus, messages).
    html = render_to_string("measures/letter_pdf.html", {"letter": letter, "made_by": user})
    pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    selectors.record_letter_export(user, letter, api=api)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = _FILENAME_UNSAFE.sub("-", f"besluitbrief-{letter.measure.case.reference}")
    response["Content-Disposition"] = f'attachment; filename="{name}-{letter.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def letter(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """Return the decision letter of a decided measure as a tagged PDF."""
    return letter_response(request, request_user(request), measure_uuid)
