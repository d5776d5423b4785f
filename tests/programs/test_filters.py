"""ProgramFilter: what each filter selects, how bad input is refused, and counts that match results."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict

from programs.choices import Delivery, EducationLevel
from programs.facets import catalog_counts
from programs.filters import ProgramFilter
from programs.models import Accreditor, Certification, Program
from tests import factories

pytestmark = pytest.mark.django_db

CERTIFICATIONS = [
    ("CCA", "Certified Coding Associate", "AHIMA"),
    ("CCS", "Certified Coding Specialist", "AHIMA"),
    ("CPC", "Certified Professional Coder", "AAPC"),
]


@pytest.fixture(autouse=True)
def seeds() -> None:
    """What migration 0002 seeds (a transactional test elsewhere may have flushed it)."""
    for code, name, body in CERTIFICATIONS:
        Certification.objects.get_or_create(code=code, defaults={"name": name, "body": body})
    for short_name, name, website in [
        ("CAHIIM", "Commission on Accreditation for Health Informatics and Information Management Education",
         "https://www.cahiim.org/"),
        ("PCAP", "AHIMA Professional Certificate Approval Program", "https://www.ahima.org/"),
    ]:  # fmt: skip
        Accreditor.objects.get_or_create(
            short_name=short_name, defaults={"name": name, "kind": "programmatic", "website": website}
        )


def results(query: str) -> set[int]:
    filterset = ProgramFilter(QueryDict(query), queryset=Program.objects.listed())
    return set(filterset.qs.values_list("pk", flat=True))


def errors(query: str) -> dict[str, list[str]]:
    filterset = ProgramFilter(QueryDict(query), queryset=Program.objects.listed())
    return {name: list(messages) for name, messages in filterset.form.errors.items()}


def test_no_filter_lists_every_listed_program_only() -> None:
    shown = factories.program("sinclair", "51.0713", 21)
    factories.program("sinclair", "51.0707", 2, active=False)
    factories.program(factories.institution("terra", active=False), "51.0707", 2)

    assert results("") == {shown.pk}


def test_search_matches_program_title_school_name_and_city_with_every_word() -> None:
    coding = factories.program("sinclair", "51.0713", 21)  # Medical Insurance Coding..., Dayton
    broward = factories.program("broward", "51.0707", 3)  # Broward College, Fort Lauderdale
    named = factories.program("ccsf", "51.0707", 21, name="Health Information Coding Certificate")

    assert results("q=coding") == {coding.pk, named.pk}
    assert results("q=BROWARD") == {broward.pk}
    assert results("q=fort+lauderdale") == {broward.pk}
    assert results("q=coding+dayton") == {coding.pk}
    assert results("q=51.0713") == {coding.pk}
    assert results("q=coding+nowhere") == set()


def test_values_of_one_filter_combine_with_or_and_filters_combine_with_and() -> None:
    ohio_cert = factories.program("sinclair", "51.0713", 21, delivery=Delivery.ONLINE)
    ohio_degree = factories.program("sinclair", "51.0707", 3, delivery=Delivery.HYBRID)
    florida_cert = factories.program("broward", "51.0707", 21, delivery=Delivery.ONLINE)
    texas_cert = factories.program("mclennan", "51.0707", 21, delivery=Delivery.CAMPUS)

    assert results("state=OH&state=FL") == {ohio_cert.pk, ohio_degree.pk, florida_cert.pk}
    assert results("delivery=online&delivery=hybrid") == {ohio_cert.pk, ohio_degree.pk, florida_cert.pk}
    assert results("state=OH&state=FL&credential=certificate") == {ohio_cert.pk, florida_cert.pk}
    assert results("state=OH&state=TX&delivery=online") == {ohio_cert.pk}
    assert results("credential=certificate&credential=associate&delivery=campus") == {texas_cert.pk}


def test_field_credential_and_control() -> None:
    coding = factories.program("sinclair", "51.0713", 21)
    him = factories.program("terra", "51.0707", 3)
    bachelors = factories.program("capella", "51.0701", 5)

    assert results("cip=51.0713&cip=51.0707") == {coding.pk, him.pk}
    assert results("credential=bachelors") == {bachelors.pk}
    assert results("control=3") == {bachelors.pk}
    assert results("control=1&control=2") == {coding.pk, him.pk}


def test_length_uses_exact_months_where_an_admin_entered_them() -> None:
    short = factories.program("valencia", "51.0701", 20)  # IPEDS: under 12 weeks
    year = factories.program("sinclair", "51.0713", 21)  # IPEDS: 12 weeks to under 1 year
    # IPEDS says 1 to 2 years; the school's page says 10 months, entered by an admin.
    ten_months = factories.program("broward", "51.0714", 2, length_months=10)
    degree = factories.program("terra", "51.0707", 3)

    assert results("length=under_12_weeks") == {short.pk}
    assert results("length=under_12_weeks&length=under_1_year") == {short.pk, year.pk, ten_months.pk}
    assert results("length=1_to_2_years") == set()
    assert results("length=2_years_plus") == {degree.pk}


def test_education_shows_the_programs_a_visitor_can_enter() -> None:
    certificate = factories.program("sinclair", "51.0713", 21)  # needs a diploma or GED
    masters = factories.program("capella", "51.0701", 7)  # needs a bachelor's degree

    assert results(f"education={EducationLevel.LESS_THAN_HIGH_SCHOOL}") == set()
    assert results(f"education={EducationLevel.HIGH_SCHOOL}") == {certificate.pk}
    assert results(f"education={EducationLevel.ASSOCIATE}") == {certificate.pk}
    assert results(f"education={EducationLevel.BACHELORS}") == {certificate.pk, masters.pk}


def test_accreditation_counts_only_current_records_by_named_accreditors() -> None:
    current = factories.program("sinclair", "51.0713", 21)
    factories.institutional_accreditation(current.institution)
    ended = factories.program("terra", "51.0707", 3)
    factories.institutional_accreditation(ended.institution, ended_on=datetime.date(2019, 6, 30))
    acics_school = factories.program("broward", "51.0707", 21)
    factories.institutional_accreditation(
        acics_school.institution, "Accrediting Council for Independent Colleges and Schools"
    )
    Accreditor.objects.filter(name__startswith="Accrediting Council for Independent").update(
        recognition_ended_on=datetime.date(2022, 8, 19)
    )
    cahiim = factories.program("ccsf", "51.0707", 3)
    factories.programmatic_accreditation(cahiim, "CAHIIM")
    pcap = factories.program("mclennan", "51.0707", 21)
    factories.programmatic_accreditation(pcap, "PCAP")
    lapsed_pcap = factories.program("valencia", "51.0707", 3)
    factories.programmatic_accreditation(lapsed_pcap, "PCAP", ended_on=datetime.date(2024, 1, 1))

    assert results("accreditation=institutional") == {current.pk}
    assert results("accreditation=cahiim") == {cahiim.pk}
    assert results("accreditation=pcap") == {pcap.pk}
    assert results("accreditation=cahiim&accreditation=pcap") == {cahiim.pk, pcap.pk}


def test_certification_prepared_for() -> None:
    ccs = factories.program("sinclair", "51.0713", 21, certifications=["CCS", "CPC"])
    cpc = factories.program("broward", "51.0714", 2, certifications=["CPC"])
    factories.program("terra", "51.0707", 3)

    assert results("certification=CCS") == {ccs.pk}
    assert results("certification=ccs") == {ccs.pk}
    assert results("certification=CPC") == {ccs.pk, cpc.pk}
    assert results("certification=CCS&certification=CPC") == {ccs.pk, cpc.pk}


def test_max_tuition_uses_program_cost_first_then_the_schools_yearly_tuition() -> None:
    ccsf = factories.program("ccsf", "51.0707", 21)  # school: $1,696 a year
    sinclair = factories.program("sinclair", "51.0713", 21)  # school: $4,569 a year
    # Capella's yearly tuition is $14,436; this program's own published cost is lower.
    priced = factories.program("capella", "51.0706", 4, tuition=3_000)
    unknown = factories.program("terra", "51.0707", 3)
    unknown.institution.tuition_in_state = None
    unknown.institution.save()

    assert results("max_tuition=2000") == {ccsf.pk}
    assert results("max_tuition=$5,000") == {ccsf.pk, sinclair.pk, priced.pk}
    assert results("max_tuition=0") == set()
    assert unknown.pk not in results("max_tuition=1000000")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("delivery=drone", "delivery", "“drone” is not one of the delivery options listed here."),
        ("delivery=not_reported", "delivery", "“not_reported” is not one of the delivery options"),
        ("credential=phd", "credential", "“phd” is not one of the credential levels listed here."),
        ("length=forever", "length", "is not one of the program lengths listed here"),
        ("state=ZZ", "state", "“ZZ” is not one of the states listed here."),
        ("control=9", "control", "“9” is not one of the types of school listed here."),
        ("accreditation=acics", "accreditation", "not one of the accreditation options"),
        ("certification=XYZ", "certification", "“XYZ” is not a certification we list."),
        ("certification=%3Cscript%3E", "certification", "is not one of the certifications listed here"),
        ("cip=51.07", "cip", "“51.07” is not one of the fields of study listed here."),
        ("cip=99.9999", "cip", "“99.9999” is not a field (CIP code) in this catalog."),
        ("education=7", "education", "That is not one of the education levels listed here."),
        ("education=high", "education", "That is not one of the education levels listed here."),
        ("sort=cheapest", "sort", "That is not one of the sort orders listed here."),
        (
            "max_tuition=cheap",
            "max_tuition",
            "Enter the most you would pay in whole dollars, for example 5000.",
        ),
        ("max_tuition=12.5", "max_tuition", "Enter the most you would pay in whole dollars"),
        ("max_tuition=-5", "max_tuition", "Enter an amount of $0 or more."),
        ("max_tuition=99999999999999999999999", "max_tuition", "Enter an amount of $1,000,000 or less."),
        ("max_tuition=" + "9" * 10_000, "max_tuition", "Enter the most you would pay in whole dollars"),
        ("max_tuition=5%00000", "max_tuition", "Enter the most you would pay in whole dollars"),
        ("q=" + "a" * 10_000, "q", "Keep your search to 100 characters or fewer (it has 10,000)."),
        ("q=coding%00", "q", "Your search contains an invisible null character."),
        ("state=" + "%00" * 5, "state", "is not one of the states listed here"),
        ("delivery=" + "x" * 10_000, "delivery", "is not one of the delivery options listed here"),
        ("state=OH&" + "&".join(f"state=S{n}" for n in range(100)), "state", "Choose at most 60 states."),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(query: str, field: str, message: str) -> None:
    programs = [factories.program("sinclair", "51.0713", 21), factories.program("terra", "51.0707", 3)]

    found = errors(query)

    assert list(found) == [field]
    assert message in found[field][0]
    assert results(query) == {p.pk for p in programs}, "an invalid filter must not narrow the results"


def test_an_invalid_filter_leaves_the_valid_ones_working() -> None:
    ohio = factories.program("sinclair", "51.0713", 21)
    factories.program("broward", "51.0707", 3)

    assert results("state=OH&delivery=drone&max_tuition=lots") == {ohio.pk}


@pytest.mark.parametrize(
    "text",
    [
        "é",
        "Æ",
        "日本語の学校",
        "مدرسة",
        "🙂 coding",
        "Z̤͔ͧ̑̓",
        "\u202eevil",
        "'; DROP TABLE programs_program; --",
        "%_",
    ],
)
def test_any_unicode_search_is_safe(text: str) -> None:
    factories.program("sinclair", "51.0713", 21)
    query = QueryDict(mutable=True)
    query["q"] = text

    filterset = ProgramFilter(query, queryset=Program.objects.listed())

    assert filterset.form.is_valid()
    assert list(filterset.qs) == [] or all(isinstance(p, Program) for p in filterset.qs)
    assert Program.objects.count() == 1


def test_valid_query_keeps_valid_filters_only() -> None:
    filterset = ProgramFilter(
        QueryDict("state=OH&state=FL&delivery=drone&q=&max_tuition=abc&sort=shortest&page=3&utm_source=x"),
        queryset=Program.objects.listed(),
    )

    assert filterset.valid_query().urlencode() == "state=OH&state=FL&sort=shortest"


COUNT_QUERIES = [
    "",
    "delivery=online",
    "state=OH&credential=certificate",
    "delivery=online&credential=certificate&certification=CCS&length=under_1_year",
    "accreditation=institutional&education=1&max_tuition=5000",
    "q=coding&cip=51.0713&cip=51.0707&control=1",
    "state=TX&delivery=hybrid",  # nothing matches
]


@pytest.mark.parametrize("query", COUNT_QUERIES)
def test_every_count_equals_the_results_its_choice_gives(query: str) -> None:
    catalog = factories.real_catalog()
    online = [p for p in catalog if p.institution.fully_online] + catalog[:6]
    Program.objects.filter(pk__in=[p.pk for p in online]).update(delivery=Delivery.ONLINE)
    for p in catalog[::3]:
        p.certifications.set(
            Certification.objects.filter(code__in=["CCS", "CPC"]),
            through_defaults=factories.CERTIFICATION_ENTRY,
        )
    for school in ("sinclair", "broward", "capella"):
        factories.institutional_accreditation(factories.institution(school))
    factories.programmatic_accreditation(catalog[1], "CAHIIM")

    data = QueryDict(query)
    filterset = ProgramFilter(data, queryset=Program.objects.listed())
    counts = catalog_counts(filterset, query=filterset.valid_query())

    assert counts.total == filterset.qs.count()
    checked = 0
    for name, facet in counts.facets.items():
        for choice in facet.choices:
            # Choosing this one value of the facet, keeping the other filters.
            chosen = data.copy()
            chosen.setlist(name, [choice.value])
            assert len(results(chosen.urlencode())) == choice.count, (name, choice.value)
            checked += 1
    for active in counts.active:
        assert len(results(active.remove_query.lstrip("?"))) == active.count_without, active.name
    assert checked >= 29  # every fixed choice and certification, plus states and fields


def test_a_choice_that_would_give_nothing_is_shown_with_zero() -> None:
    factories.program("sinclair", "51.0713", 21)

    filterset = ProgramFilter(QueryDict("delivery=online"), queryset=Program.objects.listed())
    counts = catalog_counts(filterset, query=filterset.valid_query())

    delivery = {choice.value: (choice.count, choice.selected) for choice in counts.facets["delivery"].choices}
    assert delivery == {"online": (0, True), "hybrid": (0, False), "campus": (0, False)}
    assert counts.facets["delivery"].not_reported == 1
    assert counts.total == 0
    assert [(a.name, a.count_without) for a in counts.loosening] == [("delivery", 1)]
