"""The JSON API (OpenAPI): setup, authentication, error answers, and the administration reads."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from samenspel import audit
from samenspel.accounts import selectors
from samenspel.accounts.models import User
from samenspel.api.auth import ApiKey, MissingIfMatchError, VerifiedSession
from samenspel.api.break_glass import router as break_glass_router
from samenspel.api.capacity import router as capacity_router
from samenspel.api.cases import router as cases_router
from samenspel.api.consultations import router as consultations_router
from samenspel.api.frameworks import router as frameworks_router
from samenspel.api.information import case_router as case_information_router
from samenspel.api.information import router as information_router
from samenspel.api.intake import router as intake_router
from samenspel.api.intake import triage_router
from samenspel.api.measures import case_router as case_measures_router
from samenspel.api.measures import router as measures_router
from samenspel.api.openapi import DocumentedAPI
from samenspel.api.transfers import router as transfers_router
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.lib import problems
from samenspel.lib.errors import DecisionConflict, StaleEdit
from samenspel.sharing import selectors as sharing_selectors
from samenspel.sharing.policy import Denied

api = DocumentedAPI(
    title="Samenspel API",
    version="1",
    description="Signals, triage, persons, cases, plans, teams, transfers, information by "
    "source compartment, measures and break-the-glass, plus "
    "read-only access to organisations, users, the audit log and the framework. Every call is "
    "filtered by the same access policy as the web pages and goes through the same "
    "services, so it leaves the same audit records. An object you may not see answers "
    "404, exactly like one that does not exist. Authenticate with a session whose second "
    "factor is verified (unsafe methods need the CSRF token), or with a personal API key: "
    "`Authorization: Bearer ssp_…`. Edits carry the version from the object's ETag in "
    "If-Match (412 when it is stale, 428 when it is missing); submissions (signals, "
    "interventions, information, measures) carry an Idempotency-Key header.",
    auth=[ApiKey(), VerifiedSession()],
    docs_url=None,
    urls_namespace="api",
)


api.add_router("/frameworks", frameworks_router)
api.add_router("/signals", intake_router)
api.add_router("/triage", triage_router)
api.add_router("/cases", cases_router)
api.add_router("/cases", case_measures_router)
api.add_router("/cases", case_information_router)
api.add_router("/information", information_router)
api.add_router("/transfers", transfers_router)
api.add_router("/consultations", consultations_router)
api.add_router("/capacity-requests", capacity_router)
api.add_router("/measures", measures_router)
api.add_router("/break-glass", break_glass_router)


@api.exception_handler(Denied)
def _denied(request: HttpRequest, exc: Denied) -> Any:
    from samenspel.web.errors import record_not_found

    record_not_found(request, exc)
    return problems.response(404)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> Any:
    from samenspel.web.errors import record_not_found

    record_not_found(request, exc)
    return problems.response(404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> Any:
    """Answer 403 where the caller sees the object but may not do this with it."""
    from samenspel.web.errors import record_permission_denied

    record_permission_denied(request)
    return problems.response(403)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> Any:
    """Answer 401 with the scheme to use; a call with a key is told the key is not valid."""
    sent_key = "authorization" in request.headers
    audit.record(
        Event.API_UNAUTHENTICATED,
        by=None,
        purpose=Purpose.AUTHENTICATION,
        outcome=Outcome.DENIED,
        reason="invalid_key" if sent_key else "no_key",
    )
    challenge = 'Bearer realm="samenspel"'
    if sent_key:
        challenge += ', error="invalid_token"'
        detail = (
            "Deze API-sleutel werkt niet: hij is onjuist, ingetrokken of verlopen, of de "
            "gebruiker is uitgeschakeld. Maak een nieuwe sleutel aan."
        )
    else:
        detail = "Stuur een geldige API-sleutel mee: Authorization: Bearer ssp_…"
    return problems.response(401, detail=detail, headers={"WWW-Authenticate": challenge})


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> Any:
    """Answer a service's refusal with 422 and Dutch messages per field."""
    if hasattr(exc, "error_dict"):
        errors = {
            ("__all__" if field == NON_FIELD_ERRORS else field): list(messages)
            for field, messages in exc.message_dict.items()
        }
    else:
        errors = {"__all__": list(exc.messages)}
    _record_bad_request(request, 422)
    return problems.response(422, errors=errors)


