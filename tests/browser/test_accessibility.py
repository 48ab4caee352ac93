"""Every page passes axe-core's WCAG 2.2 A and AA rules, in Dutch and in English.

One demo server and one browser serve the whole module; each user logs in once (see conftest).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import struct
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from samenspel.frameworks.shipped import shipped_text
from tests.browser.conftest import (
    DEMO_PASSWORD,
    DemoServer,
    assert_no_axe_violations,
    log_in,
    new_context,
    save_screenshot,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response

    AsUser = Callable[[str], Page]

pytestmark = pytest.mark.browser


def submit(page: Page, form: str = "main form") -> None:
    """Submit a form by its first submit button and wait for the next page."""
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def totp_now(secret: str) -> str:
    """Return the current six-digit TOTP code (RFC 6238) for a base32 secret."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


# --- Before login ---------------------------------------------------------------------------


def test_login_page(anonymous_page: Page, demo_server: DemoServer) -> None:
    anonymous_page.goto(demo_server.url("/inloggen/"))
    assert_no_axe_violations(anonymous_page, "login")


def test_login_page_after_a_wrong_password(anonymous_page: Page, demo_server: DemoServer) -> None:
    page = anonymous_page
    page.goto(demo_server.url("/inloggen/"))
    page.locator("#id_username").fill("onbekend")
    page.locator("#id_password").fill("fout-wachtwoord")
    submit(page)
    assert page.locator(".utrecht-alert--error").is_visible()
    assert_no_axe_violations(page, "login-wrong-password")


def test_login_page_with_empty_fields(anonymous_page: Page, demo_server: DemoServer) -> None:
    page = anonymous_page
    page.goto(demo_server.url("/inloggen/"))
    submit(page)
    assert page.locator(".utrecht-form-field-error-message").count() == 2
    assert_no_axe_violations(page, "login-empty-fields")


def test_code_page_recovery_page_and_their_errors(
    anonymous_page: Page, demo_server: DemoServer
) -> None:
    page = anonymous_page
    page.goto(demo_server.url("/inloggen/"))
    page.locator("#id_username").fill("officier")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    submit(page)
    assert page.url.endswith("/inloggen/code/")
    assert_no_axe_violations(page, "code")

    page.locator("#id_token").fill("12")
    submit(page)
    assert page.locator("#id_token_error").is_visible()
    assert_no_axe_violations(page, "code-error")

    with page.expect_navigation():
        page.locator("main a[href$='/inloggen/herstelcode/']").click()
    assert_no_axe_violations(page, "recovery-code")

    page.locator("#id_code").fill("AAAAA-BBBBB-CCCCC-DDDDD")
    submit(page)
    assert page.locator("#id_code_error").is_visible()
    assert_no_axe_violations(page, "recovery-code-error")


def test_enrolment_its_error_and_the_recovery_codes(
    anonymous_page: Page, demo_server: DemoServer
) -> None:
    page = anonymous_page
    page.goto(demo_server.url("/inloggen/"))
    page.locator("#id_username").fill("nieuw")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    submit(page)
    assert page.url.endswith("/inloggen/tweede-factor-instellen/")
    assert_no_axe_violations(page, "enrolment")

    page.locator("#id_token").fill("000000")
    submit(page)
    assert page.locator("#id_token_error").is_visible()
    assert_no_axe_violations(page, "enrolment-error")

    time.sleep(1.1)  # django-otp throttles the device for a second after a wrong code
    page.locator("#id_token").fill(totp_now(page.locator(".ss-secret").inner_text()))
    submit(page)
    assert page.locator(".ss-codes li").count() >= 8
    assert_no_axe_violations(page, "enrolment-recovery-codes")


def test_csrf_failure_page(anonymous_page: Page, demo_server: DemoServer) -> None:
    page = anonymous_page
    page.goto(demo_server.url("/inloggen/"))
    page.context.clear_cookies()
    page.locator("#id_username").fill("onbekend")
    page.locator("#id_password").fill("fout-wachtwoord")
    submit(page)
    assert page.locator("h1").inner_text() != ""
    assert_no_axe_violations(page, "csrf-failure")


