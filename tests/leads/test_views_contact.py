"""Step 5 (contact and consent) and the confirmation: validation, consent evidence, exactly once."""

from __future__ import annotations

import html as html_lib
import logging
import re
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client

from leads import consent
from leads.models import Lead, LeadRequest

from .conftest import answer_steps, contact_data, pick

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_contact(client, coding_programs) -> tuple[Client, str]:
    answer_steps(client)
    pick(client, coding_programs["charter_oak"], coding_programs["sinclair"])
    response = client.get("/match/step/5/", HTTP_REFERER="http://testserver/programs/")
    assert response.status_code == 200
    return client, response.content.decode()


def test_contact_step_asks_with_the_right_input_hints_and_names_the_schools(at_contact) -> None:
    _client, html = at_contact

    assert "Step 5 of 5" in html
    assert re.search(r'<input type="text" name="first_name"[^>]*autocomplete="given-name"', html)
    assert re.search(r'<input type="text" name="last_name"[^>]*autocomplete="family-name"', html)
    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="email"', html)
    assert re.search(r'<input type="tel" name="phone"[^>]*autocomplete="tel"[^>]*inputmode="tel"', html)
    assert re.search(r'name="phone"[^>]*aria-describedby="id_phone_helptext"', html)
    consent_box = re.search(r'<input type="checkbox" name="consent"[^>]*>', html).group(0)
    assert "checked" not in consent_box
    assert 'aria-describedby="consent-text"' in consent_box
    assert "Charter Oak State College and Sinclair Community College may contact me" in html
    assert "not a condition of enrolling" in html
    assert 'name="website"' in html
    assert 'class="match-hp" aria-hidden="true"' in html


def test_a_valid_request_stores_one_lead_with_the_exact_text_shown(at_contact, coding_programs) -> None:
    client, html = at_contact
    shown = html_lib.unescape(
        re.sub(r"<[^>]+>", "", re.search(r'id="consent-text">(.*?)</div>', html, re.S).group(1))
    )

    response = client.post(
        "/match/step/5/", contact_data(html), HTTP_USER_AGENT="TestBrowser/1.0", HTTP_SEC_GPC="1"
    )

    assert response.status_code == 303
    assert response["Location"] == "/match/done/"
    lead = Lead.objects.get()
    assert lead.consent_text == consent.disclosure(
        school_names=["Charter Oak State College", "Sinclair Community College"]
    )
    assert " ".join(lead.consent_text.split()) == " ".join(shown.split())
    assert lead.consent_version == consent.VERSION
    assert (lead.first_name, lead.last_name) == ("Ana", "Núñez")
    assert lead.email_normalized == "ana.nunez@example.com"
    assert lead.phone == "+19375123456"
    assert (lead.zip_code, lead.state) == ("45402", "OH")
    assert lead.ip_address == "127.0.0.1"
    assert lead.user_agent == "TestBrowser/1.0"
    assert lead.global_privacy_control is True
    assert lead.answers["delivery"] == "online"
    assert [r.program for r in lead.requests.order_by("pk")] == [
        coding_programs["charter_oak"],
        coding_programs["sinclair"],
    ]

    done = client.get("/match/done/")
    text = done.content.decode()
    assert "Your request is on its way" in text
    assert "Thank you, Ana." in text
    assert "(937) 512-3456" in text
    assert "no-store" in done["Cache-Control"]


def test_the_source_page_and_utm_parameters_of_the_visit_are_kept(client, coding_programs) -> None:
    client.get("/match/?utm_source=ads&utm_medium=cpc", HTTP_REFERER="http://testserver/guides/ccs/?x=1")
    answer_steps(client)
    pick(client, coding_programs["sinclair"])
    html = client.get("/match/step/5/").content.decode()

    client.post("/match/step/5/", contact_data(html))

    lead = Lead.objects.get()
    assert lead.source_page == "/guides/ccs/"
    assert lead.utm == {"utm_source": "ads", "utm_medium": "cpc"}


