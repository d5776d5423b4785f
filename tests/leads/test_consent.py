from __future__ import annotations

import pytest

from leads import consent


def test_disclosure_names_each_school_once_and_says_what_the_rules_ask() -> None:
    text = consent.disclosure(
        school_names=["Sinclair Community College", "Charter Oak State College", "Sinclair Community College"]
    )

    assert "Sinclair Community College and Charter Oak State College may contact me" in text
    assert text.count("Sinclair Community College") == 1
    assert "phone call and text message at the phone number I entered" in text
    assert "automated technology" in text
    assert "by email at the email address I entered" in text
    assert "not a condition of enrolling" in text
    assert "reply STOP" in text
    assert "/match/stop-contact/" in text


def test_one_school_reads_naturally() -> None:
    text = consent.disclosure(school_names=["Broward College"])

    assert "Broward College may contact me about its programs" in text
    assert "only with the school named here" in text


def test_three_schools_are_listed_with_commas() -> None:
    assert consent.school_list(["A", "B", "C"]) == "A, B and C"


def test_a_disclosure_names_at_least_one_school() -> None:
    with pytest.raises(ValueError, match="at least one school"):
        consent.disclosure(school_names=[])


def test_the_digest_changes_with_the_text_and_the_version(monkeypatch) -> None:
    text = consent.disclosure(school_names=["Broward College"])
    first = consent.digest(text)

    assert first == consent.digest(text)
    assert first != consent.digest(consent.disclosure(school_names=["Valencia College"]))
    monkeypatch.setattr(consent, "VERSION", "2099-01-01")
    assert first != consent.digest(text)