@api.exception_handler(NinjaValidationError)
def _malformed(request: HttpRequest, exc: NinjaValidationError) -> Any:
    """Answer input that does not fit the operation's schema with 422 and the fields named."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        field = ".".join(location) or "__all__"
        errors.setdefault(field, []).append(_dutch(error))
    _record_bad_request(request, 422)
    return problems.response(422, errors=errors)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> Any:
    if exc.status_code >= 500:
        raise exc  # pragma: no cover - the API raises no 5xx on purpose
    _record_bad_request(request, exc.status_code)
    return problems.response(exc.status_code, detail=str(exc))


@api.exception_handler(DecisionConflict)
def _conflict(request: HttpRequest, exc: DecisionConflict) -> Any:
    """Answer 409 when another decision on the same object came first; nothing was changed."""
    _record_refusal(
        request,
        Event.DECISION_CONFLICT,
        Purpose.CASE_WORK,
        object_type=exc.object_type,
        status=exc.current_status,
    )
    return problems.response(
        409, code="decided_meanwhile", detail=exc.messages[0], current_status=exc.current_status
    )


@api.exception_handler(StaleEdit)
def _stale(request: HttpRequest, exc: StaleEdit) -> Any:
    """Answer 412 when somebody else saved since the caller's version; nothing was saved."""
    obj = getattr(request, "edit_object", None)
    _record_refusal(
        request,
        Event.CASE_EDIT_CONFLICT,
        Purpose.CASE_WORK,
        object_type=exc.object_type,
        object_id=str(getattr(obj, "uuid", "")),
        current_version=exc.current_version,
        api=True,
    )
    return problems.response(
        412,
        detail="Iemand anders heeft dit intussen gewijzigd. Er is niets opgeslagen. "
        "Haal de nieuwe versie op en probeer het opnieuw.",
        current_version=exc.current_version,
    )


@api.exception_handler(MissingIfMatchError)
def _no_if_match(request: HttpRequest, exc: MissingIfMatchError) -> Any:
    _record_bad_request(request, 428)
    return problems.response(428)


def _record_bad_request(request: HttpRequest, status: int) -> None:
    _record_refusal(request, Event.BAD_REQUEST, Purpose.SECURITY, status=status, api=True)


def _record_refusal(request: HttpRequest, event: Event, purpose: Purpose, **details: Any) -> None:
    """Audit a refused call, by the user it acted for (if any got that far)."""
    user = getattr(request, "auth", None)
    audit.record(
        event,
        by=user if isinstance(user, User) else None,
        purpose=purpose,
        outcome=Outcome.DENIED,
        **details,
    )


_DUTCH_BY_TYPE = {
    "missing": "Dit veld is verplicht.",
    "uuid_parsing": "Dit is geen geldige uuid.",
    "uuid_type": "Dit is geen geldige uuid.",
    "int_parsing": "Dit is geen geheel getal.",
    "int_type": "Dit is geen geheel getal.",
    "bool_parsing": "Dit is geen ja/nee-waarde (true of false).",
    "bool_type": "Dit is geen ja/nee-waarde (true of false).",
    "string_type": "Dit moet tekst zijn.",
    "string_too_long": "Deze tekst is te lang.",
    "string_too_short": "Deze tekst is te kort.",
    "date_from_datetime_parsing": "Dit is geen geldige datum (jjjj-mm-dd).",
    "date_parsing": "Dit is geen geldige datum (jjjj-mm-dd).",
    "date_type": "Dit is geen geldige datum (jjjj-mm-dd).",
    "datetime_parsing": "Dit is geen geldig tijdstip.",
    "datetime_type": "Dit is geen geldig tijdstip.",
    "literal_error": "Deze waarde is hier niet mogelijk.",
    "enum": "Deze waarde is hier niet mogelijk.",
    "list_type": "Dit moet een lijst zijn.",
    "dict_type": "Dit moet een object zijn.",
    "model_attributes_type": "Dit moet een object zijn.",
    "json_invalid": "Dit is geen geldige JSON.",
    "greater_than_equal": "Dit getal is te klein.",
    "less_than_equal": "Dit getal is te groot.",
    "greater_than": "Dit getal is te klein.",
    "less_than": "Dit getal is te groot.",
    "extra_forbidden": "Dit veld kent de API niet.",
}


