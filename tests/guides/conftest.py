from __future__ import annotations

from decimal import Decimal

import pytest

from programs.models import CipCode, Occupation
from tests import factories
from tests.guides.content import ccs_guide


@pytest.fixture(autouse=True)
def _ccs_guide_in_place(request: pytest.FixtureRequest) -> None:
    """The CCS guide the data migration made, even after another test emptied the tables."""
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        ccs_guide()


@pytest.fixture
def occupations() -> list[Occupation]:
    """The two BLS rows the CIP-SOC crosswalk maps from 51.0713 and 51.0707 (programs/data/bls)."""
    codes = [factories.cip("51.0713"), factories.cip("51.0707")]
    records = Occupation.objects.create(
        soc_code="29-2072",
        title="Medical Records Specialists",
        employment=194720,
        annual_median_wage=51140,
        annual_wage_p10=37000,
        annual_wage_p90=81150,
        hourly_median_wage=Decimal("24.59"),
        projected_change_pct=Decimal("7.1"),
        annual_openings=14200,
        typical_entry_education="Postsecondary nondegree award",
    )
    technologists = Occupation.objects.create(
        soc_code="29-9021",
        title="Health Information Technologists and Medical Registrars",
        employment=38100,
        annual_median_wage=68020,
        annual_wage_p10=39830,
        annual_wage_p90=117420,
        hourly_median_wage=Decimal("32.70"),
        projected_change_pct=Decimal("14.7"),
        annual_openings=3200,
        typical_entry_education="Associate's degree",
    )
    # An occupation only other fields lead to must not appear in the coding guide.
    managers = Occupation.objects.create(
        soc_code="11-9111", title="Medical and Health Services Managers", annual_median_wage=123860
    )
    records.cip_codes.set(codes)
    technologists.cip_codes.set(codes)
    managers.cip_codes.set([CipCode.objects.get_or_create(code="51.0701", defaults={"title": "x"})[0]])
    return [records, technologists]
