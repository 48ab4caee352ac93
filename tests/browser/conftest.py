"""Browser tests: one demo server and one Chromium for the whole session, driven by Playwright.

The server is the real thing: `samenspel demo --no-serve` fills a throwaway SQLite database and
`samenspel runserver` serves it, so the pages run with their production middleware, CSP and
WhiteNoise. Each demo user logs in once per session through the real login pages: TOTP codes
cannot be replayed, so a second login of the same user within 30 seconds would fail.

Set SAMENSPEL_SCREENSHOTS=<folder> to save a full-page screenshot of every page axe checks.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import require_or_skip

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
SERVER_START_SECONDS = 60


def _demo_env(data_dir: Path) -> dict[str, str]:
    """Return the environment for the demo commands: this process's, minus test settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SAMENSPEL_")
        and name not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["SAMENSPEL_ENV"] = "demo"
    env["SAMENSPEL_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class DemoServer:
    """A running demo: its address, and the demo commands that work on its data."""

    base_url: str
    data_dir: Path
    env: dict[str, str]

    def url(self, path: str) -> str:
        return self.base_url + path

    def command(self, *args: str) -> str:
        """Run `samenspel <args>` against the demo's data and return its output."""
        return self.start(*args)()

    def start(self, *args: str) -> Callable[[], str]:
        """Start `samenspel <args>` in the background; the result waits for its output."""
        process = subprocess.Popen(
            [sys.executable, "-m", "samenspel", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

        def result() -> str:
            stdout, stderr = process.communicate(timeout=120)
            if process.returncode != 0:
                pytest.fail(f"samenspel {' '.join(args)} failed:\n{stdout}\n{stderr}")
            return stdout

        return result

    def code(self, username: str) -> str:
        """Return the current TOTP code of a demo user (`samenspel democode`)."""
        return self.command("democode", username).strip()


def _wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"samenspel runserver stopped (exit {process.returncode}):\n{log.read_text()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback http
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(
        f"samenspel runserver did not answer within {SERVER_START_SECONDS}s:\n{log.read_text()}"
    )


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
    data_dir = Path(tempfile.mkdtemp(prefix="samenspel-browser-"))
    env = _demo_env(data_dir)
    port = _free_port()
    server = DemoServer(base_url=f"http://127.0.0.1:{port}", data_dir=data_dir, env=env)
    log = data_dir / "runserver.log"
    process: subprocess.Popen[bytes] | None = None
    try:
        server.command("demo", "--no-serve")
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "samenspel", "runserver", f"127.0.0.1:{port}", "--noreload"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_until_up(process, server.url("/inloggen/"), log)
        yield server
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


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
