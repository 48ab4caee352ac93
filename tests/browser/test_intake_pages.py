"""The signal pages pass axe-core's WCAG 2.2 A and AA rules: report, status, queue, weging.

The demo holds signals waiting in the queue of Gemeente Havenstad (one acute, one overdue, one
about a person the municipality already knows), so the weging shows candidates.
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


def submit(page: Page, form: str = "main form.utrecht-form") -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").last.click()


def test_signal_form_its_errors_and_the_status_page(
    as_user: AsUser, demo_server: DemoServer
) -> None:
    page = as_user("politie")
    page.goto(demo_server.url("/signalen/melden/"))
    assert page.locator(".in-acute").is_visible()
    assert_no_axe_violations(page, "signal-form")

    page.locator("#id_subject_bsn").fill("123456789")
    page.locator("#id_subject_birth_date").fill("2999-01-01")
    submit(page)
    assert page.locator("#id_subject_bsn_error").is_visible()
    assert page.locator("#id_observation_error").is_visible()
    assert_no_axe_violations(page, "signal-form-errors")

    page.locator("#id_municipality").select_option(label="Gemeente Havenstad")
    page.locator("#id_observed_on").fill("2026-01-05")
    page.locator("#id_observation").fill("Deelt filmpjes die geweld verheerlijken (axe).")
    page.locator("#id_concern").fill("Lijkt snel te radicaliseren (axe).")
    page.locator("#id_is_acute_1").check()
    page.locator("#id_subject_family_name").fill("Axeproef")
    page.locator("#id_subject_bsn").fill("")
    page.locator("#id_subject_birth_date").fill("2004-02-03")
    submit(page)
    assert "/status/" in page.url
    assert page.locator(".in-acute").is_visible()
    assert_no_axe_violations(page, "signal-status-acute")

    page.goto(demo_server.url("/signalen/"))
    assert page.locator("main table").is_visible()
    assert_no_axe_violations(page, "my-signals")


def test_triage_queue_and_the_signals_in_it(as_user: AsUser, demo_server: DemoServer) -> None:
    page = as_user("regisseur")
    page.goto(demo_server.url("/signalen/weeglijst/"))
    assert page.locator("main table").is_visible()
    assert page.locator(".in-badge--overdue").count() >= 1
    assert_no_axe_violations(page, "triage-queue")

    page.goto(demo_server.url("/signalen/weeglijst/?show=te-laat"))
    assert_no_axe_violations(page, "triage-queue-overdue")

    page.goto(demo_server.url("/signalen/weeglijst/?show=acuut"))
    assert_no_axe_violations(page, "triage-queue-acute")

    page.goto(demo_server.url("/signalen/weeglijst/"))
    links = page.locator("main table a").evaluate_all("els => els.map(e => e.href)")
    with_candidates = False
    for n, link in enumerate(links):
        page.goto(link)
        assert page.locator("#h-weging").is_visible()
        with_candidates = (
            with_candidates
            or page.locator(".utrecht-form-field-description", has_text="Waarom:").count() > 0
        )
        assert_no_axe_violations(page, f"signal-detail-{n}")
    assert with_candidates, "the demo queue holds a signal about a known person"

    page.goto(links[0])
    page.locator("#id_outcome_2").check()  # include, without person and case director
    submit(page)
    assert page.locator("#id_person_error").is_visible()
    assert page.locator("#id_criteria_error").is_visible()
    assert_no_axe_violations(page, "signal-detail-errors")


def test_weegploeg_page(as_user: AsUser, demo_server: DemoServer) -> None:
    page = as_user("beheerder")
    page.goto(demo_server.url("/signalen/weegploeg/"))
    assert_no_axe_violations(page, "triage-seats")

    submit(page)
    assert page.locator("#id_user_error").is_visible()
    assert_no_axe_violations(page, "triage-seats-error")

    seats = page.locator("main table form").count()
    option = page.locator("#id_user option").nth(1)
    name = option.inner_text().split(" (")[0]
    page.locator("#id_user").select_option(index=1)
    submit(page)
    assert page.locator("main table form").count() == seats + 1
    assert_no_axe_violations(page, "triage-seats-with-partner")
    # Leave the demo as it was for the other tests: take the new partner off again.
    with page.expect_navigation():
        page.locator("main table tr", has_text=name).locator("button").click()
    assert page.locator("main table form").count() == seats
