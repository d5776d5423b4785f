"""Reading the official files: byte-order mark, stray quotes, line numbers, and the cell parsers."""

from __future__ import annotations

import datetime
import gzip
from pathlib import Path

import pytest

from programs.importing.files import (
    ImportFileError,
    cip6,
    ipeds_int,
    latitude,
    longitude,
    read_rows,
    us_date,
    website,
    zip5,
)
from tests.programs.data import SLICES, copy_slices, path_in, rewrite_slice


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_slices(tmp_path / "data")


def test_hd_byte_order_mark_is_dropped_from_the_first_column_name(data: Path) -> None:
    hd = path_in(data, "ipeds/hd2024.csv")
    assert gzip.decompress(hd.read_bytes()).startswith(b"\xef\xbb\xbfUNITID,")

    rows = list(read_rows(hd, {"UNITID", "INSTNM"}))

    assert "UNITID" in rows[0].values
    assert {row["UNITID"] for row in rows} >= {"205470", "128780"}


def test_rows_carry_their_physical_line_number(data: Path) -> None:
    rows = list(read_rows(path_in(data, "ipeds/c2024_a.csv"), {"UNITID"}))

    assert rows[0].line == 2
    assert rows[-1].line == len(rows) + 1


def test_unescaped_quotes_in_the_cip_file_are_read_as_quotes() -> None:
    """Line 19 of the slice (line 1518 of the official file) quotes a title inside a quoted field."""
    path = SLICES / "cip" / "CIPCode2020.csv"
    raw = path.read_bytes().decode("utf-8-sig").splitlines()[18]
    assert 'titled "Security and Protective Services" in the Canadian CIP.' in raw

    rows = {row["CIPCode"]: row for row in read_rows(path, {"CIPCode"}, stray_quotes=True)}

    assert rows["43"]["CIPDefinition"].endswith(
        'Note: this series is titled "Security and Protective Services" in the Canadian CIP.'
    )
    assert rows["43"]["CrossReferences"] == ""
    # The lines after it are read normally: the quote did not swallow the next record.
    assert rows["43.0100"]["CIPTitle"] == "Criminal Justice and Corrections, General."


def test_a_line_with_a_missing_field_is_named(data: Path) -> None:
    # Drop the last field of the third data line (line 4) of a real slice.
    def drop_field(content: bytes) -> bytes:
        lines = content.split(b"\n")
        lines[3] = lines[3].rsplit(b",", 1)[0]
        return b"\n".join(lines)

    path = rewrite_slice(data, "ipeds/tuition_fees_2023_24.csv", drop_field)

    with pytest.raises(ImportFileError) as error:
        list(read_rows(path, {"UnitID"}))

    assert str(error.value) == "tuition_fees_2023_24.csv, line 4: expected 4 fields, found 3"


def test_a_missing_column_says_it_may_be_the_wrong_file(data: Path) -> None:
    with pytest.raises(ImportFileError) as error:
        list(read_rows(path_in(data, "ipeds/tuition_fees_2023_24.csv"), {"UNITID", "CIPCODE"}))

    assert error.value.line == 1
    assert "missing column(s) CIPCODE, UNITID; is this the right file?" in str(error.value)


def test_a_byte_that_is_not_utf8_is_reported_with_its_line(data: Path) -> None:
    # Line 3 is Charter Oak State College; write its name in Latin-1 instead of UTF-8.
    path = rewrite_slice(
        data, "ipeds/hd2024.csv", lambda c: c.replace(b"Oak State College", b"Oak State Coll\xe8ge", 1)
    )

    with pytest.raises(ImportFileError) as error:
        list(read_rows(path, {"UNITID"}))

    assert error.value.line == 3
    assert str(error.value).startswith("hd2024.csv.gz, line 3: not UTF-8 text")


