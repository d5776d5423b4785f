from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest
from django.conf import settings

from leads import matching
from leads.choices import FIELD_CIP_CODES, FieldOfInterest, field_for_cip
from leads.matching import MAX_LIFT, Answers, hard_rule_failures, match_programs
from leads.places import lookup_zip
from programs.choices import Delivery, EducationLevel
from programs.models import CipCode, Program
from tests import factories

pytestmark = pytest.mark.django_db

DAYTON = "45402"


def answers(**kw) -> Answers:
    values = {
        "education": EducationLevel.HIGH_SCHOOL,
        "field": FieldOfInterest.ANY,
        "delivery": "either",
        "max_length": "any",
        "place": lookup_zip(DAYTON),
        "radius_miles": 50,
    } | kw
    return Answers(**values)


def titles(results) -> list[tuple[str, int, str]]:
    return [(m.program.institution.name, m.program.award_level, m.program.cip_id) for m in results.matches]


def test_fields_map_to_the_cip_2020_codes_behind_them() -> None:
    path = Path(settings.BASE_DIR) / "programs/data/cip/CIPCode2020.csv"
    with path.open(encoding="utf-8-sig") as handle:
        official = {row[1].strip('="'): row[4] for row in csv.reader(handle) if len(row) > 4}
    assert official["51.0713"].startswith("Medical Insurance Coding Specialist/Coder")
    assert official["51.0714"].startswith("Medical Insurance Specialist/Medical Biller")
    assert official["51.0707"].startswith("Health Information/Medical Records Technology/Technician")
    assert official["51.0706"].startswith("Health Information/Medical Records Administration/Administrator")
    assert FIELD_CIP_CODES[FieldOfInterest.CODING_BILLING] == ("51.0713", "51.0714")
    assert FIELD_CIP_CODES[FieldOfInterest.HEALTH_INFO_TECH] == ("51.0707",)
    assert FIELD_CIP_CODES[FieldOfInterest.HEALTH_INFO_MANAGEMENT] == ("51.0706",)
    assert set(FIELD_CIP_CODES[FieldOfInterest.ANY]) == {"51.0713", "51.0714", "51.0707", "51.0706"}
    assert field_for_cip("51.0714") == FieldOfInterest.CODING_BILLING
    assert field_for_cip("51.0701") is None


def test_admission_requirement_comes_first() -> None:
    bachelors = factories.program("cincinnati", "51.0706", 5)
    postbacc = factories.program("cincinnati", "51.0706", 6)

    with_diploma = match_programs(answers())
    with_degree = match_programs(answers(education=EducationLevel.BACHELORS))

    assert [m.program for m in with_diploma.matches] == [bachelors]
    assert "Accepts a high school diploma or GED" in with_diploma.matches[0].reasons
    assert {m.program for m in with_degree.matches} == {bachelors, postbacc}
    degree_match = next(m for m in with_degree.matches if m.program == postbacc)
    assert "Requires a bachelor's degree" in degree_match.reasons
    assert hard_rule_failures(postbacc, answers()) == ["Needs: bachelor's degree"]


def test_field_is_a_hard_rule() -> None:
    factories.program("sinclair", "51.0713", 21)
    factories.program("sinclair", "51.0707", 3)

    coding = match_programs(answers(field=FieldOfInterest.CODING_BILLING))
    hit = match_programs(answers(field=FieldOfInterest.HEALTH_INFO_TECH))

    assert [m.program.cip_id for m in coding.matches] == ["51.0713"]
    assert [m.program.cip_id for m in hit.matches] == ["51.0707"]


