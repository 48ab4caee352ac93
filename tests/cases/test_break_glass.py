"""Break-the-glass (noodtoegang): a hidden case opened for the framework's term, with a reason,
told to the privacy officers at once and reviewed by them; it reads and never writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from samenspel.accounts.models import OrganisationType, Role, User
from samenspel.audit.events import Event, Outcome
from samenspel.audit.models import AuditEvent
from samenspel.cases import selectors, services
from samenspel.cases.models import BreakGlass, BreakGlassReview, Case, CaseStatus
from samenspel.frameworks.shipped import shipped_text
from samenspel.lib.errors import DecisionConflict
from samenspel.notifications.models import Delivery, Notification, Topic
from samenspel.sharing.policy import Action, Denied, can, visible
from samenspel.testing import (
    Cast,
    make_case,
    make_organisation,
    make_user,
    publish_framework,
)

pytestmark = pytest.mark.django_db

NOT_FOUND = "Er is geen casus met dit kenmerk die u met noodtoegang kunt openen."
REASON = "Melding van acuut gevaar buiten kantoortijd; de regisseur is niet bereikbaar."


def _last(event: Event) -> AuditEvent:
    record = AuditEvent.objects.filter(event=event).order_by("-seq").first()
    assert record is not None, f"no audit record {event.name}"
    return record


def open_glass(case: Case, by: User, **kwargs: Any) -> BreakGlass:
    values: dict[str, Any] = {"reason": REASON}
    values.update(kwargs)
    return services.break_glass(case.reference, case.municipality, by=by, **values)


def expire(use: BreakGlass) -> None:
    """Move the use two hours back: it ended an hour ago."""
    now = timezone.now()
    BreakGlass.objects.filter(pk=use.pk).update(
        opened_at=now - dt.timedelta(hours=2), expires_at=now - dt.timedelta(hours=1)
    )


def refusal(call: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


# --- Opening ----------------------------------------------------------------------------------


def test_a_partner_of_the_region_opens_a_hidden_case_for_the_frameworks_term(cast: Cast) -> None:
    publish_framework(
        cast.national_admin,
        shipped_text().replace("break_glass_minutes: 60", "break_glass_minutes: 15"),
    )
    case = make_case(cast)
    police = cast.police_officer
    assert not can(police, Action.VIEW, case)

    use = open_glass(case, police)

    assert use.expires_at - use.opened_at == dt.timedelta(minutes=15)
    assert use.organisation == cast.police
    assert use.review == BreakGlassReview.PENDING
    assert can(police, Action.VIEW, case)
    # Reading only: the plan and the team stay closed to changes.
    assert not can(police, Action.EDIT, case)
    assert not can(police, Action.MANAGE, case)
    opened = _last(Event.BREAK_GLASS_OPENED)
    assert opened.actor == police
    assert opened.object_id == str(case.uuid)
    assert opened.details["break_glass"] == str(use.uuid)
    assert opened.details["expires_at"] == use.expires_at.isoformat()
    # The page says until when.
    assert selectors.active_break_glass(police, case) == use


def test_the_default_term_is_an_hour(cast: Cast) -> None:
    case = make_case(cast)
    use = open_glass(case, cast.care_worker)
    assert use.expires_at - use.opened_at == dt.timedelta(hours=1)


def test_the_end_of_the_term_closes_the_case_on_every_route(cast: Cast) -> None:
    case = make_case(cast)
    police = cast.police_officer
    use = open_glass(case, police)
    assert list(selectors.cases_visible_to(police)) == [case]
    assert selectors.count_cases(police)["open"] == 1
    assert case.person in visible(police, type(case.person).objects.all())
    assert len(selectors.history_of(police, case, record_read=False)) > 0

    expire(use)

    assert not can(police, Action.VIEW, case)
    assert list(selectors.cases_visible_to(police)) == []
    assert selectors.count_cases(police)["open"] == 0
    assert case.person not in visible(police, type(case.person).objects.all())
    assert selectors.active_break_glass(police, case) is None
    with pytest.raises(Denied):
        selectors.get_case_for(police, case.uuid)


def test_unknown_closed_and_not_eligible_are_answered_alike_and_audited(cast: Cast) -> None:
    case = make_case(cast)
    # Not a case at all.
    unknown = refusal(
        lambda: services.break_glass(
            "PGA-2000-NOPE00", cast.municipality_a, reason=REASON, by=cast.police_officer
        )
    )
    assert unknown.messages == [NOT_FOUND]
    assert _last(Event.BREAK_GLASS_REFUSED).details["reason"] == "not_found"
    # A national partner, the privacy officer, a partner of another region: never on a team.
    north = make_organisation("Politie Noord", type=OrganisationType.POLICE, region="Noord")
    for user, code in (
        (cast.nctv_adviser, "not_eligible"),
        (cast.privacy_officer, "not_eligible"),
        (make_user(north, Role.PARTNER_LIAISON), "not_eligible"),
    ):
        assert refusal(lambda u=user: open_glass(case, u)).messages == [NOT_FOUND]
        refused = _last(Event.BREAK_GLASS_REFUSED)
        assert (refused.actor, refused.details["reason"]) == (user, code)
        assert refused.outcome == Outcome.DENIED
    # A closed case.
    closed = make_case(cast, family_name="Gesloten")
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())
    assert refusal(lambda: open_glass(closed, cast.police_officer)).messages == [NOT_FOUND]
    assert _last(Event.BREAK_GLASS_REFUSED).details["reason"] == "closed"
    assert not BreakGlass.objects.exists()


def test_who_sees_the_case_already_is_told_so(cast: Cast) -> None:
    case = make_case(cast, team=(cast.police_officer,))
    error = refusal(lambda: open_glass(case, cast.police_officer))
    assert "U ziet deze casus al" in error.messages[0]
    assert _last(Event.BREAK_GLASS_REFUSED).details["reason"] == "already_visible"
    assert not BreakGlass.objects.exists()


def test_without_a_reason_nothing_opens_and_the_refusal_is_audited(cast: Cast) -> None:
    case = make_case(cast)
    error = refusal(lambda: open_glass(case, cast.police_officer, reason="   "))
    assert error.message_dict == {"reason": ["Schrijf op waarom u noodtoegang nodig hebt."]}
    refused = _last(Event.BREAK_GLASS_REFUSED)
    assert refused.details == {"reason": "incomplete", "fields": ["reason"]}
    assert not BreakGlass.objects.exists()
    assert not Notification.objects.filter(topic=Topic.BREAK_GLASS_USED).exists()
    assert not can(cast.police_officer, Action.VIEW, case)
    too_long = refusal(lambda: open_glass(case, cast.police_officer, reason="x" * 2001))
    assert "2000" in too_long.message_dict["reason"][0]


@pytest.mark.parametrize("part", ["aivd", "dossier:D-NATVEI", "iets anders"])
def test_aivd_material_or_another_dossier_is_never_opened(cast: Cast, part: str) -> None:
    case = make_case(cast)
    error = refusal(lambda: open_glass(case, cast.police_officer, part=part))
    assert (
        "nooit AIVD-informatie of het dossier van een andere grond" in error.message_dict["part"][0]
    )
    refused = _last(Event.BREAK_GLASS_REFUSED)
    assert refused.details["reason"] == "part"
    assert refused.details["part"] in {"aivd", "dossier:D-NATVEI", "other"}
    assert not BreakGlass.objects.exists()


def test_a_double_submit_opens_once(cast: Cast) -> None:
    case = make_case(cast)
    first = open_glass(case, cast.police_officer, submission_key="k-1")
    again = open_glass(case, cast.police_officer, submission_key="k-1")
    assert again == first
    assert BreakGlass.objects.count() == 1
    assert AuditEvent.objects.filter(event=Event.BREAK_GLASS_OPENED).count() == 1
    assert Notification.objects.filter(topic=Topic.BREAK_GLASS_USED).count() == 1


def test_the_privacy_officers_of_both_organisations_are_told_at_once(cast: Cast) -> None:
    police_fg = make_user(cast.police, Role.PRIVACY_OFFICER)
    User.objects.filter(pk=police_fg.pk).update(email="fg@politie.invalid")
    other_fg = make_user(cast.municipality_b, Role.PRIVACY_OFFICER)
    case = make_case(cast)
    use = open_glass(case, cast.police_officer)
    told = set(
        Notification.objects.filter(topic=Topic.BREAK_GLASS_USED).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {cast.privacy_officer.username, police_fg.username}
    assert other_fg.username not in told
    notice = Notification.objects.filter(recipient=cast.privacy_officer).get(
        topic=Topic.BREAK_GLASS_USED
    )
    assert (notice.object_type, notice.object_uuid) == ("cases.breakglass", use.uuid)
    # By mail too, unless turned off: the outbox row is written with the notification.
    assert Delivery.objects.filter(
        notification__recipient=police_fg, notification__topic=Topic.BREAK_GLASS_USED
    ).exists()


def test_the_notice_is_written_in_the_same_transaction(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case(cast)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr("samenspel.notifications.services.notify", broken)
    with pytest.raises(RuntimeError):
        open_glass(case, cast.police_officer)
    assert not BreakGlass.objects.exists()
    assert not AuditEvent.objects.filter(event=Event.BREAK_GLASS_OPENED).exists()
    assert not can(cast.police_officer, Action.VIEW, case)


# --- It reads, it never writes ----------------------------------------------------------------


def test_the_glass_opens_reading_only(cast: Cast) -> None:
    case = make_case(cast)
    police = cast.police_officer
    open_glass(case, police)
    assert selectors.plan_of(police, case) == []
    with pytest.raises(PermissionDenied):
        services.add_intervention(
            case, measure="I-19", domain="repression", owner=cast.police, by=police
        )
    with pytest.raises(PermissionDenied):
        services.add_member(case, user=police, by=police)
    with pytest.raises(PermissionDenied):
        services.close_case(case, reason="Nee.", expected_version=case.version, by=police)


# --- Review -----------------------------------------------------------------------------------


def test_the_privacy_officer_accepts_a_use_once(cast: Cast) -> None:
    police_fg = make_user(cast.police, Role.PRIVACY_OFFICER)
    use = open_glass(make_case(cast), cast.police_officer)
    reviewed = services.review_break_glass(
        use, outcome=BreakGlassReview.ACCEPTED, by=cast.privacy_officer
    )
    assert reviewed.review == BreakGlassReview.ACCEPTED
    assert reviewed.reviewed_by == cast.privacy_officer
    assert reviewed.reviewed_at is not None
    record = _last(Event.BREAK_GLASS_REVIEWED)
    assert record.object_id == str(use.uuid)
    assert record.details["outcome_of_review"] == "accepted"
    # The other privacy officer comes second: a conflict, nothing changes.
    with pytest.raises(DecisionConflict, match="al beoordeeld"):
        services.review_break_glass(
            use, outcome=BreakGlassReview.FLAGGED, comment="Twijfel.", by=police_fg
        )
    use.refresh_from_db()
    assert use.review == BreakGlassReview.ACCEPTED


def test_a_flag_needs_a_comment(cast: Cast) -> None:
    use = open_glass(make_case(cast), cast.police_officer)
    error = refusal(
        lambda: services.review_break_glass(
            use, outcome=BreakGlassReview.FLAGGED, comment=" ", by=cast.privacy_officer
        )
    )
    assert error.message_dict == {"comment": ["Schrijf op wat niet in orde is."]}
    assert refusal(
        lambda: services.review_break_glass(use, outcome="maybe", by=cast.privacy_officer)
    ).message_dict["outcome"]
    flagged = services.review_break_glass(
        use,
        outcome=BreakGlassReview.FLAGGED,
        comment="Geen noodgeval: de regisseur was bereikbaar.",
        by=cast.privacy_officer,
    )
    assert flagged.review == BreakGlassReview.FLAGGED


def test_only_the_privacy_officers_concerned_review(cast: Cast) -> None:
    other_fg = make_user(cast.municipality_b, Role.PRIVACY_OFFICER)
    use = open_glass(make_case(cast), cast.police_officer)
    # Who used it sees the use but does not review it.
    with pytest.raises(PermissionDenied):
        services.review_break_glass(use, outcome="accepted", by=cast.police_officer)
    # Another municipality's privacy officer, a case director: the use does not exist for them.
    for user in (other_fg, cast.case_manager):
        with pytest.raises(Denied):
            services.review_break_glass(use, outcome="accepted", by=user)
        assert not selectors.break_glass_visible_to(user).exists()
    use.refresh_from_db()
    assert use.pending


def test_the_queue_shows_pending_first_and_is_audited(cast: Cast) -> None:
    first = open_glass(make_case(cast, family_name="Een"), cast.police_officer)
    second = open_glass(make_case(cast, family_name="Twee"), cast.care_worker)
    services.review_break_glass(second, outcome="accepted", by=cast.privacy_officer)
    third = open_glass(make_case(cast, family_name="Drie"), cast.prosecutor)
    rows = selectors.break_glass_queue(cast.privacy_officer)
    assert rows == [third, first, second]
    record = _last(Event.BREAK_GLASS_QUEUE_VIEWED)
    assert record.actor == cast.privacy_officer
    assert record.details["shown"] == 3 and record.details["pending"] == 2
    assert record.details["uses"] == [str(third.uuid), str(first.uuid), str(second.uuid)]
    # Who used it sees only their own uses.
    assert selectors.break_glass_queue(cast.care_worker) == [second]


def test_the_figures_count_by_organisation_and_review(cast: Cast) -> None:
    police_use = open_glass(make_case(cast, family_name="Een"), cast.police_officer)
    open_glass(make_case(cast, family_name="Twee"), cast.care_worker)
    old = open_glass(make_case(cast, family_name="Drie"), cast.police_officer)
    services.review_break_glass(
        police_use, outcome="flagged", comment="Niet nodig.", by=cast.privacy_officer
    )
    long_ago = timezone.now() - dt.timedelta(days=100)
    BreakGlass.objects.filter(pk=old.pk).update(
        opened_at=long_ago, expires_at=long_ago + dt.timedelta(hours=1)
    )
    figures = {f.organisation: f for f in selectors.break_glass_figures(cast.privacy_officer)}
    police = figures[cast.police.name]
    assert (police.pending_30, police.accepted_30, police.flagged_30) == (0, 0, 1)
    assert (police.pending_365, police.accepted_365, police.flagged_365) == (1, 0, 1)
    care = figures[cast.care.name]
    assert (care.pending_30, care.pending_365) == (1, 1)
    assert selectors.break_glass_figures(cast.case_manager) == []
