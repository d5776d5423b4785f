from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client, override_settings

from guides import services
from guides.models import Guide
from programs.models import Occupation
from tests import factories
from tests.guides.content import CCS_SLUG

pytestmark = pytest.mark.django_db

URL = f"/guides/{CCS_SLUG}/"


def structured_data(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@override_settings(SITE_URL="https://codingpath.example")
def test_the_guide_page_has_its_own_title_description_canonical_and_open_graph(client: Client) -> None:
    html = client.get(URL).content.decode()

    assert "<title>How to become a Certified Coding Specialist · CodingPath</title>" in html
    guide = Guide.objects.get(slug=CCS_SLUG)
    assert f'<meta name="description" content="{guide.meta_description}">' in html
    canonical = "https://codingpath.example/guides/certified-coding-specialist/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="How to become a Certified Coding Specialist">' in html
    assert f'<meta property="og:description" content="{guide.meta_description}">' in html
    assert '<meta name="robots"' not in html


@override_settings(SITE_URL="https://codingpath.example")
def test_the_guide_page_describes_itself_as_a_schema_org_article_and_howto(client: Client) -> None:
    data = structured_data(client.get(URL).content.decode())

    article, howto = data["@graph"]
    assert data["@context"] == "https://schema.org"
    assert article["@type"] == "Article"
    assert article["headline"] == "How to become a Certified Coding Specialist"
    assert article["url"] == "https://codingpath.example/guides/certified-coding-specialist/"
    assert article["datePublished"] == "2026-11-26"
    assert howto["@type"] == "HowTo"
    assert howto["step"][0]["name"] == "Finish high school, or earn a GED or HiSET"
    assert [step["position"] for step in howto["step"]] == [1, 2, 3, 4, 5]
    assert howto["step"][4]["url"].endswith("#step-5")
    assert "<" not in howto["step"][0]["text"]


def test_structured_data_cannot_be_closed_early_by_an_editor(client: Client) -> None:
    Guide.objects.filter(slug=CCS_SLUG).update(title="</script><script>alert(1)</script>")

    html = client.get(URL).content.decode()

    assert "</script><script>alert(1)" not in html
    assert structured_data(html)["@graph"][0]["headline"] == "</script><script>alert(1)</script>"


def test_the_guide_reads_section_by_section(client: Client) -> None:
    html = client.get(URL).content.decode()

    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings == [
        "On this page",
        "What a Certified Coding Specialist does",
        "Where they work",
        "Training",
        "Pay and job outlook",
        "The five steps",
        "What is your highest level of education?",
        "Popular programs",
        "Sources",
    ]


def test_pay_and_outlook_come_from_the_bls_rows_with_their_dates(client: Client, occupations) -> None:
    html = client.get(URL).content.decode()

    assert "Medical Records Specialists" in html
    assert "Health Information Technologists and Medical Registrars" in html
    assert "Medical and Health Services Managers" not in html
    assert "Median pay, May 2025" in html
    assert "$51,140 a year ($24.59 an hour)" in html
    assert "under $37,000 and over $81,150 a year" in html
    assert "Projected change in jobs, 2024\N{EN DASH}34" in html
    assert "+7.1%" in html
    assert "about 14,200" in html
    assert "https://www.bls.gov/oes/2025/may/oes292072.htm" in html


def test_pay_figures_follow_the_database_not_the_template(client: Client, occupations) -> None:
    Occupation.objects.filter(soc_code="29-2072").update(annual_median_wage=52000, projected_change_pct=-1.5)

    html = client.get(URL).content.decode()

    assert "$52,000 a year" in html
    assert "51,140" not in html
    assert "-1.5%" in html


def test_without_bls_rows_the_page_says_so_instead_of_inventing_figures(client: Client) -> None:
    html = client.get(URL).content.decode()

    assert "appear here once the catalog data has been imported" in html
    assert "Median pay" not in html


def test_each_step_links_into_the_catalog_with_its_filters(client: Client) -> None:
    html = client.get(URL).content.decode()

    links = re.findall(r'<p class="step-link"><a class="button" href="([^"]+)">([^<]+)</a>', html)
    assert links == [
        ("/programs/?credential=high_school", "Diploma and GED options"),
        (
            "/programs/?delivery=online&amp;credential=certificate&amp;certification=CCS",
            "Online certificates that prepare for the CCS",
        ),
        (
            "/programs/?credential=associate&amp;credential=bachelors&amp;cip=51.0707&amp;cip=51.0706",
            "Associate and bachelor&#x27;s degrees in health information",
        ),
        ("/programs/?certification=CCA&amp;certification=CPC", "Programs that prepare for the CCA or CPC"),
        ("/programs/?certification=CCS", "Programs that prepare for the CCS exam"),
    ]


def test_step_one_gives_the_official_ged_and_hiset_routes(client: Client) -> None:
    html = client.get(URL).content.decode()
    step_one = html.split('id="step-1"')[1].split('id="step-2"')[0]

    assert '<a href="https://www.ged.com/" rel="nofollow noopener">GED</a>' in step_one
    assert '<a href="https://hiset.org/" rel="nofollow noopener">HiSET</a>' in step_one


def test_sources_are_listed_with_the_date_they_were_checked(client: Client) -> None:
    html = client.get(URL).content.decode()
    sources = html.split('id="sources-heading"')[1]

    assert "AHIMA:" in sources
    assert 'As checked on <time datetime="2026-11-26">26 November 2026</time>' in sources
    assert "Employment Projections</a> 2024\N{EN DASH}34" in sources
    assert "not affiliated with AHIMA, AAPC, CAHIIM" in sources


def test_script_typed_by_an_editor_never_reaches_the_page(client: Client) -> None:
    # Written around Guide.save (a shell, an old row): the page sanitises again when it renders.
    guide = Guide.objects.get(slug=CCS_SLUG)
    Guide.objects.filter(pk=guide.pk).update(
        body='<h2>Hi</h2><script>alert("body")</script><img src=x onerror="alert(1)">'
        '<p onmouseover="alert(2)"><a href="javascript:alert(3)">x</a></p>'
    )
    guide.steps.filter(position=1).update(body="<p>Step</p><script>alert('step')</script>")

    html = client.get(URL).content.decode()

    assert "alert(" not in html
    assert "onerror" not in html
    assert "onmouseover" not in html
    assert "javascript:" not in html


def test_drafts_are_not_found_by_visitors(client: Client) -> None:
    Guide.objects.filter(slug=CCS_SLUG).update(status=Guide.Status.DRAFT)

    assert client.get(URL).status_code == 404
    listing = client.get("/guides/").content.decode().split('<main id="main"')[1]
    assert "No guides are published yet." in listing
    assert "How to become a Certified Coding Specialist" not in listing


def test_editors_preview_drafts_marked_noindex(client: Client) -> None:
    Guide.objects.filter(slug=CCS_SLUG).update(status=Guide.Status.DRAFT)
    editor = User.objects.create_user("editor", password="pw-not-used", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_guide"))
    client.force_login(editor)

    response = client.get(URL)

    assert response.status_code == 200
    assert "Draft preview" in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "no-store" in response.headers["Cache-Control"]


def test_an_unknown_guide_is_not_found(client: Client) -> None:
    assert client.get("/guides/no-such-guide/").status_code == 404


@pytest.mark.parametrize("url", [URL, "/guides/"])
def test_guide_pages_only_answer_get(client: Client, url: str) -> None:
    assert client.post(url).status_code == 405


def test_the_guide_list_links_published_guides(client: Client) -> None:
    html = client.get("/guides/").content.decode()

    assert f'<a href="{URL}">How to become a Certified Coding Specialist</a>' in html
    assert '<link rel="canonical"' in html


def test_popular_programs_are_the_largest_listed_programs_one_per_school(client: Client) -> None:
    factories.program("sinclair", "51.0713", 21, completions=40)
    factories.program("sinclair", "51.0707", 3, completions=90)  # same school: only its largest shows
    factories.program("broward", "51.0707", 3, completions=60)
    factories.program("valencia", "51.0713", 2, completions=20)
    factories.program("mclennan", "51.0714", 21, completions=500)  # medical billing: another field
    factories.program("ccsf", "51.0713", 21, completions=300, active=False)  # not listed
    factories.program("terra", "51.0713", 21, completions=0)

    html = client.get(URL).content.decode()
    popular = html.split('id="popular-heading"')[1].split('id="sources-heading"')[0]

    schools = re.findall(r"<h3><a href=\"[^\"]+\">[^<]+</a></h3>\s*<p>([^,<]+)", popular)
    assert schools == ["Sinclair Community College", "Broward College", "Valencia College"]
    assert "90 graduates in 2023\N{EN DASH}24" in popular
    assert "How these are chosen: The programs with the most graduates in 2023\N{EN DASH}24" in popular
    assert "Sponsored" not in popular
    assert "Listings may include sponsored content" not in popular


def test_popular_programs_change_with_the_database_on_the_next_request(client: Client) -> None:
    factories.program("sinclair", "51.0713", 21, completions=40)
    assert "Broward College" not in client.get(URL).content.decode()

    factories.program("broward", "51.0707", 3, completions=60)

    assert "Broward College" in client.get(URL).content.decode()


def test_sponsored_programs_are_labelled_with_why_and_the_disclosure(client: Client, monkeypatch) -> None:
    sponsored = factories.program("broward", "51.0707", 3, completions=60)
    plain = factories.program("sinclair", "51.0713", 21, completions=40)

    def with_a_campaign(*, guide, limit=5, cip_codes=None):
        return services.PopularPrograms(
            items=[
                services.PopularProgram(
                    program=sponsored, sponsored=True, why="Broward College pays per request."
                ),
                services.PopularProgram(program=plain),
            ],
            how_chosen="test",
        )

    monkeypatch.setattr(services, "popular_programs", with_a_campaign)

    popular = client.get(URL).content.decode().split('id="popular-heading"')[1]

    assert popular.count("Sponsored</span>") == 1
    assert "Listings may include sponsored content." in popular
    assert "<summary>Why am I seeing this?</summary>" in popular
    assert "Broward College pays per request." in popular


def test_the_guide_page_needs_a_fixed_number_of_queries(
    client: Client, occupations, django_assert_num_queries
) -> None:
    programs = [
        ("sinclair", "51.0713", 21),
        ("broward", "51.0707", 3),
        ("valencia", "51.0713", 2),
        ("mclennan", "51.0713", 21),
        ("ccsf", "51.0707", 3),
        ("terra", "51.0713", 21),
    ]
    for school, code, level in programs:
        factories.program(school, code, level, completions=10)

    with django_assert_num_queries(9):
        assert client.get(URL).status_code == 200
