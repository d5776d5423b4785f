"""The match wizard in headless Chromium, the way a visitor walks it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from leads.models import Lead, LeadRequest
from programs.choices import Delivery
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog() -> dict:
    return {
        "charter_oak": factories.program("charter_oak", "51.0713", 21, delivery=Delivery.ONLINE),
        "sinclair": factories.program("sinclair", "51.0713", 21),
        "capella": factories.program("capella", "51.0706", 5, delivery=Delivery.ONLINE),
    }


def choose(page: Page, label: str) -> None:
    page.get_by_label(label, exact=True).check()


def answer_education(page: Page, level: str) -> None:
    if not page.url.endswith("/match/"):
        page.goto("/match/")
    expect(page.get_by_text("Step 1 of 5")).to_be_visible()
    choose(page, level)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 2 of 5")).to_be_visible()


def answer_interests(page: Page, *, field: str, delivery: str, start: str, length: str) -> None:
    for label in (field, delivery, start, length):
        choose(page, label)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 3 of 5")).to_be_visible()


def answer_zip(page: Page, zip_code: str = "45402") -> None:
    page.get_by_label("ZIP code").fill(zip_code)
    page.get_by_role("button", name="Show my matches").click()
    expect(page.get_by_text("Step 4 of 5")).to_be_visible()


def fill_contact(page: Page) -> None:
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Núñez")
    page.get_by_label("Email address").fill("ana.nunez@example.com")
    page.get_by_label("Phone number").fill("(937) 512-3456")
    page.get_by_label("I agree to be contacted by the schools named above, as described.").check()


def test_with_a_diploma_wanting_online_coding_certificates(page: Page, catalog) -> None:
    page.goto("/match/")
    page.evaluate("window.sameDocument = true")
    answer_education(page, "High school diploma or GED")
    expect(page).to_have_url(re.compile(r"/match/step/2/$"))
    assert page.evaluate("window.sameDocument === true"), "htmx should swap the step in place"
    expect(page).to_have_title("Step 2 of 5: What you want to study · CodingPath")
    expect(page.get_by_role("heading", name="What are you looking for?")).to_be_focused()
    expect(page.get_by_label("Less than high school")).to_have_count(0)
    answer_interests(
        page,
        field="Medical coding and billing",
        delivery="Online",
        start="As soon as possible",
        length="Up to a year",
    )
    answer_zip(page)

    cards = page.locator(".match-card")
    expect(cards.first).to_contain_text("Charter Oak State College")
    expect(cards.first.get_by_role("listitem").filter(has_text=re.compile(r"^Online$"))).to_be_visible()
    sinclair = cards.filter(has_text="Sinclair Community College")
    expect(sinclair).to_contain_text("Delivery not reported: ask the school")
    expect(sinclair).to_contain_text("Less than a mile from 45402")
    expect(cards.filter(has_text="Capella University")).to_have_count(0)  # a bachelor's: over a year
    for box in page.get_by_role("checkbox").all():
        expect(box).not_to_be_checked()
    page.get_by_label("Let Charter Oak State College contact me about this program").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_text("Step 5 of 5")).to_be_visible()
    expect(page.locator("#consent-text")).to_contain_text("Charter Oak State College may contact me")
    expect(page.locator("#consent-text")).to_contain_text("not a condition of enrolling")
    fill_contact(page)
    page.get_by_role("button", name="Send my request").dblclick()

    expect(page.get_by_role("heading", name="Your request is on its way")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/match/done/$"))
    lead = Lead.objects.get()
    assert lead.email_normalized == "ana.nunez@example.com"
    assert lead.phone == "+19375123456"
    assert [r.program for r in lead.requests.all()] == [catalog["charter_oak"]]
    assert LeadRequest.objects.count() == 1

    page.reload()
    expect(page.get_by_role("heading", name="Your request is on its way")).to_be_visible()
    assert Lead.objects.count() == 1


def test_without_a_diploma_the_diploma_path_comes_first(page: Page, catalog) -> None:
    answer_education(page, "Less than high school")
    answer_interests(
        page,
        field="Medical coding and billing",
        delivery="Either is fine",
        start="Not sure yet",
        length="Up to a year",
    )
    answer_zip(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Start with a high school diploma or GED")
    expect(page.get_by_role("link", name="ged.com")).to_have_attribute("href", "https://www.ged.com/")
    expect(page.get_by_role("link", name="hiset.org")).to_have_attribute("href", "https://hiset.org/")
    expect(page.get_by_role("link", name="CareerOneStop")).to_be_visible()
    after = page.locator(".match-after")
    expect(
        after.get_by_role("heading", name="Programs you could enter after a diploma or GED")
    ).to_be_visible()
    expect(after).to_contain_text("Charter Oak State College")
    expect(after.locator(".badge").first).to_have_text("After a diploma or GED")
    expect(page.get_by_role("checkbox")).to_have_count(0)


def test_going_back_and_changing_an_answer(page: Page, catalog) -> None:
    answer_education(page, "High school diploma or GED")
    answer_interests(
        page,
        field="Medical coding and billing",
        delivery="Online",
        start="As soon as possible",
        length="Up to a year",
    )

    page.get_by_role("link", name="Back").click()
    expect(page.get_by_text("Step 2 of 5")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/match/step/2/$"))
    expect(page.get_by_label("Online", exact=True)).to_be_checked()
    expect(page.get_by_label("Up to a year")).to_be_checked()
    choose(page, "On campus")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 3 of 5")).to_be_visible()
    answer_zip(page)

    cards = page.locator(".match-card")
    expect(cards.filter(has_text="Sinclair Community College")).to_have_count(1)
    expect(cards.filter(has_text="Charter Oak State College")).to_have_count(0)

    page.go_back()  # the browser's own Back button: htmx asks for the whole page
    expect(page).to_have_url(re.compile(r"/match/step/3/$"))
    expect(page.get_by_label("ZIP code")).to_have_value("45402")


def test_the_whole_flow_works_without_javascript(no_js_page: Page, catalog) -> None:
    page = no_js_page
    page.goto("/match/")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose your highest level of education.")

    choose(page, "High school diploma or GED")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/match/step/2/$"))
    answer_interests(
        page,
        field="Medical coding and billing",
        delivery="Online",
        start="As soon as possible",
        length="Up to a year",
    )
    answer_zip(page)
    page.get_by_label("Let Sinclair Community College contact me about this program").check()
    page.get_by_role("button", name="Continue").click()
    fill_contact(page)
    page.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("heading", name="Your request is on its way")).to_be_visible()
    assert [r.program for r in Lead.objects.get().requests.all()] == [catalog["sinclair"]]


def test_a_phone_can_walk_the_wizard(phone_page: Page, catalog) -> None:
    page = phone_page
    answer_education(page, "Some college, no degree")
    answer_interests(
        page, field="Not sure yet: show me all three", delivery="Either is fine", start="Not sure yet",
        length="Any length, including 2- and 4-year degrees",
    )  # fmt: skip
    answer_zip(page)

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    pick = page.get_by_label("Let Capella University contact me about this program")
    box = page.locator("label.match-pick").filter(has=pick).bounding_box()
    assert box["height"] >= 44
    pick.check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 5 of 5")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    fill_contact(page)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", name="Your request is on its way")).to_be_visible()


def test_errors_are_announced_and_focused_and_inputs_carry_the_right_hints(page: Page, catalog) -> None:
    answer_education(page, "High school diploma or GED")
    answer_interests(
        page,
        field="Medical coding and billing",
        delivery="Online",
        start="As soon as possible",
        length="Up to a year",
    )
    page.get_by_label("ZIP code").fill("00000")
    page.get_by_role("button", name="Show my matches").click()
    expect(page.get_by_role("alert")).to_contain_text("We don't recognise the ZIP code 00000")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.get_by_label("ZIP code")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("ZIP code")).to_have_attribute("inputmode", "numeric")
    answer_zip(page)
    page.get_by_label("Let Charter Oak State College contact me about this program").check()
    page.get_by_role("button", name="Continue").click()

    email = page.get_by_label("Email address")
    expect(page.get_by_label("First name")).to_have_attribute("autocomplete", "given-name")
    expect(page.get_by_label("Last name")).to_have_attribute("autocomplete", "family-name")
    expect(email).to_have_attribute("autocomplete", "email")
    expect(page.get_by_label("Phone number")).to_have_attribute("autocomplete", "tel")
    expect(page.get_by_label("Phone number")).to_have_attribute("inputmode", "tel")
    fill_contact(page)
    email.fill("ana@localhost")
    page.get_by_role("button", name="Send my request").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("The part after @ should be a domain like gmail.com.")
    expect(summary).to_be_focused()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", "id_email_error")
    expect(page.locator("#id_email_error")).to_have_text(
        "The part after @ should be a domain like gmail.com."
    )
    expect(page.get_by_label("First name")).to_have_value("Ana")
    assert Lead.objects.count() == 0


def test_the_home_page_widget_continues_at_step_2(page: Page, catalog) -> None:
    page.goto("/")
    widget = page.locator("form.match-widget")
    widget.get_by_label("Associate degree").check()
    widget.get_by_role("button", name="Find programs I can enter").click()

    expect(page).to_have_url(re.compile(r"/match/step/2/$"))
    expect(page.get_by_text("Step 2 of 5")).to_be_visible()
    expect(page.get_by_text("What is your highest level of education?")).to_have_count(0)
