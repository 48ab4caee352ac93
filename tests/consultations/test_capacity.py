"""Capacity requests to the national partners (consultations.services); each step audits itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from samenspel.accounts.models import Organisation, Role, User
from samenspel.audit.events import Event, Purpose
from samenspel.audit.models import AuditEvent
from samenspel.consultations import selectors, services
from samenspel.consultations.models import CapacityRequest, CapacityStatus
from samenspel.lib.errors import DecisionConflict
from samenspel.notifications import selectors as notification_selectors
from samenspel.notifications.models import Notification, Topic
from samenspel.sharing.policy import Action, Denied, can
from samenspel.testing import (
    Cast,
    make_meeting,
    make_organisation,
    make_series,
    make_user,
    publish_framework,
)

# --- Helpers (also used by the page, statistics and API tests) ---------------------------------


def ask(
    cast: Cast,
    *,
    to: Organisation | None = None,
    by: User | None = None,
    municipality: Organisation | None = None,
    **overrides: Any,
) -> CapacityRequest:
    """Let the case manager of municipality A ask the NCTV for a duiding (or as overridden)."""
    values: dict[str, Any] = {
        "kind": "duiding",
        "urgency": "non_acute",
        "needed_by": timezone.localdate() + dt.timedelta(days=14),
        "question": "Graag een duiding van de spanningen rond het jongerencentrum.",
    }
    values.update(overrides)
    return services.request_capacity(
        municipality or cast.municipality_a,
        addressed=to or cast.nctv,
        by=by or cast.case_manager,
        **values,
    )


def audited(event: Event, *, actor: User | None, obj: CapacityRequest) -> AuditEvent:
    """Return the one audit row of `event` about `obj`, after checking actor and purpose."""
    rows = AuditEvent.objects.filter(
        event=event, object_type="consultations.capacityrequest", object_id=str(obj.uuid)
    )
    assert rows.count() == 1, list(rows.values("event", "object_id"))
    row = rows.get()
    assert row.actor_id == (actor.pk if actor is not None else None)
    assert row.purpose == Purpose.COLLABORATION
    return row


def notified(topic: Topic, obj: CapacityRequest) -> set[str]:
    """Return the usernames notified of `topic` about `obj`."""
    return set(
        Notification.objects.filter(topic=topic, object_uuid=obj.uuid).values_list(
            "recipient__username", flat=True
        )
    )


# --- Asking ------------------------------------------------------------------------------------


def test_a_case_manager_asks_the_nctv_and_its_desk_is_told(cast: Cast) -> None:
    request = ask(cast)
    assert request.status == CapacityStatus.REQUESTED
    assert request.requester == cast.municipality_a
    assert request.priority_municipality is True
    row = audited(Event.CAPACITY_REQUESTED, actor=cast.case_manager, obj=request)
    assert row.details["addressed"] == str(cast.nctv.uuid)
    assert row.details["kind"] == "duiding"
    assert "question" not in row.details  # free text never goes into the audit log
    assert notified(Topic.CAPACITY_REQUESTED, request) == {"nctv"}


def test_the_priority_flag_is_a_snapshot_of_the_municipality_at_request_time(cast: Cast) -> None:
    request = ask(cast)
    Organisation.objects.filter(pk=cast.municipality_a.pk).update(is_priority=False)
    request.refresh_from_db()
    assert request.priority_municipality is True
    later = ask(cast, municipality=Organisation.objects.get(pk=cast.municipality_a.pk))
    assert later.priority_municipality is False


def test_a_double_submit_with_the_same_key_makes_one_request(cast: Cast) -> None:
    first = ask(cast, submission_key="form-1")
    second = ask(cast, submission_key="form-1")
    assert first.pk == second.pk
    assert CapacityRequest.objects.count() == 1
    assert AuditEvent.objects.filter(event=Event.CAPACITY_REQUESTED).count() == 1


def test_a_zvh_asks_for_a_municipality_of_its_region(cast: Cast) -> None:
    Organisation.objects.filter(pk=cast.municipality_a.pk).update(region="Rijnmond")
    zvh = make_organisation("ZVH Rijnmond", type="zvh", region="Rijnmond")
    director = make_user(zvh, Role.CASE_DIRECTOR, username="zvh.director")
    municipality = Organisation.objects.get(pk=cast.municipality_a.pk)
    request = ask(cast, by=director, municipality=municipality, to=cast.police)
    assert (request.requester, request.municipality) == (zvh, municipality)
    assert can(director, Action.VIEW, request)
    assert can(director, Action.EDIT, request)


def test_an_outsider_cannot_ask_for_another_municipality(cast: Cast) -> None:
    with pytest.raises(Denied):
        ask(cast, by=cast.outsider)
    assert not CapacityRequest.objects.exists()


def test_the_meeting_it_is_for_is_kept(cast: Cast) -> None:
    meeting = make_meeting(make_series(cast), by=cast.case_manager)
    request = ask(cast, kind="attendance", meeting=meeting, to=cast.police)
    assert request.meeting == meeting
    assert audited(Event.CAPACITY_REQUESTED, actor=cast.case_manager, obj=request).details[
        "meeting"
    ] == str(meeting.uuid)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"to": "care"}, "addressed", "Kies de NCTV, het OM of de politie"),
        ({"to": "municipality_b"}, "addressed", "Kies de NCTV, het OM of de politie"),
        ({"needed_by": -1}, "needed_by", "Deze datum is al voorbij"),
        ({"needed_by": None}, "needed_by", "Vul de datum in"),
        ({"question": "   "}, "question", "Schrijf uw vraag"),
        ({"question": "x" * 4001}, "question", "te lang"),
        ({"kind": "coffee"}, "kind", "Kies wat u vraagt"),
        ({"urgency": "soon"}, "urgency", "acuut"),
    ],
)
def test_bad_input_is_refused_at_its_field_in_dutch(
    cast: Cast, overrides: dict[str, Any], field: str, message: str
) -> None:
    values = dict(overrides)
    if isinstance(values.get("to"), str):
        values["to"] = getattr(cast, values["to"])
    if isinstance(values.get("needed_by"), int):
        values["needed_by"] = timezone.localdate() + dt.timedelta(days=values["needed_by"])
    with pytest.raises(ValidationError) as caught:
        ask(cast, **values)
    assert message in " ".join(caught.value.message_dict[field])
    assert not CapacityRequest.objects.exists()
    assert not AuditEvent.objects.filter(event=Event.CAPACITY_REQUESTED).exists()


def test_a_meeting_the_requester_cannot_see_is_refused(cast: Cast) -> None:
    meeting = make_meeting(make_series(cast), by=cast.case_manager)
    b_adviser = make_user(cast.municipality_b, Role.SECURITY_ADVISER, username="b.adviser")
    with pytest.raises(ValidationError) as caught:
        ask(cast, by=b_adviser, municipality=cast.municipality_b, meeting=meeting)
    assert "meeting" in caught.value.message_dict


# --- Answering ---------------------------------------------------------------------------------


def test_the_desk_accepts_with_a_person_of_its_own(cast: Cast) -> None:
    request = ask(cast, to=cast.police)
    colleague = make_user(cast.police, Role.PARTNER_LIAISON, username="police.2")
    done = services.accept_capacity_request(
        request, assignee=colleague, answer="Wij komen met twee mensen.", by=cast.police_officer
    )
    assert (done.status, done.assignee, done.answered_by) == (
        CapacityStatus.ACCEPTED,
        colleague,
        cast.police_officer,
    )
    assert done.answered_at is not None
    assert done.version == 2
    row = audited(Event.CAPACITY_ACCEPTED, actor=cast.police_officer, obj=done)
    assert row.details["assignee"] == str(colleague.uuid)
    assert notified(Topic.CAPACITY_ANSWERED, done) == {"casemanager"}
    assert can(colleague, Action.VIEW, done)  # the named person reads what was asked


def test_accepting_with_a_person_of_another_organisation_is_refused(cast: Cast) -> None:
    request = ask(cast, to=cast.police)
    with pytest.raises(ValidationError) as caught:
        services.accept_capacity_request(request, assignee=cast.prosecutor, by=cast.police_officer)
    assert "eigen organisatie" in caught.value.message_dict["assignee"][0]
    with pytest.raises(ValidationError) as caught:
        services.accept_capacity_request(request, assignee=None, by=cast.police_officer)
    assert "assignee" in caught.value.message_dict
    request.refresh_from_db()
    assert request.status == CapacityStatus.REQUESTED


def test_the_desk_proposes_another_date(cast: Cast) -> None:
    request = ask(cast, to=cast.om)
    later = timezone.localdate() + dt.timedelta(days=30)
    done = services.propose_capacity_date(request, proposed_date=later, by=cast.prosecutor)
    assert (done.status, done.proposed_date) == (CapacityStatus.OTHER_DATE, later)
    row = audited(Event.CAPACITY_OTHER_DATE, actor=cast.prosecutor, obj=done)
    assert row.details["proposed_date"] == later.isoformat()
    assert notified(Topic.CAPACITY_ANSWERED, done) == {"casemanager"}


def test_a_proposed_date_in_the_past_is_refused(cast: Cast) -> None:
    request = ask(cast, to=cast.om)
    with pytest.raises(ValidationError) as caught:
        services.propose_capacity_date(
            request,
            proposed_date=timezone.localdate() - dt.timedelta(days=1),
            by=cast.prosecutor,
        )
    assert "voorbij" in caught.value.message_dict["proposed_date"][0]


def test_the_desk_declines_with_a_reason(cast: Cast) -> None:
    request = ask(cast)
    done = services.decline_capacity_request(
        request, reason="Geen capaciteit deze maand.", by=cast.nctv_adviser
    )
    assert (done.status, done.answer) == (CapacityStatus.DECLINED, "Geen capaciteit deze maand.")
    audited(Event.CAPACITY_DECLINED, actor=cast.nctv_adviser, obj=done)
    assert notified(Topic.CAPACITY_ANSWERED, done) == {"casemanager"}


def test_declining_without_a_reason_is_refused(cast: Cast) -> None:
    request = ask(cast)
    with pytest.raises(ValidationError) as caught:
        services.decline_capacity_request(request, reason="  ", by=cast.nctv_adviser)
    assert "reden" in caught.value.message_dict["reason"][0]
    assert not AuditEvent.objects.filter(event=Event.CAPACITY_DECLINED).exists()


def test_another_partner_cannot_answer(cast: Cast) -> None:
    request = ask(cast)  # to the NCTV
    with pytest.raises(Denied):
        services.decline_capacity_request(request, reason="Niet aan ons.", by=cast.police_officer)


def test_the_requester_cannot_answer_its_own_request(cast: Cast) -> None:
    request = ask(cast)
    with pytest.raises(PermissionDenied):  # sees it, may not answer it: 403
        services.decline_capacity_request(request, reason="Zelf.", by=cast.case_manager)


def test_of_two_racing_answers_one_wins_and_the_other_changes_nothing(cast: Cast) -> None:
    request = ask(cast)
    colleague = make_user(cast.nctv, Role.PARTNER_LIAISON, username="nctv.2")
    seen_by_first = CapacityRequest.objects.get(pk=request.pk)
    seen_by_second = CapacityRequest.objects.get(pk=request.pk)
    services.accept_capacity_request(seen_by_first, assignee=colleague, by=cast.nctv_adviser)
    with pytest.raises(DecisionConflict) as caught:
        services.decline_capacity_request(seen_by_second, reason="Te laat.", by=colleague)
    assert "al beantwoord" in caught.value.messages[0]
    request.refresh_from_db()
    assert (request.status, request.answer, request.answered_by) == (
        CapacityStatus.ACCEPTED,
        "",
        cast.nctv_adviser,
    )
    assert not AuditEvent.objects.filter(event=Event.CAPACITY_DECLINED).exists()


def test_answering_twice_is_a_conflict(cast: Cast) -> None:
    request = ask(cast)
    done = services.decline_capacity_request(request, reason="Nee.", by=cast.nctv_adviser)
    with pytest.raises(DecisionConflict):
        services.propose_capacity_date(
            done, proposed_date=timezone.localdate(), by=cast.nctv_adviser
        )


# --- Withdrawing -------------------------------------------------------------------------------


def test_the_requester_withdraws_while_requested(cast: Cast) -> None:
    request = ask(cast)
    done = services.withdraw_capacity_request(request, by=cast.adviser)
    assert done.status == CapacityStatus.WITHDRAWN
    audited(Event.CAPACITY_WITHDRAWN, actor=cast.adviser, obj=done)
    with pytest.raises(DecisionConflict):
        services.decline_capacity_request(done, reason="Nee.", by=cast.nctv_adviser)


def test_an_answered_request_cannot_be_withdrawn(cast: Cast) -> None:
    request = ask(cast)
    services.decline_capacity_request(request, reason="Nee.", by=cast.nctv_adviser)
    with pytest.raises(DecisionConflict):
        services.withdraw_capacity_request(
            CapacityRequest.objects.get(pk=request.pk), by=cast.case_manager
        )


def test_the_desk_cannot_withdraw(cast: Cast) -> None:
    request = ask(cast)
    with pytest.raises(PermissionDenied):
        services.withdraw_capacity_request(request, by=cast.nctv_adviser)


# --- Who sees what -----------------------------------------------------------------------------


def test_the_outsider_and_other_partners_do_not_see_a_request(cast: Cast) -> None:
    request = ask(cast)
    for user in (cast.outsider, cast.police_officer, cast.care_worker):
        with pytest.raises(Denied):
            selectors.get_capacity_request_for(user, request.uuid)
    for user in (cast.case_manager, cast.adviser, cast.mayor, cast.nctv_adviser):
        assert selectors.get_capacity_request_for(user, request.uuid) == request


def test_reading_a_request_is_audited_in_the_selector(cast: Cast) -> None:
    request = ask(cast)
    selectors.get_capacity_request_for(cast.nctv_adviser, request.uuid)
    audited(Event.CAPACITY_VIEWED, actor=cast.nctv_adviser, obj=request)
    rows = selectors.capacity_list(cast.nctv_adviser)
    assert rows == [request]
    listed = AuditEvent.objects.get(event=Event.CAPACITY_LIST_VIEWED)
    assert (listed.actor_id, listed.details["shown"]) == (cast.nctv_adviser.pk, 1)


def test_the_list_shows_open_requests_first(cast: Cast) -> None:
    answered = ask(cast, needed_by=timezone.localdate() + dt.timedelta(days=2))
    services.decline_capacity_request(answered, reason="Nee.", by=cast.nctv_adviser)
    late = ask(cast, needed_by=timezone.localdate() + dt.timedelta(days=20))
    soon = ask(cast, needed_by=timezone.localdate() + dt.timedelta(days=5))
    rows = selectors.capacity_list(cast.case_manager, record_read=False)
    assert [r.pk for r in rows] == [soon.pk, late.pk, answered.pk]


def test_a_notification_links_to_the_request_for_whoever_may_see_it(cast: Cast) -> None:
    request = ask(cast)
    notification = Notification.objects.get(recipient=cast.nctv_adviser)
    target = notification_selectors.target_of(cast.nctv_adviser, notification)
    assert target is not None
    assert str(request.uuid) in target.url
    assert notification_selectors.target_of(cast.outsider, notification) is None


# --- Escalation --------------------------------------------------------------------------------


def test_an_unanswered_request_escalates_once_after_the_framework_deadline(cast: Cast) -> None:
    publish_framework(cast.national_admin)
    acute = ask(cast, to=cast.police, urgency="acute")
    calm = ask(cast, to=cast.police)
    start = acute.requested_at
    # The shipped framework gives the police 8 hours for an acute request (route C-02).
    assert services.escalate_capacity_requests(now=start + dt.timedelta(hours=7)) == 0
    assert services.escalate_capacity_requests(now=start + dt.timedelta(hours=9)) == 1
    acute.refresh_from_db()
    assert acute.escalated_route == "C-02"
    assert acute.escalated_at == start + dt.timedelta(hours=9)
    row = audited(Event.CAPACITY_ESCALATED, actor=None, obj=acute)
    assert row.details["route"] == "C-02"
    assert notified(Topic.CAPACITY_ESCALATED, acute) == {"police", "casemanager"}
    # Once only, and the non-acute one waits its 5 days.
    assert services.escalate_capacity_requests(now=start + dt.timedelta(days=2)) == 0
    assert services.escalate_capacity_requests(now=start + dt.timedelta(days=5, hours=1)) == 1
    calm.refresh_from_db()
    assert calm.escalated_route == "C-02"
    assert AuditEvent.objects.filter(event=Event.CAPACITY_ESCALATED).count() == 2


def test_an_answered_or_withdrawn_request_never_escalates(cast: Cast) -> None:
    publish_framework(cast.national_admin)
    answered = ask(cast)
    services.decline_capacity_request(answered, reason="Nee.", by=cast.nctv_adviser)
    withdrawn = ask(cast)
    services.withdraw_capacity_request(withdrawn, by=cast.case_manager)
    assert services.escalate_capacity_requests(now=timezone.now() + dt.timedelta(days=60)) == 0


def test_each_partner_escalates_along_its_own_route(cast: Cast) -> None:
    publish_framework(cast.national_admin)
    requests = {org.type: ask(cast, to=org) for org in (cast.nctv, cast.om, cast.police)}
    assert services.escalate_capacity_requests(now=timezone.now() + dt.timedelta(days=11)) == 3
    routes = {
        kind: CapacityRequest.objects.get(pk=r.pk).escalated_route for kind, r in requests.items()
    }
    assert routes == {"nctv": "C-10", "om": "C-05", "police": "C-02"}


def test_without_a_published_framework_nothing_escalates(cast: Cast) -> None:
    ask(cast)
    assert services.escalate_capacity_requests(now=timezone.now() + dt.timedelta(days=60)) == 0


def test_the_worker_escalates_when_reminders_are_due(cast: Cast) -> None:
    from samenspel.notifications.worker import Worker

    publish_framework(cast.national_admin)
    request = ask(cast, to=cast.police, urgency="acute")
    CapacityRequest.objects.filter(pk=request.pk).update(
        requested_at=timezone.now() - dt.timedelta(hours=9)
    )
    Worker(interval=0).run_once()
    request.refresh_from_db()
    assert request.escalated_route == "C-02"


# --- The framework's answer deadlines ----------------------------------------------------------


def test_the_framework_refuses_a_deadline_without_its_partners() -> None:
    from samenspel.frameworks.schema import validate_text
    from samenspel.frameworks.shipped import shipped_text

    text = shipped_text().replace("    answers_for: [nctv]\n", "", 1)
    result = validate_text(text, file="nl-pga.yaml")
    assert any("answers_for and answer_within go together" in p.message for p in result.problems)


def test_the_framework_refuses_one_partner_on_two_routes() -> None:
    from samenspel.frameworks.schema import validate_text
    from samenspel.frameworks.shipped import shipped_text

    text = shipped_text().replace("answers_for: [om]", "answers_for: [police]", 1)
    result = validate_text(text, file="nl-pga.yaml")
    assert any("name each partner type on one route" in p.message for p in result.problems)
