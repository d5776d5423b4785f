"""The catalog's vocabulary (see DESIGN.md), shared by the catalog, matching and the admin."""

from __future__ import annotations

from django.db import models


class EducationLevel(models.IntegerChoices):
    """A visitor's highest level of education, in order; also a program's admission requirement."""

    LESS_THAN_HIGH_SCHOOL = 0, "Less than high school"
    HIGH_SCHOOL = 1, "High school diploma or GED"
    SOME_COLLEGE = 2, "Some college, no degree"
    ASSOCIATE = 3, "Associate degree"
    BACHELORS = 4, "Bachelor's degree"
    MASTERS = 5, "Master's degree or higher"


class CredentialLevel(models.TextChoices):
    """IPEDS award levels grouped the way College Scorecard groups them."""

    HIGH_SCHOOL = "high_school", "High school diploma or GED"
    CERTIFICATE = "certificate", "Certificate"
    ASSOCIATE = "associate", "Associate degree"
    BACHELORS = "bachelors", "Bachelor's degree"
    POSTBACC_CERTIFICATE = "postbacc_certificate", "Post-baccalaureate certificate"
    MASTERS = "masters", "Master's degree"
    DOCTORAL = "doctoral", "Doctoral degree"


class AwardLevel(models.IntegerChoices):
    """IPEDS completions AWLEVEL codes (C2024_A)."""

    CERT_UNDER_12_WEEKS = 20, "Certificate, under 12 weeks"
    CERT_UNDER_1_YEAR = 21, "Certificate, 12 weeks to under 1 year"
    CERT_1_TO_2_YEARS = 2, "Certificate, 1 to under 2 years"
    ASSOCIATE = 3, "Associate's degree"
    CERT_2_TO_4_YEARS = 4, "Certificate, 2 to under 4 years"
    BACHELORS = 5, "Bachelor's degree"
    POSTBACC_CERTIFICATE = 6, "Postbaccalaureate certificate"
    MASTERS = 7, "Master's degree"
    POST_MASTERS_CERTIFICATE = 8, "Post-master's certificate"
    DOCTOR_RESEARCH = 17, "Doctor's degree, research/scholarship"
    DOCTOR_PROFESSIONAL = 18, "Doctor's degree, professional practice"
    DOCTOR_OTHER = 19, "Doctor's degree, other"


class Delivery(models.TextChoices):
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid"
    CAMPUS = "campus", "On campus"
    NOT_REPORTED = "not_reported", "Not reported"


class LengthBand(models.TextChoices):
    """How long a program takes: exact months where an admin entered them, else the IPEDS band."""

    UNDER_12_WEEKS = "under_12_weeks", "Under 12 weeks"
    UNDER_1_YEAR = "under_1_year", "12 weeks to under 1 year"
    ONE_TO_TWO_YEARS = "1_to_2_years", "1 to under 2 years"
    TWO_YEARS_OR_MORE = "2_years_plus", "2 years or more"
    NOT_REPORTED = "not_reported", "Not reported"


class Control(models.IntegerChoices):
    """IPEDS HD CONTROL."""

    PUBLIC = 1, "Public"
    PRIVATE_NONPROFIT = 2, "Private not-for-profit"
    PRIVATE_FOR_PROFIT = 3, "Private for-profit"


