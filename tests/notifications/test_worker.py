"""The mail outbox and its worker: written with the change, delivered once, retried with backoff."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from samenspel.accounts import services as account_services
from samenspel.audit.events import Event, Outcome
from samenspel.audit.models import AuditEvent
from samenspel.cases import services as case_services
from samenspel.cases.models import Case
from samenspel.intake.models import Signal
from samenspel.notifications import services
from samenspel.notifications.models import Delivery, DeliveryStatus, Notification, Topic
from samenspel.testing import Cast, make_signal
from tests.notifications.mailers import FlakyBackend

VALID_BSN = "111222333"


def _acute(cast: Cast, **overrides: Any) -> Signal:
    """Submit an acute signal for municipality A; the case manager gets it by mail."""
    cast.case_manager.email = "carla@a.example"
    cast.case_manager.save(update_fields=["email"])
    return make_signal(cast.police_officer, cast.municipality_a, is_acute=True, **overrides)


def _delivery_to(cast: Cast, signal: Signal) -> Delivery:
    return Delivery.objects.get(
        notification__object_uuid=signal.uuid, notification__recipient=cast.case_manager
    )


def _mails_to(address: str) -> int:
    return sum(address in m.to for m in mail.outbox)


def _audits(event: Event, notification: Notification) -> int:
    return AuditEvent.objects.filter(
        event=event, object_type="notifications.notification", object_id=str(notification.uuid)
    ).count()


# --- Written with the change ------------------------------------------------------------------


def test_a_notification_and_its_mail_row_commit_with_the_change_or_not_at_all(cast: Cast) -> None:
    class AbortError(Exception):
        pass

    with pytest.raises(AbortError), transaction.atomic():
        _acute(cast, key="rolled-back")
        assert Delivery.objects.count() >= 1
        raise AbortError
    assert not Signal.objects.filter(idempotency_key="rolled-back").exists()
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0


def test_the_change_itself_sends_nothing(cast: Cast) -> None:
    signal = _acute(cast)
    assert mail.outbox == []
    assert _delivery_to(cast, signal).status == DeliveryStatus.PENDING


# --- Exactly once, through crashes --------------------------------------------------------------


def test_a_worker_killed_before_delivery_loses_nothing_and_sends_once(cast: Cast) -> None:
    signal = _acute(cast)
    # The worker died after the signal committed and before it ran: nothing was sent. Started
    # again, it sends the mail once; later passes send nothing more.
    first = services.run_pass()
    assert first.outcomes == {"sent": 1}
    for _ in range(3):
        assert services.run_pass().outcomes == {}
    assert _mails_to("carla@a.example") == 1
    delivery = _delivery_to(cast, signal)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 1
    assert _audits(Event.NOTIFICATION_MAILED, delivery.notification) == 1


def test_a_worker_killed_after_claiming_is_replaced_once_its_lease_lapses(
    cast: Cast, settings: Any
) -> None:
    settings.MAIL_LEASE_SECONDS = 300
    signal = _acute(cast)
    delivery = _delivery_to(cast, signal)
    now = timezone.now()
    # A worker claims the mail and dies before sending it.
    assert services.claim(delivery.pk, now=now)
    # While its lease runs, no other worker takes the mail over.
    during = services.run_pass(now=now + dt.timedelta(seconds=299))
    assert during.recovered == 0
    assert during.outcomes == {}
    assert mail.outbox == []
    # After the lease the mail is sent, once.
    after = services.run_pass(now=now + dt.timedelta(seconds=301))
    assert after.recovered == 1
    assert after.outcomes == {"sent": 1}
    assert services.run_pass(now=now + dt.timedelta(hours=1)).outcomes == {}
    assert _mails_to("carla@a.example") == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


def test_a_delivered_mail_is_never_claimed_or_sent_again(cast: Cast) -> None:
    signal = _acute(cast)
    services.run_pass()
    delivery = _delivery_to(cast, signal)
    later = timezone.now() + dt.timedelta(days=30)
    assert services.claim(delivery.pk, now=later) is False
    assert services.recover_lapsed(now=later) == 0
    assert services.deliver(delivery.pk, now=later) == "taken"
    assert services.run_pass(now=later).outcomes == {}
    assert _mails_to("carla@a.example") == 1


def test_a_worker_whose_lease_lapsed_cannot_settle_the_new_claim(cast: Cast) -> None:
    signal = _acute(cast)
    delivery = _delivery_to(cast, signal)
    now = timezone.now()
    assert services.claim(delivery.pk, now=now)
    stale = Delivery.objects.get(pk=delivery.pk)  # what the slow worker holds: attempt 1
    services.run_pass(now=now + dt.timedelta(hours=1))  # another worker: attempt 2, sent
    assert services._settle(stale, DeliveryStatus.PENDING, last_error="late") is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


def test_two_workers_claiming_one_mail_one_wins(cast: Cast) -> None:
    # Real processes racing: test_crash.py.
    signal = _acute(cast)
    delivery = _delivery_to(cast, signal)
    now = timezone.now()
    assert [services.claim(delivery.pk, now=now), services.claim(delivery.pk, now=now)] == [
        True,
        False,
    ]


# --- Retries with backoff ---------------------------------------------------------------------


@pytest.fixture
def flaky(settings: Any) -> type[FlakyBackend]:
    settings.MAILERS = {
        "default": {"BACKEND": "tests.notifications.mailers.FlakyBackend", "OPTIONS": {}}
    }
    FlakyBackend.failures = 0
    return FlakyBackend


def test_a_failing_mail_server_is_retried_with_exponential_backoff(
    cast: Cast, settings: Any, flaky: type[FlakyBackend]
) -> None:
    settings.MAIL_RETRY_SECONDS = 60
    flaky.failures = 2
    signal = _acute(cast)
    delivery = _delivery_to(cast, signal)
    t0 = timezone.now()
    assert services.run_pass(now=t0).outcomes == {"retry": 1}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.due_at == t0 + dt.timedelta(seconds=60)
    assert delivery.last_error == "SMTPServerDisconnected"
    # Not due yet: nothing is tried.
    assert services.run_pass(now=t0 + dt.timedelta(seconds=59)).outcomes == {}
    t1 = t0 + dt.timedelta(seconds=60)
    assert services.run_pass(now=t1).outcomes == {"retry": 1}
    delivery.refresh_from_db()
    assert delivery.due_at == t1 + dt.timedelta(seconds=120)  # doubled
    t2 = t1 + dt.timedelta(seconds=120)
    assert services.run_pass(now=t2).outcomes == {"sent": 1}
    assert services.run_pass(now=t2 + dt.timedelta(days=1)).outcomes == {}
    assert _mails_to("carla@a.example") == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 3)


def test_backoff_doubles_and_stops_growing_at_a_day(settings: Any) -> None:
    settings.MAIL_RETRY_SECONDS = 60
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert services.backoff(40) == dt.timedelta(days=1)


def test_a_mail_that_keeps_failing_is_given_up_with_an_audit_record(
    cast: Cast, settings: Any, flaky: type[FlakyBackend]
) -> None:
    settings.MAIL_MAX_ATTEMPTS = 3
    flaky.failures = 100
    signal = _acute(cast)
    delivery = _delivery_to(cast, signal)
    now = timezone.now()
    seen = []
    for _ in range(5):
        now += dt.timedelta(days=1)
        seen.append(services.run_pass(now=now).outcomes)
    assert seen == [{"retry": 1}, {"retry": 1}, {"failed": 1}, {}, {}]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    row = AuditEvent.objects.get(event=Event.NOTIFICATION_MAIL_FAILED)
    assert row.object_id == str(delivery.notification.uuid)
    assert row.outcome == Outcome.FAILURE
    assert row.details["attempts"] == 3


# --- Recipients who left -------------------------------------------------------------------------


def test_a_mail_to_a_user_who_left_is_dropped_with_an_audit_record(cast: Cast) -> None:
    signal = _acute(cast)
    delivery = _delivery_to(cast, signal)
    account_services.disable_user(cast.case_manager, by=cast.admin_a)
    assert services.run_pass().outcomes == {"dropped": 1}
    later = timezone.now() + dt.timedelta(days=30)
    assert services.run_pass(now=later).outcomes == {}  # not retried for ever
    assert _mails_to("carla@a.example") == 0
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.DROPPED, "recipient_inactive")
    row = AuditEvent.objects.get(event=Event.NOTIFICATION_DROPPED)
    assert row.actor_id is None
    assert row.object_id == str(delivery.notification.uuid)
    assert row.details["reason"] == "recipient_inactive"
    assert row.details["recipient"] == str(cast.case_manager.uuid)


def test_a_user_who_has_left_gets_no_new_notifications(cast: Cast) -> None:
    account_services.disable_user(cast.case_manager, by=cast.admin_a)
    signal = _acute(cast)
    assert not Notification.objects.filter(
        object_uuid=signal.uuid, recipient=cast.case_manager
    ).exists()


# --- What a mail says ----------------------------------------------------------------------------


def test_the_mail_holds_a_link_and_no_person_name_bsn_or_case_detail(
    cast: Cast, settings: Any
) -> None:
    settings.BASE_URL = "https://samenspel.example.nl"
    signal = _acute(cast, family_name="Verzonnen", given_names="Fictief Karim", bsn=VALID_BSN)
    services.run_pass()
    (message,) = mail.outbox
    notification = _delivery_to(cast, signal).notification
    html = str(message.alternatives[0].content)  # type: ignore[attr-defined]
    link = f"https://samenspel.example.nl/berichten/{notification.uuid}/"
    assert link in message.body
    assert f'href="{link}"' in html
    assert "acuut signaal" in message.subject
    everything = f"{message.subject}\n{message.body}\n{html}\n{message.message().as_string()}"
    for personal in (
        "Verzonnen",
        "Fictief",
        "Karim",
        VALID_BSN,
        "Dorpsstraat",
        signal.reference,
        "Gemeente A",
        "Carla Casus",
        "Paul Politie",
    ):
        assert personal not in everything, personal
    assert (
        message.message()["Message-ID"]
        == f"<{_delivery_to(cast, signal).uuid}@samenspel.example.nl>"
    )


def test_mail_goes_only_for_the_topics_the_user_chose(cast: Cast) -> None:
    cast.case_manager.email = "carla@a.example"
    cast.case_manager.save(update_fields=["email"])
    services.set_mail_topics([], by=cast.case_manager)
    signal = make_signal(cast.police_officer, cast.municipality_a, is_acute=True)
    # Still told in the app, not by mail.
    notification = Notification.objects.get(object_uuid=signal.uuid, recipient=cast.case_manager)
    assert not Delivery.objects.filter(notification=notification).exists()
    services.set_mail_topics([Topic.SIGNAL_ACUTE, Topic.MEMBER_ADDED], by=cast.case_manager)
    second = make_signal(cast.police_officer, cast.municipality_a, is_acute=True)
    assert Delivery.objects.filter(notification__object_uuid=second.uuid).exists()


# --- Review reminders ---------------------------------------------------------------------------


def test_a_review_date_coming_up_reminds_the_case_director_once_per_date(
    cast: Cast, case: Case, settings: Any
) -> None:
    settings.REVIEW_NOTICE_DAYS = 7
    today = timezone.localdate()
    intervention = case_services.add_intervention(
        case,
        measure="I-01",
        domain="prevention",
        owner=cast.municipality_a,
        review_date=today + dt.timedelta(days=10),
        by=cast.case_manager,
    )
    assert services.create_review_reminders(today=today) == 0  # not within the notice yet
    soon = today + dt.timedelta(days=4)
    assert services.create_review_reminders(today=soon) == 1
    assert services.create_review_reminders(today=soon) == 0
    assert services.run_pass().reminders == 0
    reminders = Notification.objects.filter(topic=Topic.REVIEW_DUE)
    assert reminders.count() == 1
    reminder = reminders.get()
    assert (reminder.recipient, reminder.object_type, reminder.object_uuid) == (
        cast.case_manager,
        "cases.intervention",
        intervention.uuid,
    )
    # A new review date is a new reminder.
    case_services.change_intervention(
        intervention,
        expected_version=intervention.version,
        by=cast.case_manager,
        review_date=today + dt.timedelta(days=2),
    )
    assert services.create_review_reminders(today=today) == 1
    assert reminders.count() == 2


# --- The command ----------------------------------------------------------------------------------


def test_worker_once_does_one_pass_and_exits(cast: Cast) -> None:
    _acute(cast)
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "sent 1" in out.getvalue()
    assert _mails_to("carla@a.example") == 1
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "none due" in out.getvalue()
    assert _mails_to("carla@a.example") == 1
