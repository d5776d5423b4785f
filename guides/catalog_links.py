"""Links from a guide into the catalog (/programs/): only known filters, only valid values.

The parameter names and values are the catalog's public contract (see programs/filters.py):
repeated parameters carry several values, for example
`delivery=online&credential=certificate&certification=CCS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ValidationError

from programs.choices import Control, CredentialLevel, Delivery, EducationLevel, LengthBand

CATALOG_PATH = "/programs/"
MAX_QUERY_LENGTH = 500

_CIP = re.compile(r"^\d{2}\.\d{4}$")
_STATE = re.compile(r"^[A-Z]{2}$")
_SORT = re.compile(r"^[a-z_]{1,30}$")
_TEXT = re.compile(r"^[\w .,'&/()-]{1,100}$")


def _one_of(*values: str) -> Callable[[str], bool]:
    allowed = frozenset(values)
    return allowed.__contains__


def _whole_number(low: int, high: int) -> Callable[[str], bool]:
    return lambda value: value.isdigit() and low <= int(value) <= high


# name -> (may repeat, is the value valid, what a valid value looks like)
PARAMETERS: dict[str, tuple[bool, Callable[[str], bool], str]] = {
    "q": (False, _TEXT.match, "a few words of search text"),
    "cip": (True, _CIP.match, "a 6-digit CIP code such as 51.0713"),
    "credential": (
        True,
        _one_of(*CredentialLevel.values),
        ", ".join(CredentialLevel.values),
    ),
    "delivery": (
        True,
        _one_of(Delivery.ONLINE, Delivery.HYBRID, Delivery.CAMPUS),
        "online, hybrid, campus",
    ),
    "length": (
        True,
        _one_of(*(band for band in LengthBand.values if band != LengthBand.NOT_REPORTED)),
        "under_12_weeks, under_1_year, 1_to_2_years, 2_years_plus",
    ),
    "state": (True, _STATE.match, "a two-letter state code such as OH"),
    "control": (
        True,
        _one_of(*(str(value) for value in Control.values)),
        "1 (public), 2 (private not-for-profit), 3 (private for-profit)",
    ),
    "accreditation": (True, _one_of("institutional", "cahiim", "pcap"), "institutional, cahiim, pcap"),
    "certification": (
        True,
        _one_of("CCS", "CCA", "CCS-P", "CPC", "CPB", "RHIT", "RHIA"),
        "CCS, CCA, CCS-P, CPC, CPB, RHIT, RHIA",
    ),
    "max_tuition": (False, _whole_number(0, 1_000_000), "a whole number of dollars"),
    "education": (
        False,
        _whole_number(min(EducationLevel.values), max(EducationLevel.values)),
        "an education level from 0 to 5",
    ),
    "sort": (False, _SORT.match, "a sort order such as completions"),
}


def normalize_catalog_query(raw: str) -> str:
    """The query string in canonical form (no leading '?', encoded), or ValidationError."""
    text = (raw or "").strip().removeprefix(CATALOG_PATH).lstrip("?")
    if not text:
        return ""
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError(
            "Keep the catalog filters under %(n)d characters.", params={"n": MAX_QUERY_LENGTH}
        )
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise ValidationError(
            "Write the filters as name=value pairs joined by &, for example "
            "delivery=online&credential=certificate."
        ) from None
    problems: list[str] = []
    seen: set[str] = set()
    kept: list[tuple[str, str]] = []
    for name, value in pairs:
        spec = PARAMETERS.get(name)
        if spec is None:
            problems.append(f"“{name}” is not a catalog filter (use {', '.join(PARAMETERS)}).")
            continue
        repeatable, is_valid, expected = spec
        if name in seen and not repeatable:
            problems.append(f"“{name}” can only be given once.")
        elif not is_valid(value):
            problems.append(f"“{value}” is not a valid {name}: expected {expected}.")
        elif (name, value) not in kept:
            kept.append((name, value))
        seen.add(name)
    if problems:
        raise ValidationError(problems)
    return urlencode(kept)


def validate_catalog_query(raw: str) -> None:
    normalize_catalog_query(raw)


def catalog_url(query: str) -> str:
    return f"{CATALOG_PATH}?{query}" if query else CATALOG_PATH
