"""What the program page says about a program, worded from the data and honest where it is silent."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from .choices import SCORECARD_CREDENTIAL_LEVEL, Delivery
from .models import Accreditation, Occupation, Program

NOT_REPORTED = "Not reported"
SUPPRESSED = "Not published (privacy-suppressed)"

SCORECARD_CREDENTIALS = {
    1: "undergraduate certificates and diplomas",
    2: "associate degrees",
    3: "bachelor's degrees",
    4: "post-baccalaureate certificates",
    5: "master's degrees",
    6: "doctoral degrees",
    7: "first professional degrees",
    8: "graduate and professional certificates",
}
SCHEMA_PROGRAM_MODE = {Delivery.ONLINE: "online", Delivery.HYBRID: "blended", Delivery.CAMPUS: "onsite"}


@dataclass(frozen=True)
class AccreditationRow:
    accreditor: str
    statement: str
    current: bool
    source: str
    source_url: str


def _month(day: datetime.date | None) -> str:
    return date_format(day, "F Y") if day else ""


def _day(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def accreditation_rows(
    records: list[Accreditation], *, on: datetime.date | None = None
) -> list[AccreditationRow]:
    """Each record with its status in words, whether it is current, and where it comes from.
    Current ones first; ended ones stay visible as ended (the data is a dated snapshot)."""
    rows = []
    for record in records:
        accreditor = record.accreditor
        name = f"{accreditor.name} ({accreditor.short_name})" if accreditor.short_name else accreditor.name
        verb = {"preaccredited": "Pre-accredited", "denied": "Denied accreditation"}.get(
            record.status, "Accredited"
        )
        statement = f"{verb} by {name}"
        if record.granted_on:
            statement += f" since {_month(record.granted_on)}"
        current = record.is_current(on=on)
        if record.ended_on and not current:
            statement += f"; ended {_day(record.ended_on)}"
        withdrawn = accreditor.recognition_ended_on
        if withdrawn and not current:
            statement += (
                f"; the U.S. Department of Education withdrew its recognition of {accreditor} "
                f"on {_day(withdrawn)}, so this accreditation is no longer current"
            )
        if record.source == Accreditation.Source.DAPIP:
            source = f"U.S. Department of Education DAPIP, as of {_month(record.as_of)}"
        else:
            source = f"Entered by our team from the linked source, checked {_month(record.as_of)}"
        rows.append(AccreditationRow(accreditor.name, statement, current, source, record.source_url))
    return sorted(rows, key=lambda row: not row.current)


def scorecard_credential(program: Program) -> str:
    level = SCORECARD_CREDENTIAL_LEVEL.get(program.award_level)
    return SCORECARD_CREDENTIALS.get(level, "this credential level") if level else "this credential level"


def _figure(value: int | None, *, reported: bool, money: bool) -> str:
    if value is not None:
        return f"${value:,}" if money else f"{value:,}"
    return SUPPRESSED if reported else NOT_REPORTED


def outcome_rows(program: Program) -> list[tuple[str, str]]:
    """College Scorecard figures: a blank figure in a published row is privacy-suppressed, not zero."""
    reported = program.outcomes_reported
    return [
        ("Graduates counted", _figure(program.scorecard_completers, reported=reported, money=False)),
        (
            "Median earnings 1 year after graduating",
            _figure(program.earnings_1yr, reported=reported, money=True),
        ),
        (
            "Median earnings 4 years after graduating",
            _figure(program.earnings_4yr, reported=reported, money=True),
        ),
        (
            "Median federal loan debt at graduation",
            _figure(program.debt_median, reported=reported, money=True),
        ),
    ]


def meta_description(program: Program) -> str:
    school = program.institution
    place = f", {school.city}, {school.state}" if school.city else ""
    return (
        f"{program.credential_label} in {program.title} at {school.name}{place}: length, cost, admission, "
        "accreditation and graduate outcomes from U.S. Department of Education data."
    )


_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(program: Program, *, url: str, occupations: list[Occupation]) -> SafeString:
    """schema.org EducationalOccupationalProgram, only with facts the data holds, safe inside <script>."""
    school = program.institution
    address = {"@type": "PostalAddress", "addressCountry": "US"}
    address |= {
        key: value
        for key, value in (
            ("addressLocality", school.city),
            ("addressRegion", school.state),
            ("postalCode", school.zip_code),
        )
        if value
    }
    provider: dict[str, Any] = {"@type": "EducationalOrganization", "name": school.name, "address": address}
    if school.website:
        provider["url"] = school.website
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "EducationalOccupationalProgram",
        "name": program.title,
        "url": url,
        "provider": provider,
        "educationalCredentialAwarded": program.get_award_level_display(),
        "programPrerequisites": {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": program.get_minimum_education_display(),
        },
    }
    if program.delivery in SCHEMA_PROGRAM_MODE:
        data["educationalProgramMode"] = SCHEMA_PROGRAM_MODE[program.delivery]
    if program.length_months:
        data["timeToComplete"] = f"P{program.length_months}M"
    if program.tuition:
        data["offers"] = {
            "@type": "Offer",
            "category": "Tuition",
            "price": program.tuition,
            "priceCurrency": "USD",
        }
    if occupations:
        data["occupationalCategory"] = [
            {
                "@type": "CategoryCode",
                "codeValue": occupation.soc_code,
                "name": occupation.title,
                "inCodeSet": "https://www.bls.gov/soc/2018/",
            }
            for occupation in occupations
        ]
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308 (escaped above)
