"""For random users and teams: break-the-glass opens a case iff the user may join its team but
does not see it, for reading only, and only until its term ends.

The oracle: the glass opens for an active partner liaison of a regional partner of the case's
region (never a privacy officer), who is not on the team; municipal case work sees its cases
already (told so). Under the glass VIEW is granted; EDIT and MANAGE never change. When the term
ends, VIEW is what it was before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.cases import services
from samenspel.cases.models import BreakGlass, Case
from samenspel.sharing.policy import Action, can
from samenspel.testing import Cast, make_case, make_cast, make_user
from samenspel.testing import publish_framework as publish

ROLES = [
    Role.CASE_DIRECTOR,
    Role.SECURITY_ADVISER,
    Role.MAYOR,
    Role.PARTNER_LIAISON,
    Role.FUNCTIONAL_ADMIN,
    Role.PRIVACY_OFFICER,
]
ORGS = ["municipality_a", "municipality_b", "police", "om", "care", "nctv", "north"]
REGIONAL = {
    OrganisationType.POLICE,
    OrganisationType.OM,
    OrganisationType.ZVH,
    OrganisationType.CARE_PARTNER,
    OrganisationType.RECLASSERING,
    OrganisationType.RVDK,
}


@dataclass(frozen=True)
class Spec:
    org: int
    roles: frozenset[Role]
    on_team: bool


def glass_oracle(user: User, roles: frozenset[Role], case: Case, on_team: bool) -> bool:
    org = user.organisation
    return (
        not on_team
        and org.type in REGIONAL
        and org.region == case.municipality.region
        and Role.PARTNER_LIAISON in roles
        and Role.PRIVACY_OFFICER not in roles
    )


class BreakGlassPropertyTest(TestCase):
    cast: ClassVar[Cast]
    north: ClassVar[Organisation]
    case: ClassVar[Case]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = make_cast()
        cls.north = Organisation.objects.create(
            name="Politie Noord", type=OrganisationType.POLICE, region="Noord"
        )
        publish(cls.cast.national_admin)
        cls.case = make_case(cls.cast)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(
            st.builds(
                Spec,
                org=st.integers(min_value=0, max_value=len(ORGS) - 1),
                roles=st.frozensets(st.sampled_from(ROLES), min_size=1, max_size=2),
                on_team=st.booleans(),
            ),
            min_size=1,
            max_size=4,
        )
    )
    def test_the_glass_opens_iff_the_oracle_says_and_only_for_reading(
        self, specs: list[Spec]
    ) -> None:
        case = self.case
        orgs = [getattr(self.cast, n) if n != "north" else self.north for n in ORGS]
        for spec in specs:
            user = make_user(orgs[spec.org], *sorted(spec.roles))
            user = User.objects.with_roles().get(pk=user.pk)
            on_team = False
            if spec.on_team:
                try:
                    services.add_member(case, user=user, by=case.case_director)
                    on_team = True
                except ValidationError:
                    pass
            before = {a: can(user, a, case) for a in Action}
            opens = glass_oracle(user, spec.roles, case, on_team) and not before[Action.VIEW]
            try:
                use = services.break_glass(
                    case.reference, case.municipality, reason="Noodgeval.", by=user
                )
            except ValidationError:
                assert not opens, (spec, before)
                assert {a: can(user, a, case) for a in Action} == before
                continue
            assert opens, (spec, before)
            assert can(user, Action.VIEW, case)
            # Reading only: no change to the plan, the team or the case.
            assert not can(user, Action.EDIT, case)
            assert not can(user, Action.MANAGE, case)
            now = timezone.now()
            BreakGlass.objects.filter(pk=use.pk).update(
                opened_at=now - dt.timedelta(hours=2), expires_at=now - dt.timedelta(hours=1)
            )
            assert {a: can(user, a, case) for a in Action} == before
