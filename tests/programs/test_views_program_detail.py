"""/programs/<slug>/: the program and its school, honest about what the data does not say."""

from __future__ import annotations

import datetime
import html
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from programs.choices import Delivery
from programs.models import Accreditor, Certification, Occupation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seeds() -> None:
    """What migration 0002 seeds (a transactional test elsewhere may have flushed it)."""
    Certification.objects.get_or_create(
        code="CCS",
        defaults={"name": "Certified Coding Specialist", "body": "AHIMA", "url": "https://www.ahima.org/"},
    )
    Accreditor.objects.get_or_create(
        short_name="CAHIIM",
        defaults={
            "name": "Commission on Accreditation for Health Informatics and Information Management Education",
            "kind": "programmatic",
            "recognized_by": "Council for Higher Education Accreditation (CHEA)",
            "website": "https://www.cahiim.org/",
        },
    )


def medical_records_specialists() -> Occupation:
    """BLS OEWS May 2025 and projections 2024-34, as shipped in programs/data/bls/."""
    occupation = Occupation.objects.create(
        soc_code="29-2072",
        title="Medical Records Specialists",
        employment=194720,
        annual_median_wage=51140,
        annual_wage_p10=37000,
        annual_wage_p90=81150,
        hourly_median_wage=Decimal("24.59"),
        projected_change_pct=Decimal("7.1"),
        annual_openings=14200,
        typical_entry_education="Postsecondary nondegree award",
    )
    occupation.cip_codes.add(factories.cip("51.0713"), factories.cip("51.0707"))
    return occupation


def sinclair_coding(**kw):
    """Sinclair's coding certificate with its real College Scorecard row (debt suppressed)."""
    values = {
        "completions": 31,
        "outcomes_reported": True,
        "scorecard_completers": 99,
        "earnings_1yr": 26932,
        "earnings_4yr": 34861,
        "debt_median": None,
    } | kw
    return factories.program("sinclair", "51.0713", 21, **values)


def text(response) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_shows_the_program_the_school_and_the_figures_with_their_sources(client: Client) -> None:
    program = sinclair_coding(certifications=["CCS"])
    medical_records_specialists()

    response = client.get(program.get_absolute_url())

    assert response.status_code == 200
    page = text(response)
    assert "Medical Insurance Coding Specialist/Coder" in page
    assert "Sinclair Community College, Dayton, OH" in page
    assert "Credential Certificate (IPEDS award level: Certificate, 12 weeks to under 1 year)" in page
    assert "Length 12 weeks to under 1 year (IPEDS award level)" in page
    assert "Delivery Not reported (schools do not publish delivery per program)" in page
    assert "School's yearly tuition and fees, 2023-24: $4,569 in-state" in page
    assert "Admission requirement High school diploma or GED" in page
    assert (
        "Prepares for CCS (Certified Coding Specialist, AHIMA; checked 1 November 2026 on the school's page )"
        in page
    )
    assert "Graduates in 2023-24 31 (IPEDS Completions, first majors)" in page
    assert "Type of school Public" in page
    # College Scorecard, per school x 4-digit CIP x credential level, suppressed figures said so.
    assert "College Scorecard (field of study data, release of 10 June 2026)" in page
    assert "all undergraduate certificates and diplomas this school awards in Health and Medical" in page
    assert "Median earnings 1 year after graduating $26,932" in page
    assert "Median earnings 4 years after graduating $34,861" in page
    assert "Median federal loan debt at graduation Not published (privacy-suppressed)" in page
    # BLS, credited with dates.
    assert "Medical Records Specialists (SOC 29-2072)" in page
    assert "Median pay $51,140 a year" in page
    assert "Jobs, 2024 to 2034 +7.1%" in page
    assert "Openings a year 14,200" in page
    assert "Occupational Employment and Wage Statistics, May 2025" in page
    assert "Employment Projections 2024-34" in page


def test_says_not_reported_wherever_the_data_is_silent(client: Client) -> None:
    program = factories.program("capella", "51.0701", 6, completions=None)  # post-bacc: no IPEDS length
    program.institution.tuition_in_state = None
    program.institution.tuition_out_of_state = None
    program.institution.save()

    page = text(client.get(program.get_absolute_url()))

    assert "Length Not reported" in page
    assert "Tuition Not reported" in page
    assert "Prepares for Not reported" in page
    assert "Graduates in 2023-24 Not reported" in page
    assert "Admission requirement Bachelor's degree" in page
    assert (
        "Not reported: College Scorecard has no figures for this school, field and credential level." in page
    )
    assert "Not reported: the NCES CIP-SOC crosswalk links no occupation" in page
    assert (
        "No institutional accreditation for this school in the Department of Education's DAPIP data" in page
    )


def test_privacy_suppressed_outcomes_say_not_published(client: Client) -> None:
    program = factories.program("ccsf", "51.0707", 21, outcomes_reported=True, scorecard_completers=69)

    page = text(client.get(program.get_absolute_url()))

    assert "Graduates counted 69" in page
    assert page.count("Not published (privacy-suppressed)") == 3


def test_admin_entered_facts_say_where_they_come_from(client: Client) -> None:
    program = factories.program(
        "charter_oak",
        "51.0713",
        21,
        delivery=Delivery.ONLINE,
        delivery_confirmed=True,
        length_months=6,
        tuition=3200,
    )

    page = text(client.get(program.get_absolute_url()))

    assert "Length 6 months (from the school, checked by our team)" in page
    assert "Delivery Online (checked by our team)" in page
    assert "$3,200 for the whole program (published by the school)" in page


