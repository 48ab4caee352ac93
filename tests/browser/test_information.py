"""The information pages in a browser: the police officer on the demo case of Sam Voorbeeld
records a police document with a file through the form (first with a mistake), reads it, and
sees that the care line of the plan is hidden; the case director reads the police information
and the consent record of the care line. axe-core finds no WCAG 2.2 A or AA violation on the
form (empty and with errors), the item, the list, the plan and the consent fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import DemoServer, assert_no_axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page

    AsUser = Callable[[str], Page]

pytestmark = pytest.mark.browser

FIND = """
import json
from samenspel.intake.models import Signal

case = Signal.objects.get(idempotency_key="demo-case-1").case
care = case.interventions.get(measure="I-08")
print(json.dumps({"case": str(case.uuid), "care": str(care.uuid)}))
"""
TITLE = "Proces-verbaal van bevindingen (browsertest)"


def _submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()


def test_the_police_records_a_document_and_the_case_director_reads_it(
    as_user: AsUser, demo_server: DemoServer
) -> None:
    import json

    world = json.loads(demo_server.command("shell", "-c", FIND).strip().splitlines()[-1])
    case = world["case"]

    page = as_user("politie")
    page.goto(demo_server.url(f"/casussen/{case}/"))
    page.locator(f"a[href='/casussen/{case}/informatie/nieuw/']").first.click()
    page.wait_for_url(f"**/casussen/{case}/informatie/nieuw/")
    # The police records police information only, and is told who reads it.
    assert page.locator("input[name=compartment]").count() == 1
    assert page.get_by_text("(F-05, F-06)").is_visible()
    assert_no_axe_violations(page, "information-form")

    # Without a title and text: the messages, at the fields, and nothing saved.
    page.locator("input[name=compartment][value=police]").check()
    page.locator("#id_source").fill("PV 2026-0142, 1 december 2026")
    _submit(page)
    assert page.get_by_text("Geef de informatie een titel.").first.is_visible()
    assert page.locator("#id_source").input_value() == "PV 2026-0142, 1 december 2026"
    assert_no_axe_violations(page, "information-form-errors")

    page.locator("input[name=kind][value=document]").check()
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_text").fill("Twee keer gezien bij de bijeenkomst (browsertest).")
    page.locator("#id_file").set_input_files(
        {"name": "proces-verbaal.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 pv"}
    )
    _submit(page)
    assert page.get_by_text("De informatie is vastgelegd.").is_visible()
    assert page.get_by_role("heading", name=TITLE).is_visible()
    assert page.get_by_text("proces-verbaal.pdf downloaden").is_visible()
    assert_no_axe_violations(page, "information-detail")

    page.goto(demo_server.url(f"/casussen/{case}/informatie/"))
    assert page.get_by_role("link", name=TITLE).is_visible()
    assert_no_axe_violations(page, "information-list")

    # The care line is the GGZ's and the consent does not name the police: hidden, counted.
    page.goto(demo_server.url(f"/casussen/{case}/plan/"))
    assert page.get_by_text("1 zorginterventie is afgeschermd").is_visible()
    assert_no_axe_violations(page, "plan-hidden-line")

    # The case director reads the police information (F-05) and the consent of the care line.
    director = as_user("regisseur")
    director.goto(demo_server.url(f"/casussen/{case}/informatie/"))
    director.get_by_role("link", name=TITLE).click()
    assert director.get_by_role("heading", name=TITLE).is_visible()
    director.goto(demo_server.url(f"/casussen/{case}/plan/{world['care']}/"))
    assert director.locator("#id_consent_by").input_value()
    assert director.locator("input[name=consent_shared_with]:checked").count() >= 1
    assert_no_axe_violations(director, "intervention-consent")