def test_a_broken_quoted_field_is_reported_with_its_line(data: Path) -> None:
    # Line 6 is Taylor Business Institute, whose quoted address holds a comma.
    address = b'"29 E Madison Street, Suite LL"'
    path = rewrite_slice(data, "ipeds/hd2024.csv", lambda c: c.replace(address, address + b"x", 1))

    with pytest.raises(ImportFileError) as error:
        list(read_rows(path, {"UNITID"}))

    assert error.value.line == 6
    assert "not valid CSV" in error.value.problem


def test_a_truncated_gzip_file_is_reported(data: Path) -> None:
    path = path_in(data, "ipeds/c2024_a.csv")
    path.write_bytes(path.read_bytes()[:200])

    with pytest.raises(ImportFileError) as error:
        list(read_rows(path, {"UNITID"}))

    assert str(error.value).startswith("c2024_a.csv.gz: cannot be read")


def test_an_empty_file_asks_for_a_header(data: Path) -> None:
    path = rewrite_slice(data, "ipeds/tuition_fees_2023_24.csv", lambda content: b"")

    with pytest.raises(ImportFileError, match=r"line 1: the file is empty; expected a header row"):
        list(read_rows(path, {"UnitID"}))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"^hd2024.csv.gz: file not found$"):
        list(read_rows(tmp_path / "hd2024.csv.gz", {"UNITID"}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("45402-1460", "45402"), ("06051", "06051"), ("021011234", "02101"), ("", "")],
)
def test_zip_plus_4_keeps_the_five_digit_zip(text: str, expected: str) -> None:
    assert zip5(text) == expected


@pytest.mark.parametrize("text", ["4540", "45402-14", "ABCDE"])
def test_a_malformed_zip_is_an_error(text: str) -> None:
    with pytest.raises(ValueError, match="is not a ZIP code"):
        zip5(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("www.sinclair.edu/", "https://www.sinclair.edu/"),
        ("ouhsc.edu/", "https://ouhsc.edu/"),
        ("https://www.charteroak.edu/", "https://www.charteroak.edu/"),
        ("http://www.example.edu", "http://www.example.edu"),
        ("", ""),
        ("-2", ""),
        ("not a web address", ""),
    ],
)
def test_web_addresses_get_a_scheme_and_unusable_ones_are_dropped(text: str, expected: str) -> None:
    assert website(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("-1", None), ("-2", None), ("-3", None), ("", None)])
def test_negative_ipeds_codes_mean_not_reported(text: str, expected: None) -> None:
    assert ipeds_int(text) is expected


@pytest.mark.parametrize(("text", "expected"), [("0", 0), ("4569", 4569), ("90882.0", 90882), ("0.0", 0)])
def test_whole_numbers_are_read(text: str, expected: int) -> None:
    assert ipeds_int(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12.5", "is not a whole number"),
        ("-7", "is negative"),
        ("twelve", "is not a number"),
        ("inf", "whole"),
    ],
)
def test_other_numbers_are_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ipeds_int(text)


def test_coordinates_may_be_genuinely_negative() -> None:
    # Sinclair Community College, Dayton OH, and American Samoa Community College (HD2024).
    assert longitude("-84.200628") == pytest.approx(-84.200628)
    assert latitude("-14.322636") == pytest.approx(-14.322636)
    assert longitude("-2") == -2.0  # a real longitude, not an IPEDS code
    with pytest.raises(ValueError, match="outside -90 to 90"):
        latitude("91")


def test_dates_in_ipeds_and_dapip_formats() -> None:
    assert us_date("07/30/2024") == datetime.date(2024, 7, 30)
    assert us_date("1/26/2018 12:00:00 AM") == datetime.date(2018, 1, 26)
    assert us_date("-2") is None
    with pytest.raises(ValueError, match="is not a date"):
        us_date("2024-07-30")


@pytest.mark.parametrize(
    ("text", "expected"), [("51.0713", "51.0713"), ("1.0101", "01.0101"), ('="51.0713"', "51.0713")]
)
def test_cip_codes_are_normalised(text: str, expected: str) -> None:
    assert cip6(text) == expected


def test_a_short_cip_code_is_an_error() -> None:
    with pytest.raises(ValueError, match="6-digit CIP code"):
        cip6("51.07")