# --- Start pages and own account ------------------------------------------------------------


@pytest.mark.parametrize(
    "username", ["regisseur", "adviseur", "burgemeester", "beheerder", "fg", "landelijk", "politie"]
)
def test_start_page(as_user: AsUser, demo_server: DemoServer, username: str) -> None:
    page = as_user(username)
    page.goto(demo_server.url("/"))
    assert_no_axe_violations(page, f"start-{username}")


def test_account_page_and_its_errors(as_user: AsUser, demo_server: DemoServer) -> None:
    page = as_user("regisseur")
    page.goto(demo_server.url("/account/"))
    assert_no_axe_violations(page, "account")

    page.locator("#id_pw-old_password").fill("fout")
    page.locator("#id_pw-new_password").fill("kort")
    submit(page, "main form:has(#id_pw-old_password)")
    assert page.locator(".utrecht-form-field-error-message").count() >= 1
    assert_no_axe_violations(page, "account-errors")

    page.locator("#id_codes-password").fill("fout")
    submit(page, "main form:has(#id_codes-password)")
    assert page.locator(".utrecht-alert--error").is_visible()
    assert_no_axe_violations(page, "account-codes-wrong-password")


def test_not_found_page(as_user: AsUser, demo_server: DemoServer) -> None:
    page = as_user("regisseur")
    response = page.goto(demo_server.url("/bestaat-niet/"))
    assert response is not None
    assert response.status == 404
    assert_no_axe_violations(page, "not-found")


# --- Administration -------------------------------------------------------------------------


def test_organisation_pages(as_user: AsUser, demo_server: DemoServer) -> None:
    page = as_user("landelijk")
    page.goto(demo_server.url("/beheer/organisaties/"))
    assert_no_axe_violations(page, "organisation-list")

    with page.expect_navigation():
        page.get_by_role("link", name="Gemeente Havenstad").click()
    assert_no_axe_violations(page, "organisation-detail")

    with page.expect_navigation():
        page.locator("main a[href$='/wijzigen/']").click()
    assert_no_axe_violations(page, "organisation-edit")

    page.locator("#id_name").fill("")
    submit(page)
    assert page.locator("#id_name_error").is_visible()
    assert_no_axe_violations(page, "organisation-edit-errors")

    page.goto(demo_server.url("/beheer/organisaties/nieuw/"))
    assert_no_axe_violations(page, "organisation-create")

    submit(page)
    assert page.locator("#id_name_error").is_visible()
    assert_no_axe_violations(page, "organisation-create-errors")


def test_user_pages(as_user: AsUser, demo_server: DemoServer) -> None:
    page = as_user("beheerder")
    page.goto(demo_server.url("/beheer/gebruikers/"))
    assert_no_axe_violations(page, "user-list")

    with page.expect_navigation():
        page.get_by_role("link", name="Rosa de Regisseur").click()
    assert_no_axe_violations(page, "user-detail")

    with page.expect_navigation():
        page.locator("main a[href$='/wijzigen/']").click()
    assert_no_axe_violations(page, "user-edit")

    page.locator("#id_full_name").fill("")
    submit(page)
    assert page.locator("#id_full_name_error").is_visible()
    assert_no_axe_violations(page, "user-edit-errors")

    page.goto(demo_server.url("/beheer/gebruikers/nieuw/"))
    assert_no_axe_violations(page, "user-create")

    page.locator("#id_username").fill("Geen Geldige Naam!")
    page.locator("#id_email").fill("geen-e-mailadres")
    submit(page)
    assert page.locator(".utrecht-form-field-error-message").count() >= 2
    assert_no_axe_violations(page, "user-create-errors")


def test_organisation_pages_for_a_functional_admin(
    as_user: AsUser, demo_server: DemoServer
) -> None:
    page = as_user("beheerder")
    page.goto(demo_server.url("/beheer/organisaties/"))
    assert_no_axe_violations(page, "organisation-list-beheerder")


# --- Audit log ------------------------------------------------------------------------------


