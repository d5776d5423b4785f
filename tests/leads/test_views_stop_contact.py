from __future__ import annotations

import pytest

from leads.models import ContactRevocation

pytestmark = pytest.mark.django_db


def test_the_form_is_there_with_input_hints(client) -> None:
    response = client.get("/match/stop-contact/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Stop schools contacting you" in html
    assert 'autocomplete="email"' in html
    assert 'inputmode="tel"' in html
    assert "no-store" in response["Cache-Control"]


def test_a_request_is_recorded_normalised(client) -> None:
    response = client.post("/match/stop-contact/", {"email": " Ana@Example.COM ", "phone": "(937) 512-3456"})

    assert response.status_code == 200
    assert "We have your request" in response.content.decode()
    record = ContactRevocation.objects.get()
    assert (record.email_normalized, record.phone) == ("ana@example.com", "+19375123456")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the email address or the phone number you gave the schools."),
        ({"email": "nope"}, "Enter an email address like name@example.com."),
        ({"phone": "12"}, "Enter a 10-digit US phone number"),
    ],
)
def test_bad_input_is_explained_and_nothing_recorded(client, data: dict, message: str) -> None:
    response = client.post("/match/stop-contact/", data)

    assert message in response.content.decode()
    assert ContactRevocation.objects.count() == 0


def test_honeypot_and_rate_limit(client, settings) -> None:
    assert client.post("/match/stop-contact/", {"email": "a@example.com", "website": "x"}).status_code == 400
    settings.LEADS_RATE_LIMITS = {"stop": (1, 3600)}
    client.post("/match/stop-contact/", {"email": "a@example.com"})

    response = client.post("/match/stop-contact/", {"email": "b@example.com"})

    assert response.status_code == 429
    assert ContactRevocation.objects.count() == 1


def test_wrong_method_is_refused(client) -> None:
    assert client.put("/match/stop-contact/").status_code == 405
