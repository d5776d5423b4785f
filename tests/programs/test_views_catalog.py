"""/programs/: the catalog page, its htmx partial, bad input, sorting, paging and its query count."""

from __future__ import annotations

import re

import pytest
from django.db.models import BooleanField, Value
from django.test import Client

from programs import ranking, views
from programs.choices import Delivery
from programs.models import Accreditor, Certification, Program
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def seeds() -> None:
    """What migration 0002 seeds (a transactional test elsewhere may have flushed it)."""
    Certification.objects.get_or_create(
        code="CCS", defaults={"name": "Certified Coding Specialist", "body": "AHIMA"}
    )
    Certification.objects.get_or_create(
        code="CPC", defaults={"name": "Certified Professional Coder", "body": "AAPC"}
    )
    Accreditor.objects.get_or_create(
        short_name="CAHIIM",
        defaults={
            "name": "Commission on Accreditation for Health Informatics and Information Management Education",
            "kind": "programmatic",
            "website": "https://www.cahiim.org/",
        },
    )


def titles(response) -> list[str]:
    return [p.title + " | " + p.institution.name for p in response.context["programs"]]


def heading(response) -> str:
    match = re.search(r'<h2 id="results-heading">([^<]+)</h2>', response.content.decode())
    assert match
    return match.group(1)


def test_lists_listed_programs_with_their_facts(client: Client) -> None:
    coding = factories.program("sinclair", "51.0713", 21, delivery=Delivery.ONLINE, certifications=["CCS"])
    factories.institutional_accreditation(coding.institution)
    factories.program("terra", "51.0707", 3, active=False)

    response = client.get("/programs/")

    assert response.status_code == 200
    assert heading(response) == "1 program"
    html = response.content.decode()
    assert "Medical Insurance Coding Specialist/Coder" in html
    assert "Sinclair Community College · Dayton, OH" in html
    assert "Prepares for CCS" in html
    assert "School accredited by Higher Learning Commission (DAPIP, 2020)" in html
    assert "$4,569 a year" in html
    assert "Terra State" not in html
    assert response["Vary"].count("HX-Request") == 1


def test_rejects_post(client: Client) -> None:
    assert client.post("/programs/").status_code == 405


def test_the_guides_link_opens_online_ccs_certificates(client: Client) -> None:
    wanted = factories.program("sinclair", "51.0713", 21, delivery=Delivery.ONLINE, certifications=["CCS"])
    factories.program("broward", "51.0714", 2, delivery=Delivery.ONLINE, certifications=["CPC"])
    factories.program("terra", "51.0713", 3, delivery=Delivery.ONLINE, certifications=["CCS"])

    response = client.get("/programs/?delivery=online&credential=certificate&certification=CCS")

    assert [p.pk for p in response.context["programs"]] == [wanted.pk]
    assert not response.context["form"].errors


def test_counts_next_to_each_choice_lead_to_that_many_results(client: Client) -> None:
    factories.real_catalog()
    Program.objects.filter(institution__unitid__in=[128780, 413413]).update(delivery=Delivery.ONLINE)

    page = client.get("/programs/?credential=certificate").content.decode()
    online = re.search(r'id="id_delivery_online">\s*<span class="choice-label">Online</span>\s*'
                       r'<span class="count" data-count>(\d+)<', page)  # fmt: skip
    assert online

    response = client.get("/programs/?credential=certificate&delivery=online")
    assert heading(response) == f"{online.group(1)} programs"
    assert int(online.group(1)) == 7  # Charter Oak's five certificates and Capella's two


def test_htmx_gets_the_results_partial_and_the_url_state_stays_shareable(client: Client) -> None:
    factories.real_catalog()

    partial = client.get("/programs/?state=OH", **HTMX)
    full = client.get("/programs/?state=OH")

    body = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="catalog">')
    assert 'hx-swap-oob="innerHTML"' in body
    assert "12 programs found." in body
    assert "HX-Request" in partial["Vary"]
    assert "<html" in full.content.decode()
    assert heading(partial) == heading(full) == "12 programs"
    assert titles(partial) == titles(full)