def test_audit_log_pages(as_user: AsUser, demo_server: DemoServer) -> None:
    page = as_user("fg")
    page.goto(demo_server.url("/logboek/"))
    assert page.locator("main table").is_visible()
    assert_no_axe_violations(page, "audit-log")

    page.locator("#id_purpose").select_option(index=1)
    submit(page)
    assert "purpose=" in page.url
    assert_no_axe_violations(page, "audit-log-filtered")

    page.goto(demo_server.url("/logboek/?event=999999"))
    assert_no_axe_violations(page, "audit-log-nothing-found")

    page.goto(demo_server.url("/logboek/?since=2026-12-31&until=2026-01-01"))
    assert page.locator("#id_until_error").is_visible()
    assert_no_axe_violations(page, "audit-log-filter-error")

    page.goto(demo_server.url("/logboek/"))
    with page.expect_navigation():
        page.locator("main table a").first.click()
    assert "/logboek/" in page.url
    assert_no_axe_violations(page, "audit-record")


# --- The framework (/kader/) ----------------------------------------------------------------


def second_version_text(*, label: str, valid_from: dt.date) -> str:
    """Return the shipped framework as a later version: one measure changed, a route swapped."""
    text = shipped_text()
    changes = [
        ('version: "2026.1"', f'version: "{label}"'),
        ("valid_from: 2026-01-01", f"valid_from: {valid_from.isoformat()}"),
        # The reporting duty (I-19) lasts 12 months instead of 6.
        (
            "    max_term:\n      value: 6\n      unit: months\n    extension: verlengbaar",
            "    max_term:\n      value: 12\n      unit: months\n    extension: verlengbaar",
        ),
        # Route C-12 goes, route C-13 comes.
        ("  - id: C-12\n", "  - id: C-13\n"),
        ("    route: Reclassering, Team TER\n", "    route: Reclassering, Team TER (landelijk)\n"),
    ]
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def framework_versions(demo_server: DemoServer) -> tuple[str, str]:
    """Return the labels of two published versions: the demo's, in force, and a later one.

    The demo loads and publishes the shipped framework. The later version starts next year, so
    every other page keeps showing the version in force.
    """
    listing = demo_server.command("framework", "list")
    assert "2026.1" in listing and "published" in listing, listing
    later = "2026.2-test"
    if later not in listing:
        starts = dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=365)
        file = demo_server.data_dir / "nl-pga-later.yaml"
        file.write_text(second_version_text(label=later, valid_from=starts), encoding="utf-8")
        demo_server.command("framework", "load", str(file), "--by", "landelijk")
        demo_server.command("framework", "publish", later, "--by", "landelijk")
    return "2026.1", later


FRAMEWORK_PAGES = [
    ("framework-overview", "/kader/"),
    ("framework-raci", "/kader/wie-doet-wat/"),
    ("framework-raci-cell", "/kader/wie-doet-wat/ST-1/A-BGM/"),
    ("framework-raci-cell-no-role", "/kader/wie-doet-wat/ST-7/A-AIVD/"),
    ("framework-actor-list", "/kader/actoren/"),
    ("framework-actor", "/kader/actoren/A-BGM/"),
    ("framework-scope-list", "/kader/fasen/"),
    ("framework-stage", "/kader/fasen/ST-2/"),
    ("framework-phase", "/kader/fasen/PH-3/"),
    ("framework-domain-list", "/kader/domeinen/"),
    ("framework-domain", "/kader/domeinen/D-OOV/"),
    ("framework-measure-list", "/kader/maatregelen/"),
    ("framework-measure", "/kader/maatregelen/I-19/"),
    ("framework-flow-list", "/kader/informatiestromen/"),
    ("framework-source-list", "/kader/bronnen/"),
    ("framework-retention-list", "/kader/bewaartermijnen/"),
    ("framework-routing", "/kader/waar-kan-ik-terecht/"),
    ("framework-course-phase", "/kader/handelingsperspectief/PH-2/"),
    ("framework-course-stage-police", "/kader/handelingsperspectief/ST-1/?organisatie=police"),
]


