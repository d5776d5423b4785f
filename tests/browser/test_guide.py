"""The CCS guide as a visitor uses it: on a phone, into the catalog, and into the match wizard."""

from __future__ import annotations

import importlib
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from tests import factories
from tests.guides.content import ccs_guide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/guides/certified-coding-specialist/"
PHONE_WIDTH = 390


@pytest.fixture(autouse=True)
def guide_and_catalog() -> None:
    # Transactional tests empty the tables, data migrations included: put back what they made.
    importlib.import_module("programs.migrations.0002_certifications_and_programmatic_accreditors").seed(
        apps, None
    )
    ccs_guide()
    factories.program("sinclair", "51.0713", 21, completions=40)
    factories.program("broward", "51.0707", 3, completions=60)
    online = {"delivery": "online", "delivery_confirmed": True, "certifications": ["CCS"]}
    factories.program("charter_oak", "51.0713", 21, completions=25, **online)


def test_reading_the_guide_on_a_phone(phone_page: Page) -> None:
    phone_page.goto(URL)

    expect(phone_page).to_have_title("How to become a Certified Coding Specialist · CodingPath")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text(
        "How to become a Certified Coding Specialist"
    )
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, (
        "the guide scrolls sideways"
    )

    for name in (
        "What a Certified Coding Specialist does",
        "Pay and job outlook",
        "The five steps",
        "Sources",
    ):
        heading = phone_page.get_by_role("heading", level=2, name=name)
        heading.scroll_into_view_if_needed()
        expect(heading).to_be_in_viewport()

    steps = phone_page.locator(".guide-step")
    expect(steps).to_have_count(5)
    for number in range(5):
        step = steps.nth(number)
        step.scroll_into_view_if_needed()
        expect(step.get_by_role("heading", level=3)).to_contain_text(f"Step {number + 1}")
        box = step.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE_WIDTH
        # Readable text and a link big enough to tap.
        font_size = step.locator(".prose p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
        assert font_size >= 16
        link = step.locator(".step-link a")
        link_box = link.bounding_box()
        assert link_box is not None
        assert link_box["height"] >= 44
        assert link_box["x"] + link_box["width"] <= PHONE_WIDTH
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_following_a_step_into_the_catalog_carries_its_filters(page: Page) -> None:
    page.goto(URL)

    page.locator("#step-2").get_by_role("link", name="Online certificates that prepare for the CCS").click()

    page.wait_for_url("**/programs/?**")
    address = urlsplit(page.url)
    assert address.path == "/programs/"
    assert parse_qsl(address.query) == [
        ("delivery", "online"),
        ("credential", "certificate"),
        ("certification", "CCS"),
    ]
    # The catalog applied them: its filters are ticked and the program that fits is listed.
    expect(page.locator('input[name="delivery"][value="online"]')).to_be_checked()
    expect(page.locator('input[name="credential"][value="certificate"]')).to_be_checked()
    expect(page.get_by_text("Charter Oak State College").first).to_be_visible()
    expect(page.get_by_text("Sinclair Community College")).to_have_count(0)


def test_step_one_opens_the_diploma_and_ged_options(page: Page) -> None:
    page.goto(URL)

    page.locator("#step-1").get_by_role("link", name="Diploma and GED options").click()

    page.wait_for_url("**/programs/?credential=high_school")
    expect(page.locator('input[name="credential"][value="high_school"]')).to_be_checked()


@pytest.mark.parametrize("page_fixture", ["page", "no_js_page"])
def test_starting_the_wizard_from_the_guide_skips_the_education_question(
    page_fixture: str, request: pytest.FixtureRequest
) -> None:
    page: Page = request.getfixturevalue(page_fixture)
    page.goto(URL)

    widget = page.locator("form.match-widget")
    expect(widget.get_by_role("heading", name="What is your highest level of education?")).to_be_visible()
    widget.get_by_label("High school diploma or GED").check()
    widget.get_by_role("button", name="Find programs I can enter").click()

    page.wait_for_url("**/match/step/2/")
    expect(page.get_by_role("heading", level=1, name="What are you looking for?")).to_be_visible()
    expect(page.locator('input[name="education"]')).to_have_count(0)
    expect(page.get_by_text("What is your highest level of education?")).to_have_count(0)
