from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from leads.validators import clean_email, clean_person_name, format_phone, normalise_phone


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Ana  ", "Ana"),
        ("Mary  Ann", "Mary Ann"),
        ("O'Brien", "O'Brien"),
        ("Núñez-García", "Núñez-García"),
        ("Nguyễn", "Nguyễn"),
        ("José", "José"),
        ("Jose\u0301", "Jose\u0301"),  # a combining accent is part of the letter
        ("张伟", "张伟"),
        ("St. John", "St. John"),
        ("D\u2019Angelo", "D\u2019Angelo"),
    ],
)
def test_names_in_any_alphabet_are_accepted(raw: str, clean: str) -> None:
    assert clean_person_name(raw, what="first name") == clean


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter your first name."),
        ("   ", "Enter your first name."),
        ("a" * 51, "at most 50 characters"),
        ("R2D2", "can't contain numbers"),
        ("<script>", "can only contain letters"),
        ("=HYPERLINK(1)", "can only contain letters"),
        ("Ana\x00", "can only contain letters"),
        ("Ana\u200b", "can only contain letters"),
        ("Ana\nBob", "Ana Bob"),
        ("---", "at least one letter"),
    ],
)
def test_bad_names_say_what_is_wrong(raw: str, message: str) -> None:
    if message == "Ana Bob":  # newlines are whitespace: collapsed, not an error
        assert clean_person_name(raw, what="first name") == "Ana Bob"
        return
    with pytest.raises(ValidationError, match=message):
        clean_person_name(raw, what="first name")


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        (" Ana.Lopez@Example.COM ", "ana.lopez@example.com"),
        ("x+tag@mail.example.org", "x+tag@mail.example.org"),
        ("ana@bücher.example", "ana@bücher.example"),
    ],
)
def test_emails_are_trimmed_and_normalised(raw: str, normalised: str) -> None:
    email, normal = clean_email(raw)
    assert email == raw.strip()
    assert normal == normalised


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter your email address."),
        ("ana", "like name@example.com"),
        ("ana@", "like name@example.com"),
        ("ana@@example.com", "like name@example.com"),
        ("ana@localhost", "The part after @ should be a domain like gmail.com."),
        ("ana@example.co-m", "ends in .co-m, which is not a real domain ending"),
        ("ana@[127.0.0.1]", "The part after @ should be a domain like gmail.com."),
        ("ana@example.c0m", "like name@example.com"),
        ("ana@-example.com", "like name@example.com|domain like gmail.com"),
        ("ana@example.123", "like name@example.com|not a real domain ending"),
        ("a" * 250 + "@example.com", "at most 254 characters"),
    ],
)
def test_bad_emails_say_what_is_wrong(raw: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        clean_email(raw)


@pytest.mark.parametrize(
    "raw",
    ["(937) 512-3456", "937-512-3456", "937.512.3456", "9375123456", "+1 937 512 3456", "1-937-512-3456"],
)
def test_us_phone_numbers_become_e164(raw: str) -> None:
    assert normalise_phone(raw) == "+19375123456"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter your phone number."),
        ("937-512-345", "10-digit US phone number"),
        ("+44 20 7946 0958", "10-digit US phone number"),
        ("(137) 512-3456", "137 is not a US area code"),
        ("(911) 512-3456", "911 is not a US area code"),
        ("(937) 112-3456", "can't start with 112"),
        ("(937) 555-0123", "reserved for fiction"),
        ("937-512-3456 ext 2", "digits only"),
        ("=1+2", "digits only"),
        ("9" * 40, "digits only"),
        ("\uff19\uff13\uff17\uff15\uff11\uff12\uff13\uff14\uff15\uff16", "digits only"),
    ],
)
def test_bad_phone_numbers_say_what_is_wrong(raw: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        normalise_phone(raw)


def test_phone_is_shown_back_readably() -> None:
    assert format_phone("+19375123456") == "(937) 512-3456"
