"""For random case teams and users: a case is visible through every route iff the policy says so.

Routes: the selectors (list, search, counts, one case, its parts), the case page, the list
page, the plan, team and history pages and their API twins, the API list and detail, and the
exports (the case file PDF and the case list CSV); and the user list of who may join a team.

The oracle below writes the need-to-know rules down a second time, in plain Python:
a user sees a case while on its team (added and not removed since), or, in the case's own
municipality, as case director, security adviser or mayor (who see every case there); the
parts of a case (plan, team, history) go with the case. Who may join a team: case directors
and security advisers of the case's municipality, and the partner liaisons of the regional
partners (police, OM, ZVH, care, probation, child protection) of its region; never a privacy
officer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.cases import selectors, services
from samenspel.cases.models import Case
from samenspel.cases.views import exports as case_exports
from samenspel.sharing.policy import Action, Denied, visible
from samenspel.testing import Cast, force_verified_login, make_case, make_cast, make_user
from samenspel.testing import publish_framework as publish

ROLES = [
    Role.CASE_DIRECTOR,
    Role.SECURITY_ADVISER,
    Role.MAYOR,
    Role.PARTNER_LIAISON,
    Role.FUNCTIONAL_ADMIN,
    Role.PRIVACY_OFFICER,
    Role.NATIONAL_ADMIN,
]
ORGS = ["municipality_a", "municipality_b", "police", "om", "care", "nctv"]
# Cast users who join teams and look at cases, next to the random users.
CAST_USERS = ["case_manager", "adviser", "mayor", "police_officer", "care_worker", "outsider"]
WIDE_VIEW = {Role.CASE_DIRECTOR, Role.SECURITY_ADVISER, Role.MAYOR}
WIDE_EDIT = {Role.CASE_DIRECTOR, Role.SECURITY_ADVISER}
JOIN_MUNICIPAL = {Role.CASE_DIRECTOR, Role.SECURITY_ADVISER}
REGIONAL = {
    OrganisationType.POLICE,
    OrganisationType.OM,
    OrganisationType.ZVH,
    OrganisationType.CARE_PARTNER,
    OrganisationType.RECLASSERING,
    OrganisationType.RVDK,
}


def may_join(user: User, case: Case) -> bool:
    """The oracle for who may join a case team (sharing rule case.join)."""
    roles = {Role(r) for r in user.roles.values_list("role", flat=True)}
    org = user.organisation
    if not (user.is_active and org.is_active) or Role.PRIVACY_OFFICER in roles:
        return False
    if org.pk == case.municipality_id:
        return bool(roles & JOIN_MUNICIPAL)
    region = case.municipality.region
    return (
        org.type in REGIONAL
        and bool(region)
        and org.region == region
        and (Role.PARTNER_LIAISON in roles)
    )


@dataclass(frozen=True)
class UserSpec:
    org: int
    roles: frozenset[Role]
    active: bool


@dataclass(frozen=True)
class TeamOp:
    case: int
    member: int  # index into the cast users followed by the random users
    add: bool  # add to the team, or take off it


@dataclass(frozen=True)
class World:
    users: list[UserSpec]
    cases_in_b: list[bool]  # per case: in municipality B (else A)
    ops: list[TeamOp]


@st.composite
def worlds(draw: st.DrawFn) -> World:
    users = draw(
        st.lists(
            st.builds(
                UserSpec,
                org=st.integers(min_value=0, max_value=len(ORGS) - 1),
                roles=st.frozensets(st.sampled_from(ROLES), max_size=2),
                active=st.booleans(),
            ),
            min_size=1,
            max_size=4,
        )
    )
    cases_in_b = draw(st.lists(st.booleans(), min_size=1, max_size=3))
    pool = len(CAST_USERS) + len(users)
    ops = draw(
        st.lists(
            st.builds(
                TeamOp,
                case=st.integers(min_value=0, max_value=len(cases_in_b) - 1),
                member=st.integers(min_value=0, max_value=pool - 1),
                add=st.booleans(),
            ),
            max_size=8,
        )
    )
    return World(users, cases_in_b, ops)


# --- The oracle -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the oracle knows about a user, gathered when the world was built."""

    pk: int
    active: bool
    organisation: int
    in_municipality: bool
    roles: frozenset[Role]


def oracle(
    viewer: Facts, case_pk: int, municipality: int, director: int, team: set[int], action: Action
) -> bool:
    if not viewer.active:
        return False
    own = viewer.in_municipality and viewer.organisation == municipality
    if action is Action.MANAGE:
        return viewer.pk == director or (own and Role.CASE_DIRECTOR in viewer.roles)
    wide = WIDE_EDIT if action is Action.EDIT else WIDE_VIEW
    return viewer.pk in team or (own and bool(viewer.roles & wide))


