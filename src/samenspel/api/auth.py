"""How API calls authenticate (a verified session or a personal API key) and edit safely.

Edits use optimistic concurrency over HTTP: a GET of one object answers its version as an
`ETag`; an edit sends it back in `If-Match`. A missing If-Match is refused with 428, a stale
one with 412, and nothing is saved.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from samenspel.accounts import services as accounts
from samenspel.accounts.models import User
from samenspel.accounts.selectors import is_verified


class VerifiedSession(SessionAuth):
    """A logged-in session whose second factor is verified; unsafe methods need CSRF.

    Tried only when the call carries no `Authorization` header: a call with a key is decided
    by the key alone, whatever cookies come with it. Without a logged-in session there is
    nothing to protect from CSRF, so the answer is 401, not a CSRF refusal.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if _session_user(request) is None:
            return None  # nothing to protect from CSRF: the answer is 401
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _session_user(request)


def _session_user(request: HttpRequest) -> User | None:
    """The verified user of the session, unless the call carries a key (then only it counts)."""
    if "authorization" in request.headers:
        return None
    user = request.user
    if isinstance(user, User) and user.is_active and is_verified(user):
        return user
    return None


class ApiKey(HttpBearer):
    """`Authorization: Bearer ssp_…`: a personal API key that acts as its user.

    The key has exactly its user's rights. A revoked or expired key, or the key of a
    disabled user, stops working at once. Calls with a key need no CSRF token: no browser
    sends the header by itself.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = accounts.authenticate_api_token(token.strip())
        if user is None:
            return None
        # Error pages and the audit of a denied object read the actor from request.user.
        request.user = user
        request.api_via = "token"  # type: ignore[attr-defined]
        return user


def me(request: HttpRequest) -> User:
    """Return the user the call acts for."""
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):  # pragma: no cover - the API's auth guarantees it
        raise HttpError(401, "Niet ingelogd.")
    return user


# --- Versions: ETag and If-Match ---------------------------------------------------------------


class MissingIfMatchError(Exception):
    """An edit came without If-Match."""


_VERSION = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


def set_etag(response: HttpResponse, obj: Any) -> None:
    """Answer the object's version as its ETag."""
    response["ETag"] = f'"{obj.version}"'


def expected_version(request: HttpRequest, obj: Any) -> int:
    """Return the version the caller saw, from If-Match; refuse an edit without one."""
    request.edit_object = obj  # type: ignore[attr-defined]  # for the audit of a conflict
    raw = request.headers.get("If-Match", "").strip()
    match = _VERSION.fullmatch(raw)
    if match is None:
        raise MissingIfMatchError
    return int(match.group(1))


def idempotency_key(request: HttpRequest) -> str:
    """Return the Idempotency-Key header; refuse a submission without one."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 64:
        raise HttpError(400, "Stuur een Idempotency-Key mee (ten hoogste 64 tekens).")
    return key
