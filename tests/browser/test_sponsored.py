"""Sponsored listings in headless Chromium: labelled, explained, never in the way of a better fit."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from leads.models import LeadRequest
from programs.choices import Delivery
from tests import factories
from tests.browser.test_match import answer_education, answer_interests, answer_zip, fill_contact
from tests.leads.campaign_helpers import campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHY = "This school pays us when you ask it to contact you"


@pytest.fixture
def sponsored() -> dict:
    """Two real online coding certificates of similar fit (Charter Oak's a little better: cheaper);
    Sinclair's is sponsored until its first lead request (daily cap 1)."""
    charter_oak = factories.program("charter_oak", "51.0713", 21, delivery=Delivery.ONLINE, completions=40)
    sinclair = factories.program(
        "sinclair", "51.0713", 21, delivery=Delivery.ONLINE, completions=4, tuition=9000
    )
    too_far = factories.program("terra", "51.0713", 3, delivery=Delivery.CAMPUS)
    campaign(sinclair, daily_cap=1, price_per_lead=Decimal("30.00"))
    campaign(too_far)  # does not fit an online-only visitor: never shown, sponsored or not
    return {"charter_oak": charter_oak, "sinclair": sinclair, "too_far": too_far}


def test_the_catalog_labels_and_explains_a_sponsored_row_on_a_phone(phone_page: Page, sponsored) -> None:
    phone_page.goto("/programs/?delivery=online")

    rows = phone_page.locator(".program-row")
    expect(rows).to_have_count(2)
    first = rows.first
    expect(first).to_contain_text("Sinclair Community College")
    expect(first.locator(".badge-sponsored")).to_have_text("Sponsored")
    expect(rows.nth(1).locator(".badge-sponsored")).to_have_count(0)
    summary = first.get_by_text("Why am I seeing this?")
    assert summary.bounding_box()["height"] >= 44
    expect(first.get_by_text(WHY)).to_be_hidden()
    summary.click()
    expect(first.get_by_text(WHY)).to_be_visible()
    expect(phone_page.locator(".site-footer")).to_contain_text("Listings may include sponsored content.")


def test_the_explanation_opens_without_javascript(no_js_page: Page, sponsored) -> None:
    no_js_page.goto(sponsored["sinclair"].get_absolute_url())

    expect(no_js_page.locator("h1 .badge-sponsored")).to_have_text("Sponsored")
    no_js_page.get_by_text("Why am I seeing this?").click()
    expect(no_js_page.get_by_text(WHY)).to_be_visible()


def test_a_sponsored_match_is_labelled_billed_once_then_listed_unsponsored(page: Page, sponsored) -> None:
    def walk_to_results() -> None:
        page.goto("/match/")
        answer_education(page, "High school diploma or GED")
        answer_interests(
            page,
            field="Medical coding and billing",
            delivery="Online",
            start="As soon as possible",
            length="Up to a year",
        )
        answer_zip(page)

    walk_to_results()
    cards = page.locator(".match-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Sinclair Community College")
    expect(cards.first.locator(".badge-sponsored")).to_have_text("Sponsored")
    expect(cards.nth(1).locator(".badge-sponsored")).to_have_count(0)
    expect(page.get_by_text("Terra State Community College")).to_have_count(0)
    expect(page.locator(".site-footer")).to_contain_text("Listings may include sponsored content.")

    page.get_by_label(re.compile("Let Sinclair Community College contact me")).check()
    page.get_by_role("button", name="Continue").click()
    fill_contact(page)
    page.get_by_role("button", name="Send my request").click()
    expect(page).to_have_url(re.compile(r"/match/done/$"))

    request = LeadRequest.objects.get()
    assert (request.status, request.price) == (LeadRequest.Status.NEW, Decimal("30.00"))
    assert request.sponsorship.program == sponsored["sinclair"]

    # The daily cap (1) is reached: still listed, no longer labelled or lifted.
    page.context.clear_cookies()
    walk_to_results()
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Charter Oak State College")
    expect(page.locator(".badge-sponsored")).to_have_count(0)
