"""The wizard's steps 1 to 4: order, answers kept, errors, htmx, entry from a program page."""

from __future__ import annotations

import re

import pytest

from programs.choices import EducationLevel
from tests import factories

from .conftest import INTERESTS, answer_steps, pick

pytestmark = pytest.mark.django_db


def checked(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="([^"]*)"[^>]*checked', html)


def test_match_starts_with_the_education_question(client) -> None:
    response = client.get("/match/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Step 1 of 5" in html
    assert "What is your highest level of education?" in html
    assert [label for _value, label in EducationLevel.choices] == re.findall(
        r'name="education" value="\d"[^>]*> <span>([^<]*)</span>', html.replace("&#x27;", "'")
    )
    assert checked(html, "education") == []
    assert "no-store" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]


def test_each_step_leads_to_the_next_and_never_asks_the_education_again(client) -> None:
    response = client.post("/match/step/1/", {"education": 1})
    assert response.status_code == 303
    assert response["Location"] == "/match/step/2/"

    step2 = client.get("/match/step/2/").content.decode()
    assert "Step 2 of 5" in step2
    assert 'name="education"' not in step2
    assert "What do you want to study?" in step2
    assert "Online or on campus?" in step2
    assert "How soon do you want to start?" in step2
    assert "What is the longest program you would consider?" in step2

    assert client.post("/match/step/2/", INTERESTS)["Location"] == "/match/step/3/"
    step3 = client.get("/match/step/3/").content.decode()
    assert "Step 3 of 5" in step3
    assert 'autocomplete="postal-code"' in step3
    assert 'inputmode="numeric"' in step3
    assert client.post("/match/step/3/", {"zip_code": "45402", "radius": 50})["Location"] == "/match/step/4/"


def test_the_widget_on_the_home_page_continues_at_step_2(client) -> None:
    home = client.get("/?utm_source=newsletter&utm_campaign=fall").content.decode()
    assert 'action="/match/step/1/"' in home
    assert home.count('name="education"') == 6
    assert 'name="utm_source" value="newsletter"' in home

    response = client.post(
        "/match/step/1/",
        {"education": 2, "source_page": "/", "utm_source": "newsletter", "utm_campaign": "fall"},
    )

    assert response["Location"] == "/match/step/2/"
    assert client.session["match"]["education"] == 2
    assert client.session["match"]["source"] == {
        "page": "/",
        "utm": {"utm_source": "newsletter", "utm_campaign": "fall"},
    }
    assert "What is your highest level of education?" not in client.get("/match/step/2/").content.decode()


@pytest.mark.parametrize(("method", "step"), [("post", 2), ("post", 3), ("post", 4), ("post", 5), ("get", 4)])
def test_a_later_step_cannot_be_reached_directly(client, method: str, step: int) -> None:
    data = {"zip_code": "45402", "radius": 50, "programs": [1]} | INTERESTS
    response = getattr(client, method)(f"/match/step/{step}/", data)

    assert response.status_code == 303
    assert response["Location"] == "/match/step/1/"
    followed = client.get(response["Location"]).content.decode()
    assert "Please answer this step first: your education." in followed
    assert client.session.get("match", {}).get("location") is None


def test_skipping_refuses_at_the_first_unanswered_step(client) -> None:
    client.post("/match/step/1/", {"education": 1})

    response = client.post("/match/step/3/", {"zip_code": "45402", "radius": 50})

    assert response["Location"] == "/match/step/2/"
    assert "location" not in client.session["match"]


def test_contact_step_needs_picked_schools(client, coding_programs) -> None:
    answer_steps(client)

    assert client.get("/match/step/5/")["Location"] == "/match/step/4/"


def test_going_back_keeps_every_answer(client, coding_programs) -> None:
    answer_steps(client, field="coding_billing", delivery="online", max_length="under_1_year")
    pick(client, coding_programs["sinclair"])

    step1 = client.get("/match/step/1/").content.decode()
    step2 = client.get("/match/step/2/").content.decode()
    step3 = client.get("/match/step/3/").content.decode()
    step4 = client.get("/match/step/4/").content.decode()

    assert checked(step1, "education") == ["1"]
    assert checked(step2, "field") == ["coding_billing"]
    assert checked(step2, "delivery") == ["online"]
    assert checked(step2, "start") == ["asap"]
    assert checked(step2, "max_length") == ["under_1_year"]
    assert 'value="45402"' in step3
    assert checked(step3, "radius") == ["50"]
    assert re.findall(r'name="programs" value="(\d+)"[^>]*checked', step4) == [
        str(coding_programs["sinclair"].pk)
    ]