# IPEDS award level -> (credential level, length band, admission requirement).
# Degree lengths follow the IPEDS definitions (associate: at least 2 years full time; bachelor's:
# at least 4; master's: 1 to 2 years beyond the bachelor's). Post-baccalaureate and post-master's
# certificates have no length in IPEDS, so they stay "not reported".
AWARD_LEVELS: dict[int, tuple[str, str, int]] = {
    AwardLevel.CERT_UNDER_12_WEEKS: (
        CredentialLevel.CERTIFICATE,
        LengthBand.UNDER_12_WEEKS,
        EducationLevel.HIGH_SCHOOL,
    ),
    AwardLevel.CERT_UNDER_1_YEAR: (
        CredentialLevel.CERTIFICATE,
        LengthBand.UNDER_1_YEAR,
        EducationLevel.HIGH_SCHOOL,
    ),
    AwardLevel.CERT_1_TO_2_YEARS: (
        CredentialLevel.CERTIFICATE,
        LengthBand.ONE_TO_TWO_YEARS,
        EducationLevel.HIGH_SCHOOL,
    ),
    AwardLevel.ASSOCIATE: (
        CredentialLevel.ASSOCIATE,
        LengthBand.TWO_YEARS_OR_MORE,
        EducationLevel.HIGH_SCHOOL,
    ),
    AwardLevel.CERT_2_TO_4_YEARS: (
        CredentialLevel.CERTIFICATE,
        LengthBand.TWO_YEARS_OR_MORE,
        EducationLevel.HIGH_SCHOOL,
    ),
    AwardLevel.BACHELORS: (
        CredentialLevel.BACHELORS,
        LengthBand.TWO_YEARS_OR_MORE,
        EducationLevel.HIGH_SCHOOL,
    ),
    AwardLevel.POSTBACC_CERTIFICATE: (
        CredentialLevel.POSTBACC_CERTIFICATE,
        LengthBand.NOT_REPORTED,
        EducationLevel.BACHELORS,
    ),
    AwardLevel.MASTERS: (
        CredentialLevel.MASTERS,
        LengthBand.ONE_TO_TWO_YEARS,
        EducationLevel.BACHELORS,
    ),
    AwardLevel.POST_MASTERS_CERTIFICATE: (
        CredentialLevel.POSTBACC_CERTIFICATE,
        LengthBand.NOT_REPORTED,
        EducationLevel.MASTERS,
    ),
    AwardLevel.DOCTOR_RESEARCH: (
        CredentialLevel.DOCTORAL,
        LengthBand.TWO_YEARS_OR_MORE,
        EducationLevel.BACHELORS,
    ),
    AwardLevel.DOCTOR_PROFESSIONAL: (
        CredentialLevel.DOCTORAL,
        LengthBand.TWO_YEARS_OR_MORE,
        EducationLevel.BACHELORS,
    ),
    AwardLevel.DOCTOR_OTHER: (
        CredentialLevel.DOCTORAL,
        LengthBand.TWO_YEARS_OR_MORE,
        EducationLevel.BACHELORS,
    ),
}

# College Scorecard credential_level for each IPEDS award level.
SCORECARD_CREDENTIAL_LEVEL: dict[int, int] = {
    AwardLevel.CERT_UNDER_12_WEEKS: 1,
    AwardLevel.CERT_UNDER_1_YEAR: 1,
    AwardLevel.CERT_1_TO_2_YEARS: 1,
    AwardLevel.CERT_2_TO_4_YEARS: 1,
    AwardLevel.ASSOCIATE: 2,
    AwardLevel.BACHELORS: 3,
    AwardLevel.POSTBACC_CERTIFICATE: 4,
    AwardLevel.MASTERS: 5,
    AwardLevel.DOCTOR_RESEARCH: 6,
    # Scorecard's "first professional degree" (7): its rows sit at schools reporting IPEDS level 18.
    AwardLevel.DOCTOR_PROFESSIONAL: 7,
    AwardLevel.DOCTOR_OTHER: 6,
    AwardLevel.POST_MASTERS_CERTIFICATE: 8,
}


def length_band_for(*, award_level: int | None, months: int | None) -> str:
    """The length band of a program: from exact months when known, else from the IPEDS band."""
    if months is not None:
        if months < 3:
            return LengthBand.UNDER_12_WEEKS
        if months < 12:
            return LengthBand.UNDER_1_YEAR
        if months < 24:
            return LengthBand.ONE_TO_TWO_YEARS
        return LengthBand.TWO_YEARS_OR_MORE
    if award_level in AWARD_LEVELS:
        return AWARD_LEVELS[award_level][1]
    return LengthBand.NOT_REPORTED
