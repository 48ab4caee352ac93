"""The "done when" of the structure issue (13) that concerns access, on the demo data.

Through the pages a person would use: the candidates for a Havenstad case team hold no privacy
officer, administrator, national partner or user of another region, and adding one is refused;
the mayor reads the plan page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from samenspel.accounts.models import OrganisationType, Role, User
from samenspel.cases.models import Case, CaseMember
from samenspel.demo import data
from samenspel.testing import force_verified_login, make_organisation, make_user

pytestmark = pytest.mark.django_db

NEVER_ON_A_TEAM = ["fg", "beheerder", "landelijk", "nctv", "weide.regisseur", "klein.adviseur"]


def client_for(username: str) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, User.objects.get(username=username))
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


def test_the_team_of_a_havenstad_case_takes_only_who_needs_to_know() -> None:
    data.load()
    elsewhere = make_organisation(
        "Politie-eenheid Oost", type=OrganisationType.POLICE, region="Oost-Nederland"
    )
    far = make_user(elsewhere, Role.PARTNER_LIAISON, username="oost.politie", full_name="Olaf Oost")
    case = Case.objects.filter(municipality__name="Gemeente Havenstad").first()
    assert case is not None
    director = client_for(case.case_director.username)
    url = reverse("cases:team", args=[case.uuid])
    page = text(director.get(url))
    assert "Teamlid toevoegen" in page
    for username in [*NEVER_ON_A_TEAM, far.username]:
        user = User.objects.get(username=username)
        assert f'value="{user.uuid}"' not in page, username
        refused = director.post(url, {"user": str(user.uuid), "task": "meekijken"})
        assert refused.status_code == 400, username
        assert not CaseMember.objects.filter(case=case, user=user).exists(), username
    # Who may join: the case work of Havenstad and the liaisons of Rijnmond's partners.
    for username in ("adviseur", "zorg", "officier"):
        user = User.objects.get(username=username)
        on_team = CaseMember.objects.filter(case=case, user=user, removed_at__isnull=True)
        assert on_team.exists() or f'value="{user.uuid}"' in page, username


def test_the_mayor_reads_the_plan_page_of_a_case_in_her_municipality() -> None:
    data.load()
    case = Case.objects.filter(municipality__name="Gemeente Havenstad").first()
    assert case is not None
    mayor = client_for("burgemeester")
    plan = mayor.get(reverse("cases:plan", args=[case.uuid]))
    assert plan.status_code == 200
    assert "Interventie toevoegen" not in text(plan)
    assert mayor.get(f"/api/v1/cases/{case.uuid}/plan").status_code == 200
