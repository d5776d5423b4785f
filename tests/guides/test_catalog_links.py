from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from guides.catalog_links import PARAMETERS, catalog_url, normalize_catalog_query
from guides.models import Guide
from programs.filters import ProgramFilter
from programs.models import Program
from tests import factories
from tests.guides.content import CCS_SLUG


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        (
            "delivery=online&credential=certificate&certification=CCS",
            "delivery=online&credential=certificate&certification=CCS",
        ),
        ("?credential=high_school", "credential=high_school"),
        ("/programs/?cip=51.0713&cip=51.0707", "cip=51.0713&cip=51.0707"),
        ("length=under_1_year&length=under_1_year", "length=under_1_year"),
        ("state=OH&state=FL&control=1&sort=completions", "state=OH&state=FL&control=1&sort=completions"),
        ("q=health records&education=1&max_tuition=5000", "q=health+records&education=1&max_tuition=5000"),
        ("accreditation=cahiim&accreditation=pcap&certification=CCS-P", None),
        ("", ""),
        ("   ", ""),
    ],
)  # fmt: skip
def test_known_filters_are_accepted_and_normalised(raw: str, normalized: str | None) -> None:
    assert normalize_catalog_query(raw) == (raw if normalized is None else normalized)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("utm_source=guide", "“utm_source” is not a catalog filter"),
        ("credential=phd", "“phd” is not a valid credential"),
        ("delivery=not_reported", "“not_reported” is not a valid delivery"),
        ("length=forever", "“forever” is not a valid length"),
        ("cip=510713", "“510713” is not a valid cip"),
        ("certification=CCS&certification=ABC", "“ABC” is not a valid certification"),
        ("state=Ohio", "“Ohio” is not a valid state"),
        ("education=1&education=2", "“education” can only be given once"),
        ("control=4", "“4” is not a valid control"),
        ("education=9", "“9” is not a valid education"),
        ("max_tuition=-5", "“-5” is not a valid max_tuition"),
        ("q=<script>", "“<script>” is not a valid q"),
        ("delivery", "name=value pairs"),
        ("credential=certificate&&", "name=value pairs"),
        ("q=" + "a" * 600, "under 500 characters"),
    ],
)
def test_unknown_filters_and_bad_values_are_refused_with_a_reason(raw: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_catalog_query(raw)

    assert any(message in text for text in caught.value.messages), caught.value.messages


def test_catalog_url_points_at_the_catalog() -> None:
    assert catalog_url("credential=high_school") == "/programs/?credential=high_school"
    assert catalog_url("") == "/programs/"


def test_the_parameters_guides_accept_are_the_catalogs_own_filters() -> None:
    assert set(PARAMETERS) == set(ProgramFilter.base_filters)


@pytest.mark.django_db
def test_every_step_of_the_ccs_guide_is_accepted_by_the_catalog() -> None:
    for code in ("51.0713", "51.0707", "51.0706"):
        factories.cip(code)
    steps = Guide.objects.get(slug=CCS_SLUG).steps.all()

    for step in steps:
        catalog = ProgramFilter(QueryDict(step.catalog_query), queryset=Program.objects.listed())
        assert catalog.form.is_valid(), (step.title, catalog.form.errors)
        assert set(catalog.form.cleaned_data) >= set(QueryDict(step.catalog_query))
