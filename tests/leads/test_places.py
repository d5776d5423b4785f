from __future__ import annotations

import time

import pytest

from leads import places
from leads.places import UnknownZip, distance_miles, lookup_zip


def test_zip_resolves_offline_to_city_state_and_location() -> None:
    place = lookup_zip("45402")

    assert (place.zip_code, place.city, place.state) == ("45402", "Dayton", "OH")
    assert place.latitude == pytest.approx(39.7563)
    assert place.longitude == pytest.approx(-84.1895)
    assert place.label == "Dayton, OH"


def test_zip_plus_four_and_spaces_are_accepted() -> None:
    assert lookup_zip(" 45402-1234 ").zip_code == "45402"
    assert lookup_zip("454021234").zip_code == "45402"


@pytest.mark.parametrize("raw", ["", "4540", "abcde", "45402-12", "4540\uff12", "45402\x00", "1" * 200])
def test_malformed_zip_is_a_clear_error(raw: str) -> None:
    with pytest.raises(UnknownZip, match="Enter a 5-digit US ZIP code"):
        lookup_zip(raw)


def test_unknown_zip_is_a_clear_error() -> None:
    with pytest.raises(UnknownZip, match="We don't recognise the ZIP code 00000"):
        lookup_zip("00000")


def test_the_table_is_loaded_once_per_process() -> None:
    lookup_zip("10001")
    start = time.perf_counter()
    for _ in range(1000):
        lookup_zip("94112")
    assert time.perf_counter() - start < 0.5
    assert places._table.cache_info().misses == 1


def test_distance_in_miles() -> None:
    dayton, cincinnati = lookup_zip("45402"), lookup_zip("45221")

    miles = distance_miles(dayton.latitude, dayton.longitude, cincinnati.latitude, cincinnati.longitude)

    assert 40 < miles < 55
    assert distance_miles(1.0, 2.0, 1.0, 2.0) == 0
