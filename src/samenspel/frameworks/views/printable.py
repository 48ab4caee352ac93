"""The course of action for a stage or phase, as a page to print and as a tagged PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from samenspel.accounts.selectors import request_user
from samenspel.frameworks import selectors
from samenspel.frameworks.pdf import render_pdf
from samenspel.frameworks.views.common import (
    course_context,
    marked,
    organisation_type_for,
    require_frame,
)


def _context(request: HttpRequest, scope_id: str) -> dict[str, Any]:
    me = request_user(request)
    frame = require_frame(request, me, "stages", scope_id)
    section = "phases" if scope_id.startswith("PH-") else "stages"
    scope = selectors.get_row_for(me, frame.version, section, scope_id)
    organisation_type, form = organisation_type_for(request, me)
    return {
        "frame": frame,
        "version": frame.version,
        "vq": frame.query,
        "scope": marked(scope.data),
        "course": course_context(frame, scope_id, organisation_type),
        "form": form,
        "made_on": timezone.localdate(),
    }


@require_safe
def course(request: HttpRequest, scope_id: str) -> HttpResponse:
    """Show the course of action for a stage or phase and an organisation type, to print."""
    context = _context(request, scope_id)
    query = request.GET.copy()
    query["organisatie"] = context["course"]["organisation_type"]
    return render(request, "frameworks/course.html", {**context, "pdf_query": query.urlencode()})


@require_safe
def course_pdf(request: HttpRequest, scope_id: str) -> HttpResponse:
    """Return the course of action as a tagged PDF (PDF/UA-1) with version, date and pages."""
    context = _context(request, scope_id)
    html = render_to_string("frameworks/course_pdf.html", context, request=request)
    pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"handelingsperspectief-{scope_id}-{context['course']['organisation_type']}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
