from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from programs.choices import Delivery
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coding_programs() -> dict:
    """Real medical coding certificates: online at Charter Oak, near Dayton at Sinclair."""
    return {
        "charter_oak": factories.program("charter_oak", "51.0713", 21, delivery=Delivery.ONLINE),
        "sinclair": factories.program("sinclair", "51.0713", 21),
    }


INTERESTS = {"field": "coding_billing", "delivery": "online", "start": "asap", "max_length": "under_1_year"}


def answer_steps(client: Client, *, education: int = 1, zip_code: str = "45402", **interests) -> None:
    assert client.post("/match/step/1/", {"education": education}).status_code == 303
    assert client.post("/match/step/2/", INTERESTS | interests).status_code == 303
    assert client.post("/match/step/3/", {"zip_code": zip_code, "radius": 50}).status_code == 303


def pick(client: Client, *programs) -> None:
    response = client.post("/match/step/4/", {"programs": [p.pk for p in programs]})
    assert response.status_code == 303, response.content.decode()[:2000]


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def contact_data(html: str, **kw) -> dict:
    return {
        "first_name": "Ana",
        "last_name": "Núñez",
        "email": "Ana.Nunez@Example.com",
        "phone": "(937) 512-3456",
        "consent": "on",
        "website": "",
        "submission_token": hidden(html, "submission_token"),
        "consent_digest": hidden(html, "consent_digest"),
    } | kw
