from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from django.test import Client, override_settings

from guides.models import Guide
from guides.sitemaps import ProgramSitemap
from tests import factories
from tests.guides.content import CCS_SLUG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_url")]

SITE = "https://codingpath.example"


@pytest.fixture
def site_url():
    with override_settings(SITE_URL=SITE):
        yield


def locations(xml: str) -> list[str]:
    return re.findall(r"<loc>(.*?)</loc>", xml)


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin_and_the_wizard(
    client: Client,
) -> None:
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /match/" in lines
    assert "Allow: /match/$" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


def test_the_sitemap_index_lists_each_section_at_the_canonical_address(client: Client) -> None:
    factories.program("sinclair", "51.0713", 21)

    response = client.get("/sitemap.xml", HTTP_HOST="testserver")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml"
    assert locations(response.content.decode()) == [
        f"{SITE}/sitemap-pages.xml",
        f"{SITE}/sitemap-guides.xml",
        f"{SITE}/sitemap-programs.xml",
    ]
    assert "<lastmod>" in response.content.decode()


def test_pages_and_guides_sections_list_public_pages_only(client: Client) -> None:
    Guide.objects.create(
        title="A draft guide",
        slug="draft-guide",
        meta_description="A guide that is still being written and must stay out of search.",
        summary="x",
        body="<p>x</p>",
    )

    pages = locations(client.get("/sitemap-pages.xml").content.decode())
    guides = client.get("/sitemap-guides.xml").content.decode()

    assert pages == [f"{SITE}/", f"{SITE}/programs/", f"{SITE}/guides/", f"{SITE}/about/data/"]
    assert locations(guides) == [f"{SITE}/guides/{CCS_SLUG}/"]
    assert "<lastmod>2026-11-26</lastmod>" in guides


def test_the_programs_section_lists_listed_program_pages(client: Client) -> None:
    listed = factories.program("sinclair", "51.0713", 21)
    factories.program("broward", "51.0707", 3, active=False)
    closed = factories.institution("valencia", active=False)
    factories.program(closed, "51.0713", 2)

    xml = client.get("/sitemap-programs.xml").content.decode()

    assert locations(xml) == [f"{SITE}{listed.get_absolute_url()}"]


def test_the_programs_section_is_paginated_through_the_index(client: Client, monkeypatch) -> None:
    # The national catalog has ~287,000 programs; a sitemap may hold 50,000. Scaled down: 2 a page.
    monkeypatch.setattr(ProgramSitemap, "limit", 2)
    programs = [
        factories.program("sinclair", "51.0713", 21),
        factories.program("broward", "51.0707", 3),
        factories.program("valencia", "51.0713", 2),
    ]

    index = locations(client.get("/sitemap.xml").content.decode())
    first = locations(client.get("/sitemap-programs.xml").content.decode())
    second = locations(client.get("/sitemap-programs.xml?p=2").content.decode())

    assert index[-2:] == [f"{SITE}/sitemap-programs.xml", f"{SITE}/sitemap-programs.xml?p=2"]
    assert first + second == [f"{SITE}{program.get_absolute_url()}" for program in programs]
    assert client.get("/sitemap-programs.xml?p=3").status_code == 404
    assert client.get("/sitemap-programs.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_a_sitemap_page_needs_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:
    for school, code, level in [
        ("sinclair", "51.0713", 21),
        ("broward", "51.0707", 3),
        ("valencia", "51.0713", 2),
    ]:
        factories.program(school, code, level)

    with django_assert_num_queries(2):  # the count for the paginator, then the page's rows
        assert client.get("/sitemap-programs.xml").status_code == 200


def test_sitemap_sections_are_well_formed_xml_kept_out_of_search_results(client: Client) -> None:
    program = factories.program("sinclair", "51.0713", 21)

    response = client.get("/sitemap-programs.xml")

    assert response.headers["Content-Type"] == "application/xml"
    assert response.headers["X-Robots-Tag"] == "noindex, noodp, noarchive"
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    assert root.findtext("s:url/s:loc", namespaces=ns) == f"{SITE}{program.get_absolute_url()}"
    assert root.findtext("s:url/s:lastmod", namespaces=ns) == f"{program.updated_at:%Y-%m-%d}"
    assert root.findtext("s:url/s:changefreq", namespaces=ns) == "monthly"