def test_accreditation_names_the_accreditor_with_its_source_and_date(client: Client) -> None:
    program = sinclair_coding()
    factories.institutional_accreditation(program.institution, granted_on=datetime.date(1970, 1, 1))
    factories.institutional_accreditation(
        program.institution,
        "Accrediting Bureau of Health Education Schools",
        granted_on=datetime.date(2005, 1, 1),
        ended_on=datetime.date(2015, 6, 30),
    )
    factories.programmatic_accreditation(program, "CAHIIM", granted_on=datetime.date(2021, 5, 1))

    response = client.get(program.get_absolute_url())

    page = text(response)
    assert (
        "Accredited by Commission on Accreditation for Health Informatics and Information Management " in page
    )
    assert "Education (CAHIIM) since May 2021" in page
    assert "Source: Entered by our team from the linked source, checked November 2026 ( source )" in page
    assert 'href="https://www.cahiim.org/" rel="nofollow noopener">source</a>' in response.content.decode()
    assert "Accredited by Higher Learning Commission since January 1970" in page
    assert "Source: U.S. Department of Education DAPIP, as of November 2020" in page
    assert (
        "Accredited by Accrediting Bureau of Health Education Schools since January 2005; ended 30 June 2015 "
        "Not current" in page
    )


def test_an_accreditor_that_lost_recognition_is_not_shown_as_current(client: Client) -> None:
    program = factories.program("broward", "51.0707", 21)
    record = factories.institutional_accreditation(
        program.institution, "Accrediting Council for Independent Colleges and Schools"
    )
    record.accreditor.recognition_ended_on = datetime.date(2022, 8, 19)
    record.accreditor.save()

    page = text(client.get(program.get_absolute_url()))

    assert (
        "the U.S. Department of Education withdrew its recognition of Accrediting Council for Independent "
        "Colleges and Schools on 19 August 2022, so this accreditation is no longer current Not current"
        in page
    )


def test_request_information_goes_into_the_match_flow_with_this_program(client: Client) -> None:
    program = sinclair_coding()

    page = client.get(program.get_absolute_url()).content.decode()

    assert (
        f'<a class="button button-primary" href="/match/?program={program.slug}">Request information</a>'
        in page
    )


def test_search_and_sharing_tags(client: Client) -> None:
    program = sinclair_coding()
    medical_records_specialists()
    url = settings.SITE_URL + program.get_absolute_url()

    markup = client.get(program.get_absolute_url()).content.decode()

    assert (
        "<title>Medical Insurance Coding Specialist/Coder (Certificate, 12 weeks to under 1 year), "
        "Sinclair Community College · CodingPath</title>" in markup
    )
    assert (
        '<meta name="description" content="Certificate (12 weeks to under 1 year) in Medical Insurance'
        in markup
    )
    assert f'<link rel="canonical" href="{url}">' in markup
    assert f'<meta property="og:url" content="{url}">' in markup
    assert '<meta property="og:title" content="Medical Insurance Coding Specialist/Coder' in markup
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', markup, flags=re.S)
    assert block
    data = json.loads(block.group(1))
    assert data["@type"] == "EducationalOccupationalProgram"
    assert data["url"] == url
    assert data["provider"]["name"] == "Sinclair Community College"
    assert data["provider"]["address"]["addressRegion"] == "OH"
    assert data["educationalCredentialAwarded"] == "Certificate, 12 weeks to under 1 year"
    assert data["programPrerequisites"]["credentialCategory"] == "High school diploma or GED"
    assert [o["codeValue"] for o in data["occupationalCategory"]] == ["29-2072"]
    assert "educationalProgramMode" not in data, "delivery is not reported, so it is not claimed"


def test_titles_differ_between_programs_of_one_school(client: Client) -> None:
    pages = [
        client.get(factories.program("capella", "51.0701", award).get_absolute_url()) for award in (6, 7)
    ]

    found = [re.search(r"<title>(.*?)</title>", p.content.decode()).group(1) for p in pages]
    assert found[0] != found[1]


def test_structured_data_cannot_break_out_of_its_script(client: Client) -> None:
    # An admin typed the school's own program name; it must stay data inside the JSON block.
    program = factories.program("sinclair", "51.0713", 21, name="Coding </script><script>alert(1)</script>")

    markup = client.get(program.get_absolute_url()).content.decode()

    assert "</script><script>alert(1)" not in markup
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', markup, flags=re.S)
    assert json.loads(block.group(1))["name"] == "Coding </script><script>alert(1)</script>"


@pytest.mark.parametrize("case", ["inactive program", "closed school", "unknown slug"])
def test_what_is_not_listed_is_not_found(client: Client, case: str) -> None:
    if case == "inactive program":
        url = factories.program("sinclair", "51.0713", 21, active=False).get_absolute_url()
    elif case == "closed school":
        url = factories.program(factories.institution("terra", active=False), "51.0707", 3).get_absolute_url()
    else:
        url = "/programs/no-such-program-123/"

    assert client.get(url).status_code == 404


def test_rejects_post(client: Client) -> None:
    assert client.post(sinclair_coding().get_absolute_url()).status_code == 405


def test_the_query_count_is_fixed(client: Client, django_assert_num_queries) -> None:
    program = sinclair_coding(certifications=["CCS"])
    medical_records_specialists()
    factories.institutional_accreditation(program.institution)
    factories.programmatic_accreditation(program, "CAHIIM")
    for code, award in factories.REAL_PROGRAMS["sinclair"]:
        if (code, award) != ("51.0713", 21):
            factories.program("sinclair", code, award)

    # live campaigns, program (+ its certifications, programmatic and school accreditations), the
    # school's and the program's accreditation records, occupations, other programs at the school
    with django_assert_num_queries(9):
        response = client.get(program.get_absolute_url())

    assert len(response.context["other_programs"]) == 5
