"""Request context, session lifetime, the mandatory second factor, body limits, NUL-free input."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.selectors import is_verified
from samenspel.audit.context import RequestContext, bound
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.lib import problems
from samenspel.lib.jsonlimits import nests_deeper_than
from samenspel.web.paths import PROBE_PATHS

logger = logging.getLogger(__name__)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
LOGIN_AT = "samenspel_login_at"

Handler = Callable[[HttpRequest], HttpResponse]


class RequestContextMiddleware:
    """Give every request an id and bind it, with the client address, to the audit log."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else secrets.token_hex(16)
        request.request_id = request_id  # type: ignore[attr-defined]
        client = request.META.get("REMOTE_ADDR", "")[:45]
        with bound(RequestContext(request_id=request_id, client_address=client)):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class SessionLifetimeMiddleware:
    """End sessions past their absolute lifetime; tell the user when a session expired."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in PROBE_PATHS:
            return self.get_response(request)  # probes carry no session and read none
        api = request.path.startswith("/api/")
        if api and "authorization" in request.headers:
            return self.get_response(request)  # a call with a key: its cookies are not read
        user = request.user
        if user.is_authenticated:
            login_at = request.session.get(LOGIN_AT)
            max_age = settings.SESSION_ABSOLUTE_HOURS * 3600
            if not isinstance(login_at, int | float) or time.time() - login_at > max_age:
                audit.record(
                    Event.SESSION_EXPIRED,
                    by=user,
                    obj=user,
                    purpose=Purpose.AUTHENTICATION,
                    reason="absolute",
                )
                logout(request)
                # The API answers 401 itself; a page sends the person to the login.
                return self.get_response(request) if api else self._to_login(request)
        elif (
            not api
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and not request.session.keys()
            and request.path != reverse("web:login")
            and not request.path.startswith(settings.STATIC_URL)
        ):
            # The browser still holds a session cookie the server no longer knows: it expired
            # (idle), or it was ended by logout elsewhere or by disabling the account.
            audit.record(
                Event.SESSION_EXPIRED,
                by=None,
                purpose=Purpose.AUTHENTICATION,
                outcome=Outcome.FAILURE,
                reason="unknown_session",
            )
            response = self._to_login(request)
            response.delete_cookie(settings.SESSION_COOKIE_NAME)
            return response
        return self.get_response(request)

    @staticmethod
    def _to_login(request: HttpRequest) -> HttpResponse:
        messages.warning(request, _("Uw sessie is verlopen. Log opnieuw in."))
        return HttpResponseRedirect(reverse("web:login"))


# Paths a user may reach before the second factor is verified.
_OPEN_PREFIXES = ("/static/", "/inloggen/", "/uitloggen/", "/taal/", "/oidc/", "/api/")


class RequireVerifiedLoginMiddleware:
    """Deny everything but the login pages until the second factor is verified."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(_OPEN_PREFIXES) or request.path in PROBE_PATHS:
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("web:login"))
        if not is_verified(user):
            return HttpResponseRedirect(reverse("web:mfa"))
        return self.get_response(request)