def test_a_double_click_or_replayed_post_makes_one_lead_and_the_same_confirmation(at_contact) -> None:
    client, html = at_contact
    data = contact_data(html)

    first = client.post("/match/step/5/", data)
    second = client.post("/match/step/5/", data)
    replay = client.post("/match/step/5/", data | {"first_name": "Changed"})

    assert first["Location"] == second["Location"] == replay["Location"] == "/match/done/"
    assert Lead.objects.count() == 1
    assert LeadRequest.objects.count() == 2
    assert "Thank you, Ana." in client.get("/match/done/").content.decode()


def test_two_tabs_end_in_one_lead(at_contact) -> None:
    client, first_tab = at_contact
    second_tab = client.get("/match/step/5/").content.decode()
    assert contact_data(first_tab)["submission_token"] == contact_data(second_tab)["submission_token"]

    client.post("/match/step/5/", contact_data(first_tab))
    response = client.post("/match/step/5/", contact_data(second_tab, email="other@example.com"))

    assert response["Location"] == "/match/done/"
    assert Lead.objects.count() == 1


def test_a_replay_from_another_browser_stores_nothing_and_shows_nothing_personal(at_contact) -> None:
    client, html = at_contact
    data = contact_data(html)
    client.post("/match/step/5/", data)
    stranger = Client()

    response = stranger.post("/match/step/5/", data)

    text = response.content.decode()
    assert response.status_code == 200
    assert "We already have this request" in text
    assert "Ana" not in text
    assert "512-3456" not in text
    assert Lead.objects.count() == 1
    assert stranger.get("/match/done/")["Location"] == "/match/"


def test_after_a_request_a_new_one_needs_new_picks_and_gets_a_new_token(at_contact, coding_programs) -> None:
    client, html = at_contact
    client.post("/match/step/5/", contact_data(html))

    assert client.get("/match/step/5/")["Location"] == "/match/step/4/"
    pick(client, coding_programs["sinclair"])
    fresh = client.get("/match/step/5/").content.decode()
    assert contact_data(fresh)["submission_token"] != contact_data(html)["submission_token"]
    assert 'name="first_name" value="Ana"' in fresh  # never asked twice
    assert 'name="phone" value="(937) 512-3456"' in fresh
    assert "checked" not in re.search(r'<input type="checkbox" name="consent"[^>]*>', fresh).group(0)

    client.post("/match/step/5/", contact_data(fresh))

    assert Lead.objects.count() == 2
    repeat = Lead.objects.order_by("pk").last()
    assert repeat.requests.get().status == LeadRequest.Status.DUPLICATE
    assert "so we have not sent it again" in client.get("/match/done/").content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "Enter your first name."),
        ("first_name", "R2D2", "Your first name can&#x27;t contain numbers."),
        ("last_name", "x" * 51, "Your last name can be at most 50 characters."),
        ("last_name", "<b>Bold</b>", "Your last name can only contain letters"),
        ("email", "ana@localhost", "The part after @ should be a domain like gmail.com."),
        ("email", "ana@example.co-m", "The email address ends in .co-m, which is not a real domain ending."),
        ("email", "ana@[127.0.0.1]", "The part after @ should be a domain like gmail.com."),
        ("email", "not-an-email", "Enter an email address like name@example.com."),
        ("phone", "555-0123", "Enter a 10-digit US phone number with the area code"),
        ("phone", "(937) 555-0142", "555-01xx numbers are reserved for fiction"),
        ("consent", "", "Tick the box to agree to be contacted"),
    ],
)
def test_each_bad_field_says_what_is_wrong_and_keeps_what_was_typed(
    at_contact, field: str, value: str, message: str
) -> None:
    client, html = at_contact
    data = contact_data(html, **{field: value})
    if field == "consent":
        data.pop("consent")

    response = client.post("/match/step/5/", data)

    text = response.content.decode()
    assert response.status_code == 200
    assert message in text
    assert f'href="#id_{field}"' in text
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', text) or re.search(
        rf'name="{field}"[^>]*aria-describedby="[^"]*id_{field}_error', text
    )
    if field != "email":
        assert 'name="email" value="Ana.Nunez@Example.com"' in text
    assert Lead.objects.count() == 0