def _dutch(error: dict[str, Any]) -> str:
    return _DUTCH_BY_TYPE.get(str(error.get("type", "")), "Deze waarde is niet geldig.")


class OrganisationOut(Schema):
    uuid: UUID
    name: str
    type: str
    region: str
    is_priority: bool
    is_active: bool


class UserOut(Schema):
    uuid: UUID
    username: str
    full_name: str
    email: str
    organisation: UUID
    roles: list[str]
    is_active: bool


class AuditEventOut(Schema):
    seq: int
    occurred_at: dt.datetime
    event: int
    event_label: str
    outcome: str
    actor: UUID | None
    actor_organisation: UUID | None
    actor_roles: list[str]
    object_type: str
    object_id: str
    purpose: str
    request_id: str
    client_address: str
    details: dict[str, Any]
    hash: str


def _me(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):  # pragma: no cover - auth guarantees it
        raise HttpError(401, "Niet ingelogd.")
    return user


def _user_out(user: User) -> UserOut:
    return UserOut(
        uuid=user.uuid,
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        organisation=user.organisation.uuid,
        roles=selectors.roles_of(user),
        is_active=user.is_active,
    )


@api.get("/organisations", response=list[OrganisationOut], tags=["organisations"])
def list_organisations(request: HttpRequest) -> Any:
    """List the organisations you may see."""
    me = _me(request)
    return selectors.organisation_list(me)


class DirectoryEntryOut(Schema):
    uuid: UUID
    name: str
    type: str
    region: str


@api.get("/organisations/directory", response=list[DirectoryEntryOut], tags=["organisations"])
def organisation_directory(request: HttpRequest) -> Any:
    """List every active organisation by name, type and region: the municipality to report a
    signal to, the partners to work with. Open to every user; nothing more than names."""
    return selectors.directory_list(_me(request))


@api.get("/organisations/{org_uuid}", response=OrganisationOut, tags=["organisations"])
def get_organisation(request: HttpRequest, org_uuid: UUID) -> Any:
    """Return one organisation."""
    me = _me(request)
    return selectors.get_organisation_for(me, org_uuid, record_read=True)


@api.get("/users", response=list[UserOut], tags=["users"])
def list_users(request: HttpRequest) -> Any:
    """List the users you may see."""
    me = _me(request)
    return [_user_out(u) for u in selectors.user_list(me)]


@api.get("/users/{user_uuid}", response=UserOut, tags=["users"])
def get_user(request: HttpRequest, user_uuid: UUID) -> Any:
    """Return one user."""
    me = _me(request)
    return _user_out(selectors.get_user_for(me, user_uuid, record_read=True))


def _event_out(row: Any) -> AuditEventOut:
    return AuditEventOut(
        seq=row.seq,
        occurred_at=row.occurred_at,
        event=row.event,
        event_label=row.event_label,
        outcome=row.outcome,
        actor=row.actor.uuid if row.actor else None,
        actor_organisation=row.actor_organisation.uuid if row.actor_organisation else None,
        actor_roles=list(row.actor_roles),
        object_type=row.object_type,
        object_id=row.object_id,
        purpose=row.purpose,
        request_id=row.request_id,
        client_address=row.client_address,
        details=dict(row.details),
        hash=row.hash,
    )


@api.get("/audit/events", response=list[AuditEventOut], tags=["audit"])
def list_audit_events(
    request: HttpRequest, limit: int = 100, before_seq: int | None = None, event: int | None = None
) -> Any:
    """List audit records you may read (privacy officers only), newest first."""
    me = _me(request)
    limit = max(1, min(limit, 500))
    qs = sharing_selectors.audit_events_visible_to(me, sharing_selectors.AuditFilter(event=event))
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    rows = list(qs[:limit])
    sharing_selectors.record_log_read(
        me, sharing_selectors.AuditFilter(event=event), count=len(rows), page_number=1
    )
    return [_event_out(r) for r in rows]


@api.get("/audit/events/{seq}", response=AuditEventOut, tags=["audit"])
def get_audit_event(request: HttpRequest, seq: int) -> Any:
    """Return one audit record you may read."""
    me = _me(request)
    return _event_out(sharing_selectors.get_audit_event_for(me, seq))
