from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from guides.models import Guide, GuideStep
from guides.sanitize import sanitize_html
from tests.guides.content import CCS_SLUG

pytestmark = pytest.mark.django_db


BILLER_DESCRIPTION = "What a medical biller does, the training and the steps to a billing credential."


def make_guide(**overrides) -> Guide:
    values = {
        "title": "How to become a medical biller",
        "slug": "medical-biller",
        "meta_description": BILLER_DESCRIPTION,
        "summary": "A short guide.",
        "body": "<h2>What the work is</h2><p>Billing.</p>",
    } | overrides
    return Guide.objects.create(**values)


def test_the_ccs_guide_is_created_published_by_the_data_migration() -> None:
    guide = Guide.objects.get(slug=CCS_SLUG)

    assert guide.title == "How to become a Certified Coding Specialist"
    assert guide.is_published
    assert guide.published_on == datetime.date(2026, 11, 26)
    assert guide.cip_codes == ["51.0713", "51.0707"]
    assert [(step.position, step.title) for step in guide.steps.all()] == [
        (1, "Finish high school, or earn a GED or HiSET"),
        (2, "Complete a medical coding training program"),
        (3, "Consider an associate or bachelor's degree (optional)"),
        (4, "Get hands-on coding experience"),
        (5, "Pass the CCS exam"),
    ]


def test_the_ccs_guide_text_is_already_in_the_allowed_subset_and_states_no_wage() -> None:
    guide = Guide.objects.get(slug=CCS_SLUG)
    texts = [guide.body, *(step.body for step in guide.steps.all())]

    for text in texts:
        assert sanitize_html(text) == text
        # Pay comes live from the BLS rows, never from the guide's own text.
        assert "$" not in text
        assert "wage" not in text.lower()


def test_the_ccs_guide_sources_every_exam_figure_to_ahima_with_a_date() -> None:
    guide = Guide.objects.get(slug=CCS_SLUG)
    exam = guide.steps.get(position=5).body
    sources = {source.url: source for source in guide.sources.all()}

    for fact in ("four hours", "115 to 140 questions", "300"):
        assert fact in exam
    assert "as checked on 26 November 2026" in exam
    ahima = sources["https://www.ahima.org/certification-careers/certifications-overview/ccs"]
    assert ahima.publisher == "AHIMA"
    assert ahima.checked_on == datetime.date(2026, 11, 26)
    assert {"https://www.cahiim.org/", "https://www.ged.com/", "https://hiset.org/"} <= set(sources)


def test_saving_a_guide_sanitises_its_body_and_dates_the_first_publication() -> None:
    guide = make_guide(body='<h2>Work</h2><p onclick="x()">Text</p><script>alert(1)</script>')

    assert guide.body == "<h2>Work</h2><p>Text</p>"
    assert guide.published_on is None

    guide.status = Guide.Status.PUBLISHED
    guide.save()

    assert guide.published_on is not None


def test_a_published_guide_without_a_date_is_refused_by_the_database() -> None:
    guide = make_guide()

    with pytest.raises(IntegrityError):
        Guide.objects.filter(pk=guide.pk).update(status=Guide.Status.PUBLISHED, published_on=None)


def test_saving_a_step_sanitises_its_body_and_normalises_its_filters() -> None:
    step = GuideStep.objects.create(
        guide=make_guide(),
        position=1,
        title="Train",
        body='<p>Go <a href="javascript:alert(1)">here</a></p>',
        catalog_query="?credential=certificate&delivery=online&delivery=online",
    )

    assert step.body == '<p>Go <a rel="nofollow noopener">here</a></p>'
    assert step.catalog_query == "credential=certificate&delivery=online"
    assert step.catalog_url == "/programs/?credential=certificate&delivery=online"


def test_a_step_with_an_unknown_filter_fails_validation_with_the_reason() -> None:
    step = GuideStep(guide=make_guide(), position=1, title="Train", body="<p>x</p>", catalog_query="utm=1")

    with pytest.raises(ValidationError) as caught:
        step.full_clean()

    assert "catalog_query" in caught.value.message_dict
    assert "“utm” is not a catalog filter" in caught.value.message_dict["catalog_query"][0]


def test_a_bad_filter_written_around_validation_never_becomes_a_link() -> None:
    step = GuideStep.objects.create(guide=make_guide(), position=1, title="Train", body="<p>x</p>")
    GuideStep.objects.filter(pk=step.pk).update(catalog_query="next=https://evil.example")
    step.refresh_from_db()

    assert step.catalog_url == ""


@pytest.mark.parametrize("codes", ["51.0713", "51.0713, 51.0707", ""])
def test_cip_codes_accept_a_comma_separated_list(codes: str) -> None:
    make_guide(occupation_cip_codes=codes).full_clean()


@pytest.mark.parametrize("codes", ["510713", "51.0713;51.0707", "medical coding"])
def test_cip_codes_refuse_anything_else(codes: str) -> None:
    guide = make_guide(occupation_cip_codes=codes)

    with pytest.raises(ValidationError) as caught:
        guide.full_clean()

    assert "occupation_cip_codes" in caught.value.message_dict


def test_titles_and_meta_descriptions_are_unique_per_guide() -> None:
    make_guide()

    with pytest.raises(ValidationError) as caught:
        Guide(
            title="How to become a medical biller",
            slug="other",
            meta_description=BILLER_DESCRIPTION,
            summary="x",
            body="<p>x</p>",
        ).full_clean()

    assert {"title", "meta_description"} <= set(caught.value.message_dict)


def test_a_meta_description_must_say_enough() -> None:
    with pytest.raises(ValidationError) as caught:
        Guide(title="T", slug="t", meta_description="Too short.", summary="x", body="<p>x</p>").full_clean()

    assert "meta_description" in caught.value.message_dict
