"""Junk on every write route of signals and cases (break-the-glass too): never a 500, and a
refusal saves nothing.

Hypothesis posts random field sets (empty, huge, malformed dates, unknown codes, NUL bytes,
lists where one value is expected) to each page form and each API write, as a user who may
make that change. Whatever the answer, it is not a server error; when it is a 4xx, the case,
its plan, team, transfers and the signals are exactly as they were.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from samenspel.accounts.models import User
from samenspel.cases import services as cases
from samenspel.cases.models import BreakGlass, Case, CaseMember, Intervention, Transfer
from samenspel.intake.models import Signal, TriageSeat
from samenspel.testing import (
    Cast,
    force_verified_login,
    make_case,
    make_cast,
    make_signal,
    publish_framework,
)

FIELDS = [
    "version",
    "measure",
    "owner",
    "domain",
    "goal",
    "consent",
    "start_date",
    "end_date",
    "review_date",
    "status",
    "outcome",
    "to",
    "reason",
    "tracks",
    "user",
    "task",
    "text",
    "aftercare_until",
    "to_municipality",
    "case_director",
    "municipality",
    "observed_on",
    "observation",
    "concern",
    "is_acute",
    "family_name",
    "given_names",
    "birth_date",
    "bsn",
    "address",
    "criteria",
    "person",
    "create_person",
    "phase",
    "reference",
    "part",
    "comment",
    "submission_key",
]
JUNK = st.one_of(
    st.text(max_size=40),
    st.just("x" * 5000),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1",
            "2026-13-45",
            "31-02-2026",
            "0001-01-01",
            "9999-12-31",
            "null",
            "true",
            "ST-4",
            "ST-99",
            "PH-2",
            "I-01",
            "I-19",
            "prevention",
            "repression",
            "include",
            "no_concern",
            "accepted",
            "flagged",
            "aivd",
            "case",
            "\x00",
            str(uuid.UUID(int=0)),
        ]
    ),
)
FORMS = st.dictionaries(
    st.sampled_from(FIELDS), st.one_of(JUNK, st.lists(JUNK, max_size=3)), max_size=8
)
# CURRENT stands for the version the object has, so that junk also reaches the services.
CURRENT = "current"
IF_MATCH = st.one_of(
    st.none(),
    st.just(CURRENT),
    st.sampled_from(['"1"', '"2"', "1", '"x"', "", '"99999999999"']),
)


@dataclass
class World:
    cast: Cast
    case: Case
    intervention: Intervention
    transfer: Transfer
    signal: Signal
    glass: BreakGlass


# name -> (persona, url builder); web forms are posted as form data, API routes as JSON.
Route = tuple[str, Callable[[World], str]]
WEB: dict[str, Route] = {
    "justify": ("case_manager", lambda w: reverse("cases:justify", args=[w.case.uuid])),
    "intervention_add": (
        "case_manager",
        lambda w: reverse("cases:intervention_add", args=[w.case.uuid]),
    ),
    "intervention_edit": (
        "case_manager",
        lambda w: reverse("cases:intervention_edit", args=[w.case.uuid, w.intervention.uuid]),
    ),
    "stage": ("case_manager", lambda w: reverse("cases:stage", args=[w.case.uuid])),
    "phase": ("case_manager", lambda w: reverse("cases:phase", args=[w.case.uuid])),
    "tracks": ("case_manager", lambda w: reverse("cases:tracks", args=[w.case.uuid])),
    "team": ("case_manager", lambda w: reverse("cases:team", args=[w.case.uuid])),
    "team_remove": (
        "case_manager",
        lambda w: reverse("cases:team_remove", args=[w.case.uuid, w.cast.police_officer.uuid]),
    ),
    "close": ("case_manager", lambda w: reverse("cases:close", args=[w.case.uuid])),
    "reopen": ("case_manager", lambda w: reverse("cases:reopen", args=[w.case.uuid])),
    "transfer_request": (
        "case_manager",
        lambda w: reverse("cases:transfer_request", args=[w.case.uuid]),
    ),
    "transfer_cancel": (
        "case_manager",
        lambda w: reverse("cases:transfer_cancel", args=[w.case.uuid, w.transfer.uuid]),
    ),
    "transfer_accept": (
        "outsider",
        lambda w: reverse("cases:transfer_accept", args=[w.transfer.uuid]),
    ),
    "transfer_decline": (
        "outsider",
        lambda w: reverse("cases:transfer_decline", args=[w.transfer.uuid]),
    ),
    "submit": ("police_officer", lambda w: reverse("intake:submit")),
    "triage": ("case_manager", lambda w: reverse("intake:detail", args=[w.signal.uuid])),
    "pick_up": ("case_manager", lambda w: reverse("intake:pick_up", args=[w.signal.uuid])),
    "seats": ("admin_a", lambda w: reverse("intake:seats")),
    "break_glass": ("police_officer", lambda w: reverse("cases:break_glass")),
    "break_glass_review": (
        "privacy_officer",
        lambda w: reverse("cases:break_glass_review", args=[w.glass.uuid]),
    ),
    "seat_remove": (
        "admin_a",
        lambda w: reverse("intake:seat_remove", args=[w.cast.prosecutor.uuid]),
    ),
}
API = "/api/v1"
APIS: dict[str, tuple[str, str, Callable[[World], str]]] = {
    "signal": ("post", "police_officer", lambda w: f"{API}/signals"),
    "pick-up": (
        "post",
        "case_manager",
        lambda w: f"{API}/triage/signals/{w.signal.uuid}/pick-up",
    ),
    "decision": (
        "post",
        "case_manager",
        lambda w: f"{API}/triage/signals/{w.signal.uuid}/decision",
    ),
    "stage": ("post", "case_manager", lambda w: f"{API}/cases/{w.case.uuid}/stage"),
    "phase": ("post", "case_manager", lambda w: f"{API}/cases/{w.case.uuid}/phase"),
    "tracks": ("post", "case_manager", lambda w: f"{API}/cases/{w.case.uuid}/tracks"),
    "close": ("post", "case_manager", lambda w: f"{API}/cases/{w.case.uuid}/close"),
    "reopen": ("post", "case_manager", lambda w: f"{API}/cases/{w.case.uuid}/reopen"),
    "plan": ("post", "case_manager", lambda w: f"{API}/cases/{w.case.uuid}/plan"),
    "justification": (
        "put",
        "case_manager",
        lambda w: f"{API}/cases/{w.case.uuid}/plan/justification",
    ),
    "intervention": (
        "patch",
        "case_manager",
        lambda w: f"{API}/cases/{w.case.uuid}/plan/{w.intervention.uuid}",
    ),
    "team": ("post", "case_manager", lambda w: f"{API}/cases/{w.case.uuid}/team"),
    "team_remove": (
        "delete",
        "case_manager",
        lambda w: f"{API}/cases/{w.case.uuid}/team/{w.cast.police_officer.uuid}",
    ),
    "transfers": ("post", "case_manager", lambda w: f"{API}/cases/{w.case.uuid}/transfers"),
    "accept": ("post", "outsider", lambda w: f"{API}/transfers/{w.transfer.uuid}/accept"),
    "decline": ("post", "outsider", lambda w: f"{API}/transfers/{w.transfer.uuid}/decline"),
    "cancel": ("post", "case_manager", lambda w: f"{API}/transfers/{w.transfer.uuid}/cancel"),
    "break-glass": ("post", "care_worker", lambda w: f"{API}/break-glass"),
    "break-glass-review": (
        "post",
        "privacy_officer",
        lambda w: f"{API}/break-glass/{w.glass.uuid}/review",
    ),
}

# API writes that take no body: what they get is ignored.
NO_BODY = {"pick-up", "team_remove", "cancel"}


def _state(world: World) -> tuple[Any, ...]:
    """What a refused request must leave as it was (audit records of the refusal aside)."""
    case = Case.objects.get(pk=world.case.pk)
    return (
        case.version,
        case.stage,
        case.phase,
        case.status,
        case.municipality_id,
        list(Intervention.objects.filter(case=case).values_list("pk", "version")),
        list(CaseMember.objects.filter(case=case).values_list("pk", "removed_at")),
        list(Transfer.objects.values_list("pk", "status")),
        list(Signal.objects.values_list("pk", "status", "version")),
        list(TriageSeat.objects.values_list("pk", flat=True)),
        list(BreakGlass.objects.values_list("pk", "review", "expires_at")),
    )


class BadInputTest(TestCase):
    cast: ClassVar[Cast]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = make_cast()
        publish_framework(cls.cast.national_admin)

    def _world(self) -> World:
        cast = self.cast
        case = make_case(cast, team=(cast.police_officer,))
        intervention = cases.add_intervention(
            case,
            measure="I-01",
            domain="prevention",
            owner=cast.municipality_a,
            by=cast.case_manager,
        )
        case.refresh_from_db()
        transfer = cases.request_transfer(
            case, to_municipality=cast.municipality_b, reason="Verhuisd.", by=cast.case_manager
        )
        case.refresh_from_db()
        signal = make_signal(cast.police_officer, cast.municipality_a)
        # The care partner, not on the team, broke the glass on another case of the region.
        glass = cases.break_glass(
            make_case(cast, family_name="Glas").reference,
            cast.municipality_a,
            reason="Noodgeval.",
            by=cast.care_worker,
        )
        return World(cast, case, intervention, transfer, signal, glass)

    def _client(self, user: User) -> Client:
        client = Client(REMOTE_ADDR="127.0.0.1")
        force_verified_login(client, user)
        return client

    def _check(self, world: World, response: Any, before: tuple[Any, ...], label: str) -> None:
        self.assertLess(response.status_code, 500, label)
        if 400 <= response.status_code < 500:
            self.assertEqual(_state(world), before, label)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(route=st.sampled_from(sorted(WEB)), data=FORMS)
    def test_page_forms_refuse_junk_without_an_error_or_a_half_save(
        self, route: str, data: dict[str, Any]
    ) -> None:
        world = self._world()
        persona, url = WEB[route]
        client = self._client(getattr(world.cast, persona))
        before = _state(world)
        response = client.post(url(world), data)
        self._check(world, response, before, f"{route} {data!r}")

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(route=st.sampled_from(sorted(APIS)), data=FORMS, if_match=IF_MATCH)
    def test_api_writes_refuse_junk_without_an_error_or_a_half_save(
        self, route: str, data: dict[str, Any], if_match: str | None
    ) -> None:
        world = self._world()
        method, persona, url = APIS[route]
        client = self._client(getattr(world.cast, persona))
        headers = {"HTTP_IDEMPOTENCY_KEY": "junk-1"}
        if if_match == CURRENT:
            target = world.intervention if route == "intervention" else world.case
            if_match = f'"{target.version}"'
        if if_match is not None:
            headers["HTTP_IF_MATCH"] = if_match
        before = _state(world)
        response = getattr(client, method)(
            url(world), json.dumps(data), content_type="application/json", **headers
        )
        self._check(world, response, before, f"{route} {data!r} {if_match!r}")

    def test_a_body_that_is_not_json_is_refused(self) -> None:
        world = self._world()
        before = _state(world)
        for route, (method, persona, url) in APIS.items():
            if route in NO_BODY:
                continue
            client = self._client(getattr(world.cast, persona))
            response = getattr(client, method)(
                url(world),
                b"\xff{not json",
                content_type="application/json",
                HTTP_IF_MATCH=f'"{world.case.version}"',
                HTTP_IDEMPOTENCY_KEY="junk-2",
            )
            self.assertIn(response.status_code, {400, 404, 422, 428}, url(world))
            self.assertEqual(_state(world), before, url(world))

    def test_a_nul_character_is_refused_at_the_field_never_stored(self) -> None:
        # PostgreSQL cannot store NUL in text: without this refusal these were server errors.
        world = self._world()
        director = self._client(self.cast.case_manager)
        before = _state(world)
        api = director.post(
            f"{API}/cases/{world.case.uuid}/phase",
            json.dumps({"to": "PH-2", "reason": "Verhuisd\x00."}),
            content_type="application/json",
            HTTP_IF_MATCH=f'"{world.case.version}"',
        )
        self.assertEqual(api.status_code, 422)
        self.assertEqual(
            api.json()["errors"], {"reason": ["Dit veld mag geen nul-tekens bevatten."]}
        )
        page = director.post(
            reverse("cases:phase", args=[world.case.uuid]),
            {"to": "PH-2", "reason": "Verhuisd\x00.", "version": world.case.version},
        )
        self.assertEqual(page.status_code, 400)
        self.assertEqual(_state(world), before)

    def test_a_nul_character_in_a_query_string_is_refused(self) -> None:
        self._world()
        director = self._client(self.cast.case_manager)
        for url in (
            "/casussen/?q=%00",
            "/signalen/weeglijst/?toon=%00",
            "/kader/zoeken/?q=%00",
            "/beheer/gebruikers/?q=%00",
        ):
            self.assertEqual(director.get(url).status_code, 400, url)
        for url in (
            f"{API}/cases?q=%00",
            f"{API}/frameworks/versions/current/measures?q=%00",
            f"{API}/users?q=%00",
        ):
            response = director.get(url)
            self.assertEqual(response.status_code, 422, url)
            self.assertEqual(list(response.json()["errors"]), ["q"], url)
