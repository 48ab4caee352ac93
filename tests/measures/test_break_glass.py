"""Break-the-glass opens a case, never another ground's dossier or AIVD material, and never
lets its user change a measure or a consultation: the measure rules hold on top of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from samenspel.cases import selectors as case_selectors
from samenspel.cases import services as case_services
from samenspel.cases.models import BreakGlass, Case
from samenspel.consultations import services as consultations
from samenspel.measures import selectors, services
from samenspel.measures.models import BasisItem, CaseMeasure, Compartment, Dossier
from samenspel.sharing.policy import Action, allowed, can, visible
from samenspel.testing import Cast, force_verified_login, make_case, make_meeting, make_series

pytestmark = pytest.mark.django_db

REASON = "Acute dreiging gemeld; de regisseur is niet bereikbaar."


def _glass(case: Case, user):  # type: ignore[no-untyped-def]
    return case_services.break_glass(case.reference, case.municipality, reason=REASON, by=user)


def _grounds(cast: Cast) -> tuple[Case, CaseMeasure, CaseMeasure, CaseMeasure, BasisItem]:
    """A case the police are not on: a passport (state security) with an AIVD summary, a
    prosecution (criminal) and a public-order measure."""
    case = make_case(cast, team=(cast.prosecutor,))
    passport = services.propose_measure(case, measure="I-17", reason="Uitreis.", by=cast.mayor)
    aivd = services.add_basis_item(
        passport,
        compartment=Compartment.AIVD,
        source="Ambtsbericht AIVD, kenmerk 2026-0042",
        received_on=timezone.localdate(),
        summary="Betrokkene is voornemens uit te reizen.",
        by=cast.mayor,
    )
    prosecution = services.propose_measure(
        case, measure="I-29", reason="Verdenking.", by=cast.prosecutor
    )
    order = services.propose_measure(case, measure="I-23", reason="Ordeverstoring.", by=cast.mayor)
    return case, passport, prosecution, order, aivd


def test_police_see_the_case_and_the_passport_they_execute_not_its_dossier_or_the_aivd(
    cast: Cast,
) -> None:
    case, passport, _prosecution, order, aivd = _grounds(cast)
    police = cast.police_officer
    assert not can(police, Action.VIEW, passport)

    _glass(case, police)

    # The case and its plan, as its team reads them.
    assert can(police, Action.VIEW, case)
    assert case_selectors.get_case_for(police, case.uuid, record_read=False) == case
    assert case_selectors.plan_of(police, case) == []
    # The measure rows the police carry out or whose ground they read.
    seen = set(
        visible(police, CaseMeasure.objects.filter(case=case)).values_list("measure", flat=True)
    )
    assert seen == {"I-17", "I-29", "I-23"}
    # Not the passport's dossier (state security) nor the public-order one, never the AIVD.
    assert not can(police, Action.VIEW, passport.dossier)
    assert not can(police, Action.VIEW, order.dossier)
    assert not can(police, Action.VIEW, aivd)
    assert not visible(police, BasisItem.objects.filter(compartment=Compartment.AIVD)).exists()
    dossiers = set(
        visible(police, Dossier.objects.filter(measure__case=case)).values_list(
            "measure__measure", flat=True
        )
    )
    assert dossiers == {"I-29"}
    view = selectors.get_measure_for(police, passport.uuid)
    assert view.dossier is None


def test_a_care_partner_sees_no_measure_of_the_criminal_ground(cast: Cast) -> None:
    case, _passport, prosecution, _order, _aivd = _grounds(cast)
    care = cast.care_worker
    _glass(case, care)
    assert can(care, Action.VIEW, case)
    assert not can(care, Action.VIEW, prosecution)
    assert not visible(care, CaseMeasure.objects.filter(case=case)).exists()
    assert not visible(care, Dossier.objects.filter(measure__case=case)).exists()


def test_the_api_answers_the_same(cast: Cast) -> None:
    case, passport, prosecution, _order, _aivd = _grounds(cast)
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, cast.police_officer)
    assert client.get(f"/api/v1/measures/{passport.uuid}").status_code == 404
    _glass(case, cast.police_officer)
    answer = client.get(f"/api/v1/measures/{passport.uuid}")
    assert answer.status_code == 200
    assert answer.json()["dossier"] is None
    assert client.get(f"/api/v1/measures/{prosecution.uuid}").json()["dossier"] is not None
    text = client.get(f"/api/v1/cases/{case.uuid}/measures").content.decode()
    assert "Ambtsbericht AIVD" not in text


def test_under_the_glass_nobody_proposes_prepares_or_decides(cast: Cast) -> None:
    case, passport, prosecution, _order, _aivd = _grounds(cast)
    prosecutor_case = make_case(cast, family_name="Ander")
    prosecution_elsewhere = services.propose_measure(
        prosecutor_case, measure="I-29", reason="Verdenking.", by=cast.case_manager
    )
    police = cast.police_officer
    _glass(case, police)
    # The police read the criminal dossier of the case, but change nothing in it.
    assert can(police, Action.VIEW, prosecution.dossier)
    assert not allowed(police, "measure.propose", on=case)
    assert not allowed(police, "measure.prepare", on=prosecution)
    assert not allowed(police, "measure.close", on=prosecution)
    assert not allowed(police, "measure.withdraw", on=passport)
    with pytest.raises(PermissionDenied):
        services.propose_measure(case, measure="I-19", reason="Meldplicht.", by=police)
    with pytest.raises(PermissionDenied):
        services.add_basis_item(
            prosecution,
            compartment=Compartment.POLICE,
            source="Proces-verbaal",
            received_on=timezone.localdate(),
            summary="Nieuw feit.",
            by=police,
        )
    # The OM under the glass is no competent authority either.
    om = cast.prosecutor
    _glass(prosecutor_case, om)
    assert can(om, Action.VIEW, prosecution_elsewhere)
    assert not allowed(om, "measure.decide", on=prosecution_elsewhere)


def test_the_consultation_rules_still_hold(cast: Cast) -> None:
    case, *_rest = _grounds(cast)
    series = make_series(cast)
    meeting = make_meeting(series, by=cast.case_manager)
    item = consultations.add_item(meeting, case=case, by=cast.case_manager)
    hidden = consultations.add_item(
        meeting, case=make_case(cast, family_name="Los"), by=cast.case_manager
    )
    police = cast.police_officer
    # A partner of the series: both items exist for the police ("niet voor u"), neither opens.
    assert can(police, Action.NAME, item) and can(police, Action.NAME, hidden)
    assert not can(police, Action.VIEW, item)

    use = _glass(case, police)

    # The item of the case opens as it does for the case's team; the other stays closed.
    assert can(police, Action.VIEW, item)
    assert not can(police, Action.VIEW, hidden)
    assert not can(police, Action.MANAGE, item)
    # Putting the case forward is a change: not under the glass.
    assert not allowed(police, "case.nominate", on=case, within=series)
    with pytest.raises(PermissionDenied):
        consultations.nominate(case, series=series, reason="Bespreken.", by=police)
    # The end of the term closes the item again.
    now = timezone.now()
    BreakGlass.objects.filter(pk=use.pk).update(
        opened_at=now - dt.timedelta(hours=2), expires_at=now - dt.timedelta(hours=1)
    )
    assert not can(police, Action.VIEW, item)
    assert can(police, Action.NAME, item)


def test_the_measure_pages_say_they_are_seen_by_break_the_glass(cast: Cast) -> None:
    case, _passport, prosecution, _order, _aivd = _grounds(cast)
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, cast.police_officer)
    _glass(case, cast.police_officer)
    banner = "U kijkt met noodtoegang, tot"
    for url in (f"/maatregelen/{prosecution.uuid}/", f"/maatregelen/casus/{case.uuid}/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert banner in page.content.decode(), url
    # A team member reads the same pages without the warning.
    force_verified_login(client, cast.case_manager)
    assert banner not in client.get(f"/maatregelen/casus/{case.uuid}/").content.decode()