def test_online_only_includes_online_schools_anywhere_and_unreported_delivery_only_nearby() -> None:
    online = factories.program(
        "charter_oak", "51.0713", 21, delivery=Delivery.ONLINE
    )  # fully online school: "online"
    nearby = factories.program("sinclair", "51.0713", 21)  # delivery not reported, under a mile
    far = factories.program("terra", "51.0713", 2)  # delivery not reported, about 130 miles

    results = match_programs(answers(delivery="online", field=FieldOfInterest.CODING_BILLING))

    assert [m.program for m in results.matches] == [online, nearby]
    assert online.delivery == Delivery.ONLINE
    assert results.matches[0].reasons[0] == "Online"
    nearby_reasons = results.matches[1].reasons
    assert "Online" not in nearby_reasons
    assert "Delivery not reported: ask the school" in nearby_reasons
    assert "Less than a mile from 45402" in nearby_reasons
    assert far not in [m.program for m in results.matches]


def test_campus_only_excludes_fully_online_schools_and_far_campuses() -> None:
    factories.program("charter_oak", "51.0713", 21, delivery=Delivery.ONLINE)
    nearby = factories.program("sinclair", "51.0713", 21, delivery=Delivery.CAMPUS, delivery_confirmed=True)
    factories.program("terra", "51.0713", 2)

    results = match_programs(answers(delivery="campus"))

    assert [m.program for m in results.matches] == [nearby]
    assert results.matches[0].reasons[:2] == ("On campus", "Less than a mile from 45402")


def test_a_confirmed_campus_program_is_not_shown_to_an_online_only_visitor() -> None:
    program = factories.program("sinclair", "51.0713", 21, delivery=Delivery.CAMPUS, delivery_confirmed=True)

    assert match_programs(answers(delivery="online")).matches == ()
    assert hard_rule_failures(program, answers(delivery="online")) == ["On campus, not online"]


def test_distance_is_measured_to_the_institution() -> None:
    cincinnati = factories.program("cincinnati", "51.0706", 5)
    sinclair = factories.program("sinclair", "51.0707", 3)

    assert [m.program for m in match_programs(answers(radius_miles=30)).matches] == [sinclair]
    results = match_programs(answers(radius_miles=50))

    assert [m.program for m in results.matches] == [sinclair, cincinnati]
    results = match_programs(answers(radius_miles=50, field="him"))
    assert [m.program for m in results.matches] == [cincinnati]
    assert 40 < results.matches[0].distance_miles < 50
    assert f"{round(results.matches[0].distance_miles)} miles from 45402" in results.matches[0].reasons


def test_longest_length_is_respected_with_months_where_an_admin_entered_them() -> None:
    certificate = factories.program("sinclair", "51.0713", 21)
    associate = factories.program("sinclair", "51.0707", 3)
    short_by_months = factories.program("sinclair", "51.0707", 2, length_months=9)

    results = match_programs(answers(max_length="under_1_year"))

    assert {m.program for m in results.matches} == {certificate, short_by_months}
    assert associate not in {m.program for m in results.matches}
    reasons = next(m.reasons for m in results.matches if m.program == short_by_months)
    assert "Length: 9 months" in reasons


def test_accreditation_outcomes_and_cost_raise_the_fit_with_reasons() -> None:
    sinclair = factories.program("sinclair", "51.0707", 3, completions=31, earnings_1yr=36636)
    terra = factories.program("terra", "51.0707", 3, completions=7)
    factories.institutional_accreditation(sinclair.institution)
    factories.programmatic_accreditation(sinclair, "CAHIIM")
    factories.programmatic_accreditation(sinclair, "PCAP")
    ended = factories.institutional_accreditation(
        terra.institution, granted_on=datetime.date(2000, 1, 1), ended_on=datetime.date(2019, 6, 30)
    )
    assert not ended.is_current()

    results = match_programs(answers(radius_miles=150))

    assert [m.program for m in results.matches] == [sinclair, terra]
    best = results.matches[0].reasons
    assert "CAHIIM-accredited" in best
    assert "AHIMA PCAP-approved" in best
    assert "School accredited by Higher Learning Commission (federal data, November 2020)" in best
    assert "31 completed it in 2023-24" in best
    assert "Median earnings a year after: $36,636 (College Scorecard, the school's whole field)" in best
    assert "Tuition and fees $4,569 a year, published (2023-24)" in best
    assert not any("accredited" in reason.lower() for reason in results.matches[1].reasons)


