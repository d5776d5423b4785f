from __future__ import annotations

import re
from unittest import mock

import pytest
from django.db import DatabaseError

from tests import factories

pytestmark = pytest.mark.django_db


def test_home_counts_listed_programs_only(client) -> None:
    factories.program("sinclair", "51.0713", 21)
    factories.program("sinclair", "51.0707", 2, active=False)
    closed = factories.institution("terra", active=False)
    factories.program(closed, "51.0707", 2)

    response = client.get("/")

    assert response.status_code == 200
    assert response.context["program_count"] == 1
    assert response.context["institution_count"] == 1


def test_home_rejects_post(client) -> None:
    assert client.post("/").status_code == 405


def test_healthz_is_ok_when_the_database_answers(client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_does_not_answer(client) -> None:
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_security_headers_are_sent(client) -> None:
    response = client.get("/")

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def _head(html: str, pattern: str) -> str:
    found = re.search(pattern, html)
    assert found, pattern
    return found.group(1)


def test_the_main_pages_each_have_their_own_title_description_and_canonical_address(client, settings) -> None:
    settings.SITE_URL = "https://codingpath.example"
    pages = ["/", "/programs/", "/about/data/", "/guides/"]
    titles, descriptions = set(), set()
    for path in pages:
        html = client.get(path).content.decode()
        titles.add(_head(html, r"<title>([^<]+)</title>"))
        descriptions.add(_head(html, r'<meta name="description" content="([^"]+)"'))
        assert _head(html, r'<link rel="canonical" href="([^"]+)"') == f"https://codingpath.example{path}"

    assert len(titles) == len(descriptions) == len(pages)


def test_the_home_page_can_be_shared(client, settings) -> None:
    settings.SITE_URL = "https://codingpath.example"
    html = client.get("/").content.decode()

    assert _head(html, r'<meta property="og:url" content="([^"]+)"') == "https://codingpath.example/"
    assert _head(html, r'<meta property="og:title" content="([^"]+)"').startswith("Become a medical coder")
    assert _head(html, r'<meta property="og:type" content="([^"]+)"') == "website"
