"""The measure pages in a browser: the mayor fills the dossier of a public-order measure as a
guided form, decides, records an objection, and axe-core finds no WCAG 2.2 A or AA violation
on the case's measures and on the measure page, before and after.

The case director proposes an area ban (I-23, the mayor decides) on the demo case of Sam
Voorbeeld in the demo's database (`samenspel shell -c`), so the demo's own measures stay as
they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from tests.browser.conftest import DemoServer, assert_no_axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page

    AsUser = Callable[[str], Page]

pytestmark = pytest.mark.browser

PROPOSE = """
import json
from samenspel.accounts.models import User
from samenspel.intake.models import Signal
from samenspel.measures import services

case = Signal.objects.get(idempotency_key="demo-case-1").case
measure = services.propose_measure(
    case, measure="I-23", reason="Verstoort de orde op het Marktplein (browsertest).",
    submission_key="browser-measures", by=User.objects.get(username="regisseur"),
)
print(json.dumps({"case": str(case.uuid), "measure": str(measure.uuid)}))
"""


def _today() -> str:
    return timezone.localdate().strftime("%d-%m-%Y")


def _submit(page: Page, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"main form[action$='{action}'] button[type=submit]").click()


def test_the_mayor_fills_the_dossier_and_decides(as_user: AsUser, demo_server: DemoServer) -> None:
    world = json.loads(demo_server.command("shell", "-c", PROPOSE).strip().splitlines()[-1])
    page = as_user("burgemeester")
    page.goto(demo_server.url(f"/maatregelen/casus/{world['case']}/"))
    assert page.get_by_role("heading", name="Openbare orde en veiligheid").is_visible()
    assert_no_axe_violations(page, "measures-case")

    url = demo_server.url(f"/maatregelen/{world['measure']}/")
    page.goto(url)
    missing = page.locator("#ontbreekt + p + ul li")
    assert missing.count() >= 3
    assert_no_axe_violations(page, "measure-open")

    # The checklist links to the part of the form that fills it in.
    page.locator("a[href='#dossier-informatie']").click()
    page.locator("#id_b-compartment").select_option("police")
    page.locator("#id_b-source").fill("Bestuurlijke rapportage politie, kenmerk 2026-0142")
    page.locator("#id_b-received_on").fill(_today())
    page.locator("#id_b-summary").fill("Twee keer een ordeverstoring op het Marktplein.")
    _submit(page, "/informatie/")
    assert page.get_by_text("De informatie is toegevoegd.").is_visible()

    page.locator("#id_v-asked").fill("De wijkagent")
    page.locator("#id_v-asked_on").fill(_today())
    page.locator("#id_v-result_0").check()
    page.locator("#id_v-answer").fill("Beide verstoringen zijn bevestigd en van deze maand.")
    _submit(page, "/verificatie/")

    # A decision on an incomplete dossier is refused, with what is missing, and nothing saved.
    page.locator("#id_d-decision_text").fill("Gebiedsverbod voor het Marktplein.")
    page.locator("#id_d-starts_on").fill(_today())
    _submit(page, "/besluit/")
    assert page.get_by_text("Het dossier is nog niet compleet").first.is_visible()
    assert_no_axe_violations(page, "measure-decision-refused")

    page.locator("#id_r-necessity").fill("De orde is twee keer verstoord.")
    page.locator("#id_r-proportionality").fill("Alleen het plein, alleen in de avond.")
    page.locator("#id_r-subsidiarity").fill("Een waarschuwing hielp niet.")
    page.locator("input[name='r-persons_view'][value='given']").check()
    page.locator("#id_r-persons_view_text").fill("Betrokkene zegt dat het niet weer gebeurt.")
    _submit(page, "/motivering/")
    assert page.get_by_text("Het dossier is compleet.").is_visible()

    page.locator("#id_d-decision_text").fill("Gebiedsverbod voor het Marktplein.")
    page.locator("#id_d-starts_on").fill(_today())
    _submit(page, "/besluit/")
    assert page.get_by_text("Het besluit is vastgelegd.").is_visible()
    assert "Van kracht" in page.locator("#status").inner_text()
    assert_no_axe_violations(page, "measure-decided")

    # An objection against the decision, in time: listed, with the form for its outcome.
    page.locator("#id_bz-kind_0").check()
    page.locator("#id_bz-notified_on").fill(_today())
    page.locator("#id_bz-filed_on").fill(_today())
    page.locator("#id_bz-grounds").fill("Betrokkene was er die avonden niet (browsertest).")
    _submit(page, "/bezwaar/")
    assert page.get_by_text("Het bezwaar of beroep is vastgelegd.").is_visible()
    assert page.get_by_role("heading", name="Bezwaar en beroep").is_visible()
    assert_no_axe_violations(page, "measure-review")

    page.goto(demo_server.url(f"/maatregelen/casus/{world['case']}/"))
    assert_no_axe_violations(page, "measures-case-after")
