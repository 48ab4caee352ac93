"""The case consultation (casusoverleg) and capacity pages: axe-core's WCAG 2.2 A and AA rules,
the meeting page's htmx item forms, need-to-know on the agenda, and the keyboard.

The demo holds Havenstad's consultation series: a held meeting with approved minutes and an
overdue action for the police, and a planned meeting with a proposed agenda where the police is
invited for one item. The identifiers are read from the demo's database (`samenspel shell -c`);
an open capacity request of Havenstad's to the NCTV is made there too when the demo has none.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import DemoServer, assert_no_axe_violations
from tests.browser.test_keyboard import focused

if TYPE_CHECKING:
    from playwright.sync_api import Page

    AsUser = Callable[[str], Page]

pytestmark = pytest.mark.browser

FIND_CONSULTATIONS = """
import datetime as dt
import json
from django.utils import timezone
from samenspel.accounts.models import Organisation, OrganisationType, User
from samenspel.cases.models import Case
from samenspel.consultations.models import (
    AgendaItem, CapacityRequest, Meeting, MeetingStatus, Series,
)
from samenspel.consultations.services import capacity

series = Series.objects.get(name="Casusoverleg PGA Havenstad (demo)")
held = Meeting.objects.filter(series=series).exclude(status=MeetingStatus.PLANNED).get()
planned = Meeting.objects.get(series=series, status=MeetingStatus.PLANNED)
nctv = Organisation.objects.get(type=OrganisationType.NCTV, name="NCTV")
# An open request of Havenstad's to the NCTV: the desk answers it, the requester reads it.
request = (
    CapacityRequest.objects.filter(addressed=nctv, municipality=series.owner, status="requested")
    .order_by("requested_at")
    .first()
)
if request is None:
    request = capacity.request_capacity(
        series.owner, addressed=nctv, kind="attendance", urgency="non_acute",
        needed_by=timezone.localdate() + dt.timedelta(days=10),
        question="Kan een adviseur aanschuiven bij het volgende overleg? (browsertest)",
        submission_key="browser-consultation-pages",
        by=User.objects.get(username="regisseur"),
    )
