"""Server-side checks for contact details; each error says what is wrong in plain words."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

NAME_MAX = 50
NAME_PUNCTUATION = {" ", "-", "'", "\u2019", "."}
DOMAIN_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
TLD_RE = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
PHONE_ALLOWED_RE = re.compile(r"^[0-9 ().+\-]+$")


def clean_person_name(value: str, *, what: str) -> str:
    """Letters of any alphabet, with spaces, hyphens, apostrophes and periods between them."""
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError(f"Enter your {what}.", code="required")
    if len(text) > NAME_MAX:
        raise ValidationError(f"Your {what} can be at most {NAME_MAX} characters.", code="max_length")
    for char in text:
        category = unicodedata.category(char)
        if category[0] in {"L", "M"} or char in NAME_PUNCTUATION:
            continue
        if category[0] == "N":
            raise ValidationError(f"Your {what} can't contain numbers.", code="digits")
        raise ValidationError(
            f"Your {what} can only contain letters, spaces, hyphens, apostrophes and periods.",
            code="characters",
        )
    if not any(unicodedata.category(c)[0] == "L" for c in text):
        raise ValidationError(f"Your {what} needs at least one letter.", code="no_letters")
    return text


def clean_email(value: str) -> tuple[str, str]:
    """(email as typed but trimmed, normalised form for duplicate checks)."""
    email = (value or "").strip()
    if not email:
        raise ValidationError("Enter your email address.", code="required")
    if len(email) > 254:
        raise ValidationError("An email address can be at most 254 characters.", code="max_length")
    try:
        EmailValidator()(email)
    except ValidationError:
        raise ValidationError("Enter an email address like name@example.com.", code="invalid") from None
    domain = email.rsplit("@", 1)[1]
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValidationError("The part after @ is not a valid domain.", code="domain") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(DOMAIN_LABEL_RE.match(label) for label in labels):
        raise ValidationError("The part after @ should be a domain like gmail.com.", code="domain")
    if not TLD_RE.match(labels[-1]):
        raise ValidationError(
            f"The email address ends in .{labels[-1]}, which is not a real domain ending.", code="tld"
        )
    return email, email.lower()


def normalise_phone(value: str) -> str:
    """A US phone number (NANP) in E.164, for example +19375123456."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError("Enter your phone number.", code="required")
    if len(raw) > 25 or not PHONE_ALLOWED_RE.match(raw):
        raise ValidationError(
            "Enter a US phone number using digits only, like (937) 512-3456.", code="characters"
        )
    digits = re.sub(r"[^0-9]", "", raw)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        raise ValidationError(
            "Enter a 10-digit US phone number with the area code, like (937) 512-3456.", code="length"
        )
    area, exchange, line = digits[:3], digits[3:6], digits[6:]
    if area[0] in "01" or area[1:] == "11":
        raise ValidationError(f"{area} is not a US area code.", code="area_code")
    if exchange[0] in "01" or exchange[1:] == "11":
        raise ValidationError(
            f"The number after the area code can't start with {exchange}; check the number.", code="exchange"
        )
    if exchange == "555" and line.startswith("01"):
        raise ValidationError(
            "555-01xx numbers are reserved for fiction; enter your real number.", code="fiction"
        )
    return f"+1{digits}"


def format_phone(e164: str) -> str:
    """+19375123456 -> (937) 512-3456, for showing back to the visitor."""
    digits = e164.removeprefix("+1")
    if len(digits) != 10:
        return e164
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
