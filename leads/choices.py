"""The match wizard's vocabulary: what a visitor can answer besides their education level."""

from __future__ import annotations

from django.db import models

from programs.choices import LengthBand


class FieldOfInterest(models.TextChoices):
    CODING_BILLING = "coding_billing", "Medical coding and billing"
    HEALTH_INFO_TECH = "hit", "Health information technology"
    HEALTH_INFO_MANAGEMENT = "him", "Health information management"
    ANY = "any", "Not sure yet: show me all three"


# The CIP 2020 codes behind each field (titles from programs/data/cip/CIPCode2020.csv):
#   51.0713 Medical Insurance Coding Specialist/Coder
#   51.0714 Medical Insurance Specialist/Medical Biller
#   51.0707 Health Information/Medical Records Technology/Technician  (the RHIT track)
#   51.0706 Health Information/Medical Records Administration/Administrator  (the RHIA track)
# Other 51.07 codes (health care administration, medical office assistant, transcription...)
# do not lead to coding work, so the wizard does not offer them.
FIELD_CIP_CODES: dict[str, tuple[str, ...]] = {
    FieldOfInterest.CODING_BILLING: ("51.0713", "51.0714"),
    FieldOfInterest.HEALTH_INFO_TECH: ("51.0707",),
    FieldOfInterest.HEALTH_INFO_MANAGEMENT: ("51.0706",),
}
FIELD_CIP_CODES[FieldOfInterest.ANY] = tuple(code for codes in FIELD_CIP_CODES.values() for code in codes)


def field_for_cip(code: str) -> str | None:
    """The wizard field a CIP code belongs to, for prefilling from a program page."""
    for field, codes in FIELD_CIP_CODES.items():
        if field != FieldOfInterest.ANY and code in codes:
            return field
    return None


class DeliveryPreference(models.TextChoices):
    ONLINE = "online", "Online"
    CAMPUS = "campus", "On campus"
    EITHER = "either", "Either is fine"


class StartWhen(models.TextChoices):
    """Passed on to the schools; the catalog has no start dates, so it does not change the matches."""

    ASAP = "asap", "As soon as possible"
    THREE_MONTHS = "3_months", "In the next 3 months"
    YEAR = "12_months", "In 3 to 12 months"
    NOT_SURE = "not_sure", "Not sure yet"


class MaxLength(models.TextChoices):
    UNDER_12_WEEKS = "under_12_weeks", "Under 12 weeks"
    UNDER_1_YEAR = "under_1_year", "Up to a year"
    UNDER_2_YEARS = "under_2_years", "Up to 2 years"
    ANY = "any", "Any length, including 2- and 4-year degrees"


# Length bands in order, and the longest band each answer accepts.
LENGTH_ORDER: dict[str, int] = {
    LengthBand.UNDER_12_WEEKS: 0,
    LengthBand.UNDER_1_YEAR: 1,
    LengthBand.ONE_TO_TWO_YEARS: 2,
    LengthBand.TWO_YEARS_OR_MORE: 3,
}
MAX_LENGTH_ORDER: dict[str, int] = {
    MaxLength.UNDER_12_WEEKS: 0,
    MaxLength.UNDER_1_YEAR: 1,
    MaxLength.UNDER_2_YEARS: 2,
    MaxLength.ANY: 3,
}

RADIUS_CHOICES = [(15, "15 miles"), (30, "30 miles"), (50, "50 miles"), (100, "100 miles")]
DEFAULT_RADIUS = 50