@pytest.mark.parametrize(("name", "path"), FRAMEWORK_PAGES)
def test_framework_page(
    as_user: AsUser,
    demo_server: DemoServer,
    framework_versions: tuple[str, str],
    name: str,
    path: str,
) -> None:
    page = as_user("regisseur")
    response = page.goto(demo_server.url(path))
    assert response is not None
    assert response.status == 200, path
    assert page.locator("nav.ss-nav a[aria-current='page']").inner_text() == "Kader"
    assert_no_axe_violations(page, name)


def test_framework_measure_list_filtered(as_user: AsUser, demo_server: DemoServer) -> None:
    page = as_user("regisseur")
    page.goto(demo_server.url("/kader/maatregelen/"))
    page.locator("main form select").first.select_option(index=1)
    submit(page)
    assert "?" in page.url
    assert_no_axe_violations(page, "framework-measure-list-filtered")


def test_framework_search_with_and_without_results(
    as_user: AsUser, demo_server: DemoServer
) -> None:
    page = as_user("regisseur")
    page.goto(demo_server.url("/kader/zoeken/"))
    assert_no_axe_violations(page, "framework-search")

    page.locator("#fw-q").fill("burgemeester")
    submit(page)
    assert page.locator("main ul li a").count() > 1
    assert_no_axe_violations(page, "framework-search-results")

    page.locator("#fw-q").fill("bestaatnietinhetkader")
    submit(page)
    assert page.locator("main .ss-empty").is_visible()
    assert_no_axe_violations(page, "framework-search-nothing-found")


def test_framework_versions_and_their_diff(
    as_user: AsUser, demo_server: DemoServer, framework_versions: tuple[str, str]
) -> None:
    old, new = framework_versions
    page = as_user("regisseur")
    page.goto(demo_server.url("/kader/versies/"))
    assert page.get_by_text(new).first.is_visible()
    assert_no_axe_violations(page, "framework-version-list")

    with page.expect_navigation():
        page.locator("main a[href*='/kader/versies/']").filter(has_text=new).first.click()
    assert_no_axe_violations(page, "framework-version-detail")

    page.goto(demo_server.url("/kader/versies/verschil/"))
    assert_no_axe_violations(page, "framework-diff-form")

    for field, label in (("#id_oud", old), ("#id_nieuw", new)):
        option = page.locator(f"{field} option").filter(has_text=f"{label}:")
        page.locator(field).select_option(option.get_attribute("value"))
    submit(page)
    assert page.locator("main .fw-badge--changed").count() >= 1
    assert page.locator("main .fw-badge--added").count() >= 1
    assert page.locator("main .fw-badge--removed").count() >= 1
    assert_no_axe_violations(page, "framework-diff")

    with page.expect_navigation():
        page.locator("main .fw-diff a").first.click()
    assert "versie=" in page.url
    assert page.locator(".fw-version").is_visible()
    assert_no_axe_violations(page, "framework-later-version")


def test_framework_versions_for_a_national_administrator(
    as_user: AsUser, demo_server: DemoServer, framework_versions: tuple[str, str]
) -> None:
    page = as_user("landelijk")
    page.goto(demo_server.url("/kader/versies/"))
    assert page.locator("main form button[type=submit]").count() >= 1  # withdraw
    assert_no_axe_violations(page, "framework-version-list-national-admin")


# --- English --------------------------------------------------------------------------------


def test_english_login_and_start_page(browser: Browser, demo_server: DemoServer) -> None:
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(demo_server.url("/inloggen/"))
        with page.expect_navigation():
            page.get_by_role("button", name="English").click()
        assert page.locator("html").get_attribute("lang") == "en"
        assert_no_axe_violations(page, "en-login")

        log_in(page, demo_server, "zorg")
        assert page.locator("html").get_attribute("lang") == "en"
        assert_no_axe_violations(page, "en-start")

        page.goto(demo_server.url("/account/"))
        assert_no_axe_violations(page, "en-account")

        for name, path in [
            ("en-framework-overview", "/kader/"),
            ("en-framework-raci", "/kader/wie-doet-wat/"),
            ("en-framework-course", "/kader/handelingsperspectief/ST-1/?organisatie=municipality"),
        ]:
            page.goto(demo_server.url(path))
            assert page.locator("html").get_attribute("lang") == "en"
            assert_no_axe_violations(page, name)
        # The sentences are English; names from the framework file stay as the file has them.
        assert page.get_by_text("is ultimately responsible and decides").first.is_visible()
    finally:
        context.close()


