"""One person, one open case, in a browser: the weging of a signal about a person the demo
municipality already follows offers that person's open case and adds the signal to it.

A signal about "Samuel Voorbeeld" (the demo's Sam Voorbeeld has an open case) is submitted
in the demo's database (`samenspel shell -c`), so the demo's own queue stays as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import DemoServer, assert_no_axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page

    AsUser = Callable[[str], Page]

pytestmark = pytest.mark.browser

SUBMIT = """
import datetime as dt
import json
from samenspel.accounts.models import Organisation, User
from samenspel.cases.models import Case
from samenspel.intake import services as intake
from samenspel.testing import signal_input

havenstad = Organisation.objects.get(name="Gemeente Havenstad")
signal = intake.submit_signal(
    signal_input(
        havenstad, family_name="Voorbeeld", given_names="Samuel",
        birth_date=dt.date(2006, 4, 2),
    ),
    idempotency_key="browser-one-open-case",
    by=User.objects.get(username="politie"),
)
case = Case.objects.filter(person__family_name="Voorbeeld", person__given_names="Sam").exclude(
    status="closed"
).get()
print(json.dumps(
    {"signal": str(signal.uuid), "case": case.reference, "person": str(case.person.uuid)}
))
"""


def test_weging_adds_the_signal_to_the_open_case_by_default(
    as_user: AsUser, demo_server: DemoServer
) -> None:
    world = json.loads(demo_server.command("shell", "-c", SUBMIT).strip().splitlines()[-1])
    page = as_user("regisseur")
    page.goto(demo_server.url(f"/signalen/{world['signal']}/"))
    person = page.locator(f"input[name=person][value='{world['person']}']")
    row = page.locator(".utrecht-form-field--radio", has=person)
    assert f"Open casus: {world['case']}." in row.inner_text()
    assert page.locator("input[name=open_case][value=join]").is_checked()
    # Before anything is submitted, no field is marked wrong: not by the server, and not drawn
    # red by the browser for a required choice nobody made yet.
    assert page.locator(".utrecht-form-field-error-message").count() == 0
    assert page.locator("[aria-invalid=true]").count() == 0
    outcome = page.locator("input[name=outcome]").first
    neutral = page.locator("input[name=open_case][value=second]")
    colour = "el => getComputedStyle(el).borderColor"
    assert outcome.evaluate(colour) == neutral.evaluate(colour)
    # The control stands before its label, all in one column.
    boxes = [page.locator("input[name=outcome]").nth(i).bounding_box() for i in range(3)] + [
        page.locator("label[for=id_outcome_0]").bounding_box()
    ]
    assert boxes[0] and boxes[1] and boxes[2] and boxes[3]
    assert boxes[0]["x"] == boxes[1]["x"] == boxes[2]["x"]
    assert boxes[0]["x"] < boxes[3]["x"]
    assert_no_axe_violations(page, "weging-open-case")

    page.locator("input[name=outcome][value=include]").check()
    page.locator("#id_reason").fill("Dezelfde leerling; past bij de lopende casus.")
    page.locator("#id_criteria").fill("Criteria weegploeg 2026")
    person.check()
    with page.expect_navigation():
        page.locator("main form.utrecht-form button[type=submit]").last.click()
    assert world["case"] in page.locator("h1, .cs-crumbs, main").first.inner_text()
    assert page.get_by_text(
        f"Het signaal is gewogen en toegevoegd aan de open casus {world['case']}."
    ).is_visible()