def test_out_of_state_tuition_is_shown_to_out_of_state_visitors() -> None:
    program = factories.program("capella", "51.0706", 5, delivery=Delivery.ONLINE)
    program.institution.tuition_out_of_state = 14436
    program.institution.save()

    results = match_programs(answers(delivery="online"))

    assert "Tuition and fees $14,436 a year, out of state (2023-24)" in results.matches[0].reasons


def test_sponsorship_lift_is_bounded_and_only_among_programs_that_fit(monkeypatch) -> None:
    sinclair = factories.program("sinclair", "51.0713", 21)
    charter_oak = factories.program("charter_oak", "51.0713", 21, delivery=Delivery.ONLINE)
    unfit = factories.program("terra", "51.0713", 2)  # 130 miles away: fails the distance rule
    plain = {m.program: m.score for m in match_programs(answers()).matches}
    monkeypatch.setattr(
        matching,
        "sponsorship_lifts",
        lambda programs, on: {p.pk: 1000.0 for p in programs if p != charter_oak},
    )

    lifted = match_programs(answers())

    assert unfit not in [m.program for m in lifted.matches]
    by_program = {m.program: m for m in lifted.matches}
    assert by_program[sinclair].score == pytest.approx(plain[sinclair] + MAX_LIFT)
    assert by_program[sinclair].sponsored is True
    assert by_program[charter_oak].score == pytest.approx(plain[charter_oak])
    assert by_program[charter_oak].sponsored is False


def test_lift_reorders_close_fits_but_never_a_clearly_better_fit(monkeypatch) -> None:
    better = factories.program("sinclair", "51.0707", 3, completions=31)
    factories.institutional_accreditation(better.institution)
    factories.programmatic_accreditation(better, "CAHIIM")
    weaker = factories.program("cincinnati", "51.0706", 5)
    plain = match_programs(answers())
    scores = {m.program: m.score for m in plain.matches}
    assert scores[better] - scores[weaker] > MAX_LIFT

    monkeypatch.setattr(matching, "sponsorship_lifts", lambda programs, on: {weaker.pk: MAX_LIFT})
    lifted = [m.program for m in match_programs(answers()).matches]

    assert lifted.index(better) < lifted.index(weaker)


def test_lift_can_overtake_a_program_of_similar_fit(monkeypatch) -> None:
    first = factories.program("sinclair", "51.0713", 21)
    second = factories.program("sinclair", "51.0714", 21)
    plain = match_programs(answers())
    order = [m.program for m in plain.matches]
    gap = abs(plain.matches[0].score - plain.matches[1].score)
    assert gap < MAX_LIFT
    trailing = order[1]

    monkeypatch.setattr(matching, "sponsorship_lifts", lambda programs, on: {trailing.pk: MAX_LIFT})
    lifted = match_programs(answers())

    assert lifted.matches[0].program == trailing
    assert {first, second} == {m.program for m in lifted.matches}


def test_without_a_diploma_the_diploma_path_comes_first_never_empty() -> None:
    certificate = factories.program("sinclair", "51.0713", 21)

    results = match_programs(answers(education=EducationLevel.LESS_THAN_HIGH_SCHOOL))

    assert results.needs_diploma is True
    assert results.matches == ()
    assert results.pickable_ids == frozenset()
    assert [m.program for m in results.after_diploma] == [certificate]
    assert results.after_diploma[0].needs_diploma_first is True


