"""/about/data/: every source credited with its date and licence, and what the data leaves out."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.test import Client
from django.utils import timezone

from programs.models import CatalogImport
from tests import factories

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_credits_every_source_with_its_date_and_licence(client: Client) -> None:
    response = client.get("/about/data/")

    assert response.status_code == 200
    page = text(response)
    for credit in [
        "NCES IPEDS Institutional Characteristics directory, HD2024",
        "NCES IPEDS Completions, C2024_A (award year 2023-24)",
        "Classification of Instructional Programs, CIP 2020",
        "IPEDS Fall Enrollment, distance education, fall 2024",
        "published tuition and fees 2023-24",
        "(DAPIP), as of November 2020",
        "College Scorecard, field of study data, release of 10 June 2026. College Scorecard data compiled by "
        "Truewise. Compiled table: CC BY 4.0",
        "Occupational Employment and Wage Statistics (OEWS), May 2025",
        "Employment Projections 2024-34",
        "NCES CIP 2020 to SOC 2018 crosswalk",
    ]:
        assert credit in page, credit
    assert page.count("Public domain") >= 8
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in response.content.decode()


def test_says_what_the_data_does_not_contain(client: Client) -> None:
    page = text(client.get("/about/data/"))

    for gap in [
        "CAHIIM accreditation and AHIMA PCAP approval are in no federal dataset.",
        "Delivery (online, hybrid, on campus) is not published per program.",
        "Length is known only as the IPEDS award level band",
        "School accreditation is a snapshot from November 2020.",
        "lost federal recognition on 19 August 2022",
        "Earnings and debt are not per program.",
        'we say "not published", never zero',
        "Pay and outlook are national figures for an occupation,",
        "Tuition is the published price,",
    ]:
        assert gap in page, gap


def test_shows_the_catalog_size_and_when_it_was_loaded(client: Client) -> None:
    factories.program("sinclair", "51.0713", 21)
    factories.program("sinclair", "51.0707", 3)
    factories.program("broward", "51.0707", 3)
    CatalogImport.objects.create(
        scope="51.07",
        checksum="0" * 64,
        finished_at=timezone.make_aware(datetime.datetime(2026, 11, 26, 16, 41)),
    )

    page = text(client.get("/about/data/"))

    assert "The catalog holds 3 programs at 2 schools" in page
    assert "It was last loaded from the files below on 26 November 2026." in page


def test_rejects_post(client: Client) -> None:
    assert client.post("/about/data/").status_code == 405
