"""The "done when" of the case work (issue 4), walked through the web pages on the demo data.

The demo's own users do what the issue asks, each through the page a person would use: a police
officer submits a signal, the triage team includes it, the case director builds a plan with all
three domains and sees its balance, a police user on the team sees the case while an outsider
gets 404 on every case route, and the case moves to another demo municipality by warm transfer.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenspel.accounts.models import Organisation, User
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.cases.models import Case, Intervention, Transfer, TransferStatus
from samenspel.demo import data
from samenspel.intake.models import Signal, SignalStatus
from samenspel.testing import force_verified_login

pytestmark = pytest.mark.django_db

FAMILY_NAME = "Doorloop"  # fictional, not among the demo's own persons


def client_for(username: str) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, User.objects.get(username=username))
    return client


def text(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return str(response.content.decode())


def uuid_of(username: str) -> str:
    return str(User.objects.get(username=username).uuid)


def org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def case_routes(case: Case) -> list[tuple[str, str]]:
    """Every route of one case, with the method that changes or shows something."""
    intervention = Intervention.objects.filter(case=case).first()
    assert intervention is not None
    c = case.uuid
    member = uuid_of("politie")
    routes = [
        ("get", reverse("cases:detail", args=[c])),
        ("get", reverse("cases:history", args=[c])),
        ("get", reverse("cases:pdf", args=[c])),
        ("get", reverse("cases:plan", args=[c])),
        ("post", reverse("cases:justify", args=[c])),
        ("post", reverse("cases:intervention_add", args=[c])),
        ("post", reverse("cases:intervention_edit", args=[c, intervention.uuid])),
        ("post", reverse("cases:team_remove", args=[c, member])),
    ]
    for name in ("stage", "phase", "tracks", "team", "close", "reopen", "transfer_request"):
        routes.append(("get", reverse(f"cases:{name}", args=[c])))
        routes.append(("post", reverse(f"cases:{name}", args=[c])))
    return routes


def test_from_a_police_signal_to_a_balanced_plan_and_a_warm_transfer() -> None:
    data.load()
    havenstad, weidevelde = org("Gemeente Havenstad"), org("Gemeente Weidevelde")

    # 1. A police officer submits a signal through the web form.
    police = client_for("politie")
    response = police.post(
        reverse("intake:submit"),
        {
            "municipality": str(havenstad.uuid),
            "observed_on": "2026-11-02",
            "observation": "Deelt filmpjes die geweld verheerlijken in een groepsapp.",
            "concern": "Trekt zich terug van school en familie.",
            "is_acute": "nee",
            "subject_family_name": FAMILY_NAME,
            "subject_given_names": "Samir",
            "subject_birth_date": "2007-06-01",
            "subject_address": "Kadestraat 4",
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    assert response.status_code == 302, text(response)
    signal = Signal.objects.get(subject_family_name=FAMILY_NAME)
    assert signal.reporter.username == "politie"
    assert signal.municipality == havenstad

    # 2. The triage team (here the case director of Havenstad) includes it: a case opens.
    director = client_for("regisseur")
    assert signal.reference in text(director.get(reverse("intake:queue")))
    response = director.post(
        reverse("intake:detail", args=[signal.uuid]),
        {
            "version": signal.version,
            "outcome": "include",
            "reason": "Zorgen over radicalisering; persoonsgerichte aanpak nodig.",
            "criteria": data.casework.CRITERIA,
            "person": "nieuw",
            "case_director": uuid_of("regisseur"),
            "phase": "PH-1",
        },
    )
    signal.refresh_from_db()
    assert signal.status == SignalStatus.CLOSED and signal.case is not None
    case = signal.case
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.uuid])
    assert case.municipality == havenstad
    # The reporter sees only the status of the signal, never the case behind it.
    status_page = text(police.get(reverse("intake:status", args=[signal.uuid])))
    assert case.reference not in status_page
    assert police.get(reverse("cases:detail", args=[case.uuid])).status_code == 404

    # 3. The case director builds a plan. Repression alone gets a warning; with prevention and
    # care added the plan is balanced, and the page shows a share per domain.
    page = text(director.get(reverse("cases:detail", args=[case.uuid])))
    assert "Het plan heeft nog geen interventies." in page

    def add(measure: str, owner: Organisation, **extra: str) -> None:
        response = director.post(
            reverse("cases:intervention_add", args=[case.uuid]),
            {"measure": measure, "owner": str(owner.uuid), "goal": "Doel.", **extra},
        )
        assert response.status_code == 302, (measure, text(response))

    add("I-19/repression", org("Politie-eenheid Rijnmond"))
    page = text(director.get(reverse("cases:detail", args=[case.uuid])))
    assert "Het plan bestaat alleen uit repressie." in page
    add("I-01/prevention", havenstad)
    add(
        "I-08/care",
        org("GGZ Havenstad"),
        consent="given",
        consent_by="Samir zelf",
        consent_on=(timezone.localdate() - dt.timedelta(days=1)).strftime("%d-%m-%Y"),
        consent_scope="De voortgang van het zorgtraject delen met het casusoverleg.",
        consent_shared_with=str(havenstad.uuid),
    )
    domains = sorted(Intervention.objects.filter(case=case).values_list("domain", flat=True))
    assert domains == ["care", "prevention", "repression"]
    page = text(director.get(reverse("cases:detail", args=[case.uuid])))
    assert "Het plan bestaat alleen uit repressie." not in page
    assert "Het plan heeft geen preventie of zorg." not in page
    assert page.count(">33%<") == 3, page  # one share per domain

    # 4. A police user on the team sees the case; an outsider gets 404 on every case route.
    response = director.post(
        reverse("cases:team", args=[case.uuid]),
        {"user": uuid_of("politie"), "task": "Informatie uit de politiesystemen"},
    )
    assert response.status_code == 302, text(response)
    assert police.get(reverse("cases:detail", args=[case.uuid])).status_code == 200
    assert FAMILY_NAME in text(police.get(reverse("cases:list")))

    outsider = client_for("klein.adviseur")  # security adviser of another municipality
    version = Case.objects.get(pk=case.pk).version
    for method, url in case_routes(case):
        response = getattr(outsider, method)(url, {"reason": "x", "version": version})
        assert response.status_code == 404, (method, url)
    assert FAMILY_NAME not in text(outsider.get(reverse("cases:list")))
    assert FAMILY_NAME not in text(outsider.get(reverse("cases:list_csv")))
    assert FAMILY_NAME in text(director.get(reverse("cases:list_csv")))
    assert Case.objects.get(pk=case.pk).version == version
    assert AuditEvent.objects.filter(
        event=Event.ACCESS_DENIED, actor__username="klein.adviseur"
    ).exists()

    # 5. The person moves: Havenstad asks Weidevelde, which accepts; Havenstad keeps a stub.
    response = director.post(
        reverse("cases:transfer_request", args=[case.uuid]),
        {"to_municipality": str(weidevelde.uuid), "reason": "Persoon is verhuisd."},
    )
    assert response.status_code == 302, text(response)
    transfer = Transfer.objects.get(case=case, status=TransferStatus.REQUESTED)
    receiver = client_for("weide.regisseur")
    assert case.reference in text(receiver.get(reverse("cases:transfers")))
    response = receiver.post(
        reverse("cases:transfer_accept", args=[transfer.uuid]),
        {"case_director": uuid_of("weide.regisseur")},
    )
    assert response.status_code == 302, text(response)

    moved = Case.objects.get(pk=case.pk)
    assert moved.municipality == weidevelde
    assert moved.interventions.count() == 3  # the plan moves with its history
    page = text(receiver.get(reverse("cases:detail", args=[case.uuid])))
    assert FAMILY_NAME in page
    assert director.get(reverse("cases:detail", args=[case.uuid])).status_code == 404
    assert police.get(reverse("cases:detail", args=[case.uuid])).status_code == 404
    stubs = text(director.get(reverse("cases:transfers")))
    assert case.reference in stubs and "Gemeente Weidevelde" in stubs
