"""Dates are written and shown the Dutch way, dd-mm-jjjj, also in a browser set to English:
a text field with a hint in words, not the browser's own date picker (mm/dd/yyyy there)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import DemoServer, assert_no_axe_violations, log_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


def test_a_date_field_asks_for_a_dutch_date_in_an_english_browser(
    browser: Browser, demo_server: DemoServer
) -> None:
    context = browser.new_context(
        bypass_csp=True, locale="en-US", viewport={"width": 1280, "height": 800}
    )
    try:
        page = context.new_page()
        log_in(page, demo_server, "politie")
        page.goto(demo_server.url("/signalen/melden/"))
        field = page.locator("#id_observed_on")
        assert field.get_attribute("type") == "text"
        assert field.get_attribute("inputmode") == "numeric"
        hint = page.locator("#id_observed_on_helptext").inner_text()
        assert re.search(r"\b\d{2}-\d{2}-\d{4}\b", hint), hint  # an example, day first
        field.fill("31-13-2025")
        with page.expect_navigation():
            page.locator("main form.utrecht-form button[type=submit]").last.click()
        error = page.locator("#id_observed_on_error").inner_text()
        assert re.search(r"\b\d{2}-\d{2}-\d{4}\b", error), error
        assert page.locator("#id_observed_on").input_value() == "31-13-2025"  # kept as typed
        assert_no_axe_violations(page, "signal-form-date-error")
    finally:
        context.close()
