"""For random cases with measures on every ground and information in every compartment: what
each user sees of them, on every route, equals an oracle built from the framework's data.

Routes: the policy's row filters (lists and counts), the case's measures by ground and one
measure with its dossier (selectors), the same in the JSON API, and the measure pages.

The oracle reads the shipped framework file itself, as plain dicts (not through the typed
framework or the rules): a user acts as the actors of their organisation type whose
`user_roles` they hold (or all of that type when the actor names none); a designated official
acts as the mayor for reading. A measure is seen by whoever sees the case and acts as a reader
of its ground's dossier (the legal domain's competent authorities and the receivers of flows
with `dossier: <that domain>`), a decider or an executor of it, or works for the organisation
that proposed it. Its dossier is read by whoever sees the case and acts as a dossier reader or a
decider. An AIVD summary only by the mayor of the case's municipality and the designated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

import yaml
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from samenspel.frameworks.shipped import shipped_text
from samenspel.measures import selectors, services
from samenspel.measures.models import BasisItem, CaseMeasure, Compartment, Designation
from samenspel.sharing.policy import Action, Denied, visible
from samenspel.testing import Cast, force_verified_login, make_case, make_cast
from samenspel.testing import publish_framework as publish

VIEWERS = {
    # persona: (organisation type, roles, municipality A staff)
    "case_manager": ("municipality", {"case_director"}, True),
    "adviser": ("municipality", {"security_adviser"}, True),
    "mayor": ("municipality", {"mayor"}, True),
    "police_officer": ("police", {"partner_liaison"}, False),
    "prosecutor": ("om", {"partner_liaison"}, False),
    "care_worker": ("care_partner", {"partner_liaison"}, False),
    "nctv_adviser": ("nctv", {"partner_liaison"}, False),
    "outsider": ("municipality", {"case_director"}, False),  # of municipality B
}
PARTNERS = ["police_officer", "prosecutor", "care_worker"]
# Measures on every ground: public order, state security (the mayor's and the minister's),
# criminal law, care (child protection), migration and social security.
MEASURES = ["I-07", "I-17", "I-19", "I-23", "I-29", "I-13", "I-27", "I-25"]
COMPARTMENTS = [c.value for c in Compartment]


@cache
def document() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(shipped_text())
    return data


def acts_as(org_type: str, roles: set[str]) -> set[str]:
    return {
        a["id"]
        for a in document()["actors"]
        if a.get("organisation_type") == org_type
        and (not a.get("user_roles") or roles & set(a["user_roles"]))
    }


def dossier_readers(measure_id: str) -> set[str]:
    row = next(m for m in document()["measures"] if m["id"] == measure_id)
    domain = next(d for d in document()["legal_domains"] if d["id"] == row["legal_domain"])
    readers = set(domain["competent_authorities"]) | set(row["decision_role"]["actors"])
    for flow in document()["flows"]:
        if flow.get("dossier") == row["legal_domain"]:
            readers |= set(flow["to"])
    return readers


def measure_readers(measure_id: str) -> set[str]:
    row = next(m for m in document()["measures"] if m["id"] == measure_id)
    return dossier_readers(measure_id) | set(row.get("executors") or [])


@dataclass(frozen=True)
class MeasureSpec:
    measure: str
    proposer: str


@dataclass(frozen=True)
class CaseSpec:
    team: frozenset[str]
    measures: tuple[MeasureSpec, ...]
    designated: bool


@st.composite
def cases(draw: st.DrawFn) -> CaseSpec:
    team = draw(st.frozensets(st.sampled_from(PARTNERS)))
    proposers = ["case_manager", "mayor", *sorted(team)]
    chosen = draw(st.lists(st.sampled_from(MEASURES), min_size=1, max_size=4, unique=True))
    measures = tuple(MeasureSpec(m, draw(st.sampled_from(proposers))) for m in chosen)
    return CaseSpec(team, measures, draw(st.booleans()))


def sees_case(viewer: str, spec: CaseSpec) -> bool:
    return VIEWERS[viewer][2] or viewer in spec.team


def reading_actors(viewer: str, spec: CaseSpec) -> set[str]:
    org_type, roles, _staff = VIEWERS[viewer]
    if viewer == "adviser" and spec.designated:
        roles = roles | {"mayor"}
    return acts_as(org_type, roles)


def org_of(viewer: str) -> str:
    return "municipality_a" if VIEWERS[viewer][2] else viewer


def oracle_measures(viewer: str, spec: CaseSpec) -> set[str]:
    if not sees_case(viewer, spec):
        return set()
    org_type, roles, _staff = VIEWERS[viewer]
    plain = acts_as(org_type, roles)
    return {
        m.measure
        for m in spec.measures
        if (reading_actors(viewer, spec) | plain) & measure_readers(m.measure)
        or org_of(m.proposer) == org_of(viewer)
    }


def oracle_dossiers(viewer: str, spec: CaseSpec) -> set[str]:
    if not sees_case(viewer, spec):
        return set()
    return {
        m.measure
        for m in spec.measures
        if reading_actors(viewer, spec) & dossier_readers(m.measure)
    }


def oracle_compartments(viewer: str, spec: CaseSpec) -> set[str]:
    if viewer == "mayor" or (viewer == "adviser" and spec.designated):
        return set(COMPARTMENTS)
    return set(COMPARTMENTS) - {"aivd"}


class MeasuresPolicyPropertyTest(TestCase):
    cast: ClassVar[Cast]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = make_cast()
        publish(cls.cast.national_admin)

    def _user(self, name: str) -> Any:
        return getattr(self.cast, name)

    def _build(self, spec: CaseSpec) -> tuple[Any, dict[str, CaseMeasure]]:
        cast = self.cast
        case = make_case(cast, team=tuple(self._user(p) for p in sorted(spec.team)))
        if spec.designated:
            services.designate(
                cast.municipality_a, user=cast.adviser, reason="Voorbereiden.", by=cast.mayor
            )
        made: dict[str, CaseMeasure] = {}
        for m in spec.measures:
            measure = services.propose_measure(
                case, measure=m.measure, reason="Reden.", by=self._user(m.proposer)
            )
            # One information item in every compartment, written straight to the table: the
            # services refuse some writers, and what is tested here is who reads.
            for compartment in COMPARTMENTS:
                BasisItem.objects.create(
                    measure=measure,
                    compartment=compartment,
                    source=f"bron {compartment}",
                    received_on=dt.date(2026, 1, 1),
                    summary=f"inhoud {compartment}",
                    added_by=cast.mayor,
                )
            made[m.measure] = measure
        return case, made

    def _client(self, viewer: str) -> Client:
        client = Client(REMOTE_ADDR="127.0.0.1")
        force_verified_login(client, self._user(viewer))
        return client

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(spec=cases())
    def test_every_route_shows_what_the_framework_allows(self, spec: CaseSpec) -> None:
        Designation.objects.all().delete()
        case, made = self._build(spec)
        for viewer in VIEWERS:
            user = self._user(viewer)
            want_measures = oracle_measures(viewer, spec)
            want_dossiers = oracle_dossiers(viewer, spec)
            want_compartments = oracle_compartments(viewer, spec)
            label = (viewer, spec)

            # Row filters: lists and counts.
            rows = visible(user, CaseMeasure.objects.filter(case=case), Action.VIEW)
            assert set(rows.values_list("measure", flat=True)) == want_measures, label
            assert rows.count() == len(want_measures), label
            items = visible(user, BasisItem.objects.filter(measure__case=case), Action.VIEW)
            want_items = {(m, c) for m in want_dossiers for c in want_compartments}
            assert {
                (i.measure.measure, i.compartment) for i in items.select_related("measure")
            } == want_items, label

            # Selectors: the case's measures by ground, and one measure with its dossier.
            if sees_case(viewer, spec):
                grounds = selectors.grounds_of_case(user, case)
                listed = {m.measure for g in grounds for m in g.measures}
                assert listed == want_measures, label
                for g in grounds:
                    assert all(m.legal_domain == g.legal_domain for m in g.measures), label
            for measure_id, measure in made.items():
                if measure_id not in want_measures:
                    try:
                        selectors.get_measure_for(user, measure.uuid)
                    except Denied:
                        pass
                    else:
                        raise AssertionError(("measure shown", measure_id, label))
                    continue
                view = selectors.get_measure_for(user, measure.uuid)
                if measure_id in want_dossiers:
                    assert view.dossier is not None, (measure_id, label)
                    assert {b.compartment for b in view.dossier.basis} == want_compartments
                else:
                    assert view.dossier is None, (measure_id, label)
            self._check_routes(viewer, case, made, want_measures, want_dossiers, spec)

    def _check_routes(
        self,
        viewer: str,
        case: Any,
        made: dict[str, CaseMeasure],
        want_measures: set[str],
        want_dossiers: set[str],
        spec: CaseSpec,
    ) -> None:
        """The JSON API and the measure pages agree with the oracle."""
        client = self._client(viewer)
        want_compartments = oracle_compartments(viewer, spec)
        for measure_id, measure in made.items():
            api = client.get(f"/api/v1/measures/{measure.uuid}")
            try:
                page_url = reverse("measures:detail", args=[measure.uuid])
            except NoReverseMatch:  # pragma: no cover - the page exists
                raise AssertionError("the measure page has no route measures:detail") from None
            page = client.get(page_url)
            if measure_id not in want_measures:
                assert api.status_code == 404, (measure_id, viewer, api.status_code)
                assert page.status_code == 404, (measure_id, viewer, page.status_code)
                continue
            assert api.status_code == 200, (measure_id, viewer, api.status_code)
            assert page.status_code == 200, (measure_id, viewer, page.status_code)
            body = api.json()
            html = page.content.decode()
            if measure_id in want_dossiers:
                assert body["dossier"] is not None, (measure_id, viewer)
                shown = {b["compartment"] for b in body["dossier"]["basis"]}
                assert shown == want_compartments, (measure_id, viewer, shown)
            else:
                assert body["dossier"] is None, (measure_id, viewer)
            for compartment in COMPARTMENTS:
                expect = measure_id in want_dossiers and compartment in want_compartments
                assert (f"inhoud {compartment}" in html) == expect, (
                    measure_id,
                    viewer,
                    compartment,
                )
