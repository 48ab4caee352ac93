"""The break-the-glass pages: the form, the warning on the case, the privacy officer's queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenspel.accounts.models import Role, User
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.cases import services
from samenspel.cases.models import BreakGlass, BreakGlassReview, Case
from samenspel.notifications import selectors as notification_selectors
from samenspel.notifications.models import Notification, Topic
from samenspel.testing import Cast, force_verified_login, make_case, make_user

pytestmark = pytest.mark.django_db

FORM = reverse("cases:break_glass")
QUEUE = reverse("cases:break_glass_queue")
REASON = "Acute dreiging gemeld; de regisseur is niet bereikbaar."


def client_for(user: User) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)
    return client


def text(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return str(response.content.decode())


def ask(client: Client, case: Case, **overrides: str) -> Any:
    data = {
        "municipality": str(case.municipality.uuid),
        "reference": case.reference,
        "reason": REASON,
        "part": "case",
        "submission_key": "form-1",
        **overrides,
    }
    return client.post(FORM, data)


def test_a_partner_opens_a_case_and_every_case_page_warns(cast: Cast) -> None:
    case = make_case(cast)
    police = client_for(cast.police_officer)
    assert police.get(reverse("cases:detail", args=[case.uuid])).status_code == 404
    listing = text(police.get(reverse("cases:list")))
    assert FORM in listing
    form = police.get(FORM)
    assert form.status_code == 200
    page = text(form)
    assert "Gebruik dit alleen in een noodgeval" in page
    assert "functionaris gegevensbescherming" in page
    assert cast.municipality_a.name in page

    response = ask(police, case)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.uuid])
    use = BreakGlass.objects.get()
    until = timezone.localtime(use.expires_at).strftime("%H:%M")
    detail = text(police.get(response["Location"]))
    assert f"U kijkt met noodtoegang, tot {until}." in detail
    # Every page of the case says so; nothing offers a change.
    history = text(police.get(reverse("cases:history", args=[case.uuid])))
    assert "U kijkt met noodtoegang" in history
    assert reverse("consultations:nominate", args=[case.uuid]) not in detail
    assert reverse("cases:plan", args=[case.uuid]) not in detail
    plan = police.get(reverse("cases:plan", args=[case.uuid]))
    assert plan.status_code == 200 and "U kijkt met noodtoegang" in text(plan)
    added = police.post(
        reverse("cases:intervention_add", args=[case.uuid]),
        {"measure": "I-19/repression", "owner": str(cast.police.uuid)},
    )
    assert added.status_code == 403
    # A double submit of the same form opens nothing twice.
    assert ask(police, case).status_code == 302
    assert BreakGlass.objects.count() == 1


def test_the_end_of_the_term_is_a_404_on_the_page_the_api_and_the_list(cast: Cast) -> None:
    case = make_case(cast)
    police = client_for(cast.police_officer)
    ask(police, case)
    assert police.get(reverse("cases:detail", args=[case.uuid])).status_code == 200
    assert police.get(f"/api/v1/cases/{case.uuid}").status_code == 200
    assert case.reference in text(police.get(reverse("cases:list")))
    assert case.reference in text(police.get(reverse("cases:list_csv")))
    now = timezone.now()
    BreakGlass.objects.update(
        opened_at=now - dt.timedelta(hours=2), expires_at=now - dt.timedelta(hours=1)
    )
    assert police.get(reverse("cases:detail", args=[case.uuid])).status_code == 404
    assert police.get(reverse("cases:pdf", args=[case.uuid])).status_code == 404
    assert police.get(f"/api/v1/cases/{case.uuid}").status_code == 404
    assert police.get(f"/api/v1/cases/{case.uuid}/plan").status_code == 404
    assert case.reference not in text(police.get(reverse("cases:list")))
    assert case.reference not in text(police.get(reverse("cases:list_csv")))
    assert police.get("/api/v1/cases?status=all").json()["count"] == 0


def test_without_a_reason_the_form_says_so_saves_nothing_and_audits(cast: Cast) -> None:
    case = make_case(cast)
    police = client_for(cast.police_officer)
    response = ask(police, case, reason="")
    assert response.status_code == 400
    assert "Schrijf op waarom u noodtoegang nodig hebt." in text(response)
    assert not BreakGlass.objects.exists()
    refused = AuditEvent.objects.filter(event=Event.BREAK_GLASS_REFUSED).get()
    assert refused.actor == cast.police_officer
    assert refused.details["fields"] == ["reason"]


def test_asking_for_aivd_material_is_refused_clearly(cast: Cast) -> None:
    case = make_case(cast)
    response = ask(client_for(cast.police_officer), case, part="aivd")
    assert response.status_code == 400
    assert "nooit AIVD-informatie of het dossier van een andere grond" in text(response)
    assert not BreakGlass.objects.exists()
    assert AuditEvent.objects.filter(event=Event.BREAK_GLASS_REFUSED).get().details["part"] == (
        "aivd"
    )


def test_an_unknown_reference_answers_like_a_case_that_is_not_yours(cast: Cast) -> None:
    case = make_case(cast)
    police = client_for(cast.police_officer)
    unknown = ask(police, case, reference="PGA-1999-000000")
    assert unknown.status_code == 400
    message = "Er is geen casus met dit kenmerk die u met noodtoegang kunt openen."
    assert message in text(unknown)


def test_who_cannot_break_the_glass_does_not_get_the_form(cast: Cast) -> None:
    case = make_case(cast)
    for user in (cast.case_manager, cast.privacy_officer, cast.nctv_adviser, cast.outsider):
        client = client_for(user)
        assert client.get(FORM).status_code == 404, user.username
        assert ask(client, case).status_code == 404, user.username
    assert FORM not in text(client_for(cast.case_manager).get(reverse("cases:list")))
    assert not BreakGlass.objects.exists()


def test_the_privacy_officer_reviews_from_the_queue(cast: Cast) -> None:
    case = make_case(cast)
    ask(client_for(cast.police_officer), case)
    use = BreakGlass.objects.get()
    fg = client_for(cast.privacy_officer)
    # The bell links to the queue.
    notice = Notification.objects.get(recipient=cast.privacy_officer, topic=Topic.BREAK_GLASS_USED)
    target = notification_selectors.target_of(cast.privacy_officer, notice)
    assert target is not None and target.url.startswith(QUEUE)
    # The menu and the start page lead there too.
    home = text(fg.get(reverse("web:home")))
    assert QUEUE in home and "1 noodtoegang wacht op uw beoordeling." in home
    before = AuditEvent.objects.filter(actor=cast.privacy_officer).count()
    queue = fg.get(QUEUE)
    assert queue.status_code == 200
    page = text(queue)
    assert case.reference in page and REASON in page and cast.police.name in page
    assert case.person.family_name not in page  # the queue names no person
    assert AuditEvent.objects.filter(actor=cast.privacy_officer).count() == before + 1
    viewed = AuditEvent.objects.filter(event=Event.BREAK_GLASS_QUEUE_VIEWED).get()
    assert viewed.details["uses"] == [str(use.uuid)]

    url = reverse("cases:break_glass_review", args=[use.uuid])
    prefix = f"r{use.uuid.hex[:8]}"
    flagged = fg.post(url, {f"{prefix}-outcome": "flagged", f"{prefix}-comment": ""})
    assert flagged.status_code == 400
    assert "Schrijf op wat niet in orde is." in text(flagged)
    done = fg.post(url, {f"{prefix}-outcome": "accepted"})
    assert done.status_code == 302
    use.refresh_from_db()
    assert use.review == BreakGlassReview.ACCEPTED
    # A second review: somebody came first, nothing changes.
    police_fg = make_user(cast.police, Role.PRIVACY_OFFICER)
    again = client_for(police_fg).post(
        url, {f"{prefix}-outcome": "flagged", f"{prefix}-comment": "Twijfel."}, follow=True
    )
    assert "Deze noodtoegang is al beoordeeld." in text(again)
    use.refresh_from_db()
    assert use.review == BreakGlassReview.ACCEPTED
    assert AuditEvent.objects.filter(event=Event.DECISION_CONFLICT, actor=police_fg).exists()


def test_only_the_privacy_officers_concerned_reach_the_queue_and_the_review(cast: Cast) -> None:
    case = make_case(cast)
    use = services.break_glass(
        case.reference, case.municipality, reason=REASON, by=cast.police_officer
    )
    url = reverse("cases:break_glass_review", args=[use.uuid])
    prefix = f"r{use.uuid.hex[:8]}"
    for user in (cast.case_manager, cast.outsider, cast.police_officer):
        assert client_for(user).get(QUEUE).status_code == 404, user.username
    # Who used it sees the use, but does not review it.
    assert (
        client_for(cast.police_officer).post(url, {f"{prefix}-outcome": "accepted"}).status_code
        == 403
    )
    other_fg = make_user(cast.municipality_b, Role.PRIVACY_OFFICER)
    other = client_for(other_fg)
    assert other.get(QUEUE).status_code == 200
    assert case.reference not in text(other.get(QUEUE))
    assert other.post(url, {f"{prefix}-outcome": "accepted"}).status_code == 404
    use.refresh_from_db()
    assert use.pending
