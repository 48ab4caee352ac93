"""Every API error in one shape: RFC 9457 problem details, `application/problem+json`.

    {"type": "about:blank", "title": "Unprocessable Content", "status": 422,
     "code": "invalid", "detail": "Niet alle velden zijn goed ingevuld.",
     "errors": {"reason": ["Vul een reden in."]}}

`title` is the HTTP status phrase (so `type` stays `about:blank`, as RFC 9457 allows); `code`
names the problem for a program; `detail` is a Dutch sentence for a person; `errors` holds the
messages per field where the input was refused. Some problems carry one more member, named in
`docs/api.md` (`current_version` on 412, `current_status` on 409).

In lib, below the API and the web shell: the error pages use it for paths under /api/.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.http import HttpResponse
from ninja import Schema

CONTENT_TYPE = "application/problem+json"

# The Dutch sentence for a status when nothing more specific is known.
_DEFAULT_DETAIL = {
    400: "Het verzoek is niet goed opgebouwd.",
    401: "Stuur een geldige API-sleutel mee: Authorization: Bearer ssp_…",
    403: "Dit mag u niet doen.",
    404: "Niet gevonden.",
    405: "Deze methode kan hier niet.",
    406: "Dit antwoord bestaat alleen als JSON.",
    409: "Iemand anders was u voor. Er is niets gewijzigd.",
    412: "Iemand anders heeft dit intussen gewijzigd. Er is niets opgeslagen.",
    413: "Het verzoek is te groot.",
    415: "Stuur de gegevens als JSON.",
    422: "Niet alle velden zijn goed ingevuld.",
    428: "Stuur de versie die u wijzigt mee in If-Match (de ETag van het object).",
    429: "Te veel verzoeken. Probeer het straks opnieuw.",
    500: "Er ging iets mis bij ons. Er is niets opgeslagen; probeer het later opnieuw.",
    503: "Samenspel is tijdelijk niet beschikbaar. Probeer het over enkele minuten opnieuw.",
}
_DEFAULT_CODE = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "stale_version",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    428: "if_match_required",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}


class ProblemOut(Schema):
    """An error answer (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    code: str
    detail: str
    errors: dict[str, list[str]] | None = None


class StaleProblemOut(ProblemOut):
    """412: the object changed since the version in If-Match."""

    current_version: int


class ConflictProblemOut(ProblemOut):
    """409: another decision on the object came first."""

    current_status: str


def body(
    status: int,
    *,
    code: str | None = None,
    detail: str | None = None,
    errors: dict[str, list[str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Return the members of a problem for `status`."""
    content: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "code": code or _DEFAULT_CODE.get(status, "error"),
        "detail": detail or _DEFAULT_DETAIL.get(status, HTTPStatus(status).phrase),
    }
    if errors:
        content["errors"] = errors
    content.update(extra)
    return content


def response(
    status: int,
    *,
    code: str | None = None,
    detail: str | None = None,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    """Return a problem as an HTTP response."""
    answer = HttpResponse(
        json.dumps(body(status, code=code, detail=detail, errors=errors, **extra)),
        status=status,
        content_type=CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        answer[name] = value
    return answer


def is_problem(answer: HttpResponse) -> bool:
    return str(answer.get("Content-Type", "")).startswith(CONTENT_TYPE)
