"""Capacity request pages: statistics figures, CSV, the pages of the desk and the requester."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenspel.accounts.models import Role
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.consultations import selectors, services
from samenspel.consultations.models import CapacityRequest, CapacityStatus
from samenspel.testing import Cast, force_verified_login, make_organisation, make_user
from tests.consultations.test_capacity import ask


def _client(user: object) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)  # type: ignore[arg-type]
    return client


def _answered_after(request: CapacityRequest, hours: float, status: str) -> None:
    """Set when the request was answered, `hours` after it was asked."""
    CapacityRequest.objects.filter(pk=request.pk).update(
        status=status,
        answered_at=request.requested_at + dt.timedelta(hours=hours),
        answered_by=request.requested_by,
        assignee=request.requested_by if status == CapacityStatus.ACCEPTED else None,
        answer="x" if status == CapacityStatus.DECLINED else "",
    )


def _fixture(cast: Cast) -> None:
    """Municipality A (priority) asks the NCTV three times, B (non-priority) twice, plus one
    withdrawn; the NCTV answers A after 2, 4 and 30 hours, B after 10 and 50 hours."""
    b_director = cast.outsider
    for hours, status in ((2, "accepted"), (4, "accepted"), (30, "declined")):
        _answered_after(ask(cast), hours, status)
    for hours, status in ((10, "accepted"), (50, "other_date")):
        request = ask(cast, by=b_director, municipality=cast.municipality_b)
        if status == "other_date":
            CapacityRequest.objects.filter(pk=request.pk).update(proposed_date=timezone.localdate())
        _answered_after(request, hours, status)
    services.withdraw_capacity_request(
        ask(cast, by=b_director, municipality=cast.municipality_b), by=b_director
    )


def test_statistics_put_priority_and_other_municipalities_side_by_side(cast: Cast) -> None:
    _fixture(cast)
    today = timezone.localdate()
    figures = selectors.capacity_statistics(
        cast.national_admin, start=today - dt.timedelta(days=1), end=today
    )
    [nctv] = figures.partners
    assert nctv.name == "NCTV"
    priority, other = nctv.priority, nctv.other
    assert (priority.requests, priority.accepted, priority.answered) == (3, 2, 3)
    assert priority.accepted_share == 66.7
    assert (priority.median_hours, priority.p90_hours) == (4.0, 30.0)
    assert (other.requests, other.withdrawn, other.accepted, other.answered) == (3, 1, 1, 2)
    assert other.accepted_share == 50.0
    assert (other.median_hours, other.p90_hours) == (30.0, 50.0)
    assert (nctv.total.requests, nctv.total.median_hours) == (6, 10.0)
    assert [(m.name, m.priority, m.figures.requests) for m in figures.municipalities] == [
        ("Gemeente A", True, 3),
        ("Gemeente B", False, 3),
    ]
    row = AuditEvent.objects.get(event=Event.CAPACITY_STATISTICS_VIEWED)
    assert (row.actor_id, row.details["count"]) == (cast.national_admin.pk, 6)


def test_statistics_count_every_request_not_only_the_readers_own(cast: Cast) -> None:
    _fixture(cast)
    today = timezone.localdate()
    figures = selectors.capacity_statistics(cast.police_officer, start=today, end=today)
    assert figures.total.requests == 6  # no person data and no question: all requests count


def test_a_period_without_requests_has_no_figures(cast: Cast) -> None:
    _fixture(cast)
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    figures = selectors.capacity_statistics(cast.case_manager, start=long_ago, end=long_ago)
    assert figures.partners == []
    assert (figures.total.requests, figures.total.median_hours) == (0, None)


def test_the_statistics_page_shows_a_chart_and_the_table(cast: Cast) -> None:
    _fixture(cast)
    response = _client(cast.case_manager).get(reverse("consultations:capacity_statistics"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="img"' in html
    assert '<title id="capacity-median-title">' in html
    assert "prioriteitsgemeenten" in html
    assert "66,7%" in html or "66.7%" in html


def test_the_statistics_csv_is_audited_as_an_export(cast: Cast) -> None:
    _fixture(cast)
    response = _client(cast.case_manager).get(reverse("consultations:capacity_statistics_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    lines = text.splitlines()
    assert lines[0].startswith("groep;naam;gemeenten;verzoeken")
    assert "partner;NCTV;prioriteit;3;0;2;66.7;3;4.0;30.0" in lines
    assert "partner;NCTV;andere;3;1;1;50.0;2;30.0;50.0" in lines
    row = AuditEvent.objects.get(event=Event.CAPACITY_STATISTICS_EXPORTED)
    assert (row.actor_id, row.details["format"]) == (cast.case_manager.pk, "csv")


def test_a_bad_period_is_refused_at_its_field(cast: Cast) -> None:
    response = _client(cast.case_manager).get(
        reverse("consultations:capacity_statistics"), {"start": "2026-05-01", "end": "2026-04-01"}
    )
    assert response.status_code == 400
    assert "ligt voor de begindatum" in response.content.decode()


def test_a_user_outside_the_approach_gets_404_for_the_statistics(cast: Cast) -> None:
    response = _client(cast.admin_b).get(reverse("consultations:capacity_statistics"))
    assert response.status_code == 404


def test_the_requester_asks_through_the_form(cast: Cast) -> None:
    client = _client(cast.case_manager)
    form = client.get(reverse("consultations:capacity_create"))
    assert form.status_code == 200
    key = form.context["form"].initial["submission_key"]
    data = {
        "municipality": str(cast.municipality_a.uuid),
        "addressed": str(cast.police.uuid),
        "kind": "advice",
        "urgency": "acute",
        "needed_by": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        "question": "Graag advies over de demonstratie van zaterdag.",
        "submission_key": key,
    }
    first = client.post(reverse("consultations:capacity_create"), data)
    again = client.post(reverse("consultations:capacity_create"), data)
    request = CapacityRequest.objects.get()
    assert first.status_code == again.status_code == 302
    assert (
        first["Location"]
        == again["Location"]
        == reverse("consultations:capacity_detail", kwargs={"request_uuid": request.uuid})
    )


def test_the_form_shows_dutch_errors_at_the_fields_and_saves_nothing(cast: Cast) -> None:
    response = _client(cast.case_manager).post(
        reverse("consultations:capacity_create"),
        {
            "municipality": str(cast.municipality_a.uuid),
            "addressed": str(cast.care.uuid),
            "kind": "advice",
            "urgency": "acute",
            "needed_by": "2020-01-01",
            "question": "",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Kies de NCTV, het OM of de politie uit de lijst." in errors["addressed"]
    assert "Schrijf uw vraag. Noem geen persoonsgegevens." in errors["question"]
    assert not CapacityRequest.objects.exists()


def test_a_past_date_is_refused_by_the_service_at_its_field(cast: Cast) -> None:
    response = _client(cast.case_manager).post(
        reverse("consultations:capacity_create"),
        {
            "municipality": str(cast.municipality_a.uuid),
            "addressed": str(cast.police.uuid),
            "kind": "advice",
            "urgency": "acute",
            "needed_by": "2020-01-01",
            "question": "Een vraag.",
        },
    )
    assert response.status_code == 400
    assert "Deze datum is al voorbij" in response.context["form"].errors["needed_by"][0]


def test_a_partner_without_a_municipality_gets_404_for_the_form(cast: Cast) -> None:
    response = _client(cast.police_officer).get(reverse("consultations:capacity_create"))
    assert response.status_code == 404


def test_the_desk_sees_the_request_and_its_answer_forms(cast: Cast) -> None:
    request = ask(cast, to=cast.police)
    client = _client(cast.police_officer)
    listing = client.get(reverse("consultations:capacity_list"))
    assert listing.status_code == 200
    assert "Gevraagd aan uw organisatie" in listing.content.decode()
    page = client.get(
        reverse("consultations:capacity_detail", kwargs={"request_uuid": request.uuid})
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Toezeggen" in html and "Afwijzen" in html and "Verzoek intrekken" not in html
    assert (
        AuditEvent.objects.filter(
            event=Event.CAPACITY_VIEWED, actor=cast.police_officer, object_id=str(request.uuid)
        ).count()
        == 1
    )


def test_the_requester_sees_withdraw_and_no_answer_forms(cast: Cast) -> None:
    request = ask(cast, needed_by=timezone.localdate())
    CapacityRequest.objects.filter(pk=request.pk).update(
        needed_by=timezone.localdate() - dt.timedelta(days=1)
    )
    client = _client(cast.case_manager)
    listing = client.get(reverse("consultations:capacity_list")).content.decode()
    assert "Te laat:" in listing
    html = client.get(
        reverse("consultations:capacity_detail", kwargs={"request_uuid": request.uuid})
    ).content.decode()
    assert "Verzoek intrekken" in html and "Toezeggen" not in html
    response = client.post(
        reverse("consultations:capacity_withdraw", kwargs={"request_uuid": request.uuid})
    )
    assert response.status_code == 302
    assert CapacityRequest.objects.get().status == CapacityStatus.WITHDRAWN


def test_the_desk_answers_on_the_page_and_the_loser_gets_the_conflict(cast: Cast) -> None:
    request = ask(cast, to=cast.police)
    colleague = make_user(cast.police, Role.PARTNER_LIAISON, username="police.2")
    url = reverse("consultations:capacity_accept", kwargs={"request_uuid": request.uuid})
    accepted = _client(cast.police_officer).post(url, {"assignee": str(colleague.uuid)})
    assert accepted.status_code == 302
    lost = _client(colleague).post(
        reverse("consultations:capacity_decline", kwargs={"request_uuid": request.uuid}),
        {"reason": "Geen tijd."},
    )
    assert lost.status_code == 409
    assert "al beantwoord of ingetrokken" in lost.content.decode()
    assert CapacityRequest.objects.get().status == CapacityStatus.ACCEPTED
    assert AuditEvent.objects.filter(event=Event.DECISION_CONFLICT, actor=colleague).exists()


def test_declining_without_reason_and_accepting_someone_else_are_refused_on_the_page(
    cast: Cast,
) -> None:
    request = ask(cast, to=cast.police)
    client = _client(cast.police_officer)
    kwargs = {"request_uuid": request.uuid}
    declined = client.post(reverse("consultations:capacity_decline", kwargs=kwargs), {"reason": ""})
    assert declined.status_code == 400
    assert "Geef een reden op" in declined.content.decode()
    other = client.post(
        reverse("consultations:capacity_accept", kwargs=kwargs),
        {"assignee": str(cast.prosecutor.uuid)},
    )
    assert other.status_code == 400
    assert "Kies iemand van uw eigen organisatie uit de lijst." in other.content.decode()
    assert CapacityRequest.objects.get().status == CapacityStatus.REQUESTED


def test_the_outsider_gets_404_on_every_page_of_a_request(cast: Cast) -> None:
    request = ask(cast)
    client = _client(cast.outsider)
    kwargs = {"request_uuid": request.uuid}
    assert client.get(reverse("consultations:capacity_detail", kwargs=kwargs)).status_code == 404
    for name in ("capacity_accept", "capacity_other_date", "capacity_decline", "capacity_withdraw"):
        response = client.post(reverse(f"consultations:{name}", kwargs=kwargs), {"reason": "x"})
        assert response.status_code == 404, name
    assert CapacityRequest.objects.get().status == CapacityStatus.REQUESTED


def test_a_zvh_director_asks_for_a_region_municipality_on_the_form(cast: Cast) -> None:
    from samenspel.accounts.models import Organisation

    Organisation.objects.filter(pk=cast.municipality_b.pk).update(region="Noord")
    zvh = make_organisation("ZVH Noord", type="zvh", region="Noord")
    director = make_user(zvh, Role.CASE_DIRECTOR, username="zvh.noord")
    form = _client(director).get(reverse("consultations:capacity_create")).context["form"]
    choices = [value for value, _label in form.fields["municipality"].choices if value]
    assert choices == [str(cast.municipality_b.uuid)]
