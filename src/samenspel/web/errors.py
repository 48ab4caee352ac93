"""Dutch error pages that also write an audit record; none of them can fail loudly."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.lib import problems
from samenspel.lib.unavailable import is_unavailable
from samenspel.sharing.policy import Denied

logger = logging.getLogger(__name__)


def _actor(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _safe_record(request: HttpRequest, event: Event, **kwargs: Any) -> None:
    """Record the error; an error page must still render if the log cannot be written."""
    try:
        audit.record(event, by=_actor(request), purpose=Purpose.SECURITY, **kwargs)
    except Exception:  # pragma: no cover - the log being down is itself reported by logging
        logger.exception("could not write the audit record for an error page")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if _is_api(request):  # a program asked: the same answer as JSON problem details
        return problems.response(status)
    return render(
        request,
        "web/error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    _safe_record(
        request,
        Event.BAD_REQUEST,
        outcome=Outcome.DENIED,
        kind=type(exception).__name__ if exception else "unknown",
    )
    return _page(
        request,
        400,
        _("Dit verzoek kunnen we niet verwerken"),
        _(
            "Het verzoek was ongeldig of te groot. Ga terug, controleer wat u invulde en "
            "probeer het opnieuw. Er is niets opgeslagen."
        ),
    )


def record_permission_denied(request: HttpRequest) -> None:
    _safe_record(request, Event.PERMISSION_DENIED, outcome=Outcome.DENIED, path=_path_id(request))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    record_permission_denied(request)
    return _page(
        request,
        403,
        _("Dit mag u niet doen"),
        _(
            "U hebt geen toestemming voor deze handeling. Neem contact op met uw beheerder "
            "als u denkt dat dit niet klopt."
        ),
    )


def record_not_found(request: HttpRequest, exception: Exception | None = None) -> None:
    """Audit a 404: a denied object by its type and id, anything else by its path."""
    if isinstance(exception, Denied) and exception.exists:
        _safe_record(
            request,
            Event.ACCESS_DENIED,
            outcome=Outcome.DENIED,
            object_type=exception.object_type,
            object_id=exception.object_id,
        )
    else:
        _safe_record(request, Event.NOT_FOUND, outcome=Outcome.DENIED, path=_path_id(request))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    record_not_found(request, exception)
    return _page(
        request,
        404,
        _("Pagina niet gevonden"),
        _(
            "Deze pagina bestaat niet, of u hebt er geen toegang toe. Controleer het adres "
            "of ga naar de startpagina."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    from samenspel.web import health

    error = sys.exc_info()[1]
    if error is not None and is_unavailable(error):
        # Raised outside a view (a middleware reading the session): the database is gone or
        # read-only, so a 503 that asks to try again, and no audit record (it cannot be kept).
        return health.unavailable(request, error)
    _safe_record(request, Event.SERVER_ERROR, outcome=Outcome.FAILURE)
    try:
        return _page(
            request,
            500,
            _("Er ging iets mis"),
            _(
                "Er ging iets mis aan onze kant. Wat u net deed is niet opgeslagen. Probeer het "
                "over een paar minuten opnieuw. Blijft het misgaan, neem dan contact op met uw "
                "beheerder en noem het verzoeknummer."
            ),
        )
    except Exception:  # pragma: no cover - last resort without templates
        return HttpResponse(
            "<!doctype html><html lang=nl><title>Fout</title><h1>Er ging iets mis</h1>",
            status=500,
        )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    _safe_record(request, Event.CSRF_FAILED, outcome=Outcome.DENIED)
    return _page(
        request,
        403,
        _("Het formulier is verlopen"),
        _(
            "Het formulier was te oud of kwam niet van deze website. Er is niets opgeslagen. "
            "Ga terug, vernieuw de pagina en probeer het opnieuw."
        ),
    )


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Answer a login that django-axes blocked after too many failures."""
    from django.conf import settings

    _safe_record(request, Event.LOGIN_LOCKED_OUT, outcome=Outcome.DENIED)
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return _page(
        request,
        429,
        _("Te veel pogingen"),
        _(
            "Er is te vaak een verkeerde gebruikersnaam of wachtwoord ingevuld. Inloggen is "
            "daarom %(minutes)d minuten geblokkeerd. Probeer het daarna opnieuw, of neem contact "
            "op met uw functioneel beheerder."
        )
        % {"minutes": minutes},
    )


def _path_id(request: HttpRequest) -> str:
    """Return the path as an identifier-safe value: ASCII letters, digits and "/._-" kept,
    every other character (a space, an accented or non-Latin letter, an emoji) one "_".

    Never refused: every request is audited, whatever its path holds.
    """
    path = request.path[:100]
    return "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "/._-" else "_" for ch in path)
