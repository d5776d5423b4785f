from __future__ import annotations

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
