"""The notification pages: the bell, the list, opening one, marking read, the mail settings."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.cases import services as case_services
from samenspel.cases.models import Case
from samenspel.notifications import services
from samenspel.notifications.models import MailChoice, Notification, Topic
from samenspel.testing import Cast, force_verified_login, make_signal


def client_for(user: Any, *, csrf: bool = False) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1", enforce_csrf_checks=csrf)
    force_verified_login(client, user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


def _told(case: Case, cast: Cast) -> Notification:
    """Tell the police officer they were added to the case team (and add them)."""
    case_services.add_member(case, user=cast.police_officer, by=cast.case_manager)
    notification = Notification.objects.filter(
        recipient=cast.police_officer, object_uuid=case.uuid
    ).first()
    if notification is None:  # until cases.services tells new members itself
        (notification,) = services.notify(
            Topic.MEMBER_ADDED, case, to=[cast.police_officer], by=cast.case_manager
        )
    return notification


def _checked(page: str) -> set[str]:
    """Return the values of the checked boxes on a page."""
    inputs = re.findall(r"<input[^>]*>", page)
    return {
        re.search(r'value="([^"]*)"', tag).group(1)  # type: ignore[union-attr]
        for tag in inputs
        if 'type="checkbox"' in tag and " checked" in tag
    }


def _audited(event: Event, user: Any) -> int:
    return AuditEvent.objects.filter(event=event, actor=user).count()


# --- The bell and the list -------------------------------------------------------------------


def test_the_bell_counts_unread_notifications(cast: Cast, case: Case) -> None:
    client = client_for(cast.police_officer)
    # make_case: the police officer reported the signal, and was told it was weighed.
    assert "1 nieuw" in text(client.get(reverse("web:home")))
    _told(case, cast)
    page = text(client.get(reverse("web:home")))
    assert reverse("notifications:list") in page
    assert "2 nieuw" in page
    client.post(reverse("notifications:mark_all_read"))
    assert " nieuw</span>" not in text(client.get(reverse("web:home")))


def test_the_list_shows_what_a_notification_is_about_and_is_audited(cast: Cast, case: Case) -> None:
    notification = _told(case, cast)
    client = client_for(cast.police_officer)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    page = text(response)
    assert "U bent toegevoegd aan een casusteam" in page
    assert f"Casus {case.reference}" in page
    assert reverse("notifications:open", args=[notification.uuid]) in page
    row = AuditEvent.objects.get(event=Event.NOTIFICATION_LIST_VIEWED, actor=cast.police_officer)
    assert (row.details["shown"], row.details["unread"]) == (2, 2)  # and the weighed signal


def test_opening_a_notification_goes_to_its_object_and_marks_it_read(
    cast: Cast, case: Case
) -> None:
    notification = _told(case, cast)
    client = client_for(cast.police_officer)
    response = client.get(reverse("notifications:open", args=[notification.uuid]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.uuid])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert _audited(Event.NOTIFICATION_OPENED, cast.police_officer) == 1
    assert _audited(Event.NOTIFICATION_READ, cast.police_officer) == 1


def test_a_case_the_reader_can_no_longer_see_shows_no_label_and_no_link(
    cast: Cast, case: Case
) -> None:
    notification = _told(case, cast)
    case_services.remove_member(case, user=cast.police_officer, by=cast.case_manager)
    client = client_for(cast.police_officer)
    page = text(client.get(reverse("notifications:list")))
    assert "U bent toegevoegd aan een casusteam" in page
    assert case.reference not in page
    assert "Verzonnen" not in page
    assert f'href="{reverse("notifications:open", args=[notification.uuid])}"' not in page
    assert "U kunt dit niet (meer) bekijken." in page
    response = client.get(reverse("notifications:open", args=[notification.uuid]))
    assert response.status_code == 404
    assert case.reference not in text(response)
    denied = AuditEvent.objects.filter(event=Event.ACCESS_DENIED, actor=cast.police_officer)
    assert denied.filter(object_type="cases.case", object_id=str(case.uuid)).exists()
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_reporter_is_told_their_signal_was_weighed_and_sees_only_its_status(
    cast: Cast, case: Case
) -> None:
    # make_case: the police officer reported the signal, the case manager weighed it.
    notification = Notification.objects.get(
        recipient=cast.police_officer, topic=Topic.SIGNAL_TRIAGED
    )
    client = client_for(cast.police_officer)
    page = text(client.get(reverse("notifications:list")))
    assert "Een signaal dat u meldde is gewogen" in page
    assert case.reference not in page  # the case behind the signal stays with the municipality
    response = client.get(reverse("notifications:open", args=[notification.uuid]))
    assert response["Location"] == reverse(
        "intake:status", kwargs={"signal_uuid": notification.object_uuid}
    )


# --- Marking read --------------------------------------------------------------------------------


def test_marking_read_twice_is_harmless(cast: Cast, case: Case) -> None:
    notification = _told(case, cast)
    client = client_for(cast.police_officer)
    url = reverse("notifications:mark_read", args=[notification.uuid])
    for _ in range(2):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("notifications:list")
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert _audited(Event.NOTIFICATION_READ, cast.police_officer) == 1
    assert client.get(url).status_code == 405


def test_marking_all_read(cast: Cast, case: Case) -> None:
    _told(case, cast)
    make_signal(cast.adviser, cast.municipality_a, is_acute=True)
    client = client_for(cast.case_manager)
    assert Notification.objects.filter(recipient=cast.case_manager, read_at=None).count() >= 1
    for _ in range(2):
        assert client.post(reverse("notifications:mark_all_read")).status_code == 302
    assert not Notification.objects.filter(recipient=cast.case_manager, read_at=None).exists()
    # The police officer's notification is theirs: untouched.
    assert Notification.objects.filter(recipient=cast.police_officer, read_at=None).exists()
    assert _audited(Event.NOTIFICATIONS_ALL_READ, cast.case_manager) == 1


def test_marking_read_needs_the_csrf_token(cast: Cast, case: Case) -> None:
    notification = _told(case, cast)
    client = client_for(cast.police_officer, csrf=True)
    for url in (
        reverse("notifications:mark_read", args=[notification.uuid]),
        reverse("notifications:mark_all_read"),
    ):
        assert client.post(url).status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None


# --- Outsiders -----------------------------------------------------------------------------------


def test_an_outsider_gets_404_for_anothers_notification(cast: Cast, case: Case) -> None:
    notification = _told(case, cast)
    client = client_for(cast.outsider)
    assert client.get(reverse("notifications:open", args=[notification.uuid])).status_code == 404
    response = client.post(reverse("notifications:mark_read", args=[notification.uuid]))
    assert response.status_code == 404
    client.post(reverse("notifications:mark_all_read"))
    notification.refresh_from_db()
    assert notification.read_at is None
    page = text(client.get(reverse("notifications:list")))
    assert case.reference not in page
    assert str(notification.uuid) not in page
    denied = AuditEvent.objects.filter(event=Event.ACCESS_DENIED, actor=cast.outsider)
    assert denied.filter(object_id=str(notification.uuid)).count() == 2
    # The settings page changes the outsider's own choices only.
    client.post(reverse("notifications:settings"), {"topics": []})
    assert MailChoice.objects.filter(user=cast.outsider, topic="signal.acute", mail=False).exists()
    assert not MailChoice.objects.filter(user=cast.police_officer).exists()


def test_the_case_manager_cannot_open_a_notification_of_a_team_member(
    cast: Cast, case: Case
) -> None:
    notification = _told(case, cast)
    client = client_for(cast.case_manager)
    assert client.get(reverse("notifications:open", args=[notification.uuid])).status_code == 404


def test_every_notification_page_needs_a_login(cast: Cast, case: Case) -> None:
    notification = _told(case, cast)
    anonymous = Client(REMOTE_ADDR="127.0.0.1")
    for url in (
        reverse("notifications:list"),
        reverse("notifications:settings"),
        reverse("notifications:open", args=[notification.uuid]),
    ):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/inloggen/")
    for url in (
        reverse("notifications:mark_read", args=[notification.uuid]),
        reverse("notifications:mark_all_read"),
    ):
        assert anonymous.post(url).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None


# --- Mail settings -------------------------------------------------------------------------------


def test_acute_signals_mail_by_default_and_the_user_can_change_that(cast: Cast) -> None:
    client = client_for(cast.case_manager)
    page = text(client.get(reverse("notifications:settings")))
    # Acute signals and uses of break-the-glass (for the privacy officer) mail by default.
    assert _checked(page) == {"signal.acute", "case.break_glass"}
    response = client.post(
        reverse("notifications:settings"), {"topics": ["case.member_added", "transfer.requested"]}
    )
    assert response.status_code == 302
    chosen = dict(MailChoice.objects.filter(user=cast.case_manager).values_list("topic", "mail"))
    assert chosen["case.member_added"] is True
    assert chosen["transfer.requested"] is True
    assert chosen["signal.acute"] is False
    row = AuditEvent.objects.get(event=Event.NOTIFICATION_SETTINGS_CHANGED, actor=cast.case_manager)
    assert row.details["mail"] == ["case.member_added", "transfer.requested"]


def test_an_unknown_topic_is_refused_with_a_dutch_message_and_nothing_saved(cast: Cast) -> None:
    client = client_for(cast.case_manager)
    response = client.post(reverse("notifications:settings"), {"topics": ["nope"]})
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in text(response)
    assert not MailChoice.objects.filter(user=cast.case_manager).exists()
