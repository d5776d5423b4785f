"""Outcomes: College Scorecard figures per program, and BLS wages for the occupations CIP codes lead to."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from ..choices import SCORECARD_CREDENTIAL_LEVEL
from ..models import Occupation
from .common import Report, Summary, counted, upsert
from .files import cip6, ipeds_int, read_rows, required_int

# The Program fields College Scorecard fills, and their values for a program it has no row for.
NO_FIGURES: dict[str, Any] = {
    "outcomes_reported": False,
    "scorecard_completers": None,
    "earnings_1yr": None,
    "earnings_4yr": None,
    "debt_median": None,
}


ScorecardKey = tuple[int, str, int]  # unit id, 4-digit CIP without the dot, Scorecard credential level


def read_scorecard(path: Path, report: Report) -> dict[ScorecardKey, dict[str, Any]]:
    """College Scorecard field of study: completers, earnings and debt per 4-digit CIP and credential.

    An empty figure is privacy-suppressed, never zero: it is kept as None while
    `outcomes_reported` says that Scorecard has a row.
    """
    figures: dict[ScorecardKey, dict[str, Any]] = {}
    lines: dict[ScorecardKey, int] = {}
    required = {"unitid", "cip_code", "credential_level", "completers_count", "earnings_median_1yr",
                "earnings_median_4yr", "debt_median"}  # fmt: skip
    for row in counted(read_rows(path, required), "College Scorecard", report):
        cip4 = row["cip_code"].replace(".", "")
        if not (len(cip4) == 4 and cip4.isdigit()):
            raise row.error(f"cip_code {row['cip_code']!r} is not a 4-digit CIP code")
        key = (row.parse("unitid", required_int), cip4, row.parse("credential_level", required_int))
        if key in figures:
            raise row.error(f"the same unitid, cip_code and credential_level are on line {lines[key]}")
        lines[key] = row.line
        figures[key] = {
            "outcomes_reported": True,
            "scorecard_completers": row.parse("completers_count", ipeds_int),
            "earnings_1yr": row.parse("earnings_median_1yr", ipeds_int),
            "earnings_4yr": row.parse("earnings_median_4yr", ipeds_int),
            "debt_median": row.parse("debt_median", ipeds_int),
        }
    return figures


def scorecard_key(*, unitid: int, cip: str, award_level: int) -> ScorecardKey:
    """Scorecard figures are per school, 4-digit CIP and credential level, so programs of one school
    and credential in one 4-digit family share them."""
    return unitid, cip[:5].replace(".", ""), SCORECARD_CREDENTIAL_LEVEL[award_level]


def _thousands(text: str) -> int | None:
    if text in {"", "*", "#"}:
        return None
    try:
        return round(float(text) * 1000)
    except (ValueError, OverflowError):
        raise ValueError("is not a number of thousands") from None


def _decimal(text: str) -> Decimal | None:
    if text in {"", "*", "#"}:
        return None
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise ValueError("is not a number") from None
    if not value.is_finite():
        raise ValueError("is not a number")
    return value


def _wage(text: str) -> int | None:
    """BLS writes '*' or '#' where a wage is not available or above the top of the scale."""
    return None if text in {"*", "#"} else ipeds_int(text)


def load_occupations(path: Path, titles: dict[str, str], summary: Summary, report: Report) -> None:
    """BLS wages and projections for the occupations each CIP code leads to (NCES CIP-SOC crosswalk)."""
    required = {"CIP2020Code", "SOC2018Code", "SOC2018Title", "oews_2025_employment",
                "oews_2025_annual_median_wage", "oews_2025_annual_p10", "oews_2025_annual_p90",
                "oews_2025_hourly_median_wage", "bls_proj_change_pct_2024_34",
                "bls_annual_openings_2024_34_thousands", "bls_typical_entry_education"}  # fmt: skip
    wanted: dict[str, dict[str, Any]] = {}
    links: dict[str, set[str]] = defaultdict(set)
    for row in counted(read_rows(path, required), "BLS occupations", report):
        soc = row["SOC2018Code"]
        if not (len(soc) == 7 and soc[2] == "-" and soc.replace("-", "").isdigit()):
            raise row.error(f"SOC2018Code {soc!r} is not a SOC code (NN-NNNN)")
        wanted[soc] = {
            "title": row["SOC2018Title"][:200],
            "employment": row.parse("oews_2025_employment", _wage),
            "annual_median_wage": row.parse("oews_2025_annual_median_wage", _wage),
            "annual_wage_p10": row.parse("oews_2025_annual_p10", _wage),
            "annual_wage_p90": row.parse("oews_2025_annual_p90", _wage),
            "hourly_median_wage": row.parse("oews_2025_hourly_median_wage", _decimal),
            "projected_change_pct": row.parse("bls_proj_change_pct_2024_34", _decimal),
            "annual_openings": row.parse("bls_annual_openings_2024_34_thousands", _thousands),
            "typical_entry_education": row["bls_typical_entry_education"][:100],
        }
        cip = row.parse("CIP2020Code", cip6)
        if cip in titles:
            links[soc].add(cip)
    with transaction.atomic():
        occupations = upsert(Occupation, "soc_code", wanted, summary.counts["occupations"])
        for soc, occupation in occupations.items():
            occupation.cip_codes.set(links[soc])
