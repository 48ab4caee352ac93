"""For random users and objects: visible through every route iff the policy says so."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from samenspel import audit
from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.audit.events import Event, Purpose
from samenspel.sharing import selectors as sharing_selectors
from samenspel.sharing.policy import Action, can, visible
from samenspel.testing import force_verified_login, make_organisation, make_user

ROLES = list(Role)
ORG_TYPES = [t for t in OrganisationType if t != OrganisationType.AIVD]


@dataclass(frozen=True)
class UserSpec:
    org: int
    roles: frozenset[Role]
    active: bool


@dataclass(frozen=True)
class World:
    org_types: list[OrganisationType]
    org_active: list[bool]
    operator: int | None
    users: list[UserSpec]
    events: list[tuple[int | None, int | None]]  # (actor user index, object user index)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    n_orgs = draw(st.integers(min_value=2, max_value=3))
    org_types = draw(st.lists(st.sampled_from(ORG_TYPES), min_size=n_orgs, max_size=n_orgs))
    org_active = draw(st.lists(st.booleans(), min_size=n_orgs, max_size=n_orgs))
    operator = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=n_orgs - 1)))
    users = draw(
        st.lists(
            st.builds(
                UserSpec,
                org=st.integers(min_value=0, max_value=n_orgs - 1),
                roles=st.frozensets(st.sampled_from(ROLES), max_size=3),
                active=st.booleans(),
            ),
            min_size=2,
            max_size=5,
        )
    )
    n = len(users)
    index = st.one_of(st.none(), st.integers(min_value=0, max_value=n - 1))
    events = draw(st.lists(st.tuples(index, index), max_size=4))
    return World(org_types, org_active, operator, users, events)


# --- The oracle: the policy written down a second time, independently, in plain Python -----


def oracle_org(viewer: User, org: Organisation, action: Action) -> bool:
    if not viewer.is_active:
        return False
    roles = viewer.role_set
    if action is Action.NAME:
        return org.is_active
    if Role.NATIONAL_ADMIN in roles:
        return True
    return action is Action.VIEW and org.pk == viewer.organisation_id


def oracle_user(viewer: User, target: User, action: Action) -> bool:
    if not viewer.is_active:
        return False
    roles = viewer.role_set
    target_is_fa = Role.FUNCTIONAL_ADMIN in set(target.roles.values_list("role", flat=True))
    same_org = target.organisation_id == viewer.organisation_id
    national_sees = Role.NATIONAL_ADMIN in roles and target_is_fa
    if action in (Action.VIEW, Action.NAME):
        return same_org or national_sees
    return (Role.FUNCTIONAL_ADMIN in roles and same_org) or national_sees


def oracle_event(viewer: User, event: object) -> bool:
    if not viewer.is_active or Role.PRIVACY_OFFICER not in viewer.role_set:
        return False
    org = viewer.organisation_id
    actor_org = event.actor_organisation_id  # type: ignore[attr-defined]
    object_org = event.object_organisation_id  # type: ignore[attr-defined]
    if org in (actor_org, object_org):
        return True
    return viewer.organisation.is_operator and actor_org is None and object_org is None


class PolicyPropertyTest(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(worlds())
    def test_every_route_agrees_with_the_policy(self, world: World) -> None:
        orgs = [
            make_organisation(type=t, is_operator=(i == world.operator))
            for i, t in enumerate(world.org_types)
        ]
        users = [make_user(orgs[u.org], *sorted(u.roles)) for u in world.users]
        for spec, user in zip(world.users, users, strict=True):
            if not spec.active:
                User.objects.filter(pk=user.pk).update(is_active=False)
        for org, active in zip(orgs, world.org_active, strict=True):
            if not active:
                Organisation.objects.filter(pk=org.pk).update(is_active=False)
        for actor_i, object_i in world.events:
            audit.record(
                Event.USER_VIEWED,
                by=users[actor_i] if actor_i is not None else None,
                obj=users[object_i] if object_i is not None else None,
                purpose=Purpose.ADMINISTRATION,
            )
        viewers = list(
            User.objects.select_related("organisation").filter(pk__in=[u.pk for u in users])
        )
        all_orgs = list(Organisation.objects.all())
        all_users = list(User.objects.all())
        all_events = list(sharing_selectors.audit_selectors.unfiltered_events())

        for viewer in viewers:
            for action in Action:
                expected = {o.pk for o in all_orgs if oracle_org(viewer, o, action)}
                got = set(
                    visible(viewer, Organisation.objects.all(), action).values_list("pk", flat=True)
                )
                assert got == expected, (viewer, action)
                expected_users = {u.pk for u in all_users if oracle_user(viewer, u, action)}
                got_users = set(
                    visible(viewer, User.objects.all(), action).values_list("pk", flat=True)
                )
                assert got_users == expected_users, (viewer, action)
            expected_events = {e.seq for e in all_events if oracle_event(viewer, e)}
            got_events = set(
                sharing_selectors.audit_events_visible_to(viewer).values_list("seq", flat=True)
            )
            assert got_events == expected_events

        # Routes write audit records themselves, so check them after the policy checks above;
        # the records created before the loop keep their expected visibility.
        for viewer in viewers:
            if not (viewer.is_active and viewer.organisation.is_active):
                continue
            client = Client(REMOTE_ADDR="127.0.0.1")
            force_verified_login(client, viewer)
            org_list = client.get("/beheer/organisaties/").content.decode()
            api_orgs = {o["uuid"] for o in client.get("/api/v1/organisations").json()}
            for org in all_orgs:
                allowed = can(viewer, Action.VIEW, org)
                assert allowed == (
                    org.pk in {o.pk for o in all_orgs if oracle_org(viewer, o, Action.VIEW)}
                )
                page = client.get(f"/beheer/organisaties/{org.uuid}/")
                api = client.get(f"/api/v1/organisations/{org.uuid}")
                assert page.status_code == (200 if allowed else 404)
                assert api.status_code == (200 if allowed else 404)
                assert (str(org.uuid) in org_list) == allowed
                assert (str(org.uuid) in api_orgs) == allowed
            user_list = client.get("/beheer/gebruikers/").content.decode()
            api_users = {u["uuid"] for u in client.get("/api/v1/users").json()}
            for target in all_users:
                allowed = can(viewer, Action.VIEW, target)
                page = client.get(f"/beheer/gebruikers/{target.uuid}/")
                api = client.get(f"/api/v1/users/{target.uuid}")
                assert page.status_code == (200 if allowed else 404)
                assert api.status_code == (200 if allowed else 404)
                assert (f"/beheer/gebruikers/{target.uuid}/" in user_list) == allowed
                assert (str(target.uuid) in api_users) == allowed
                manage = can(viewer, Action.MANAGE, target)
                assert client.get(f"/beheer/gebruikers/{target.uuid}/wijzigen/").status_code == (
                    200 if manage else 404
                )
            for event in all_events:
                allowed = oracle_event(viewer, event)
                assert client.get(f"/logboek/{event.seq}/").status_code == (200 if allowed else 404)
                assert client.get(f"/api/v1/audit/events/{event.seq}").status_code == (
                    200 if allowed else 404
                )
