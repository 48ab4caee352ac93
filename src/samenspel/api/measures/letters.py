"""The route of a measure's decision letter as PDF: the same letter, rule and audit as the page."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest

from samenspel.api.auth import me
from samenspel.api.measures.endpoints import router
from samenspel.measures.views.letter import letter_response

# A binary answer has no response schema: its content type is declared here.
_PDF = {
    "responses": {
        200: {
            "description": "The decision letter, a tagged PDF (PDF/UA-1).",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get("/{measure_uuid}/letter.pdf", openapi_extra=_PDF)
def measure_letter(request: HttpRequest, measure_uuid: UUID) -> Any:
    """Return the decision letter of a measure decided in Samenspel (decided, in force, ended or
    annulled) as a PDF: the decision, its legal basis, the reasons, the term and the way to
    object with its last day. Its export number is printed on every page and audited as
    `MEASURE_LETTER_EXPORTED`. An AIVD summary is named, never quoted. 403 when you see the
    measure but may not make its letter (not a reader of its dossier, no decision yet, or a
    decision taken outside Samenspel)."""
    return letter_response(request, me(request), measure_uuid, api=True)
