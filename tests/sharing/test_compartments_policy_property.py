"""For random cases with information in every compartment and care in the plan: what each user
reads of it, on every route, equals an oracle built from the framework's flows.

Routes: the policy's row filters (the items, and the plan lines read and named), the selectors
(the list, one item, the plan and the count of hidden care lines), the case PDF (the HTML it
prints: items, files named, plan lines, the hidden count) and the JSON API (the list with the
compartments one may record in and the standing consents, one item, its file, and the plan with
its hidden count and balance).

The oracle reads the shipped framework file itself, as plain dicts (not through the typed
framework or the rules). A user acts as the actors of their organisation type whose
`user_roles` they hold (or all of that type when the actor names none). The readers of a
compartment are the actors whose own information falls in it and the receivers of the flows
that open it. Nobody reads anything of a case they do not see (the municipality's case work,
the team, a running break-the-glass). On a case they see, a user reads:

- a police, OM or municipal item when they act as a reader of its compartment, or their
  organisation recorded it;
- an AIVD summary only as the mayor of the case's municipality or an official the mayor
  designated, while the designation runs (Wiv: nobody else, not even the recording
  organisation);
- a care item when their organisation recorded it; on consent, when the consent stands and
  names their organisation; on a conflict of duties or a statutory exception, when they act as
  a reader of care.

Every plan line is named to whoever sees the case; a care line is read only by the owner's and
the planner's organisations, the organisations a standing consent names, and (care without
consent) the readers of care.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar
from unittest import mock

import yaml
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.cases import selectors
from samenspel.cases.models import BreakGlass, Case, InformationItem, Intervention
from samenspel.frameworks.shipped import shipped_text
from samenspel.measures.models import Designation
from samenspel.sharing.policy import Action, visible
from samenspel.testing import (
    Cast,
    force_verified_login,
    make_case,
    make_cast,
    make_organisation,
    make_user,
)
from samenspel.testing import publish_framework as publish

# persona: (organisation, organisation type, roles, sees every case of municipality A)
PERSONAS: dict[str, tuple[str, str, frozenset[str], bool]] = {
    "case_manager": ("municipality_a", "municipality", frozenset({"case_director"}), True),
    "adviser": ("municipality_a", "municipality", frozenset({"security_adviser"}), True),
    "mayor": ("municipality_a", "municipality", frozenset({"mayor"}), True),
    "privacy_officer": ("municipality_a", "municipality", frozenset({"privacy_officer"}), False),
    "police_officer": ("police", "police", frozenset({"partner_liaison"}), False),
    "prosecutor": ("om", "om", frozenset({"partner_liaison"}), False),
    "care_worker": ("care", "care_partner", frozenset({"partner_liaison"}), False),
    "youth_worker": ("youth_care", "care_partner", frozenset({"partner_liaison"}), False),
    "zvh_director": ("zvh", "zvh", frozenset({"partner_liaison"}), False),
    "nctv_adviser": ("nctv", "nctv", frozenset({"partner_liaison"}), False),
    "outsider": ("municipality_b", "municipality", frozenset({"case_director"}), False),
    "mayor_b": ("municipality_b", "municipality", frozenset({"mayor"}), False),
}
# Who can be on the team of a case of municipality A, or break the glass on it.
PARTNERS = ["police_officer", "prosecutor", "care_worker", "youth_worker", "zvh_director"]
# Who records information (written straight to the table: the services refuse some writers,
# and what is tested here is who reads).
RECORDERS = ["case_manager", "adviser", "mayor", *PARTNERS]
# Who the mayor may have designated to read the AIVD summaries.
DESIGNABLE = ["adviser", "case_manager"]
ORGANISATIONS = sorted({p[0] for p in PERSONAS.values()})
COMPARTMENTS = ["police", "om", "aivd", "care", "municipal"]
CARE_BASES = ["consent", "conflict_of_duties", "statutory"]
DOMAIN_MEASURE = {"care": "I-08", "prevention": "I-01", "repression": "I-07"}


# --- The oracle: the shipped framework file, read as plain data -----------------------------


@cache
def document() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(shipped_text())
    return data


def acts_as(org_type: str, roles: frozenset[str]) -> frozenset[str]:
    return frozenset(
        a["id"]
        for a in document()["actors"]
        if a.get("organisation_type") == org_type
        and (not a.get("user_roles") or roles & set(a["user_roles"]))
    )


@cache
def readers_of(compartment: str) -> frozenset[str]:
    """The actors whose own information is in `compartment`, and the receivers of its flows."""
    found = {a["id"] for a in document()["actors"] if a.get("compartment") == compartment}
    for flow in document()["flows"]:
        if flow.get("compartment") == compartment:
            found |= set(flow["to"])
    return frozenset(found)


@dataclass(frozen=True)
class LineSpec:
    domain: str
    owner: str  # organisation
    planner: str  # persona
    voluntary: bool
    consent: str
    shared_with: frozenset[str]  # organisations


@dataclass(frozen=True)
class ItemSpec:
    compartment: str
    recorder: str  # persona
    care_basis: str  # "" outside care
    consent_of: int  # index into the lines (care on consent), else -1
    with_file: bool


@dataclass(frozen=True)
class CaseSpec:
    team: frozenset[str]
    glass: frozenset[str]
    expired_glass: frozenset[str]  # a term that has ended opens nothing
    designated: frozenset[str]
    ended_designation: frozenset[str]  # an ended designation reads nothing
    lines: tuple[LineSpec, ...]
    items: tuple[ItemSpec, ...]


@st.composite
def lines(draw: st.DrawFn) -> LineSpec:
    domain = draw(st.sampled_from(sorted(DOMAIN_MEASURE)))
    voluntary = draw(st.sampled_from([True, True, False]))
    consent = (
        draw(st.sampled_from(["not_asked", "given", "given", "withdrawn", "refused"]))
        if voluntary
        else "not_needed"
    )
    return LineSpec(
        domain=domain,
        owner=draw(st.sampled_from(ORGANISATIONS)),
        planner=draw(st.sampled_from(["case_manager", "adviser", *PARTNERS])),
        voluntary=voluntary,
        consent=consent,
        shared_with=draw(st.frozensets(st.sampled_from(ORGANISATIONS), min_size=1, max_size=4))
        if voluntary
        else frozenset(),
    )


@st.composite
def cases(draw: st.DrawFn) -> CaseSpec:
    team = draw(st.frozensets(st.sampled_from(PARTNERS)))
    # Break-the-glass by partners who are not on the team, running or ended.
    glass = draw(st.frozensets(st.sampled_from(PARTNERS))) - team
    expired = draw(st.frozensets(st.sampled_from(PARTNERS))) - team - glass
    designated = draw(st.frozensets(st.sampled_from(DESIGNABLE)))
    ended = draw(st.frozensets(st.sampled_from(DESIGNABLE))) - designated
    plan = tuple(draw(st.lists(lines(), min_size=1, max_size=4)))
    voluntary = [n for n, line in enumerate(plan) if line.voluntary]
    items = []
    # Every compartment at least once and care twice, some more.
    extra = draw(st.lists(st.sampled_from(COMPARTMENTS), max_size=3))
    for compartment in [*COMPARTMENTS, "care", *extra]:
        basis, consent_of = "", -1
        if compartment == "care":
            basis = draw(st.sampled_from(CARE_BASES if voluntary else CARE_BASES[1:]))
            if basis == "consent":
                consent_of = draw(st.sampled_from(voluntary))
        items.append(
            ItemSpec(
                compartment=compartment,
                recorder=draw(st.sampled_from(RECORDERS)),
                care_basis=basis,
                consent_of=consent_of,
                with_file=compartment != "aivd" and draw(st.booleans()),
            )
        )
    return CaseSpec(
        team=team,
        glass=glass,
        expired_glass=expired,
        designated=designated,
        ended_designation=ended,
        lines=plan,
        items=tuple(items),
    )


def org_of(persona: str) -> str:
    return PERSONAS[persona][0]


def sees_case(viewer: str, spec: CaseSpec) -> bool:
    return PERSONAS[viewer][3] or viewer in spec.team or viewer in spec.glass


def acting(viewer: str) -> frozenset[str]:
    _org, org_type, roles, _wide = PERSONAS[viewer]
    return acts_as(org_type, roles)


def reads_aivd(viewer: str, spec: CaseSpec) -> bool:
    return viewer == "mayor" or viewer in spec.designated


def oracle_items(viewer: str, spec: CaseSpec) -> set[int]:
    """The items (by index) `viewer` reads."""
    if not sees_case(viewer, spec):
        return set()
    org = org_of(viewer)
    found = set()
    for n, item in enumerate(spec.items):
        own = org_of(item.recorder) == org
        if item.compartment == "aivd":
            reads = reads_aivd(viewer, spec)
        elif item.compartment == "care":
            if item.care_basis == "consent":
                line = spec.lines[item.consent_of]
                shared = line.consent == "given" and org in line.shared_with
            else:
                shared = bool(acting(viewer) & readers_of("care"))
            reads = own or shared
        else:
            reads = own or bool(acting(viewer) & readers_of(item.compartment))
        if reads:
            found.add(n)
    return found


def oracle_lines(viewer: str, spec: CaseSpec) -> tuple[set[int], set[int]]:
    """The plan lines (by index) `viewer` reads, and those they only name."""
    if not sees_case(viewer, spec):
        return set(), set()
    org = org_of(viewer)
    read = set()
    for n, line in enumerate(spec.lines):
        if (
            line.domain != "care"
            or line.owner == org
            or org_of(line.planner) == org
            or (line.consent == "given" and org in line.shared_with)
            or (not line.voluntary and acting(viewer) & readers_of("care"))
        ):
            read.add(n)
    return read, set(range(len(spec.lines)))


def oracle_recordable(viewer: str, spec: CaseSpec) -> list[str]:
    """The compartments `viewer` records in: those they read by the flows, AIVD for its
    readers; only who works on the case (not by break-the-glass) and acts as an actor."""
    by_right = PERSONAS[viewer][3] or viewer in spec.team
    if not by_right or not acting(viewer):
        return []
    return [
        c
        for c in COMPARTMENTS
        if (reads_aivd(viewer, spec) if c == "aivd" else bool(acting(viewer) & readers_of(c)))
    ]


def title(n: int) -> str:
    return f"Informatie-{n:02d}-titel"


def by_index(shown: str) -> int:
    return int(shown.split("-")[1])


def text(n: int) -> str:
    return f"Inhoud-{n:02d}-tekst"


def file_name(n: int) -> str:
    return f"bestand-{n:02d}.pdf"


def goal(n: int) -> str:
    return f"Doel-{n:02d}-plan"


HIDDEN = re.compile(r"(\d+) zorginterventies? (?:is|zijn) afgeschermd")


def _first(
    items: list[InformationItem], want: set[int], read: bool, *, file: bool = False
) -> tuple[int, InformationItem] | None:
    """The first item (with a file, if asked) that the oracle says is read, or is not."""
    return next(
        (
            (n, item)
            for n, item in enumerate(items)
            if (n in want) == read and (bool(item.file_name) or not file)
        ),
        None,
    )


@contextmanager
def html_for_pdf() -> Iterator[None]:
    """Let the case PDF return the HTML it would print: the same rows, without the renderer."""
    with mock.patch(
        "samenspel.cases.views.exports.render_pdf",
        side_effect=lambda html, base_url: html.encode(),
    ):
        yield


def test_the_oracle_reads_the_flows_the_rules_describe() -> None:
    # A pin on the shipped data the oracle reads, so that an empty reading cannot pass.
    assert readers_of("police") == {"A-POL", "A-GEM", "A-ZVH"}
    assert readers_of("om") == {"A-OM", "A-ZVH", "A-BGM"}
    assert readers_of("municipal") == {"A-BGM", "A-GEM", "A-ZVH"}
    assert readers_of("care") == {"A-ZORG", "A-ZVH"}
    assert acts_as("municipality", frozenset({"mayor"})) == {"A-BGM", "A-GEM"}
    assert acts_as("municipality", frozenset({"case_director"})) == {"A-GEM"}
    assert acts_as("municipality", frozenset({"privacy_officer"})) == set()


class CompartmentsPolicyPropertyTest(TestCase):
    cast: ClassVar[Cast]
    users: ClassVar[dict[str, User]]
    orgs: ClassVar[dict[str, Organisation]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = cast = make_cast()
        publish(cast.national_admin)
        youth = make_organisation("Jeugdzorg", type=OrganisationType.CARE_PARTNER)
        zvh = make_organisation("Zorg- en Veiligheidshuis", type=OrganisationType.ZVH)
        cls.orgs = {
            "municipality_a": cast.municipality_a,
            "municipality_b": cast.municipality_b,
            "police": cast.police,
            "om": cast.om,
            "care": cast.care,
            "youth_care": youth,
            "zvh": zvh,
            "nctv": cast.nctv,
        }
        cls.users = {
            name: getattr(cast, name)
            for name in PERSONAS
            if name not in {"youth_worker", "zvh_director", "mayor_b"}
        }
        cls.users["youth_worker"] = make_user(youth, Role.PARTNER_LIAISON, username="jeugd")
        cls.users["zvh_director"] = make_user(zvh, Role.PARTNER_LIAISON, username="zvh")
        cls.users["mayor_b"] = make_user(cast.municipality_b, Role.MAYOR, username="mayor.b")
        for name, (org, org_type, roles, _wide) in PERSONAS.items():
            user = cls.users[name]
            assert (cls.orgs[org], org_type, set(roles)) == (
                user.organisation,
                user.organisation.type,
                set(user.role_set),
            ), name

    def _build(self, spec: CaseSpec) -> tuple[Case, list[InformationItem], list[Intervention]]:
        users, orgs = self.users, self.orgs
        case = make_case(self.cast, team=tuple(users[p] for p in sorted(spec.team)))
        now = timezone.now()
        for name in sorted(spec.designated | spec.ended_designation):
            ended = name in spec.ended_designation
            Designation.objects.create(
                municipality=self.cast.municipality_a,
                user=users[name],
                designated_by=self.cast.mayor,
                reason="Leest mee.",
                ended_by=self.cast.mayor if ended else None,
                ended_at=now if ended else None,
            )
        for name in sorted(spec.glass | spec.expired_glass):
            opened = now - dt.timedelta(hours=2) if name in spec.expired_glass else now
            BreakGlass.objects.create(
                case=case,
                user=users[name],
                organisation=users[name].organisation,
                reason="Spoed.",
                opened_at=opened,
                expires_at=opened + dt.timedelta(hours=1),
            )
        plan = []
        for n, line in enumerate(spec.lines):
            given = line.consent == "given"
            made = Intervention.objects.create(
                case=case,
                measure=DOMAIN_MEASURE[line.domain],
                name=f"Interventie {n}",
                domain=line.domain,
                owner=orgs[line.owner],
                legal_basis="Grondslag.",
                voluntary=line.voluntary,
                consent=line.consent,
                consent_by="De persoon zelf" if given else "",
                consent_on=dt.date(2026, 11, 1) if given else None,
                consent_scope="Delen met het casusoverleg." if given else "",
                goal=goal(n),
                created_by=users[line.planner],
            )
            made.consent_shared_with.set([orgs[o] for o in line.shared_with])
            plan.append(made)
        items = []
        for n, item in enumerate(spec.items):
            recorder = users[item.recorder]
            items.append(
                InformationItem.objects.create(
                    case=case,
                    kind="summary" if item.compartment == "aivd" else "note",
                    compartment=item.compartment,
                    title=title(n),
                    source=f"Bron-{n:02d}",
                    text=text(n),
                    file_name=file_name(n) if item.with_file else "",
                    file_type="application/pdf" if item.with_file else "",
                    file_size=12 if item.with_file else 0,
                    file_content=b"%PDF-1.7 xx" if item.with_file else b"",
                    care_basis=item.care_basis,
                    consent_of=plan[item.consent_of] if item.consent_of >= 0 else None,
                    basis_reason="" if item.care_basis in ("", "consent") else "Acuut gevaar.",
                    organisation=recorder.organisation,
                    created_by=recorder,
                )
            )
        return case, items, plan

    def _client(self, viewer: str) -> Client:
        client = Client(REMOTE_ADDR="127.0.0.1")
        force_verified_login(client, self.users[viewer])
        return client

    @settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(spec=cases())
    def test_every_route_shows_what_the_flows_allow(self, spec: CaseSpec) -> None:
        Designation.objects.all().delete()
        case, items, plan = self._build(spec)
        by_title = {item.title: n for n, item in enumerate(items)}
        with html_for_pdf():
            for viewer in PERSONAS:
                want = oracle_items(viewer, spec)
                want_read, want_named = oracle_lines(viewer, spec)
                self._check_rows(viewer, spec, case, items, plan, want, want_read, want_named)
                self._check_selectors(
                    viewer, case, items, plan, by_title, want, want_read, want_named
                )
                client = self._client(viewer)
                self._check_pdf(
                    client, viewer, spec, case, items, plan, want, want_read, want_named
                )
                self._check_api(
                    client, viewer, spec, case, items, plan, want, want_read, want_named
                )

    def _check_rows(
        self,
        viewer: str,
        spec: CaseSpec,
        case: Case,
        items: list[InformationItem],
        plan: list[Intervention],
        want: set[int],
        want_read: set[int],
        want_named: set[int],
    ) -> None:
        user, label = self.users[viewer], (viewer, spec)
        rows = visible(user, InformationItem.objects.filter(case=case))
        assert {items.index(i) for i in rows} == want, label
        assert rows.count() == len(want), label
        # Items are recorded, never changed: no action but reading reaches a row.
        for action in (Action.EDIT, Action.MANAGE):
            assert not visible(user, InformationItem.objects.filter(case=case), action), label
        lines = Intervention.objects.filter(case=case)
        assert {plan.index(i) for i in visible(user, lines)} == want_read, label
        assert {plan.index(i) for i in visible(user, lines, Action.NAME)} == want_named, label

    def _check_selectors(
        self,
        viewer: str,
        case: Case,
        items: list[InformationItem],
        plan: list[Intervention],
        by_title: dict[str, int],
        want: set[int],
        want_read: set[int],
        want_named: set[int],
    ) -> None:
        user = self.users[viewer]
        listed = selectors.information_of(user, case, record_read=False)
        assert {by_title[i.title] for i in listed} == want, viewer
        # One item each of those read and of those not (every item costs a policy evaluation;
        # the list above holds them all). The API's file route below asks the file selector.
        for pick in (_first(items, want, False), _first(items, want, True)):
            if pick is None:
                continue
            n, item = pick
            try:
                got = selectors.get_information_for(user, case, item.uuid, record_read=False)
            except Http404:
                assert n not in want, (viewer, n)
            else:
                assert n in want and got.pk == item.pk, (viewer, n)
        assert {plan.index(i) for i in selectors.plan_of(user, case)} == want_read, viewer
        hidden = len(want_named - want_read)
        assert selectors.hidden_plan_count(user, case) == hidden, viewer

    def _check_pdf(
        self,
        client: Client,
        viewer: str,
        spec: CaseSpec,
        case: Case,
        items: list[InformationItem],
        plan: list[Intervention],
        want: set[int],
        want_read: set[int],
        want_named: set[int],
    ) -> None:
        """The case PDF prints the items and plan lines the oracle allows, and counts the rest."""
        response = client.get(reverse("cases:pdf", args=[case.uuid]))
        if not sees_case(viewer, spec):
            assert response.status_code == 404, (viewer, response.status_code)
            return
        assert response.status_code == 200, (viewer, response.status_code)
        html = response.content.decode()
        for n, item in enumerate(items):
            shown = n in want
            assert (title(n) in html) == shown, (viewer, n)
            assert (text(n) in html) == shown, (viewer, n)
            assert (file_name(n) in html) == (shown and bool(item.file_name)), (viewer, n)
        for n in range(len(plan)):
            assert (goal(n) in html) == (n in want_read), (viewer, "line", n)
        counted = HIDDEN.search(html)
        hidden = len(want_named - want_read)
        assert (int(counted.group(1)) if counted else 0) == hidden, (viewer, hidden)

    def _check_api(
        self,
        client: Client,
        viewer: str,
        spec: CaseSpec,
        case: Case,
        items: list[InformationItem],
        plan: list[Intervention],
        want: set[int],
        want_read: set[int],
        want_named: set[int],
    ) -> None:
        """The JSON API lists, shows and plans what the oracle allows, as the selectors do."""
        listed = client.get(f"/api/v1/cases/{case.uuid}/information")
        lines = client.get(f"/api/v1/cases/{case.uuid}/plan")
        if not sees_case(viewer, spec):
            assert (listed.status_code, lines.status_code) == (404, 404), viewer
        else:
            assert (listed.status_code, lines.status_code) == (200, 200), viewer
            body = listed.json()
            titles = {i["title"] for i in body["items"]}
            assert titles == {title(n) for n in want}, (viewer, titles)
            assert body["compartments"] == oracle_recordable(viewer, spec), viewer
            consents = {str(plan[n].uuid) for n in want_read if spec.lines[n].consent == "given"}
            assert {str(u) for u in body["consents"]} == consents, viewer
            for row in body["items"]:
                n = by_index(row["title"])
                assert row["compartment"] == spec.items[n].compartment, (viewer, n)
                assert (row["file"] is not None) == spec.items[n].with_file, (viewer, n)
            body = lines.json()
            assert {i["uuid"] for i in body["interventions"]} == {
                str(plan[n].uuid) for n in want_read
            }, viewer
            assert body["hidden"] == len(want_named - want_read), viewer
            assert body["balance"]["total"] == len(want_named), viewer
        for pick in (_first(items, want, False), _first(items, want, True)):
            if pick is None:
                continue
            n, item = pick
            one = client.get(f"/api/v1/information/{item.uuid}")
            if n not in want:
                assert one.status_code == 404, (viewer, n, one.status_code)
                continue
            assert one.status_code == 200, (viewer, n, one.status_code)
            assert (one.json()["title"], one.json()["text"]) == (title(n), text(n)), viewer
        for pick in (_first(items, want, False, file=True), _first(items, want, True, file=True)):
            if pick is None:
                continue
            n, item = pick
            got = client.get(f"/api/v1/information/{item.uuid}/file")
            assert got.status_code == (200 if n in want else 404), (viewer, n, "file")
