from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_shows_what_the_site_offers(page: Page) -> None:
    factories.program("sinclair", "51.0713", 21)
    factories.program("broward", "51.0707", 3)

    page.goto("/")

    expect(page).to_have_title("Become a medical coder: find a program you can enter · CodingPath")
    expect(page.get_by_role("heading", level=1)).to_have_text("Become a medical coder")
    expect(
        page.get_by_text("Compare 2 real medical coding and health information programs at 2 schools")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Find your program").first).to_have_attribute("href", "/match/")
    expect(page.get_by_role("link", name="About the data")).to_be_visible()


def test_home_page_loads_every_resource_within_the_content_security_policy(page: Page) -> None:
    """No missing file and no script or style the strict CSP blocks."""
    failures: list[str] = []
    page.on("response", lambda response: response.status >= 400 and failures.append(response.url))
    page.on("console", lambda message: message.type == "error" and failures.append(message.text))

    page.goto("/")
    page.wait_for_load_state("networkidle")

    assert failures == []
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"


def test_home_page_fits_a_phone(phone_page: Page) -> None:
    phone_page.goto("/")

    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    expect(phone_page.get_by_role("navigation", name="Main")).to_be_visible()
