"""Keyboard use: the skip link, a login without a mouse, and a visible focus everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import DEMO_PASSWORD, DemoServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

    AsUser = Callable[[str], Page]

pytestmark = pytest.mark.browser


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    type: el.getAttribute('type'),
    text: (el.innerText || el.value || '').trim().slice(0, 40),
    classes: el.className,
    href: el.getAttribute('href'),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    boxShadow: style.boxShadow,
    width: box.width,
    height: box.height,
    top: box.top,
    left: box.left,
  };
}"""


def focused(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(FOCUSED)
    return result


def tab_to(page: Page, element_id: str, *, limit: int = 15) -> None:
    """Press Tab until the element with this id has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page)["id"] == element_id:
            return
    pytest.fail(f"#{element_id} not reached within {limit} Tab presses on {page.url}")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(
    anonymous_page: Page, demo_server: DemoServer
) -> None:
    page = anonymous_page
    page.goto(demo_server.url("/inloggen/"))
    skip = page.locator(".utrecht-skip-link")
    hidden_box = skip.bounding_box()
    assert hidden_box is None or hidden_box["y"] + hidden_box["height"] <= 0, "visible unfocused"

    page.keyboard.press("Tab")
    first = focused(page)
    assert first["href"] == "#inhoud"
    assert first["text"] == "Naar de inhoud"
    assert first["width"] >= 24
    assert first["height"] >= 24
    assert first["top"] >= 0
    assert first["left"] >= 0

    page.keyboard.press("Enter")
    assert focused(page)["id"] == "inhoud"
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_username"


def test_skip_link_works_on_a_page_with_navigation(
    as_user: AsUser, demo_server: DemoServer
) -> None:
    page = as_user("adviseur")
    page.goto(demo_server.url("/account/"))
    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#inhoud"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "inhoud"


def test_login_works_with_the_keyboard_only(anonymous_page: Page, demo_server: DemoServer) -> None:
    page = anonymous_page
    page.goto(demo_server.url("/inloggen/"))
    tab_to(page, "id_username")
    # A user that no other browser test logs in: a TOTP code is refused the second time within
    # its 30 seconds, so sharing a user with another login made this test fail now and then.
    page.keyboard.type("klein.adviseur")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/inloggen/code/")

    tab_to(page, "id_token")
    page.keyboard.type(demo_server.code("klein.adviseur"))
    page.keyboard.press("Tab")
    button = focused(page)
    assert (button["tag"], button["type"]) == ("button", "submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == demo_server.url("/")
    assert page.locator("h1").inner_text() == "Welkom, Kees"


def assert_focus_visible_on_every_tab_stop(page: Page, *, limit: int = 40) -> set[str]:
    """Tab through the page; every stop must show an outline of at least 2px."""
    seen: set[str] = set()
    problems = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop["tag"] == "body":
            break
        seen.add(stop["tag"])
        if stop["outlineStyle"] == "none" or stop["outlineWidth"] < 2:
            problems.append(stop)
    assert problems == [], f"no visible focus on {page.url}: {problems}"
    return seen


def test_focus_is_visible_on_links_buttons_and_inputs(
    anonymous_page: Page, as_user: AsUser, demo_server: DemoServer
) -> None:
    anonymous_page.goto(demo_server.url("/inloggen/"))
    seen = assert_focus_visible_on_every_tab_stop(anonymous_page)

    page = as_user("beheerder")
    page.goto(demo_server.url("/"))
    seen |= assert_focus_visible_on_every_tab_stop(page)
    page.goto(demo_server.url("/beheer/gebruikers/nieuw/"))
    seen |= assert_focus_visible_on_every_tab_stop(page)

    assert {"a", "button", "input", "select"} <= seen
