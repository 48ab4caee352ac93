"""Which changes notify whom: each is written by the service that makes the change."""

from __future__ import annotations

from typing import Any

from samenspel.accounts.models import Role
from samenspel.cases import services as case_services
from samenspel.cases.models import Case
from samenspel.intake import services as intake_services
from samenspel.notifications.models import Delivery, Notification, Topic
from samenspel.notifications.selectors import rows_for, target_of
from samenspel.testing import Cast, make_signal, make_user


def _told(topic: Topic, obj: Any) -> list[str]:
    """Return the user names told about `obj` under `topic`."""
    return sorted(
        Notification.objects.filter(topic=topic, object_uuid=obj.uuid).values_list(
            "recipient__username", flat=True
        )
    )


def test_an_acute_signal_tells_the_whole_triage_team_and_a_normal_one_nobody(
    cast: Cast,
) -> None:
    intake_services.add_triage_seat(cast.municipality_a, user=cast.prosecutor, by=cast.admin_a)
    acute = make_signal(cast.police_officer, cast.municipality_a, is_acute=True)
    assert _told(Topic.SIGNAL_ACUTE, acute) == ["adviser", "casemanager", "prosecutor"]
    normal = make_signal(cast.police_officer, cast.municipality_a)
    assert Notification.objects.filter(object_uuid=normal.uuid).count() == 0
    # The notification names the signal by type and uuid only.
    notification = Notification.objects.filter(object_uuid=acute.uuid).first()
    assert notification is not None
    assert (notification.object_type, notification.topic) == ("intake.signal", "signal.acute")
    target = target_of(cast.prosecutor, notification)
    assert target is not None and acute.reference in target.label


def test_the_reporter_is_told_their_signal_was_weighed(cast: Cast, case: Case) -> None:
    signal = case.signals.get()  # type: ignore[attr-defined]
    assert _told(Topic.SIGNAL_TRIAGED, signal) == ["police"]


def test_the_reporter_who_weighs_their_own_signal_is_not_told(cast: Cast) -> None:
    signal = make_signal(cast.case_manager, cast.municipality_a)
    intake_services.triage(
        signal,
        intake_services.TriageDecision(
            outcome="no_concern", reason="Geen zorgen.", criteria="Criteria 2026"
        ),
        expected_version=signal.version,
        by=cast.case_manager,
    )
    assert _told(Topic.SIGNAL_TRIAGED, signal) == []


def test_a_new_team_member_is_told_once(cast: Cast, case: Case) -> None:
    for _ in range(2):  # a double submit adds nobody twice and tells nobody twice
        case_services.add_member(case, user=cast.care_worker, by=cast.case_manager)
    assert _told(Topic.MEMBER_ADDED, case) == ["care"]
    (row,) = rows_for(cast.care_worker, Notification.objects.filter(topic=Topic.MEMBER_ADDED))
    assert row.target is not None and row.target.label == f"Casus {case.reference}"


def test_a_transfer_request_tells_the_receiving_case_directors_only(cast: Cast, case: Case) -> None:
    second = make_user(cast.municipality_b, Role.CASE_DIRECTOR, username="cd.b2")
    make_user(cast.municipality_b, Role.MAYOR, username="mayor.b")
    transfer = case_services.request_transfer(
        case, to_municipality=cast.municipality_b, reason="Verhuisd.", by=cast.case_manager
    )
    assert _told(Topic.TRANSFER_REQUESTED, transfer) == ["cd.b2", "outsider"]
    notification = Notification.objects.get(topic=Topic.TRANSFER_REQUESTED, recipient=second)
    target = target_of(second, notification)
    assert target is not None and case.reference in target.label
    # The sender's own colleagues and the receiving mayor may not decide: not told.
    assert target_of(cast.mayor, notification) is None


def test_the_outcome_of_a_transfer_is_told_to_who_asked(cast: Cast, case: Case) -> None:
    transfer = case_services.request_transfer(
        case, to_municipality=cast.municipality_b, reason="Verhuisd.", by=cast.case_manager
    )
    case_services.decline_transfer(transfer, reason="Woont hier niet.", by=cast.outsider)
    assert _told(Topic.TRANSFER_DECLINED, transfer) == ["casemanager"]
    again = case_services.request_transfer(
        case, to_municipality=cast.municipality_b, reason="Toch verhuisd.", by=cast.case_manager
    )
    case_services.cancel_transfer(again, by=cast.case_manager)
    assert _told(Topic.TRANSFER_CANCELLED, again) == ["outsider"]
    third = case_services.request_transfer(
        case, to_municipality=cast.municipality_b, reason="Nu echt.", by=cast.case_manager
    )
    director_b = make_user(cast.municipality_b, Role.CASE_DIRECTOR, username="cd.b3")
    moved = case_services.accept_transfer(third, case_director=director_b, by=cast.outsider)
    assert _told(Topic.TRANSFER_ACCEPTED, third) == ["casemanager"]
    assert _told(Topic.MEMBER_ADDED, moved) == ["cd.b3"]
    # The sender keeps the stub of the transfer, not the case.
    notification = Notification.objects.get(topic=Topic.TRANSFER_ACCEPTED)
    target = target_of(cast.case_manager, notification)
    assert target is not None and case.reference in target.label


def test_mail_rows_follow_each_recipients_choice(cast: Cast, case: Case) -> None:
    cast.care_worker.email = "zeynep@ggz.example"
    cast.care_worker.save(update_fields=["email"])
    case_services.add_member(case, user=cast.care_worker, by=cast.case_manager)
    # Being added to a team is not acute: no mail unless chosen.
    assert not Delivery.objects.filter(notification__recipient=cast.care_worker).exists()