# --- Without bypassing the CSP --------------------------------------------------------------


def test_pages_load_their_css_and_fonts_without_csp_violations(
    browser: Browser, demo_server: DemoServer
) -> None:
    """Load pages with the CSP enforced: no console errors, no failed requests, fonts used."""
    context = new_context(browser, bypass_csp=False)
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.text.startswith("Failed to load resource"):
            return  # on_response reports failed subresources; the 404 page itself is expected
        if message.type in {"error", "warning"} or "Content Security Policy" in message.text:
            problems.append(f"console {message.type} on {message.location}: {message.text}")

    def on_response(response: Response) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            problems.append(f"{response.status} for {response.url}")

    def on_failed(request: Request) -> None:
        # A request the browser dropped because the test navigated on (the favicon of a page
        # left at once) is no broken resource; a blocked or missing one still counts here or
        # in on_response.
        if request.failure == "net::ERR_ABORTED":
            return
        problems.append(f"request failed: {request.url} ({request.failure})")

    context.on("console", on_console)
    context.on("response", on_response)
    context.on("requestfailed", on_failed)
    context.on("weberror", lambda error: problems.append(f"page error: {error.error}"))
    try:
        page = context.new_page()
        page.goto(demo_server.url("/inloggen/"))
        check_styles_and_fonts(page)
        log_in(page, demo_server, "weide.beheerder")
        for path in ["/", "/account/", "/beheer/gebruikers/", "/beheer/gebruikers/nieuw/"]:
            page.goto(demo_server.url(path))
            check_styles_and_fonts(page)
        page.goto(demo_server.url("/bestaat-niet/"))
        check_styles_and_fonts(page)
    finally:
        context.close()
    assert problems == []


def check_styles_and_fonts(page: Page) -> None:
    """Assert that all three stylesheets applied and the Noto Sans font files loaded."""
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready")
    sheets = page.evaluate(
        "() => [...document.styleSheets].map(s => s.href && new URL(s.href).pathname)"
    )
    assert sheets == [
        "/static/vendor/utrecht/index.css",
        "/static/vendor/voorbeeld-tokens/theme.css",
        "/static/samenspel/samenspel.css",
    ], page.url
    family = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "Noto Sans" in family, page.url
    loaded = page.evaluate(
        "() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Noto Sans" in name for name in loaded), (page.url, loaded)


# --- Reflow (WCAG 1.4.10) -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/account/",
        "/logboek/",
        "/logboek/1/",
        "/bestaat-niet/",
        "/kader/",
        "/kader/wie-doet-wat/",
        "/kader/wie-doet-wat/ST-1/A-BGM/",
        "/kader/maatregelen/I-19/",
        "/kader/waar-kan-ik-terecht/",
        "/kader/versies/",
        "/kader/handelingsperspectief/PH-2/",
    ],
)
def test_pages_reflow_at_320_pixels_wide(
    as_user: AsUser, demo_server: DemoServer, path: str
) -> None:
    """At 320 CSS pixels nothing but a data table may scroll sideways."""
    page = as_user("fg")
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        page.goto(demo_server.url(path))
        page.evaluate("() => document.fonts.ready")
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(el => !el.closest('.ss-table-wrap'))
                .filter(el => el.getBoundingClientRect().right > 321)
                .map(el => el.tagName.toLowerCase() + '.' + el.className)"""
        )
        save_screenshot(page, "narrow" + path.replace("/", "-").rstrip("-"))
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320, wide
        assert wide == []
    finally:
        page.set_viewport_size({"width": 1280, "height": 800})
