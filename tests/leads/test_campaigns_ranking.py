"""Sponsorship in the match ranking and the catalog: bounded lift, honest labels, nothing hidden."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from leads.matching import MAX_LIFT, Answers, match_programs
from leads.models import Sponsorship
from leads.places import lookup_zip
from programs.choices import EducationLevel
from programs.models import Program
from tests import factories
from tests.guides.content import ccs_guide
from tests.leads.campaign_helpers import campaign, submit
from tests.leads.conftest import answer_steps

pytestmark = pytest.mark.django_db

WHY = "Why am I seeing this?"
DISCLOSURE = "Listings may include sponsored content."
BADGE = '<span class="badge badge-sponsored">Sponsored</span>'


def answers(**kw) -> Answers:
    values = {
        "education": EducationLevel.HIGH_SCHOOL,
        "field": "any",
        "delivery": "either",
        "max_length": "any",
        "place": lookup_zip("45402"),
        "radius_miles": 50,
    } | kw
    return Answers(**values)


def order(results) -> list[Program]:
    return [m.program for m in results.matches]


# --- The match ranking --------------------------------------------------------------------------


def test_a_campaign_lifts_a_program_over_one_of_similar_fit() -> None:
    factories.program("sinclair", "51.0713", 21)
    factories.program("sinclair", "51.0714", 21)
    plain = match_programs(answers())
    leader, trailing = order(plain)
    assert abs(plain.matches[0].score - plain.matches[1].score) < MAX_LIFT

    campaign(trailing, lift=5)
    lifted = match_programs(answers())

    assert order(lifted) == [trailing, leader]
    assert [m.sponsored for m in lifted.matches] == [True, False]
    assert lifted.matches[0].score == pytest.approx(plain.matches[1].score + 5)


def test_a_campaign_never_puts_a_clearly_worse_fit_first() -> None:
    better = factories.program("sinclair", "51.0707", 3, completions=31)
    factories.institutional_accreditation(better.institution)
    factories.programmatic_accreditation(better, "CAHIIM")
    weaker = factories.program("cincinnati", "51.0706", 5)
    plain = {m.program: m.score for m in match_programs(answers()).matches}
    assert plain[better] - plain[weaker] > MAX_LIFT

    campaign(weaker, lift=5)
    lifted = match_programs(answers())

    assert order(lifted) == [better, weaker]
    assert {m.program: m.sponsored for m in lifted.matches} == {better: False, weaker: True}


def test_a_sponsored_program_that_does_not_fit_is_never_shown() -> None:
    fits = factories.program("sinclair", "51.0713", 21)
    too_far = factories.program("terra", "51.0713", 2)  # Fremont, 130 miles from Dayton
    needs_a_degree = factories.program("cincinnati", "51.0706", 6)  # post-baccalaureate certificate
    for program in (too_far, needs_a_degree):
        campaign(program, lift=5)

    shown = order(match_programs(answers()))

    assert shown == [fits]
    assert needs_a_degree in order(match_programs(answers(education=EducationLevel.BACHELORS)))


def test_programs_that_fit_are_never_hidden_by_a_campaign() -> None:
    factories.real_catalog()
    before = match_programs(answers(radius_miles=500), limit=100)

    for program in Program.objects.filter(institution__unitid=205470):
        campaign(program, lift=5)
    campaign(factories.institution("terra"), lift=3)
    after = match_programs(answers(radius_miles=500), limit=100)

    assert set(order(after)) == set(order(before))
    assert after.total == before.total
    assert {m.program.institution.name for m in after.matches if m.sponsored} == {
        "Sinclair Community College",
        "Terra State Community College",
    }


def test_a_program_whose_campaign_reached_its_cap_is_listed_unsponsored() -> None:
    factories.program("sinclair", "51.0713", 21)
    factories.program("sinclair", "51.0714", 21)
    leader, trailing = order(match_programs(answers()))
    campaign(trailing, daily_cap=1)
    assert order(match_programs(answers()))[0] == trailing

    submit(trailing)
    capped = match_programs(answers())

    assert order(capped) == [leader, trailing]
    assert not any(m.sponsored for m in capped.matches)


def test_match_results_label_each_sponsored_program_and_say_why(client: Client) -> None:
    sponsored = factories.program("sinclair", "51.0713", 21)
    factories.program("sinclair", "51.0714", 21)
    campaign(sponsored)
    answer_steps(client, field="any", delivery="either", max_length="any")

    html = client.get("/match/step/4/").content.decode()

    cards = re.findall(r'<article class="card match-card[^"]*".*?</article>', html, re.S)
    labelled = [card for card in cards if BADGE in card]
    assert len(cards) == 2
    assert len(labelled) == 1
    assert sponsored.get_absolute_url() in labelled[0]
    assert f"<summary>{WHY}</summary>" in labelled[0]
    assert "programs that fit your answers. It never changes which programs you can see." in labelled[0]
    assert DISCLOSURE in html


def test_the_results_page_costs_the_same_queries_with_campaigns(
    client: Client, django_assert_num_queries
) -> None:
    for school, code, level in [
        ("sinclair", "51.0713", 21),
        ("sinclair", "51.0714", 21),
        ("terra", "51.0713", 2),
    ]:
        factories.program(school, code, level)
    answer_steps(client, field="any", delivery="either", max_length="any")
    with CaptureQueriesContext(connection) as without:
        client.get("/match/step/4/")

    for program in Program.objects.all():
        campaign(program)
    campaign(factories.institution("sinclair"))

    with django_assert_num_queries(len(without)):
        assert BADGE in client.get("/match/step/4/").content.decode()


# --- The catalog's best-match order, its rows and program pages ---------------------------------


def catalog_order(client: Client, query: str = "") -> list[Program]:
    return list(client.get(f"/programs/{query}").context["programs"])


def test_the_catalog_lifts_a_sponsored_program_over_one_of_equal_fit(client: Client) -> None:
    bigger = factories.program("sinclair", "51.0713", 21, completions=50)
    smaller = factories.program("terra", "51.0713", 2, completions=5)
    assert catalog_order(client) == [bigger, smaller]  # equal fit: most graduates first

    campaign(smaller, lift=1)

    assert catalog_order(client) == [smaller, bigger]


def test_the_catalog_never_puts_a_better_fit_behind_a_sponsored_one(client: Client) -> None:
    # One fit point (published outcomes) outweighs the largest lift in the catalog's order.
    better = factories.program("sinclair", "51.0713", 21, earnings_1yr=41000)
    sponsored = factories.program("terra", "51.0713", 2, completions=500)
    campaign(sponsored, lift=5)

    assert catalog_order(client) == [better, sponsored]
    assert catalog_order(client, "?sort=completions") == [sponsored, better]  # other orders: no lift


def test_the_catalog_filters_decide_what_is_shown_never_a_campaign(client: Client) -> None:
    factories.real_catalog()
    degree_only = Program.objects.get(institution__unitid=413413, award_level=7)  # Capella master's
    campaign(degree_only, lift=5)
    campaign(factories.institution("sinclair"), lift=5)
    without = Program.objects.listed().filter(minimum_education__lte=EducationLevel.HIGH_SCHOOL).count()

    response = client.get(f"/programs/?education={EducationLevel.HIGH_SCHOOL}")

    assert response.context["counts"].total == without
    assert degree_only not in response.context["programs"]
    assert degree_only in catalog_order(client)[:7]


def test_catalog_rows_and_program_pages_label_sponsored_programs(client: Client) -> None:
    sponsored = factories.program("sinclair", "51.0713", 21)
    plain = factories.program("terra", "51.0713", 2)
    campaign(sponsored.institution)

    listing = client.get("/programs/").content.decode()
    rows = re.findall(r'<li class="program-row card">.*?</li>\n', listing, re.S)
    sponsored_page = client.get(sponsored.get_absolute_url()).content.decode()
    plain_page = client.get(plain.get_absolute_url()).content.decode()

    assert [BADGE in row for row in rows] == [True, False]
    assert f"<summary>{WHY}</summary>" in rows[0]
    assert "programs that match your filters" in rows[0]
    assert DISCLOSURE in listing
    assert BADGE in sponsored_page
    assert f"<summary>{WHY}</summary>" in sponsored_page
    assert BADGE not in plain_page
    assert WHY not in plain_page
    assert DISCLOSURE in plain_page


def test_a_capped_campaign_leaves_its_program_page_unlabelled(client: Client) -> None:
    sponsored = factories.program("sinclair", "51.0713", 21)
    campaign(sponsored, total_cap=1)
    submit(sponsored)

    assert BADGE not in client.get(sponsored.get_absolute_url()).content.decode()
    assert BADGE not in client.get("/programs/").content.decode()


def test_the_catalog_costs_the_same_queries_with_campaigns(client: Client, django_assert_num_queries) -> None:
    factories.real_catalog()
    sinclair = Program.objects.filter(institution__unitid=205470).first()
    with CaptureQueriesContext(connection) as list_plain:
        client.get("/programs/")
    with CaptureQueriesContext(connection) as page_plain:
        client.get(sinclair.get_absolute_url())

    for program in Program.objects.all()[:10]:
        campaign(program)
    campaign(factories.institution("sinclair"))

    with django_assert_num_queries(len(list_plain)):
        assert BADGE in client.get("/programs/").content.decode()
    with django_assert_num_queries(len(page_plain)):
        assert BADGE in client.get(sinclair.get_absolute_url()).content.decode()


# --- The guide -------------------------------------------------------------------------------


def test_the_guide_labels_a_sponsored_popular_program_without_reordering(client: Client) -> None:
    guide = ccs_guide()
    big = factories.program("broward", "51.0707", 3, completions=60)
    sponsored = factories.program("sinclair", "51.0713", 21, completions=40)
    campaign(sponsored)

    html = client.get(guide.get_absolute_url()).content.decode()
    popular = html.split('id="popular-heading"')[1].split('id="sources-heading"')[0]

    assert popular.index(big.institution.name) < popular.index(sponsored.institution.name)
    assert popular.count("Sponsored</span>") == 1
    assert f"<summary>{WHY}</summary>" in popular
    assert "payment never changes which programs you can see" in popular
    assert DISCLOSURE in popular


def test_the_guide_drops_the_label_when_the_campaign_is_paused(client: Client) -> None:
    guide = ccs_guide()
    sponsored = factories.program("sinclair", "51.0713", 21, completions=40)
    running = campaign(sponsored)
    assert "Sponsored</span>" in client.get(guide.get_absolute_url()).content.decode()

    running.status = Sponsorship.Status.PAUSED
    running.save(update_fields=["status"])
    html = client.get(guide.get_absolute_url()).content.decode()
    popular = html.split('id="popular-heading"')[1].split('id="sources-heading"')[0]

    assert sponsored.institution.name in popular
    assert "Sponsored</span>" not in popular