case = Case.objects.filter(municipality=series.owner, status="open").order_by("opened_at").first()
print(json.dumps({
    "series": str(series.uuid),
    "held": str(held.uuid),
    "planned": str(planned.uuid),
    "held_items": [str(i.uuid) for i in held.items.order_by("position")],
    "planned_items": [str(i.uuid) for i in planned.items.order_by("position")],
    "capacity": str(request.uuid),
    "case": str(case.uuid) if case else "",
}))
"""


@pytest.fixture(scope="module")
def demo(demo_server: DemoServer) -> dict[str, Any]:
    output = demo_server.command("shell", "-c", FIND_CONSULTATIONS)
    data: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return data


def agenda_headings(page: Page) -> dict[str, str]:
    """Return each agenda line's heading text by its element id."""
    result: dict[str, str] = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('ol.cs-agenda > li')]
            .map(li => [li.id, li.querySelector('h3').innerText.trim()]))"""
    )
    return result


# --- axe on every page --------------------------------------------------------------------------


def test_series_pages(as_user: AsUser, demo_server: DemoServer, demo: dict[str, Any]) -> None:
    page = as_user("regisseur")
    page.goto(demo_server.url("/overleg/"))
    assert page.get_by_role("link", name="Casusoverleg PGA Havenstad (demo)").is_visible()
    assert_no_axe_violations(page, "consultation-series-list")

    page.goto(demo_server.url(f"/overleg/{demo['series']}/"))
    assert_no_axe_violations(page, "consultation-series-detail")

    page.goto(demo_server.url("/overleg/nieuw/"))
    assert_no_axe_violations(page, "consultation-series-create")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.locator(".utrecht-form-field-error-message").count() >= 1
    assert_no_axe_violations(page, "consultation-series-create-errors")


def test_meeting_pages_for_the_chair(
    as_user: AsUser, demo_server: DemoServer, demo: dict[str, Any]
) -> None:
    page = as_user("regisseur")
    page.goto(demo_server.url(f"/overleg/vergadering/{demo['planned']}/"))
    assert page.locator("ol.cs-agenda > li").count() == len(demo["planned_items"])
    assert_no_axe_violations(page, "meeting-planned-chair")

    page.goto(demo_server.url(f"/overleg/vergadering/{demo['held']}/"))
    assert page.locator("#verslag").is_visible()
    assert_no_axe_violations(page, "meeting-held-chair")

    page.locator("summary", has_text="correctie starten").click()
    assert page.locator("form[action$='/verslag/correctie/']").is_visible()
    assert_no_axe_violations(page, "meeting-held-chair-correction")

    page.goto(demo_server.url(f"/overleg/agendapunt/{demo['held_items'][0]}/"))
    assert_no_axe_violations(page, "meeting-item")

    page.goto(demo_server.url(f"/overleg/vergadering/{demo['planned']}/toevoegen/"))
    assert_no_axe_violations(page, "meeting-item-add")


def test_meeting_page_for_the_police(
    as_user: AsUser, demo_server: DemoServer, demo: dict[str, Any]
) -> None:
    page = as_user("politie")
    page.goto(demo_server.url(f"/overleg/vergadering/{demo['planned']}/"))
    assert page.locator("ol.cs-agenda > li").count() == len(demo["planned_items"])
    assert_no_axe_violations(page, "meeting-planned-police")


def test_actions_page_with_an_overdue_action(
    as_user: AsUser, demo_server: DemoServer, demo: dict[str, Any]
) -> None:
    page = as_user("politie")
    page.goto(demo_server.url("/overleg/acties/"))
    assert page.get_by_text("Wijkagent spreekt de betrokkene aan (demo).").is_visible()
    assert_no_axe_violations(page, "consultation-actions")


def test_nominate_form_from_a_case_page(
    as_user: AsUser, demo_server: DemoServer, demo: dict[str, Any]
) -> None:
    if not demo["case"]:
        pytest.skip("the demo holds no open case in Havenstad")
    page = as_user("regisseur")
    page.goto(demo_server.url(f"/casussen/{demo['case']}/"))
    with page.expect_navigation():
        page.get_by_role("link", name="Inbrengen voor het casusoverleg").click()
    assert_no_axe_violations(page, "consultation-nominate")

    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.locator(".utrecht-form-field-error-message").count() >= 1
    assert_no_axe_violations(page, "consultation-nominate-errors")


def test_capacity_pages(as_user: AsUser, demo_server: DemoServer, demo: dict[str, Any]) -> None:
    page = as_user("nctv")
    page.goto(demo_server.url("/overleg/capaciteit/"))
    assert_no_axe_violations(page, "capacity-list")

    page.goto(demo_server.url(f"/overleg/capaciteit/{demo['capacity']}/"))
    assert page.locator("main form").count() >= 1, "the NCTV's desk answers here"
    assert_no_axe_violations(page, "capacity-detail-desk")

    page.goto(demo_server.url("/overleg/capaciteit/cijfers/"))
    assert_no_axe_violations(page, "capacity-statistics")

    requester = as_user("regisseur")
    requester.goto(demo_server.url(f"/overleg/capaciteit/{demo['capacity']}/"))
    assert_no_axe_violations(requester, "capacity-detail-requester")

    requester.goto(demo_server.url("/overleg/capaciteit/nieuw/"))
    assert_no_axe_violations(requester, "capacity-create")


# --- htmx: an item's invite form, without a page reload ------------------------------------------


def test_invite_form_swaps_the_item_and_shows_errors_without_a_reload(
    as_user: AsUser, demo_server: DemoServer, demo: dict[str, Any]
) -> None:
    page = as_user("regisseur")
    url = demo_server.url(f"/overleg/vergadering/{demo['planned']}/")
    page.goto(url)
    page.evaluate("window.__marker = 1")
    # The last item: the demo invites the police for the first one already.
    item_uuid = demo["planned_items"][-1]
    item = page.locator(f"#item-{item_uuid}")
    assert "Uitgenodigd:" not in item.inner_text() or len(demo["planned_items"]) == 1

    with page.expect_response(lambda r: r.url.endswith(f"/agendapunt/{item_uuid}/bewerken/")):
        item.get_by_role("link", name="Partner uitnodigen").click()
    form = item.locator("form[action$='/uitnodigen/']")
    form.wait_for(state="attached")
    assert page.evaluate("window.__marker") == 1
    assert_no_axe_violations(page, "meeting-planned-chair-invite-open")

    # The invite form is the item's only form: it comes open, no second click.
    assert form.is_visible()
    with page.expect_response(lambda r: r.url.endswith(f"/agendapunt/{item_uuid}/uitnodigen/")):
        form.locator("button[type=submit]").click()
    errors = item.locator(".utrecht-form-field-error-message")
    errors.first.wait_for()
    assert errors.count() == 2
    assert "Kies een partner." in item.inner_text()
    assert page.evaluate(
        f"document.getElementById('item-{item_uuid}').contains(document.activeElement)"
    ), "focus fell back to <body> after the swap"
    assert page.url == url
    assert page.evaluate("window.__marker") == 1
    assert_no_axe_violations(page, "meeting-planned-chair-invite-errors")

    form = item.locator("form[action$='/uitnodigen/']")
    form.locator("select").select_option(label="Arrondissementsparket Rijnmond")
    form.locator("textarea").fill("Strafrechtelijke informatie nodig (browsertest).")
    with page.expect_response(lambda r: r.url.endswith(f"/agendapunt/{item_uuid}/uitnodigen/")):
        form.locator("button[type=submit]").click()
    invited = item.locator("p", has_text="Uitgenodigd:")
    invited.wait_for()
    assert "Arrondissementsparket Rijnmond" in invited.inner_text()
    assert item.locator(".utrecht-form-field-error-message").count() == 0
    assert page.url == url
    assert page.evaluate("window.__marker") == 1
    assert_no_axe_violations(page, "meeting-planned-chair-invited")


# --- Need-to-know on the agenda ------------------------------------------------------------------


def test_police_sees_not_for_you_and_no_names_on_items_it_is_not_invited_to(
    as_user: AsUser, demo_server: DemoServer, demo: dict[str, Any]
) -> None:
    url = demo_server.url(f"/overleg/vergadering/{demo['planned']}/")
    chair = as_user("regisseur")
    chair.goto(url)
    chair_view = agenda_headings(chair)
    police = as_user("politie")
    police.goto(url)
    police_view = agenda_headings(police)
    assert set(police_view) == set(chair_view)

    hidden = [key for key, text in police_view.items() if "niet voor u" in text]
    assert hidden, f"the police sees every item: {police_view}"
    assert f"item-{demo['planned_items'][0]}" not in hidden, "invited for the first item"
    for key in hidden:
        # "Casus 2: Jan Jansen (HVS-…)" for the chair, "Casus 2 (niet voor u)" for the police.
        chair_text = chair_view[key]
        assert "niet voor u" not in chair_text
        number, _, name_and_case = chair_text.partition(":")
        assert police_view[key].startswith(number)
        name = name_and_case.split("(")[0].strip()
        assert name
        assert name not in police_view[key]
        assert name not in police.locator(f"#{key}").inner_text()
        assert police.locator(f"#{key} a").count() == 0


# --- Keyboard ------------------------------------------------------------------------------------


def test_item_tools_are_reachable_by_tab_with_a_visible_focus(
    as_user: AsUser, demo_server: DemoServer, demo: dict[str, Any]
) -> None:
    page = as_user("regisseur")
    page.goto(demo_server.url(f"/overleg/vergadering/{demo['planned']}/"))
    item_uuid = demo["planned_items"][0]
    # Start from the item's case link, so that every stop is reached by Tab (:focus-visible).
    page.locator(f"#item-{item_uuid} h3 a").focus()
    wanted = ["Omhoog", "Omlaag", "Van de agenda halen", "Partner uitnodigen"]
    stops = []
    for label in wanted:
        page.keyboard.press("Tab")
        stop = focused(page)
        stops.append(stop)
        assert stop["text"].startswith(label), (label, stops)
        visible = stop["outlineStyle"] != "none" and stop["outlineWidth"] >= 2
        assert visible or stop["boxShadow"] != "none", f"no visible focus on {stop}"
    assert stops[-1]["tag"] == "a"
    assert stops[-1]["href"].endswith(f"/agendapunt/{item_uuid}/bewerken/")

    # htmx swaps the item, focused link and all: focus must land in the new item, not on <body>.
    with page.expect_response(lambda r: r.url.endswith(f"/agendapunt/{item_uuid}/bewerken/")):
        page.keyboard.press("Enter")
    page.locator(f"#item-{item_uuid} form[action$='/uitnodigen/']").wait_for(state="attached")
    page.wait_for_function("document.activeElement.tagName === 'SUMMARY'")
    stop = focused(page)
    assert stop["text"] == "Partner uitnodigen voor deze casus"
    assert stop["outlineStyle"] != "none" and stop["outlineWidth"] >= 2
    assert page.evaluate(
        f"document.getElementById('item-{item_uuid}').contains(document.activeElement)"
    )