class NoStoreMiddleware:
    """Keep pages out of browser and proxy caches: they may show protected data."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response


def _has_nul(value: object) -> bool:
    """Tell whether any text in a parsed JSON value holds NUL; iterative, not recursive."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class LimitJsonBodyMiddleware:
    """Refuse API bodies that are too large or nest too deeply, before anything parses them.

    A body of a few hundred nested brackets would otherwise reach code that recurses (a
    parser, a validator) and end in a 500. Size: SAMENSPEL_MAX_REQUEST_BYTES (413). Depth:
    SAMENSPEL_MAX_JSON_DEPTH (400). Each refusal is one warning line in the log. Multipart
    bodies (files) have their own limits.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") or request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        if request.content_type == "multipart/form-data":
            return self.get_response(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return self._refuse(request, 413, _too_large(limit), f"{declared} bytes")
        try:
            body = request.body
        except RequestDataTooBig:  # Django's own check of the length, should it differ
            return self._refuse(request, 413, _too_large(limit), "over the limit")
        depth = settings.MAX_JSON_DEPTH
        if nests_deeper_than(body, depth):
            message = _("De gegevens zijn te diep genest: hoogstens %(depth)d niveaus.") % {
                "depth": depth
            }
            return self._refuse(request, 400, message, f"nested deeper than {depth}")
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, status: int, message: str, why: str) -> HttpResponse:
        logger.warning("refused the body of %s %s: %s", request.method, request.path, why)
        _record_refusal(status, "body")
        response = problems.response(status, detail=message)
        response._has_been_logged = True  # type: ignore[attr-defined]  # one line, ours
        return response


def _record_refusal(status: int, part: str) -> None:
    """Audit an API request refused before it reached the API (no actor: none is read yet)."""
    _record_api_refusal(Event.BAD_REQUEST, status=status, part=part, api=True)


def _record_api_refusal(event: Event, **details: Any) -> None:
    try:
        audit.record(event, by=None, purpose=Purpose.SECURITY, outcome=Outcome.DENIED, **details)
    except Exception:  # pragma: no cover - the answer must not depend on the log
        logger.exception("could not write the audit record for a refused API request")


def _too_large(limit: int) -> str:
    return _("De gegevens zijn te groot: hoogstens %(bytes)d bytes.") % {"bytes": limit}


class RefuseNulMiddleware:
    """Refuse NUL characters in query strings and JSON bodies: a clear 4xx, never a 500.

    No field of Samenspel may hold one: PostgreSQL cannot store NUL in text, and nobody types
    it. Form fields refuse it one by one (Django's ProhibitNullCharactersValidator); this
    covers what no form reads: query strings of every page and the JSON bodies of the API,
    which answers 422 with the fields named. File uploads are not looked at.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = [key for key, values in request.GET.lists() if _has_nul(key) or _has_nul(values)]
        if request.path.startswith("/api/"):
            if not bad and request.content_type == "application/json" and request.body:
                try:
                    data = json.loads(request.body)
                except ValueError:
                    data = None  # the API answers unreadable JSON itself
                if isinstance(data, dict):
                    bad = [str(k) for k, v in data.items() if _has_nul(k) or _has_nul(v)]
                elif _has_nul(data):
                    bad = ["__all__"]
            if bad:
                message = _("Dit veld mag geen nul-tekens bevatten.")
                _record_refusal(422, "nul")
                return problems.response(422, errors={field: [message] for field in bad})
        elif bad:
            from samenspel.web.errors import bad_request

            return bad_request(request)
        return self.get_response(request)


class ApiProblemMiddleware:
    """Under /api/, turn every error answer that is not yet a problem into one (RFC 9457).

    The API's own handlers answer problems; this catches what comes from below it: a method
    the path does not take (405, audited, with its Allow header), and anything else a
    middleware or Django answers with a page. Its Dutch sentence is the status's default.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith("/api/")
            or response.status_code < 400
            or problems.is_problem(response)
        ):
            return response
        status = response.status_code
        if status == 405:
            _record_method_not_allowed(request)
        headers = {name: response[name] for name in ("Allow", "Retry-After") if name in response}
        return problems.response(status, headers=headers)


def _record_method_not_allowed(request: HttpRequest) -> None:
    method = request.method or ""
    _record_api_refusal(
        Event.METHOD_NOT_ALLOWED, method=method if re.fullmatch(r"[A-Z]{1,16}", method) else "other"
    )


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Dutch for every visitor; English is a choice, remembered in a cookie.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a browser set to
    English got the English interface unasked. Pages read only the language cookie (set by
    the language button, /taal/); the API still follows Accept-Language, as clients expect.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        header = request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        try:
            super().process_request(request)
        finally:
            if header is not None:
                request.META["HTTP_ACCEPT_LANGUAGE"] = header