def test_changing_an_answer_asks_to_confirm_the_picks_again(client, coding_programs) -> None:
    answer_steps(client)
    pick(client, coding_programs["sinclair"])
    assert client.get("/match/step/5/").status_code == 200

    client.post("/match/step/2/", INTERESTS | {"delivery": "campus"})

    assert client.get("/match/step/5/")["Location"] == "/match/step/4/"
    step4 = client.get("/match/step/4/").content.decode()
    assert str(coding_programs["charter_oak"].pk) not in re.findall(r'name="programs" value="(\d+)"', step4)
    assert re.findall(r'name="programs" value="(\d+)"[^>]*checked', step4) == [
        str(coding_programs["sinclair"].pk)
    ]


def test_resubmitting_an_unchanged_step_keeps_the_picks(client, coding_programs) -> None:
    answer_steps(client)
    pick(client, coding_programs["sinclair"])

    client.post("/match/step/2/", INTERESTS)

    assert client.get("/match/step/5/").status_code == 200


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        (1, {}, "Choose your highest level of education."),
        (1, {"education": "9"}, "Choose your highest level of education."),
        (1, {"education": "<script>"}, "Choose your highest level of education."),
        (2, INTERESTS | {"field": "astrology"}, "Choose what you want to study."),
        (2, {"field": "coding_billing"}, "Choose online, on campus or either."),
        (3, {"zip_code": "00000", "radius": 50}, "We don&#x27;t recognise the ZIP code 00000"),
        (3, {"zip_code": "abc", "radius": 50}, "Enter a 5-digit US ZIP code"),
        (3, {"zip_code": "9" * 5000, "radius": 50}, "Enter a 5-digit US ZIP code"),
        (3, {"zip_code": "45402", "radius": 5000}, "Choose how far you could travel."),
    ],
)
def test_bad_answers_are_explained_and_change_nothing(client, step: int, data: dict, message: str) -> None:
    if step > 1:
        client.post("/match/step/1/", {"education": 1})
    if step > 2:
        client.post("/match/step/2/", INTERESTS)
    before = {k: v for k, v in client.session.get("match", {}).items() if k != "source"}

    response = client.post(f"/match/step/{step}/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "data-error-summary" in html
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert {k: v for k, v in client.session.get("match", {}).items() if k != "source"} == before


def test_field_errors_are_tied_to_their_inputs(client) -> None:
    client.post("/match/step/1/", {"education": 1})
    client.post("/match/step/2/", INTERESTS)

    html = client.post("/match/step/3/", {"zip_code": "00000", "radius": 50}).content.decode()

    assert re.search(r'<input[^>]*aria-describedby="id_zip_code_helptext id_zip_code_error"', html)
    assert 'id="id_zip_code_error"' in html
    assert 'href="#id_zip_code"' in html


def test_htmx_swaps_the_step_in_place_and_pushes_its_url(client) -> None:
    headers = {"HX-Request": "true", "HX-Target": "match-wizard"}

    response = client.post("/match/step/1/", {"education": 1}, headers=headers)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith("<title>Step 2 of 5: What you want to study · CodingPath</title>")
    assert 'id="match-wizard"' in html
    assert response["HX-Push-Url"] == "/match/step/2/"
    assert "HX-Request" in response["Vary"]
    assert "no-store" in response["Cache-Control"]


def test_htmx_errors_are_swapped_in_place_too(client) -> None:
    headers = {"HX-Request": "true", "HX-Target": "match-wizard"}

    response = client.post("/match/step/1/", {}, headers=headers)

    assert response.status_code == 200
    assert "Choose your highest level of education." in response.content.decode()
    assert "HX-Push-Url" not in response


def test_htmx_refusal_shows_the_first_open_step_in_place(client) -> None:
    response = client.post("/match/step/3/", {}, headers={"HX-Request": "true", "HX-Target": "match-wizard"})

    html = response.content.decode()
    assert response["HX-Push-Url"] == "/match/step/1/"
    assert "Please answer this step first: your education." in html


def test_a_history_restore_gets_the_whole_page(client) -> None:
    client.post("/match/step/1/", {"education": 1})

    response = client.get(
        "/match/step/2/",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true", "HX-Target": "match-wizard"},
    )

    assert "<html" in response.content.decode()


def test_results_show_reasons_and_nothing_is_ticked(client, coding_programs) -> None:
    answer_steps(client)

    response = client.get("/match/step/4/")

    html = response.content.decode()
    assert "Step 4 of 5" in html
    assert "Charter Oak State College" in html
    assert "Sinclair Community College" in html
    assert html.index("Charter Oak State College") < html.index("Sinclair Community College")
    assert "<li>Online</li>" in html
    assert "<li>Delivery not reported: ask the school</li>" in html
    assert "<li>Less than a mile from 45402</li>" in html
    assert "<li>Accepts a high school diploma or GED</li>" in html
    assert len(re.findall(r'name="programs"', html)) == 2
    assert not re.findall(r'name="programs"[^>]*checked', html)
    assert "Let Charter Oak State College contact me about this program" in html
    assert 'action="/match/start-over/"' in html
    assert "no-store" in response["Cache-Control"]


def test_at_least_one_school_must_be_ticked(client, coding_programs) -> None:
    answer_steps(client)

    response = client.post("/match/step/4/", {})

    assert "Tick at least one school that may contact you." in response.content.decode()
    assert client.get("/match/step/5/").status_code == 303


def test_only_programs_in_the_results_can_be_picked(client, coding_programs) -> None:
    elsewhere = factories.program("ccsf", "51.0713", 2)
    answer_steps(client)

    response = client.post("/match/step/4/", {"programs": [elsewhere.pk]})
    assert "is not in your matches any more" in response.content.decode()
    response = client.post("/match/step/4/", {"programs": ["x"]})
    assert response.status_code == 200
    assert client.session["match"].get("picks_confirmed") is not True


def test_without_a_diploma_the_results_show_the_diploma_path_first(client, coding_programs) -> None:
    answer_steps(client, education=0)

    html = client.get("/match/step/4/").content.decode()

    assert "Start with a high school diploma or GED" in html
    assert 'href="https://www.ged.com/"' in html
    assert 'href="https://hiset.org/"' in html
    assert 'href="https://www.careeronestop.org/"' in html
    assert "Programs you could enter after a diploma or GED" in html
    assert "Charter Oak State College" in html
    assert html.index("ged.com") < html.index("Charter Oak State College")
    assert 'name="programs"' not in html  # nothing they could enroll in yet


def test_a_program_page_link_preselects_that_program(client, coding_programs) -> None:
    program = factories.program("terra", "51.0707", 2)

    response = client.get(f"/match/?program={program.slug}")
    assert response.status_code == 200
    assert client.session["match"]["requested_program_id"] == program.pk
    client.post("/match/step/1/", {"education": 1})
    assert checked(client.get("/match/step/2/").content.decode(), "field") == ["hit"]
    client.post("/match/step/2/", INTERESTS)
    client.post("/match/step/3/", {"zip_code": "45402", "radius": 50})

    html = client.get("/match/step/4/").content.decode()
    first_card = html[html.index('class="card match-card') :]
    assert "The program you asked about" in first_card[:600]
    assert "Terra State Community College" in first_card[:1200]
    assert "Does not fit every answer" in html
    assert not re.findall(r'name="programs"[^>]*checked', html)


def test_a_program_link_after_answering_goes_straight_to_results(client, coding_programs) -> None:
    answer_steps(client)

    response = client.get(f"/match/?program={coding_programs['sinclair'].slug}")

    assert response["Location"] == "/match/step/4/"


def test_an_unknown_program_slug_is_explained(client) -> None:
    response = client.get("/match/?program=no-such-program", follow=True)

    assert "We couldn&#x27;t find that program" in response.content.decode()
    assert "requested_program_id" not in client.session["match"]


def test_answers_never_appear_in_urls(client, coding_programs) -> None:
    locations = []
    for step, data in [(1, {"education": 1}), (2, INTERESTS), (3, {"zip_code": "45402", "radius": 50})]:
        locations.append(client.post(f"/match/step/{step}/", data)["Location"])

    assert locations == ["/match/step/2/", "/match/step/3/", "/match/step/4/"]


def test_start_over_clears_the_answers(client, coding_programs) -> None:
    answer_steps(client)

    response = client.post("/match/start-over/")

    assert response["Location"] == "/match/"
    assert client.get("/match/step/2/")["Location"] == "/match/step/1/"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/match/"),
        ("put", "/match/step/1/"),
        ("delete", "/match/step/4/"),
        ("post", "/match/done/"),
        ("get", "/match/start-over/"),
    ],
)
def test_wrong_methods_are_refused(client, method: str, url: str) -> None:
    assert getattr(client, method)(url).status_code == 405


def test_unknown_steps_are_not_found(client) -> None:
    assert client.get("/match/step/9/").status_code == 404
    assert client.get("/match/step/0/").status_code == 404


def test_results_page_runs_a_fixed_number_of_queries(
    client, coding_programs, django_assert_max_num_queries
) -> None:
    for school in ("terra", "cincinnati", "capella"):
        factories.institutional_accreditation(factories.institution(school))
    factories.program("terra", "51.0713", 2)
    factories.program("cincinnati", "51.0706", 5)
    answer_steps(client, field="any", delivery="either", max_length="any")

    with django_assert_max_num_queries(6):
        response = client.get("/match/step/4/")

    assert len(re.findall(r'name="programs"', response.content.decode())) == 3
