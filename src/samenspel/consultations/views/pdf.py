"""A meeting's agenda and minutes as tagged PDFs, one per reader's organisation.

A PDF takes case data out of Samenspel: it reads through the same policy as the meeting page
(an item that is not the reader's prints as "Casus N (niet voor u)"; a meeting the reader may
not see is a 404) and is audited as an export. Who made it, when, and its export number are
printed on every page; the audit record holds the same number.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from samenspel.accounts.selectors import request_user
from samenspel.consultations import selectors
from samenspel.frameworks.pdf import render_pdf


def _pdf(request: HttpRequest, export: selectors.MeetingExport, template: str) -> bytes:
    html = render_to_string(
        template,
        {"export": export, "meeting": export.meeting, "made_by": request_user(request)},
        request=request,
    )
    return render_pdf(html, base_url=request.build_absolute_uri("/"))


def _response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def meeting_agenda_pdf(request: HttpRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    """Return the agenda of a meeting as the reader's organisation may see it, as a PDF."""
    me = request_user(request)
    export = selectors.meeting_export(me, meeting_uuid, kind=selectors.AGENDA)
    pdf = _pdf(request, export, "consultations/pdf/agenda.html")
    # The export is recorded once the PDF exists; its number ties the PDF to the record.
    selectors.record_meeting_export(me, export)
    day = timezone.localtime(export.meeting.starts_at).date().isoformat()
    return _response(pdf, f"agenda-{day}-{export.number}.pdf")


@require_safe
def meeting_minutes_pdf(
    request: HttpRequest, meeting_uuid: uuid.UUID, minutes_number: int | None = None
) -> HttpResponse:
    """Return a version of the minutes (the newest by default) for the reader, as a PDF."""
    me = request_user(request)
    export = selectors.meeting_export(
        me, meeting_uuid, kind=selectors.MINUTES, minutes_number=minutes_number
    )
    pdf = _pdf(request, export, "consultations/pdf/minutes.html")
    selectors.record_meeting_export(me, export)
    day = timezone.localtime(export.meeting.starts_at).date().isoformat()
    return _response(pdf, f"verslag-{day}-{export.number}.pdf")