def test_a_failure_while_storing_keeps_the_typed_values_and_stores_nothing(at_contact, caplog) -> None:
    client, html = at_contact

    with (
        caplog.at_level(logging.INFO),
        mock.patch.object(
            LeadRequest.objects, "bulk_create", side_effect=DatabaseError("row (Ana, +19375123456)")
        ),
    ):
        response = client.post("/match/step/5/", contact_data(html))

    text = response.content.decode()
    assert response.status_code == 503
    assert "couldn&#x27;t save your request just now, so nothing was stored" in text
    assert 'value="Ana"' in text
    assert 'value="Ana.Nunez@Example.com"' in text
    assert 'value="(937) 512-3456"' in text
    assert Lead.objects.count() == 0
    assert "DatabaseError" in caplog.text
    for personal in ("Ana", "Nunez", "937", "example.com", "45402"):
        assert personal not in caplog.text

    retry = client.post("/match/step/5/", contact_data(text))
    assert retry["Location"] == "/match/done/"
    assert Lead.objects.count() == 1


def test_a_filled_honeypot_stores_nothing_and_says_why(at_contact) -> None:
    client, html = at_contact

    response = client.post("/match/step/5/", contact_data(html, website="http://spam.example"))

    assert response.status_code == 400
    assert "Leave this empty" in response.content.decode()
    assert Lead.objects.count() == 0


def test_too_many_submissions_from_one_address_are_refused(at_contact, settings) -> None:
    settings.LEADS_RATE_LIMITS = {"lead": (2, 3600)}
    client, html = at_contact
    bad = contact_data(html, email="nope")
    client.post("/match/step/5/", bad)
    client.post("/match/step/5/", bad)

    response = client.post("/match/step/5/", contact_data(html))

    assert response.status_code == 429
    assert "Too many requests have come from your network" in response.content.decode()
    assert Lead.objects.count() == 0


def test_picks_changed_in_another_tab_ask_to_read_the_consent_again(at_contact, coding_programs) -> None:
    client, html = at_contact
    pick(client, coding_programs["sinclair"])  # another tab: now only Sinclair

    response = client.post("/match/step/5/", contact_data(html))

    text = response.content.decode()
    assert "The schools you picked have changed" in text
    assert "Sinclair Community College may contact me" in text
    assert Lead.objects.count() == 0
    client.post("/match/step/5/", contact_data(text))
    assert Lead.objects.get().consent_text.count("Charter Oak") == 0


def test_a_program_delisted_before_submitting_sends_back_to_the_results(at_contact, coding_programs) -> None:
    client, html = at_contact
    coding_programs["charter_oak"].active = False
    coding_programs["charter_oak"].save()

    response = client.post("/match/step/5/", contact_data(html))

    assert "The schools you picked have changed" in response.content.decode()
    assert Lead.objects.count() == 0


def test_htmx_submission_shows_the_confirmation_in_place(at_contact) -> None:
    client, html = at_contact

    response = client.post(
        "/match/step/5/", contact_data(html), headers={"HX-Request": "true", "HX-Target": "match-wizard"}
    )

    assert response.status_code == 200
    assert "Your request is on its way" in response.content.decode()
    assert response["HX-Push-Url"] == "/match/done/"
    assert "no-store" in response["Cache-Control"]
    assert Lead.objects.count() == 1


def test_confirmation_without_a_request_goes_back_to_the_start(client) -> None:
    assert client.get("/match/done/")["Location"] == "/match/"


def test_personal_data_never_goes_into_urls(at_contact) -> None:
    client, html = at_contact

    response = client.post("/match/step/5/", contact_data(html), follow=True)

    for url, _status in response.redirect_chain:
        assert not any(personal in url for personal in ("Ana", "937", "@", "45402"))
