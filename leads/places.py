"""US ZIP codes resolved offline, from the data bundled in the pinned `zipcodes` package.

`zipcodes.matching()` scans its whole table on every call (about 0.4 s), so the table is turned
into a dict once per process and every lookup after that is a dict access. Nothing is downloaded.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import zipcodes

ZIP_RE = re.compile(r"^([0-9]{5})(?:-?[0-9]{4})?$")
EARTH_RADIUS_MILES = 3958.8


class UnknownZip(ValueError):
    """The ZIP code is malformed or not in the bundled table; the message is shown to the visitor."""


@dataclass(frozen=True)
class ZipPlace:
    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float

    @property
    def label(self) -> str:
        return f"{self.city}, {self.state}"


@cache
def _table() -> dict[str, ZipPlace]:
    table: dict[str, ZipPlace] = {}
    for row in zipcodes.list_all():
        if not row.get("lat") or not row.get("long"):
            continue
        table[row["zip_code"]] = ZipPlace(
            zip_code=row["zip_code"],
            city=row["city"],
            state=row["state"],
            latitude=float(row["lat"]),
            longitude=float(row["long"]),
        )
    return table


def normalise_zip(raw: str) -> str:
    """The 5-digit ZIP in what the visitor typed (ZIP+4 accepted), or UnknownZip."""
    value = (raw or "").strip()
    found = ZIP_RE.match(value)
    if not found:
        raise UnknownZip("Enter a 5-digit US ZIP code, like 45402.")
    return found.group(1)


def lookup_zip(raw: str) -> ZipPlace:
    """The place of a US ZIP code; UnknownZip with a message for the visitor when there is none."""
    zip_code = normalise_zip(raw)
    place = _table().get(zip_code)
    if place is None:
        raise UnknownZip(f"We don't recognise the ZIP code {zip_code}. Check it and try again.")
    return place


def distance_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in miles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = math.radians(lat2 - lat1)
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def bounding_box(place: ZipPlace, miles: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min long, max long) around a place: a cheap SQL prefilter before haversine."""
    dlat = miles / 69.0
    dlon = miles / max(69.0 * math.cos(math.radians(place.latitude)), 1.0)
    return (place.latitude - dlat, place.latitude + dlat, place.longitude - dlon, place.longitude + dlon)