def test_high_school_completion_programs_are_offered_to_visitors_without_a_diploma() -> None:
    # An admin-entered adult education program (CIP 2020 32.0202, "High School Equivalent Exam
    # Preparation"): IPEDS completions has no high-school-completion programs.
    hse, _ = CipCode.objects.get_or_create(
        code="32.0202", defaults={"title": "High School Equivalent Exam Preparation."}
    )
    program = Program(
        institution=factories.institution("mclennan"),
        cip=hse,
        award_level=20,
        credential_level="high_school",
        minimum_education=EducationLevel.LESS_THAN_HIGH_SCHOOL,
    )
    program.save()
    factories.program("mclennan", "51.0707", 21)

    results = match_programs(
        answers(education=EducationLevel.LESS_THAN_HIGH_SCHOOL, place=lookup_zip("76708"), field="hit")
    )

    assert [m.program for m in results.matches] == [program]
    assert "No diploma needed" in results.matches[0].reasons
    assert results.pickable_ids == {program.pk}
    assert [m.program.award_level for m in results.after_diploma] == [21]


def test_the_program_the_visitor_came_from_is_shown_first_with_what_does_not_fit() -> None:
    far = factories.program("terra", "51.0713", 2)
    factories.program("sinclair", "51.0713", 21)

    results = match_programs(answers(requested_program_id=far.pk))

    assert results.matches[0].program == far
    assert results.matches[0].requested is True
    (mismatch,) = results.matches[0].mismatches
    assert mismatch.endswith(" miles from 45402, farther than you said")
    assert 100 < int(mismatch.split()[0]) < 150
    assert far.pk in results.pickable_ids


def test_a_requested_program_the_visitor_cannot_enter_is_explained_not_listed() -> None:
    postbacc = factories.program("cincinnati", "51.0706", 6)

    results = match_programs(answers(requested_program_id=postbacc.pk))

    assert postbacc not in [m.program for m in results.matches]
    assert "needs a bachelor's degree or higher" in results.requested_note


def test_nothing_fits_every_answer_widens_the_search_and_says_so() -> None:
    certificate = factories.program("charter_oak", "51.0713", 21, delivery=Delivery.ONLINE)

    results = match_programs(answers(delivery="online", max_length="under_12_weeks", field="coding_billing"))

    assert [m.program for m in results.matches] == [certificate]
    assert results.relaxed == ("any length",)


def test_no_reachable_program_gives_no_matches_not_an_error() -> None:
    factories.program("sinclair", "51.0713", 21)

    results = match_programs(answers(delivery="campus", place=lookup_zip("99501")))

    assert results.matches == ()
    assert results.total == 0
    assert results.relaxed == ("up to 100 miles away",)


def test_closed_schools_and_inactive_programs_are_never_matched() -> None:
    factories.program("sinclair", "51.0713", 21, active=False)
    closed = factories.institution("charter_oak", active=False)
    factories.program(closed, "51.0713", 21)

    assert match_programs(answers()).matches == ()


def test_matching_runs_a_fixed_number_of_queries(django_assert_num_queries) -> None:
    for school in ("sinclair", "cincinnati", "charter_oak", "capella"):
        owner = factories.institution(school)
        factories.institutional_accreditation(owner)
    factories.program("sinclair", "51.0713", 21)
    factories.program("sinclair", "51.0707", 3)
    factories.program("cincinnati", "51.0706", 5)
    factories.program("charter_oak", "51.0713", 21, delivery=Delivery.ONLINE)
    factories.program("capella", "51.0706", 5, delivery=Delivery.ONLINE)
    factories.programmatic_accreditation(factories.program("sinclair", "51.0707", 2), "CAHIIM")

    with django_assert_num_queries(4):  # programs, 2 accreditation prefetches, live campaigns
        results = match_programs(answers(radius_miles=100))

    assert len(results.matches) == 6


def test_answers_are_stored_with_labels_and_without_the_place() -> None:
    data = answers(
        field="coding_billing", delivery="online", start="asap", max_length="under_1_year"
    ).as_json()

    assert data["field"] == "coding_billing"
    assert data["field_label"] == "Medical coding and billing"
    assert data["delivery_label"] == "Online"
    assert data["start_label"] == "As soon as possible"
    assert data["radius_miles"] == 50
    assert "place" not in data