def test_a_history_restore_gets_the_whole_page(client: Client) -> None:
    factories.program("sinclair", "51.0713", 21)

    response = client.get(
        "/programs/?state=OH", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    body = response.content.decode()
    assert "<html" in body
    assert "<title>" in body
    assert "hx-swap-oob" not in body
    assert "HX-History-Restore-Request" in response["Vary"]


BAD_QUERIES = [
    "delivery=drone",
    "credential=phd&credential=certificate",
    "state=ZZ",
    "state=" + "%00" * 3,
    "control=x",
    "accreditation=acics",
    "certification=NOPE",
    "cip=99.9999",
    "cip=" + "1" * 10_000,
    "education=-1",
    "sort=random",
    "max_tuition=cheap",
    "max_tuition=" + "9" * 10_000,
    "max_tuition=1e308",
    "max_tuition=-0.5",
    "q=" + "x" * 10_000,
    "q=%00%00",
    "q=%F0%9F%99%82+%E2%80%AE+%D8%B9%D8%B1%D8%A8%D9%8A",
    "q=%ff%fe%fd",
    "q=%25%27%22%3C%3E%5C",
    "page=abc",
    "page=-3",
    "page=99999",
    "page=" + "9" * 10_000,
    "&".join(f"delivery=online&state=S{n}" for n in range(400)),
    "q[]=x&state[]=OH&__proto__=1",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_input_never_breaks_the_page(client: Client, query: str) -> None:
    factories.program("sinclair", "51.0713", 21)

    for headers in ({}, HTMX):
        response = client.get(f"/programs/?{query}", **headers)
        assert response.status_code == 200, query[:60]


def test_bad_input_is_explained_next_to_the_filter_and_in_a_summary(client: Client) -> None:
    factories.program("sinclair", "51.0713", 21)

    response = client.get("/programs/?max_tuition=cheap&state=ZZ&q=%00x")

    html = response.content.decode()
    assert heading(response) == "1 program", "invalid filters are left out of the results"
    assert 'data-error-summary role="alert"' in html
    assert (
        'id="max_tuition-error">Enter the most you would pay in whole dollars, for example 5000.</p>' in html
    )
    assert 'aria-describedby="max_tuition-help max_tuition-error" aria-invalid="true"' in html
    assert '<fieldset class="facet" id="facet-state" aria-describedby="state-error">' in html
    assert "“ZZ” is not one of the states listed here." in html
    assert 'id="q-error">Your search contains an invisible null character.' in html
    assert "\x00" not in html
    # Links on the page drop what was invalid.
    assert "max_tuition=cheap" not in html
    assert "state=ZZ" not in html


def test_an_empty_result_says_which_filters_to_loosen(client: Client) -> None:
    factories.program("sinclair", "51.0713", 21, delivery=Delivery.ONLINE)
    factories.program("broward", "51.0707", 21, delivery=Delivery.ONLINE)
    factories.program("mclennan", "51.0707", 21)
    factories.program("mclennan", "51.0707", 3, delivery=Delivery.ONLINE)

    response = client.get("/programs/?delivery=online&state=TX&credential=certificate")

    html = response.content.decode()
    assert heading(response) == "0 programs"
    assert "No programs match all of these filters" in html
    assert "Remove “Delivery: Online”</a>: 1 program" in html
    assert "Remove “Credential: Certificate”</a>: 1 program" in html
    assert "Remove “State: Texas”</a>: 2 programs" in html
    assert 'hx-get="/programs/?credential=certificate&amp;delivery=online">Remove “State: Texas”' in html


def test_more_parameters_than_django_accepts_is_a_400_not_a_500(client: Client) -> None:
    query = "&".join(f"state=S{n}" for n in range(2_000))  # over DATA_UPLOAD_MAX_NUMBER_FIELDS

    assert client.get(f"/programs/?{query}").status_code == 400


def test_an_empty_result_with_no_single_way_out_says_so(client: Client) -> None:
    factories.program("sinclair", "51.0713", 21)

    html = client.get("/programs/?delivery=online&state=TX").content.decode()

    assert "Removing any single one of them would still give no programs." in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("shortest", ["valencia 20", "sinclair 21", "broward 2", "terra 3"]),
        ("tuition", ["valencia 20", "broward 2", "sinclair 21", "terra 3"]),
        ("completions", ["broward 2", "sinclair 21", "terra 3", "valencia 20"]),
        # (Valencia's "Health/Health Care..." sorts differently under SQLite's and PostgreSQL's collations.)
        ("name", ["terra 3", "sinclair 21", "broward 2"]),
    ],
)
def test_sort_orders(client: Client, sort: str, expected: list[str]) -> None:
    made = {
        "valencia 20": factories.program("valencia", "51.0701", 20, completions=0),  # $2,474 a year
        "sinclair 21": factories.program("sinclair", "51.0713", 21, completions=31),  # $4,569
        "broward 2": factories.program("broward", "51.0714", 2, completions=40),  # $2,830
        "terra 3": factories.program("terra", "51.0707", 3, completions=7),  # $5,660
    }
    names = {p.pk: key for key, p in made.items()}

    response = client.get(f"/programs/?sort={sort}")

    assert [names[p.pk] for p in response.context["programs"] if names[p.pk] in expected] == expected


