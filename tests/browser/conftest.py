"""Browser tests: one demo server and one Chromium for the whole session, driven by Playwright.

The server is the real thing: `samenspel demo --no-serve` fills a throwaway SQLite database and
`samenspel runserver` serves it, so the pages run with their production middleware, CSP and
WhiteNoise. Each demo user logs in once per session through the real login pages: TOTP codes
cannot be replayed, so a second login of the same user within 30 seconds would fail.

Set SAMENSPEL_SCREENSHOTS=<folder> to save a full-page screenshot of every page axe checks.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import require_or_skip
from tests.demo import DemoServer, running_demo

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DEMO_PASSWORD = "samenspel-demo-2026"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_prerequisites() -> None:
    """Skip (or, in .ci/run, fail) when Debian's chromium or axe-core is missing."""
    if not CHROMIUM.exists():
        require_or_skip(
            "browser",
            f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-core",
        )
    if not AXE.exists():
        require_or_skip("browser", f"{AXE} is missing: run `npm ci` in the repository")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        require_or_skip("browser", "playwright is missing: pip install -e '.[test]'")


@pytest.fixture(scope="session")
def demo_server(browser_prerequisites: None) -> Iterator[DemoServer]:
    """Load the demo into a throwaway folder and serve it on a free loopback port."""
    with running_demo("samenspel-browser-") as server:
        yield server


@pytest.fixture(scope="session")
def browser(browser_prerequisites: None) -> Iterator[Browser]:
    """Launch Debian's chromium once (Playwright never downloads a browser here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def new_context(browser: Browser, *, bypass_csp: bool = True, **options: Any) -> BrowserContext:
    """Open a Dutch browser context; bypass_csp only so that axe can be injected."""
    context = browser.new_context(
        bypass_csp=bypass_csp,
        locale="nl-NL",
        viewport={"width": 1280, "height": 800},
        **options,
    )
    context.set_default_timeout(15_000)
    return context


def log_in(page: Page, server: DemoServer, username: str) -> None:
    """Log a demo user in through the login page and the TOTP page, like a person would."""
    # `samenspel democode` takes a second or two to start: let it run while the password is sent.
    # The code stays valid for the next 30-second step too (django-otp's default tolerance).
    code = server.start("democode", username)
    page.goto(server.url("/inloggen/"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/inloggen/code/")
    page.locator("#id_token").fill(code().strip())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(server.url("/"))


@dataclass
class Sessions:
    """One logged-in page per demo user, opened on first use and kept for the session."""

    browser: Browser
    server: DemoServer
    pages: dict[str, Page] = field(default_factory=dict)

    def page_for(self, username: str) -> Page:
        if username not in self.pages:
            page = new_context(self.browser).new_page()
            log_in(page, self.server, username)
            self.pages[username] = page
        return self.pages[username]

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture(scope="session")
def sessions(browser: Browser, demo_server: DemoServer) -> Iterator[Sessions]:
    shared = Sessions(browser, demo_server)
    yield shared
    shared.close()


@pytest.fixture(scope="session")
def as_user(sessions: Sessions) -> Callable[[str], Page]:
    """Return a page on which the given demo user is logged in."""
    return sessions.page_for


@pytest.fixture
def anonymous_page(browser: Browser) -> Iterator[Page]:
    """Return a page in a fresh context without a session."""
    context = new_context(browser)
    yield context.new_page()
    context.close()


def _format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    target {node['target']}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def save_screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("SAMENSPEL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def assert_no_axe_violations(page: Page, name: str) -> None:
    """Run axe-core (WCAG 2.2 A and AA tags) on the current page and fail on any violation."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    save_screenshot(page, name)
    violations = result["violations"]
    if violations:
        pytest.fail(
            f"axe found {len(violations)} violation(s) on {name} ({page.url}):\n"
            + _format_violations(violations),
            pytrace=False,
        )
