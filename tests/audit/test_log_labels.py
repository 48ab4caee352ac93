"""The log names what it can: the kind of object in words, its name where the reader may name
it under the policy (else a short identifier), roles in Dutch, users chosen by name."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.testing import Cast, force_verified_login, make_case

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)  # type: ignore[arg-type]
    return client


def test_the_log_names_objects_the_reader_may_name_and_no_others(cast: Cast) -> None:
    case = make_case(cast)
    opened = AuditEvent.objects.get(event=Event.CASE_OPENED, object_id=str(case.uuid))
    page = _client(cast.privacy_officer).get(reverse("web:audit_log"), {"event": Event.CASE_OPENED})
    text = page.content.decode()
    assert page.status_code == 200
    # The privacy officer is on no case team: the case keeps an identifier, in words.
    assert f"casus {str(case.uuid)[:8]}…" in text
    assert case.reference not in text
    assert "cases.case" not in text
    record = _client(cast.privacy_officer).get(reverse("web:audit_record", args=[opened.seq]))
    assert case.person.full_name not in record.content.decode()


def test_the_log_shows_roles_in_dutch_and_filters_users_by_name(cast: Cast) -> None:
    make_case(cast)
    opened = AuditEvent.objects.filter(event=Event.CASE_OPENED).latest("seq")
    client = _client(cast.privacy_officer)
    record = client.get(reverse("web:audit_record", args=[opened.seq])).content.decode()
    assert "Casusregisseur" in record
    assert "case_director" not in record
    page = client.get(reverse("web:audit_log")).content.decode()
    assert f'<option value="{cast.case_manager.uuid}">Carla Casus (Gemeente A)</option>' in page
    mine = client.get(reverse("web:audit_log"), {"actor": str(cast.case_manager.uuid)})
    shown = mine.context["page"].object_list
    assert shown and {r.actor_id for r in shown} == {cast.case_manager.pk}


def test_an_object_the_reader_may_name_shows_its_name(cast: Cast) -> None:
    records = AuditEvent.objects.filter(object_type="accounts.user")
    assert records.exists()
    page = _client(cast.privacy_officer).get(reverse("web:audit_log")).content.decode()
    # A user of the privacy officer's own organisation, named (the kind in words first).
    assert "gebruiker Carla Casus" in page
