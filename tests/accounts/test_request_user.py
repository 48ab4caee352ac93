"""Each request loads its user with organisation and roles in one query, and fresh every time."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from samenspel.accounts import services
from samenspel.accounts.models import Role, User
from samenspel.testing import Cast, make_case
from tests.cases.test_pages import client_for


def test_the_request_user_brings_its_roles_along(cast: Cast) -> None:
    case = make_case(cast)
    client = client_for(cast.case_manager)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/casussen/{case.uuid}/").status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    user_queries = [s for s in sql if 'FROM "accounts_user"' in s]
    assert len(user_queries) == 1
    assert '"accounts_roleassignment"' in user_queries[0]
    assert '"accounts_organisation"' in user_queries[0]
    assert not any(s.lstrip().startswith('SELECT "accounts_roleassignment"') for s in sql)


def test_roles_loaded_along_are_the_roles_held(cast: Cast) -> None:
    for user in (cast.case_manager, cast.adviser, cast.police_officer, cast.national_admin):
        loaded = User.objects.with_roles().get(pk=user.pk)
        assert loaded.role_set == frozenset(
            User.objects.get(pk=user.pk).roles.values_list("role", flat=True)
        )
    assert User.objects.with_roles().get(pk=cast.outsider.pk).role_set == {Role.CASE_DIRECTOR}


def test_a_role_taken_away_counts_from_the_next_request(cast: Cast) -> None:
    case = make_case(cast)
    client = client_for(cast.adviser)
    assert client.get(f"/casussen/{case.uuid}/").status_code == 200
    services.change_user(
        cast.adviser,
        full_name=cast.adviser.full_name,
        email=cast.adviser.email,
        roles=[],
        by=cast.admin_a,
    )
    assert client.get(f"/casussen/{case.uuid}/").status_code == 404


def test_changing_roles_forgets_the_roles_loaded_along(cast: Cast) -> None:
    user = User.objects.with_roles().get(pk=cast.adviser.pk)
    services.change_user(
        user, full_name=user.full_name, email=user.email, roles=[], by=cast.admin_a
    )
    assert user.role_set == frozenset()
