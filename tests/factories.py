"""Small factories for tests, built from real rows of the shipped public files.

The institutions, their places and the (CIP, award level) programs below are copied from IPEDS
HD2024 and C2024_A, so tests never invent a school. Facts that public data does not hold
(delivery, months, certifications, CAHIIM or PCAP) are what an admin would enter.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from programs.models import Accreditation, Accreditor, Certification, CipCode, Institution, Program

CIP_TITLES = {
    "51.0701": "Health/Health Care Administration/Management",
    "51.0706": "Health Information/Medical Records Administration/Administrator",
    "51.0707": "Health Information/Medical Records Technology/Technician",
    "51.0713": "Medical Insurance Coding Specialist/Coder",
    "51.0714": "Medical Insurance Specialist/Medical Biller",
}

INSTITUTIONS: dict[str, dict[str, Any]] = {
    "sinclair": {
        "unitid": 205470, "name": "Sinclair Community College", "city": "Dayton", "state": "OH",
        "zip_code": "45402", "control": 1, "latitude": 39.757598, "longitude": -84.200628,
        "online_share": Decimal("0.3693"), "tuition_in_state": 4569,
    },
    "terra": {
        "unitid": 206011, "name": "Terra State Community College", "city": "Fremont", "state": "OH",
        "zip_code": "43420", "control": 1, "latitude": 41.354111, "longitude": -83.157799,
        "online_share": Decimal("0.1697"), "tuition_in_state": 5660,
    },
    "broward": {
        "unitid": 132709, "name": "Broward College", "city": "Fort Lauderdale", "state": "FL",
        "zip_code": "33301", "control": 1, "latitude": 26.119422, "longitude": -80.14183,
        "online_share": Decimal("0.2944"), "tuition_in_state": 2830,
    },
    "valencia": {
        "unitid": 138187, "name": "Valencia College", "city": "Orlando", "state": "FL",
        "zip_code": "32811", "control": 1, "latitude": 28.520783, "longitude": -81.464275,
        "online_share": Decimal("0.4544"), "tuition_in_state": 2474,
    },
    "mclennan": {
        "unitid": 226578, "name": "McLennan Community College", "city": "Waco", "state": "TX",
        "zip_code": "76708", "control": 1, "latitude": 31.58947, "longitude": -97.171228,
        "online_share": Decimal("0.4556"), "tuition_in_state": 4200,
    },
    "ccsf": {
        "unitid": 112190, "name": "City College of San Francisco", "city": "San Francisco", "state": "CA",
        "zip_code": "94112", "control": 1, "latitude": 37.725953, "longitude": -122.451155,
        "online_share": Decimal("0.2191"), "tuition_in_state": 1696,
    },
    "charter_oak": {
        "unitid": 128780, "name": "Charter Oak State College", "city": "New Britain", "state": "CT",
        "zip_code": "06051", "control": 1, "latitude": 41.666848, "longitude": -72.781239,
        "online_share": Decimal("1.0000"), "tuition_in_state": 8506,
    },
    "capella": {
        "unitid": 413413, "name": "Capella University", "city": "Minneapolis", "state": "MN",
        "zip_code": "55402", "control": 3, "latitude": 44.976286, "longitude": -93.268796,
        "online_share": Decimal("1.0000"), "tuition_in_state": 14436,
    },
    # Offers 51.0706 as a bachelor's (5) and a postbaccalaureate certificate (6) in C2024_A.
    "cincinnati": {
        "unitid": 201885, "name": "University of Cincinnati-Main Campus", "city": "Cincinnati", "state": "OH",
        "zip_code": "45221", "control": 1, "latitude": 39.131159, "longitude": -84.51428,
        "online_share": Decimal("0.2542"), "tuition_in_state": 13570,
    },
}  # fmt: skip


def cip(code: str = "51.0713") -> CipCode:
    obj, _ = CipCode.objects.get_or_create(code=code, defaults={"title": CIP_TITLES[code]})
    return obj


def institution(key: str = "sinclair", **overrides: Any) -> Institution:
    values = INSTITUTIONS[key] | overrides
    unitid = values.pop("unitid")
    obj, _ = Institution.objects.update_or_create(
        unitid=unitid, defaults=values | {"slug": f"{key.replace('_', '-')}-{unitid}"}
    )
    return obj


def program(
    school: str | Institution = "sinclair", code: str = "51.0713", award_level: int = 21, **kw: Any
) -> Program:
    """A program of a real school; pass the real (CIP, award level) it offers."""
    owner = school if isinstance(school, Institution) else institution(school)
    certifications = kw.pop("certifications", [])
    obj = Program(institution=owner, cip=cip(code), award_level=award_level, **kw)
    obj.save()
    if certifications:
        obj.certifications.set(
            Certification.objects.filter(code__in=certifications), through_defaults=CERTIFICATION_ENTRY
        )
    return obj


# What an admin records with a certification a program prepares for (the link is the page checked).
CERTIFICATION_ENTRY = {"source_url": "https://www.ahima.org/", "checked_on": datetime.date(2026, 11, 1)}


def institutional_accreditation(
    owner: Institution,
    agency: str = "Higher Learning Commission",
    *,
    granted_on: datetime.date | None = datetime.date(2010, 1, 1),
    ended_on: datetime.date | None = None,
) -> Accreditation:
    accreditor, _ = Accreditor.objects.get_or_create(
        name=agency,
        defaults={"kind": Accreditor.Kind.INSTITUTIONAL, "recognized_by": "U.S. Department of Education"},
    )
    return Accreditation.objects.create(
        accreditor=accreditor,
        scope=Accreditation.Scope.INSTITUTIONAL,
        institution=owner,
        granted_on=granted_on,
        ended_on=ended_on,
        source=Accreditation.Source.DAPIP,
        as_of=datetime.date(2020, 11, 1),
    )


def programmatic_accreditation(target: Program, short_name: str = "CAHIIM", **kw: Any) -> Accreditation:
    """What an admin enters for CAHIIM or PCAP: a date and a source link (here the accreditor's site)."""
    accreditor = Accreditor.objects.get(short_name=short_name)
    values = {
        "granted_on": datetime.date(2021, 5, 1),
        "source_url": accreditor.website,
        "as_of": datetime.date(2026, 11, 1),
    } | kw
    return Accreditation.objects.create(
        accreditor=accreditor,
        scope=Accreditation.Scope.PROGRAMMATIC,
        program=target,
        source=Accreditation.Source.ADMIN,
        **values,
    )


# Every (CIP, IPEDS award level) program the schools above reported in C2024_A for the CIP codes of
# CIP_TITLES, so a test can build a realistic catalog of a few dozen real programs.
REAL_PROGRAMS: dict[str, list[tuple[str, int]]] = {
    "sinclair": [("51.0701", 3), ("51.0707", 2), ("51.0707", 3), ("51.0707", 21), ("51.0713", 21),
                 ("51.0714", 21)],
    "terra": [("51.0701", 3), ("51.0706", 3), ("51.0707", 2), ("51.0707", 3), ("51.0713", 2), ("51.0713", 3)],
    "broward": [("51.0701", 3), ("51.0701", 21), ("51.0707", 2), ("51.0707", 3), ("51.0707", 21),
                ("51.0714", 2)],
    "valencia": [("51.0701", 20), ("51.0701", 21), ("51.0707", 2), ("51.0707", 3), ("51.0714", 2)],
    "mclennan": [("51.0707", 2), ("51.0707", 3), ("51.0707", 21)],
    "ccsf": [("51.0707", 2), ("51.0707", 3), ("51.0707", 21), ("51.0713", 2)],
    "charter_oak": [("51.0701", 5), ("51.0701", 7), ("51.0701", 21), ("51.0706", 2), ("51.0706", 5),
                    ("51.0707", 2), ("51.0713", 2), ("51.0713", 21)],
    "capella": [("51.0701", 4), ("51.0701", 5), ("51.0701", 6), ("51.0701", 7), ("51.0701", 17),
                ("51.0706", 4), ("51.0706", 5)],
}  # fmt: skip


def real_catalog() -> list[Program]:
    """All the REAL_PROGRAMS (45 programs at 8 schools), with nothing an admin would enter."""
    return [
        program(school, code, award) for school, offered in REAL_PROGRAMS.items() for code, award in offered
    ]
