"""The case pages pass axe-core's WCAG 2.2 A and AA rules: list, case page, plan editor, transfers.

The demo holds no cases, so one is opened in the demo's database through the services
(`samenspel shell -c`), with a repression-only plan (the balance warning shows) and a pending
transfer to Gemeente Weidevelde (its case director sees it under Overdrachten).
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

MAKE_CASE = """
import json
from samenspel.accounts.models import Organisation, User
from samenspel.cases import services as cases
from samenspel.intake import services as intake
from samenspel.testing import signal_input

havenstad = Organisation.objects.get(name="Gemeente Havenstad")
director = User.objects.get(username="regisseur")
signal = intake.submit_signal(
    signal_input(havenstad, family_name="Axetest", given_names="Anna"),
    idempotency_key="browser-case-pages",
    by=User.objects.get(username="politie"),
)
if signal.case is None:
    signal = intake.triage(
        signal,
        intake.TriageDecision(
            outcome="include", reason="Voldoet.", criteria="Criteria 2026",
            create_person=True, case_director=director, phase="PH-2",
        ),
        expected_version=signal.version,
        by=director,
    )
case = signal.case
cases.add_member(case, user=User.objects.get(username="politie"), task="Contact", by=director)
cases.add_intervention(
    case, measure="I-19", domain="repression",
    owner=Organisation.objects.get(name="Politie-eenheid Rijnmond"),
    submission_key="browser-1", by=director,
)
intervention = case.interventions.get()
transfer = cases.request_transfer(
    case, to_municipality=Organisation.objects.get(name="Gemeente Weidevelde"),
    reason="Verhuisd.", by=director,
)
print(json.dumps({"case": str(case.uuid), "intervention": str(intervention.uuid),
                  "transfer": str(transfer.uuid)}))
"""


@pytest.fixture(scope="module")
def demo_case(demo_server: DemoServer) -> dict[str, str]:
    output = demo_server.command("shell", "-c", MAKE_CASE)
    data: dict[str, str] = json.loads(output.strip().splitlines()[-1])
    return data


def test_case_list(as_user: AsUser, demo_server: DemoServer, demo_case: dict[str, str]) -> None:
    page = as_user("regisseur")
    page.goto(demo_server.url("/casussen/"))
    assert page.locator("main table").is_visible()
    assert_no_axe_violations(page, "case-list")

    page.goto(demo_server.url("/casussen/?status=closed&q=niemand"))
    assert_no_axe_violations(page, "case-list-empty")


def test_case_page_with_balance_warning_and_course(
    as_user: AsUser, demo_server: DemoServer, demo_case: dict[str, str]
) -> None:
    page = as_user("regisseur")
    page.goto(demo_server.url(f"/casussen/{demo_case['case']}/"))
    assert page.locator(".utrecht-alert--warning").is_visible()
    assert page.locator(".cs-balance").is_visible()
    assert_no_axe_violations(page, "case-detail")

    page.locator("main form[action$='/balans/'] button[type=submit]").click()
    page.wait_for_load_state("load")
    assert_no_axe_violations(page, "case-detail-after-justify")

    page.goto(demo_server.url(f"/casussen/{demo_case['case']}/geschiedenis/"))
    assert_no_axe_violations(page, "case-history")


def test_case_page_for_a_team_member(
    as_user: AsUser, demo_server: DemoServer, demo_case: dict[str, str]
) -> None:
    page = as_user("politie")
    page.goto(demo_server.url(f"/casussen/{demo_case['case']}/"))
    assert_no_axe_violations(page, "case-detail-police")


def test_plan_editor_and_its_errors(
    as_user: AsUser, demo_server: DemoServer, demo_case: dict[str, str]
) -> None:
    page = as_user("regisseur")
    page.goto(demo_server.url(f"/casussen/{demo_case['case']}/plan/"))
    assert_no_axe_violations(page, "plan-editor")

    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("#id_measure_error").is_visible()
    assert_no_axe_violations(page, "plan-editor-errors")

    page.goto(demo_server.url(f"/casussen/{demo_case['case']}/plan/{demo_case['intervention']}/"))
    assert_no_axe_violations(page, "intervention-edit")

    page.locator("#id_status").select_option("done")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("#id_outcome_error").is_visible()
    assert_no_axe_violations(page, "intervention-edit-errors")


def test_stage_phase_team_and_close_forms(
    as_user: AsUser, demo_server: DemoServer, demo_case: dict[str, str]
) -> None:
    page = as_user("regisseur")
    base = f"/casussen/{demo_case['case']}/"
    for path in ("processtap/", "fase/", "sporen/", "team/", "sluiten/"):
        page.goto(demo_server.url(base + path))
        assert_no_axe_violations(page, "case-" + path.rstrip("/"))

    page.goto(demo_server.url(base + "fase/"))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".utrecht-form-field-error-message").count() >= 1
    assert_no_axe_violations(page, "case-fase-errors")


def test_transfer_pages(
    as_user: AsUser, demo_server: DemoServer, demo_case: dict[str, str]
) -> None:
    page = as_user("weide.regisseur")
    page.goto(demo_server.url("/casussen/overdrachten/"))
    assert_no_axe_violations(page, "transfers-incoming")

    page.goto(demo_server.url(f"/casussen/overdrachten/{demo_case['transfer']}/accepteren/"))
    assert_no_axe_violations(page, "transfer-accept")

    page.goto(demo_server.url(f"/casussen/overdrachten/{demo_case['transfer']}/afwijzen/"))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("#id_reason_error").is_visible()
    assert_no_axe_violations(page, "transfer-decline-errors")

    sender = as_user("regisseur")
    sender.goto(demo_server.url("/casussen/overdrachten/"))
    assert_no_axe_violations(sender, "transfers-stubs")
