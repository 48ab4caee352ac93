"""Every route is known here, reachable only after login, and audits what it shows.

Framework pages are the exception to auditing: they show shared reference data, not personal
data, so they are listed apart in FRAMEWORK_PAGES and must write no audit record for a read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from samenspel.audit.models import AuditEvent
from samenspel.frameworks import services as framework_services
from samenspel.frameworks.models import FrameworkVersion
from samenspel.testing import (
    Cast,
    force_verified_login,
    make_consultation,
    make_minuted_meeting,
)
from samenspel.web.batching import MARK

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
    "api:organisation_directory": ("police_officer", lambda c: {}),
    "api:list_organisations": ("admin_a", lambda c: {}),
    "api:get_organisation": ("admin_a", lambda c: {"org_uuid": c.municipality_a.uuid}),
    "api:list_users": ("admin_a", lambda c: {}),
    "api:get_user": ("admin_a", lambda c: {"user_uuid": c.case_manager.uuid}),
    "api:list_audit_events": ("privacy_officer", lambda c: {}),
    "api:get_audit_event": ("privacy_officer", lambda c: {"seq": 1}),
    "web:api_tokens": ("case_manager", lambda c: {}),
    "api:list_cases": ("case_manager", lambda c: {}),
    "api:triage_queue": ("case_manager", lambda c: {}),
    "api:incoming": ("case_manager", lambda c: {}),
    # API routes about signals and cases need objects: tests/api covers each, with its audit.
    **dict.fromkeys(
        [
            "api:submit_signal",
            "api:my_signals",
            "api:my_signal",
            "api:get_signal",
            "api:pick_up",
            "api:decide",
            "api:candidates",
            "api:get_case",
            "api:case_history",
            "api:change_stage",
            "api:change_phase",
            "api:set_tracks",
            "api:close_case",
            "api:reopen_case",
            "api:get_plan",
            "api:add_intervention",
            "api:justify_balance",
            "api:change_intervention",
            "api:get_team",
            "api:add_member",
            "api:remove_member",
            "api:request_transfer",
            "api:accept",
            "api:decline",
            "api:cancel",
            # Information by compartment: tests/api/test_information_api.py.
            "api:list_information",
            "api:record_information",
            "api:get_information",
            "api:information_file",
        ],
        (None, lambda c: {}),
    ),
    "web:api_token_revoke": (None, lambda c: {}),
    # The liveness and readiness probes: no login, no audit record (tests/web/test_health.py).
    "web:healthz": (None, lambda c: {}),
    "web:readyz": (None, lambda c: {}),
    # Login steps, POST-only actions and framework routes, each tested elsewhere.
    "web:login": (None, lambda c: {}),
    "web:mfa": (None, lambda c: {}),
    "web:mfa_recovery": (None, lambda c: {}),
    "web:mfa_enrol": (None, lambda c: {}),
    "web:logout": (None, lambda c: {}),
    "web:oidc_callback": (None, lambda c: {}),
    "web:new_recovery_codes": (None, lambda c: {}),
    "web:user_action": (None, lambda c: {}),
    "frameworks:version_action": (None, lambda c: {}),
    "set_language": (None, lambda c: {}),
    "api:openapi-json": (None, lambda c: {}),
    "api:api-root": (None, lambda c: {}),
    # Case pages: the lists here; every route that needs a case or a transfer is covered
    # (reader audit, outsider 404 on GET and POST) by tests/cases/test_pages.py.
    "cases:list": ("case_manager", lambda c: {}),
    "cases:list_csv": ("case_manager", lambda c: {}),
    "cases:transfers": ("case_manager", lambda c: {}),
    "cases:detail": (None, lambda c: {}),
    "cases:history": (None, lambda c: {}),
    "cases:pdf": (None, lambda c: {}),
    "cases:justify": (None, lambda c: {}),
    "cases:plan": (None, lambda c: {}),
    "cases:intervention_add": (None, lambda c: {}),
    "cases:intervention_edit": (None, lambda c: {}),
    # Information by source compartment: the outsider's 404 is in test_pages.py; each reader's
    # audit (list, item, download, form) and the 404 on a compartment the reader may not read
    # are in tests/cases/test_information_pages.py.
    "cases:information": (None, lambda c: {}),
    "cases:information_add": (None, lambda c: {}),
    "cases:information_detail": (None, lambda c: {}),
    "cases:information_file": (None, lambda c: {}),
    "cases:stage": (None, lambda c: {}),
    "cases:phase": (None, lambda c: {}),
    "cases:tracks": (None, lambda c: {}),
    "cases:team": (None, lambda c: {}),
    "cases:team_remove": (None, lambda c: {}),
    "cases:close": (None, lambda c: {}),
    "cases:reopen": (None, lambda c: {}),
    "cases:transfer_request": (None, lambda c: {}),
    "cases:transfer_cancel": (None, lambda c: {}),
    "cases:transfer_accept": (None, lambda c: {}),
    "cases:transfer_decline": (None, lambda c: {}),
    # Break-the-glass: the form (it lists the user's own uses, audited) and the privacy
    # officer's queue here; the review (POST only) and the API's open and review are covered
    # (audit, outsider 404, 403 for who used it) by tests/cases/test_break_glass_pages.py and
    # tests/api/test_break_glass_api.py.
    "cases:break_glass": ("police_officer", lambda c: {}),
    "cases:break_glass_queue": ("privacy_officer", lambda c: {}),
    "cases:break_glass_review": (None, lambda c: {}),
    "api:list_break_glass": ("police_officer", lambda c: {}),
    "api:open_break_glass": (None, lambda c: {}),
    "api:review_break_glass": (None, lambda c: {}),
    # Signal pages: the pages without an object here; every route that needs a signal, an
    # attachment or a seat is covered (audit, outsider 404) by tests/intake/test_pages.py.
    "intake:submit": ("police_officer", lambda c: {}),
    "intake:my_signals": ("police_officer", lambda c: {}),
    "intake:queue": ("case_manager", lambda c: {}),
    "intake:seats": ("admin_a", lambda c: {}),
    "intake:status": (None, lambda c: {}),
    "intake:detail": (None, lambda c: {}),
    "intake:pick_up": (None, lambda c: {}),
    "intake:attachment": (None, lambda c: {}),
    "intake:seat_remove": (None, lambda c: {}),
    # Capacity requests: the list, the form and the statistics here; the pages of one request
    # are covered (reader audit, outsider 404) by tests/consultations/test_capacity_pages.py.
    # Consultation pages: the lists here; every route that needs a series, meeting, item or
    # action is covered (reader audit, outsider 404) by tests/consultations/test_pages.py.
    "consultations:series_list": ("case_manager", lambda c: {}),
    "consultations:actions": ("police_officer", lambda c: {}),
    **dict.fromkeys(
        [
            f"consultations:{name}"
            for name in (
                "series_create",
                "series_detail",
                "partner_add",
                "meeting_create",
                "meeting",
                "agenda_propose",
                "agenda_confirm",
                "item_add",
                "meeting_held",
                "minutes_comment",
                "minutes_approve",
                "minutes_correct",
                "item",
                "item_edit",
                "agenda_edit",
                "item_invite",
                "item_note",
                "item_decision",
                "item_action",
                "action_close",
                "nominate",
            )
        ],
        (None, lambda c: {}),
    ),
    "consultations:capacity_list": ("case_manager", lambda c: {}),
    "consultations:capacity_create": ("case_manager", lambda c: {}),
    "consultations:capacity_statistics": ("case_manager", lambda c: {}),
    "consultations:capacity_statistics_csv": ("case_manager", lambda c: {}),
    "consultations:capacity_detail": (None, lambda c: {}),
    "consultations:capacity_accept": (None, lambda c: {}),
    "consultations:capacity_other_date": (None, lambda c: {}),
    "consultations:capacity_decline": (None, lambda c: {}),
    "consultations:capacity_withdraw": (None, lambda c: {}),
    # Agenda and minutes as PDF, read by a partner invited for the one item (the OM); the
    # partner view and the outsider's 404 are covered by tests/consultations/test_pdf.py.
    "consultations:meeting_agenda_pdf": (
        "prosecutor",
        lambda c: {"meeting_uuid": make_minuted_meeting(c).uuid},
    ),
    "consultations:meeting_minutes_pdf": (
        "prosecutor",
        lambda c: {"meeting_uuid": make_minuted_meeting(c).uuid},
    ),
    # A measure's decision letter as PDF, on the page and in the API: the dossier reader's
    # export audit, the executor's 403 and the outsider's 404 are covered by
    # tests/measures/test_letter.py.
    "measures:letter": (None, lambda c: {}),
    "api:measure_letter": (None, lambda c: {}),
    "api:list_capacity_requests": ("case_manager", lambda c: {}),
    "api:capacity_statistics": ("case_manager", lambda c: {}),
    # API routes about one capacity request: tests/api/test_capacity_api.py covers each.
    "api:request_capacity": (None, lambda c: {}),
    "api:get_capacity_request": (None, lambda c: {}),
    "api:accept_capacity_request": (None, lambda c: {}),
    "api:propose_capacity_date": (None, lambda c: {}),
    "api:decline_capacity_request": (None, lambda c: {}),
    "api:withdraw_capacity_request": (None, lambda c: {}),
    # Consultations in the API, read by a partner invited for one item (the OM).
    "api:get_series": ("prosecutor", lambda c: {"series_uuid": make_consultation(c).series.uuid}),
    "api:list_meetings": (
        "prosecutor",
        lambda c: {"series_uuid": make_consultation(c).series.uuid},
    ),
    "api:get_meeting": (
        "prosecutor",
        lambda c: {"meeting_uuid": make_consultation(c).meeting.uuid},
    ),
    "api:get_agenda_item": ("prosecutor", lambda c: {"item_uuid": make_consultation(c).item.uuid}),
    "api:list_action_items": ("prosecutor", lambda c: {}),
    # The list of series holds names only, no person data, and is not audited; it and every
    # change are covered (outsider 404, audit of the change) by tests/api/test_consultations_api.py.
    **dict.fromkeys(
        [
            f"api:{name}"
            for name in (
                "list_series",
                "create_series",
                "add_series_partner",
                "plan_meeting",
                "propose_agenda",
                "add_agenda_item",
                "remove_agenda_item",
                "move_agenda_item",
                "confirm_agenda",
                "mark_meeting_held",
                "open_minutes_for_comment",
                "approve_minutes",
                "start_minutes_correction",
                "invite_partner",
                "write_item_note",
                "record_item_decision",
                "add_action_item",
                "close_action_item",
            )
        ],
        (None, lambda c: {}),
    ),
    # Measure pages: the terms calendar and the mayor's designations here; every route that
    # needs a case or a measure is covered (reader audit, outsider 404 on GET and POST) by
    # tests/measures/test_pages.py and tests/measures/test_review_pages.py.
    "measures:calendar": ("mayor", lambda c: {}),
    "measures:designations": ("mayor", lambda c: {}),
    **dict.fromkeys(
        [
            f"measures:{name}"
            for name in (
                "case_measures",
                "propose",
                "detail",
                "basis_add",
                "verification_add",
                "reasons",
                "consultation_add",
                "minister_request",
                "consultation_answer",
                "decide",
                "record_external",
                "advise",
                "move",
                "withdraw",
                "end",
                "extend",
                "review_file",
                "review_decide",
                "designation_end",
            )
        ],
        (None, lambda c: {}),
    ),
    # The measure register in the API: the terms calendar and the designations here; every
    # route that needs a case, a measure or a designation is covered (audit of the read or the
    # change, outsider 404) by tests/api/test_measures_api.py.
    "api:terms_calendar": ("mayor", lambda c: {}),
    "api:list_designations": ("mayor", lambda c: {}),
    **dict.fromkeys(
        [
            f"api:{name}"
            for name in (
                "list_case_measures",
                "propose_measure",
                "get_measure",
                "advise_measure",
                "move_measure",
                "add_basis_item",
                "add_verification",
                "add_consultation",
                "receive_mayor_consultation",
                "answer_consultation",
                "save_reasons",
                "decide_measure",
                "record_external_decision",
                "withdraw_measure",
                "end_measure",
                "extend_measure",
                "file_review",
                "decide_review",
                "designate",
                "end_designation",
            )
        ],
        (None, lambda c: {}),
    ),
    # Notification pages: the list and the settings here; opening and marking read need a
    # notification and are covered (audit, outsider 404) by tests/notifications/test_pages.py.
    "notifications:list": ("case_manager", lambda c: {}),
    "notifications:settings": ("case_manager", lambda c: {}),
    "notifications:open": (None, lambda c: {}),
    "notifications:mark_read": (None, lambda c: {}),
    "notifications:mark_all_read": (None, lambda c: {}),
}

# name -> (kwargs builder from the published minimal framework, query string). Read by a case
# manager with a verified login; no audit record. tests/frameworks covers them in depth.
FrameworkPage = tuple[Callable[[FrameworkVersion], dict[str, Any]], str]
FRAMEWORK_PAGES: dict[str, FrameworkPage] = {
    "frameworks:overview": (lambda v: {}, ""),
    "frameworks:raci": (lambda v: {}, ""),
    "frameworks:raci_cell": (lambda v: {"stage_id": "ST-1", "actor_id": "A-POL"}, ""),
    "frameworks:actor_list": (lambda v: {}, ""),
    "frameworks:actor_detail": (lambda v: {"actor_id": "A-BGM"}, ""),
    "frameworks:scope_list": (lambda v: {}, ""),
    "frameworks:scope_detail": (lambda v: {"scope_id": "PH-1"}, ""),
    "frameworks:domain_list": (lambda v: {}, ""),
    "frameworks:domain_detail": (lambda v: {"domain_id": "D-OOV"}, ""),
    "frameworks:measure_list": (lambda v: {}, ""),
    "frameworks:measure_detail": (lambda v: {"measure_id": "I-07"}, ""),
    "frameworks:flow_list": (lambda v: {}, ""),
    "frameworks:source_list": (lambda v: {}, ""),
    "frameworks:retention_list": (lambda v: {}, ""),
    "frameworks:routing": (lambda v: {}, ""),
    "frameworks:search": (lambda v: {}, "?q=burgemeester"),
    "frameworks:version_list": (lambda v: {}, ""),
    "frameworks:version_detail": (lambda v: {"version_uuid": v.uuid}, ""),
    "frameworks:version_diff": (lambda v: {}, "?oud={v}&nieuw={v}"),
    "frameworks:course": (lambda v: {"scope_id": "ST-1"}, ""),
    "frameworks:course_pdf": (lambda v: {"scope_id": "ST-1"}, ""),
    "api:list_framework_versions": (lambda v: {}, ""),
    "api:get_framework_version": (lambda v: {"version": "current"}, ""),
    "api:list_framework_rows": (lambda v: {"version": str(v.uuid), "section": "measures"}, ""),
    "api:get_course_of_action": (lambda v: {}, "?scope=ST-1&organisation_type=police"),
}
MINIMAL = Path(__file__).parents[1] / "frameworks" / "minimal.yaml"


def _published_framework(cast: Cast) -> FrameworkVersion:
    version = framework_services.load_version(
        MINIMAL.read_text(), source_name="minimal.yaml", by=cast.national_admin
    )
    return framework_services.publish_version(version, by=cast.national_admin)


def _framework_url(name: str, version: FrameworkVersion) -> str:
    kwargs, query = FRAMEWORK_PAGES[name]
    return reverse(name, kwargs=kwargs(version)) + query.replace("{v}", str(version.uuid))


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
    """A new route must be added to ROUTES (audited) or FRAMEWORK_PAGES (reference data)."""
    names = _names(get_resolver())
    names = {n for n in names if not n.startswith(("oidc_", "admin:"))}
    assert not set(ROUTES) & set(FRAMEWORK_PAGES)
    assert names == set(ROUTES) | set(FRAMEWORK_PAGES)


def test_every_page_is_audited_for_the_reader(cast: Cast) -> None:
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


def test_every_framework_page_answers_and_writes_no_audit_record(cast: Cast) -> None:
    version = _published_framework(cast)
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, cast.case_manager)
    before = AuditEvent.objects.count()
    for name in FRAMEWORK_PAGES:
        response = client.get(_framework_url(name, version))
        assert response.status_code == 200, name
    assert AuditEvent.objects.count() == before


def test_every_framework_page_needs_a_verified_login(cast: Cast) -> None:
    version = _published_framework(cast)
    half = Client(REMOTE_ADDR="127.0.0.1")
    half.post(
        "/inloggen/",
        {"username": cast.case_manager.username, "password": "correct horse battery staple"},
    )
    for name in FRAMEWORK_PAGES:
        url = _framework_url(name, version)
        for client in (Client(REMOTE_ADDR="127.0.0.1"), half):
            response = client.get(url)
            assert response.status_code in (302, 401), name
            if response.status_code == 302:
                assert response["Location"].startswith("/inloggen/"), name


def test_every_view_appends_its_audit_records_at_its_end() -> None:
    """Every routed view is wrapped by web/batching.py, included ones and the API too."""

    def views(resolver: URLResolver) -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = []
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                found += views(pattern)
            elif isinstance(pattern, URLPattern):
                found.append((str(pattern.pattern), pattern.callback))
        return found

    found = views(get_resolver())
    assert len(found) > 100
    assert [route for route, view in found if not getattr(view, MARK, False)] == []