def test_best_match_puts_accredited_programs_with_outcomes_first(client: Client) -> None:
    plain = factories.program("terra", "51.0707", 3, completions=500)
    accredited_school = factories.program("broward", "51.0707", 3, completions=5)
    factories.institutional_accreditation(accredited_school.institution)
    cahiim = factories.program("ccsf", "51.0707", 3, completions=1)
    factories.programmatic_accreditation(cahiim, "CAHIIM")

    response = client.get("/programs/")

    assert [p.pk for p in response.context["programs"]] == [cahiim.pk, accredited_school.pk, plain.pk]
    assert "Accredited by CAHIIM" in response.content.decode()


def test_sponsored_rows_are_labelled_where_issue_5_plugs_in(client: Client, monkeypatch) -> None:
    factories.program("sinclair", "51.0713", 21)
    assert "badge-sponsored" not in client.get("/programs/").content.decode()

    monkeypatch.setattr(ranking, "is_sponsored", lambda: Value(True, output_field=BooleanField()))

    assert '<span class="badge badge-sponsored">Sponsored</span>' in client.get("/programs/").content.decode()


def test_pages_keep_the_filters_and_an_out_of_range_page_shows_the_last(client: Client, monkeypatch) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    factories.real_catalog()

    first = client.get("/programs/?credential=certificate&sort=name")
    last = client.get("/programs/?credential=certificate&sort=name&page=99")

    html = first.content.decode()
    assert heading(first) == "26 programs"
    assert 'href="?credential=certificate&amp;sort=name&amp;page=2"' in html
    assert 'hx-get="?credential=certificate&amp;sort=name&amp;page=6"' in html
    assert last.context["page"].number == 6
    assert len(last.context["programs"]) == 1
    everything = [
        p.pk
        for n in range(1, 7)
        for p in client.get(f"/programs/?credential=certificate&page={n}").context["programs"]
    ]
    assert len(everything) == len(set(everything)) == 26, "pages neither overlap nor skip"


def _fill_catalog_extras() -> None:
    catalog = factories.real_catalog()
    Program.objects.update(delivery=Delivery.ONLINE)
    for school in factories.REAL_PROGRAMS:
        factories.institutional_accreditation(factories.institution(school))
    for p in catalog:
        p.certifications.set(Certification.objects.all(), through_defaults=factories.CERTIFICATION_ENTRY)
        factories.programmatic_accreditation(p, "CAHIIM")


@pytest.mark.parametrize(
    ("query", "queries"),
    [
        # live campaigns (1) + facet counts (4) + page + certifications, programmatic and school
        # accreditations (3)
        ("", 9),
        ("delivery=online&credential=certificate&state=OH&state=FL&sort=shortest", 9),
        # + checking the CIP codes and the certification codes exist (1 each)
        ("q=health&cip=51.0707&cip=51.0713&certification=CCS&accreditation=cahiim&max_tuition=9000", 11),
    ],
)
@pytest.mark.parametrize("page_size", [3, 40])
def test_the_query_count_does_not_grow_with_the_page(
    client: Client, django_assert_num_queries, monkeypatch, query: str, queries: int, page_size: int
) -> None:
    _fill_catalog_extras()
    monkeypatch.setattr(views, "PAGE_SIZE", page_size)

    with django_assert_num_queries(queries):
        response = client.get(f"/programs/?{query}")

    shown = len(response.context["programs"])
    assert shown == min(page_size, response.context["counts"].total)
    assert shown > 0


def test_a_visitor_without_a_diploma_is_shown_the_way_not_a_dead_end(client: Client) -> None:
    factories.program("sinclair", "51.0713", 21)

    response = client.get("/programs/?education=0")

    html = response.content.decode()
    assert heading(response) == "0 programs"
    assert "None of these programs accepts students without a high school diploma or GED." in html
    assert '<a href="/match/">Find your program</a> shows the way there.' in html
    assert "Remove “Open to: Less than high school”</a>: 1 program" in html


def test_choice_labels_from_the_database_are_escaped(client: Client) -> None:
    factories.program("sinclair", "51.0713", 21)
    Certification.objects.create(code="XSS", name="<script>alert(1)</script>", body="<b>")

    html = client.get("/programs/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "XSS: &lt;script&gt;alert(1)&lt;/script&gt; (&lt;b&gt;)" in html
