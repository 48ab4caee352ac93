"""Every route is known here, reachable only after login, and audits what it shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from samenspel.audit.models import AuditEvent
from samenspel.testing import Cast, force_verified_login

# name -> (persona attribute, kwargs builder). A None persona means: not a page a user reads
# (a login step or a POST-only action), tested in its own module.
ROUTES: dict[str, tuple[str | None, Callable[[Cast], dict[str, Any]]]] = {
    "web:home": ("case_manager", lambda c: {}),
    "web:account": ("case_manager", lambda c: {}),
    "web:organisation_list": ("national_admin", lambda c: {}),
    "web:organisation_create": ("national_admin", lambda c: {}),
    "web:organisation_detail": ("admin_a", lambda c: {"org_uuid": c.municipality_a.uuid}),
    "web:organisation_edit": ("national_admin", lambda c: {"org_uuid": c.municipality_b.uuid}),
    "web:user_list": ("admin_a", lambda c: {}),
    "web:user_create": ("admin_a", lambda c: {}),
    "web:user_detail": ("admin_a", lambda c: {"user_uuid": c.case_manager.uuid}),
    "web:user_edit": ("admin_a", lambda c: {"user_uuid": c.case_manager.uuid}),
    "web:audit_log": ("privacy_officer", lambda c: {}),
    "web:audit_record": ("privacy_officer", lambda c: {"seq": 1}),
    "web:audit_export": ("privacy_officer", lambda c: {}),
    "api:list_organisations": ("admin_a", lambda c: {}),
    "api:get_organisation": ("admin_a", lambda c: {"org_uuid": c.municipality_a.uuid}),
    "api:list_users": ("admin_a", lambda c: {}),
    "api:get_user": ("admin_a", lambda c: {"user_uuid": c.case_manager.uuid}),
    "api:list_audit_events": ("privacy_officer", lambda c: {}),
    "api:get_audit_event": ("privacy_officer", lambda c: {"seq": 1}),
    # Login steps, POST-only actions and framework routes, each tested elsewhere.
    "web:login": (None, lambda c: {}),
    "web:mfa": (None, lambda c: {}),
    "web:mfa_recovery": (None, lambda c: {}),
    "web:mfa_enrol": (None, lambda c: {}),
    "web:logout": (None, lambda c: {}),
    "web:oidc_callback": (None, lambda c: {}),
    "web:new_recovery_codes": (None, lambda c: {}),
    "web:user_action": (None, lambda c: {}),
    "set_language": (None, lambda c: {}),
    "api:openapi-json": (None, lambda c: {}),
    "api:api-root": (None, lambda c: {}),
}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_named_route_is_listed_here() -> None:
    """A new route must be added to ROUTES, with a persona that reads it and is audited."""
    names = _names(get_resolver())
    names = {n for n in names if not n.startswith(("oidc_", "admin:"))}
    assert names == set(ROUTES)


def test_every_page_is_audited_for_the_reader(cast: Cast) -> None:
    from django.urls import reverse

    for name, (persona, kwargs) in ROUTES.items():
        if persona is None:
            continue
        user = getattr(cast, persona)
        client = Client(REMOTE_ADDR="127.0.0.1")
        force_verified_login(client, user)
        before = AuditEvent.objects.filter(actor=user).count()
        response = client.get(reverse(name, kwargs=kwargs(cast)))
        assert response.status_code == 200, name
        assert AuditEvent.objects.filter(actor=user).count() == before + 1, name


def test_every_page_needs_a_verified_login(cast: Cast) -> None:
    from django.urls import reverse

    for name, (persona, kwargs) in ROUTES.items():
        if persona is None:
            continue
        url = reverse(name, kwargs=kwargs(cast))
        anonymous = Client(REMOTE_ADDR="127.0.0.1").get(url)
        assert anonymous.status_code in (302, 401), name
        half = Client(REMOTE_ADDR="127.0.0.1")
        half.post(
            "/inloggen/",
            {
                "username": getattr(cast, persona).username,
                "password": "correct horse battery staple",
            },
        )
        response = half.get(url)
        assert response.status_code in (302, 401), name
        if response.status_code == 302:
            assert response["Location"].startswith("/inloggen/"), name
