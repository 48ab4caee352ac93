"""The who-does-what matrix one stage at a time fits a laptop screen (1,280 px) without
scrolling sideways, and passes axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import DemoServer, assert_no_axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page

    AsUser = Callable[[str], Page]

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("stage", ["ST-1", "ST-3", "ST-4"])
def test_one_stage_of_the_matrix_fits_1280_px(
    as_user: AsUser, demo_server: DemoServer, stage: str
) -> None:
    page = as_user("regisseur")
    page.goto(demo_server.url(f"/kader/wie-doet-wat/?stap={stage}"))
    assert page.locator("h1").inner_text().startswith("Wie doet wat in stap")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 1280, width
    assert_no_axe_violations(page, f"framework-raci-{stage}")