class CasePolicyPropertyTest(TestCase):
    cast: ClassVar[Cast]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = make_cast()
        publish(cls.cast.national_admin)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(worlds())
    def test_every_route_shows_a_case_iff_the_oracle_allows_it(self, world: World) -> None:
        cast = self.cast
        orgs: list[Organisation] = [getattr(cast, name) for name in ORGS]
        randoms = [make_user(orgs[u.org], *sorted(u.roles)) for u in world.users]
        pool: list[User] = [getattr(cast, name) for name in CAST_USERS] + randoms

        cases: list[Case] = []
        for i, in_b in enumerate(world.cases_in_b):
            municipality = cast.municipality_b if in_b else cast.municipality_a
            director = cast.outsider if in_b else cast.case_manager
            cases.append(
                make_case(
                    cast,
                    municipality=municipality,
                    case_director=director,
                    family_name=f"Fictiefnaam{chr(ord('a') + i)}",
                )
            )
        # The team as the oracle sees it: the case director from the start, then the changes.
        teams: dict[int, set[int]] = {c.pk: {c.case_director_id} for c in cases}
        for op in world.ops:
            case, member = cases[op.case], pool[op.member]
            if op.add:
                joins = may_join(member, case)
                try:
                    services.add_member(case, user=member, by=case.case_director)
                except ValidationError:
                    assert not joins, (member, case)
                else:
                    assert joins, (member, case)
                    teams[case.pk].add(member.pk)
            elif member.pk != case.case_director_id:
                services.remove_member(case, user=member, by=case.case_director)
                teams[case.pk].discard(member.pk)
        # Deactivate after the team changes: only active users can join a team.
        for spec, user in zip(world.users, randoms, strict=True):
            if not spec.active:
                User.objects.filter(pk=user.pk).update(is_active=False)

        facts = {
            u.pk: Facts(
                u.pk,
                u.is_active,
                u.organisation_id,
                u.organisation.type == OrganisationType.MUNICIPALITY,
                frozenset(Role(r) for r in u.roles.values_list("role", flat=True)),
            )
            for u in User.objects.select_related("organisation").filter(pk__in=[p.pk for p in pool])
        }
        viewers = list(
            User.objects.select_related("organisation").filter(pk__in=[p.pk for p in pool])
        )

        def allowed(viewer: User, case: Case, action: Action = Action.VIEW) -> bool:
            return oracle(
                facts[viewer.pk],
                case.pk,
                case.municipality_id,
                case.case_director_id,
                teams[case.pk],
                action,
            )

        for viewer in viewers:
            expected = {c.pk for c in cases if allowed(viewer, c)}
            got = set(selectors.cases_visible_to(viewer).values_list("pk", flat=True))
            assert got == expected, (viewer, facts[viewer.pk])
            for action in (Action.EDIT, Action.MANAGE):
                got = set(visible(viewer, Case.objects.all(), action).values_list("pk", flat=True))
                assert got == {c.pk for c in cases if allowed(viewer, c, action)}, (viewer, action)
            assert sum(selectors.count_cases(viewer).values()) == len(expected)
            assert selectors.count_cases(viewer)["open"] == len(expected)
            for case in cases:
                shown = case.pk in expected
                found = selectors.case_list(viewer, status="", query=case.person.family_name)
                assert set(found.values_list("pk", flat=True)) == ({case.pk} if shown else set())
                assert (
                    case.pk in set(selectors.case_list(viewer).values_list("pk", flat=True))
                ) == shown
                try:
                    selectors.get_case_for(viewer, case.uuid, record_read=False)
                except Denied as denied:
                    assert not shown
                    assert denied.exists
                else:
                    assert shown
                # The parts go with the case; who may join is told only to who manages.
                assert bool(selectors.team_of(viewer, case)) == shown
                assert bool(selectors.history_of(viewer, case, record_read=False)) == shown
                joiners = {
                    u.pk
                    for u in User.objects.select_related("organisation")
                    if u.pk not in teams[case.pk] and may_join(u, case)
                }
                manages = allowed(viewer, case, Action.MANAGE)
                got_joiners = {u.pk for u in selectors.candidate_members(viewer, case)}
                assert got_joiners == (joiners if manages else set()), (viewer, case)

        # The routes write audit records themselves, so they come after the selector checks.
        # Pages are slow next to queries: the random users (of every kind) walk them.
        for viewer in viewers:
            if not viewer.is_active or viewer.pk not in {u.pk for u in randoms}:
                continue
            client = Client(REMOTE_ADDR="127.0.0.1")
            force_verified_login(client, viewer)
            page_list = client.get("/casussen/?status=open").content.decode()
            api_list = client.get("/api/v1/cases?status=all")
            assert api_list.status_code == 200
            api_uuids = {row["uuid"] for row in api_list.json()["results"]}
            export = client.get("/casussen/export.csv?status=all")
            exported = b"".join(export.streaming_content).decode()
            for case in cases:
                shown = allowed(viewer, case)
                page = client.get(f"/casussen/{case.uuid}/")
                api: Any = client.get(f"/api/v1/cases/{case.uuid}")
                # The PDF renderer is swapped for the HTML it is given: the access decision
                # and the content chosen are the same, without seconds of typesetting.
                with mock.patch.object(case_exports, "render_pdf", lambda html, **_: html.encode()):
                    pdf = client.get(f"/casussen/{case.uuid}/casus.pdf")
                assert page.status_code == (200 if shown else 404), (viewer, case)
                assert api.status_code == (200 if shown else 404), (viewer, case)
                assert pdf.status_code == (200 if shown else 404), (viewer, case)
                # A page and its API twin ask the same rule, so they give the same answer.
                for web, json in (
                    ("plan/", "plan"),
                    ("team/", "team"),
                    ("geschiedenis/", "history"),
                ):
                    on_page = client.get(f"/casussen/{case.uuid}/{web}").status_code
                    in_api = client.get(f"/api/v1/cases/{case.uuid}/{json}").status_code
                    assert on_page == in_api == (200 if shown else 404), (viewer, case, web)
                assert (case.reference in pdf.content.decode()) == shown
                assert (f"/casussen/{case.uuid}/" in page_list) == shown
                assert (str(case.uuid) in api_uuids) == shown
                assert (f"\n{case.reference};" in exported) == shown
