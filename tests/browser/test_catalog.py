"""The catalog in headless Chromium, the way a visitor uses it: with htmx, without JavaScript, on a phone."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Page, expect

from programs.choices import Delivery
from programs.models import Certification
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONLINE = Delivery.ONLINE


@pytest.fixture
def catalog() -> None:
    """Real programs; delivery and certifications are what an admin would have entered."""
    # Transactional tests start from an empty database: put back what migration 0002 seeds.
    Certification.objects.get_or_create(
        code="CCS", defaults={"name": "Certified Coding Specialist", "body": "AHIMA"}
    )
    factories.program("sinclair", "51.0713", 21, delivery=ONLINE, certifications=["CCS"], completions=31)
    factories.program("sinclair", "51.0707", 21, delivery=ONLINE)
    factories.program("sinclair", "51.0707", 3, delivery=ONLINE, certifications=["CCS"])
    factories.program("terra", "51.0713", 2, delivery=ONLINE, certifications=["CCS"])
    factories.program("terra", "51.0707", 3)
    factories.program("broward", "51.0707", 21, delivery=ONLINE, certifications=["CCS"])
    factories.program("mclennan", "51.0707", 21, delivery=ONLINE, certifications=["CCS"])
    factories.program("charter_oak", "51.0713", 21, delivery=ONLINE, certifications=["CCS"])
    factories.program("valencia", "51.0701", 20, delivery=Delivery.CAMPUS)


def results_heading(page: Page):
    return page.locator("#results-heading")


def count_of(page: Page, input_id: str):
    return page.locator(f"label[for='{input_id}'] [data-count]")


def program_titles(page: Page) -> list[str]:
    return page.locator(".program-row").all_inner_texts()


def narrow_to_online_ccs_certificates_under_a_year_in_ohio(page: Page) -> None:
    page.goto("/programs/")
    expect(results_heading(page)).to_have_text("9 programs")
    expect(count_of(page, "id_state_OH")).to_have_text("5 programs")

    page.locator("#id_delivery_online").check()
    expect(results_heading(page)).to_have_text("7 programs")
    expect(count_of(page, "id_state_OH")).to_have_text("4 programs")  # Terra's degree is not online

    page.locator("#id_credential_certificate").check()
    expect(results_heading(page)).to_have_text("6 programs")
    page.locator("#id_certification_CCS").check()
    expect(results_heading(page)).to_have_text("5 programs")
    expect(count_of(page, "id_length_under-1-year")).to_have_text("4 programs")
    page.locator("#id_length_under-12-weeks").check()
    expect(results_heading(page)).to_have_text("0 programs")
    page.locator("#id_length_under-1-year").check()
    expect(results_heading(page)).to_have_text("4 programs")
    expect(count_of(page, "id_state_OH")).to_have_text("1 program")
    page.locator("#id_state_OH").check()
    expect(results_heading(page)).to_have_text("1 program")


def test_filtering_to_online_ccs_certificates_under_a_year_in_one_state(page: Page, catalog) -> None:
    narrow_to_online_ccs_certificates_under_a_year_in_ohio(page)

    rows = page.locator(".program-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Medical Insurance Coding Specialist/Coder")
    expect(rows.first).to_contain_text("Sinclair Community College · Dayton, OH")
    expect(rows.first).to_contain_text("Prepares for CCS")
    # The whole state is in the address bar, without the empty fields.
    params = parse_qsl(urlsplit(page.url).query)
    assert sorted(params) == sorted(
        [
            ("delivery", "online"),
            ("credential", "certificate"),
            ("certification", "CCS"),
            ("length", "under_12_weeks"),
            ("length", "under_1_year"),
            ("state", "OH"),
            ("sort", "best"),
        ]
    )
    expect(page.locator("#catalog-status")).to_have_text("1 program found.")


def test_a_shared_url_shows_the_same_results(page: Page, catalog) -> None:
    narrow_to_online_ccs_certificates_under_a_year_in_ohio(page)
    page.locator("#id_state_OH").uncheck()
    expect(results_heading(page)).to_have_text("4 programs")
    page.locator("#id_sort").select_option("shortest")
    expect(page).to_have_url(re.compile(r"sort=shortest"))
    shared_url, seen = page.url, program_titles(page)

    other = page.context.browser.new_context()
    try:
        friend = other.new_page()
        friend.goto(shared_url)
        expect(results_heading(friend)).to_have_text("4 programs")
        expect(friend.locator("#id_delivery_online")).to_be_checked()
        expect(friend.locator("#id_sort")).to_have_value("shortest")
        assert program_titles(friend) == seen
    finally:
        other.close()


def test_the_back_button_restores_the_previous_filters(page: Page, catalog) -> None:
    page.goto("/programs/")
    page.locator("#id_delivery_online").check()
    expect(results_heading(page)).to_have_text("7 programs")
    page.locator("#id_credential_certificate").check()
    expect(results_heading(page)).to_have_text("6 programs")

    page.go_back()
    expect(results_heading(page)).to_have_text("7 programs")
    expect(page.locator("#id_credential_certificate")).not_to_be_checked()
    expect(page.locator("#id_delivery_online")).to_be_checked()

    page.go_back()
    expect(results_heading(page)).to_have_text("9 programs")
    page.go_forward()
    expect(results_heading(page)).to_have_text("7 programs")
    # After a restore the page still updates in place.
    page.locator("#id_state_FL").check()
    expect(results_heading(page)).to_have_text("1 program")


def test_without_javascript_the_form_submits_and_shows_the_same_results(no_js_page: Page, catalog) -> None:
    page = no_js_page
    page.goto("/programs/")
    expect(results_heading(page)).to_have_text("9 programs")

    page.locator("#id_delivery_online").check()
    page.locator("#id_credential_certificate").check()
    page.locator("#id_certification_CCS").check()
    page.locator("#id_length_under-12-weeks").check()
    page.locator("#id_length_under-1-year").check()
    page.locator("#id_state_OH").check()
    page.get_by_role("button", name="Show programs").click()

    expect(results_heading(page)).to_have_text("1 program")
    expect(page.locator(".program-row").first).to_contain_text("Sinclair Community College")
    assert ("state", "OH") in parse_qsl(urlsplit(page.url).query)
    # Sorting without JavaScript has its own button.
    page.locator("#id_sort").select_option("name")
    page.get_by_role("button", name="Sort").click()
    expect(page).to_have_url(re.compile(r"sort=name"))

    # Bad input gets a message next to the field; the other filters keep working.
    page.locator("#id_max_tuition").fill("cheap")
    page.get_by_role("button", name="Show programs").click()
    expect(page.locator("#max_tuition-error")).to_have_text(
        "Enter the most you would pay in whole dollars, for example 5000."
    )
    expect(page.locator("#id_max_tuition")).to_have_attribute("aria-invalid", "true")
    expect(results_heading(page)).to_have_text("1 program")


def test_bad_input_with_javascript_is_announced_and_focused(page: Page, catalog) -> None:
    page.goto("/programs/")
    page.locator("#id_max_tuition").fill("a lot")
    page.locator("#id_max_tuition").press("Enter")

    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Enter the most you would pay in whole dollars")
    expect(summary).to_be_focused()
    expect(results_heading(page)).to_have_text("9 programs")


def test_on_a_phone_the_filters_fold_away_and_stay_usable(phone_page: Page, catalog) -> None:
    page = phone_page
    page.goto("/programs/")
    online = page.locator("#id_delivery_online")
    expect(results_heading(page)).to_have_text("9 programs")
    expect(online).to_be_hidden()  # folded so the results come first

    page.get_by_text("Filters", exact=True).click()
    expect(online).to_be_visible()
    box = page.locator("label[for='id_delivery_online']").bounding_box()
    assert box is not None
    assert box["height"] >= 44, "touch target too small"
    online.tap()
    expect(results_heading(page)).to_have_text("7 programs")
    expect(online).to_be_visible()  # still open after the update
    expect(online).to_be_checked()
    page.locator("#id_credential_certificate").tap()
    expect(results_heading(page)).to_have_text("6 programs")

    page.get_by_role("button", name="Show programs").tap()
    expect(online).to_be_hidden()
    expect(results_heading(page)).to_be_focused()
    expect(results_heading(page)).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"


def test_a_program_page_leads_to_the_match_flow(page: Page, catalog) -> None:
    page.goto("/programs/?state=CT")
    page.get_by_role("link", name="Medical Insurance Coding Specialist/Coder").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Medical Insurance Coding Specialist/Coder")
    expect(page.get_by_text("Charter Oak State College, New Britain, CT")).to_be_visible()
    link = page.get_by_role("link", name="Request information")
    expect(link).to_have_attribute(
        "href", re.compile(r"^/match/\?program=medical-insurance-coding-specialistcoder-")
    )


def test_a_program_page_with_a_long_unbroken_title_fits_a_phone(phone_page: Page) -> None:
    """CIP titles like "Health/Health Care Administration/Management" have no spaces to wrap at."""
    program = factories.program("capella", "51.0701", 7, completions=666)

    phone_page.goto(program.get_absolute_url())

    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Administration/Management")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
