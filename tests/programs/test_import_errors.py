"""A malformed or wrong file stops the import with the file, line and problem, and changes nothing.

Each case corrupts a copy of a real slice in one place (a broken number, a dropped column, the
wrong file...). The database is compared before and after, both empty and after a previous import.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from programs.models import Accreditation, CatalogImport, Institution, Occupation, Program
from tests.programs.data import SLICES, copy_slices, path_in, read_slice, rewrite_slice
from tests.programs.test_import_catalog import edit_sinclair_coders, table_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_slices(tmp_path / "data")


def line_of(relative: str, needle: bytes) -> int:
    """The 1-based line of the slice on which `needle` first appears."""
    path = SLICES / relative
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in {relative}")


def replace(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(content: bytes) -> bytes:
        assert old in content, old
        return content.replace(old, new, 1)

    return change


def repeat_line(needle: bytes) -> Callable[[bytes], bytes]:
    def change(content: bytes) -> bytes:
        line = next(line for line in content.splitlines(keepends=True) if needle in line)
        return content + line

    return change


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    change: Callable[[bytes], bytes]
    message: str  # after "Import stopped, nothing was changed. "


def lines_in(relative: str) -> int:
    return len((SLICES / relative).read_bytes().splitlines())


SINCLAIR_CODERS = b"205470,51.0713,1,21,31,"
CODERS_LINE = line_of("ipeds/c2024_a.csv", SINCLAIR_CODERS)
SINCLAIR_LINE = line_of("ipeds/hd2024.csv", b",45402-1460,")
CODER_TITLE_LINE = line_of("cip/CIPCode2020.csv", b"Medical Insurance Coding Specialist/Coder.")
CASES = [
    Case(
        "completions: a broken number",
        "ipeds/c2024_a.csv",
        replace(SINCLAIR_CODERS, b"205470,51.0713,1,21,3x1,"),
        f"c2024_a.csv.gz, line {CODERS_LINE}: CTOTALT '3x1': is not a number",
    ),
    Case(
        "completions: a negative count that is not an IPEDS code",
        "ipeds/c2024_a.csv",
        replace(SINCLAIR_CODERS, b"205470,51.0713,1,21,-7,"),
        f"c2024_a.csv.gz, line {CODERS_LINE}: CTOTALT '-7': "
        "is negative and not an IPEDS code for 'not reported' (-1, -2, -3)",
    ),
    Case(
        "completions: a program listed twice",
        "ipeds/c2024_a.csv",
        repeat_line(SINCLAIR_CODERS),
        f"c2024_a.csv.gz, line {lines_in('ipeds/c2024_a.csv') + 1}: "
        "program 205470 51.0713 award level 21 is listed twice",
    ),
    Case(
        "completions: an unknown award level",
        "ipeds/c2024_a.csv",
        replace(SINCLAIR_CODERS, b"205470,51.0713,1,22,31,"),
        f"c2024_a.csv.gz, line {CODERS_LINE}: AWLEVEL 22 is not an IPEDS award level",
    ),
    Case(
        "completions: a column dropped",
        "ipeds/c2024_a.csv",
        lambda content: content.replace(b"UNITID,CIPCODE,MAJORNUM,AWLEVEL,", b"UNITID,CIPCODE,AWLEVEL,", 1),
        "c2024_a.csv.gz, line 1: missing column(s) MAJORNUM; is this the right file?",
    ),
    Case(
        "directory: the wrong file",
        "ipeds/hd2024.csv",
        lambda content: read_slice(SLICES, "ipeds/tuition_fees_2023_24.csv"),
        "hd2024.csv.gz, line 1: missing column(s) CITY, CLOSEDAT, CONTROL, CYACTIVE, INSTNM, LATITUDE, "
        "LONGITUD, STABBR, UNITID, WEBADDR, ZIP; is this the right file?",
    ),
    Case(
        "directory: a broken ZIP code",
        "ipeds/hd2024.csv",
        replace(b",45402-1460,", b",45402-14,"),
        f"hd2024.csv.gz, line {SINCLAIR_LINE}: ZIP '45402-14': is not a ZIP code",
    ),
    Case(
        "directory: a latitude out of range",
        "ipeds/hd2024.csv",
        replace(b",-84.200628,39.757598,", b",-84.200628,397.57598,"),
        f"hd2024.csv.gz, line {SINCLAIR_LINE}: LATITUDE '397.57598': is outside -90 to 90",
    ),
    Case(
        "distance education: more online students than students",
        "ipeds/distance_education_fall2020_2024.csv",
        replace(b"Charter Oak State College,2540,2540,", b"Charter Oak State College,2540,2541,"),
        f"distance_education_fall2020_2024.csv, line "
        f"{line_of('ipeds/distance_education_fall2020_2024.csv', b'Charter Oak')}: "
        "DE_ENROLL_2024 2541 is more than TOTAL_ENROLL_2024 2540",
    ),
    Case(
        "tuition: a field missing",
        "ipeds/tuition_fees_2023_24.csv",
        replace(b",8316,4569", b",8316"),
        f"tuition_fees_2023_24.csv, line {line_of('ipeds/tuition_fees_2023_24.csv', b',8316,4569')}: "
        "expected 4 fields, found 3",
    ),
    Case(
        "scorecard: a figure that is not whole",
        "scorecard/fos_cip5107.csv",
        replace(b",99.0,26932.0,", b",99.0,26932.5,"),
        f"fos_cip5107.csv, line {line_of('scorecard/fos_cip5107.csv', b',99.0,26932.0,')}: "
        "earnings_median_1yr '26932.5': is not a whole number",
    ),
    Case(
        "scorecard: a row repeated",
        "scorecard/fos_cip5107.csv",
        repeat_line(b",99.0,26932.0,"),
        f"fos_cip5107.csv, line {lines_in('scorecard/fos_cip5107.csv') + 1}: the same unitid, cip_code and "
        f"credential_level are on line {line_of('scorecard/fos_cip5107.csv', b',99.0,26932.0,')}",
    ),
    Case(
        "DAPIP: an unknown status",
        "accreditation/dapip_accreditation_2020.csv",
        replace(
            b"Institutional Accreditation,Preaccredited,2/21/2013",
            b"Institutional Accreditation,Provisional,2/21/2013",
        ),
        f"dapip_accreditation_2020.csv.gz, line "
        f"{line_of('accreditation/dapip_accreditation_2020.csv', b'Preaccredited,2/21/2013')}: "
        "unknown AccreditationStatus 'Provisional'",
    ),
    Case(
        "DAPIP: a date in another format",
        "accreditation/dapip_accreditation_2020.csv",
        replace(b"Accredited,2/23/2017 12:00:00 AM,", b"Accredited,2017-02-23,"),
        f"dapip_accreditation_2020.csv.gz, line "
        f"{line_of('accreditation/dapip_accreditation_2020.csv', b'Accredited,2/23/2017 12:00:00 AM,')}: "
        "AccreditationDate '2017-02-23': is not a date (M/D/YYYY)",
    ),
    Case(
        "DAPIP: a truncated file",
        "accreditation/dapip_accreditation_2020.csv",
        lambda content: content,  # truncated after gzip, below
        "dapip_accreditation_2020.csv.gz: cannot be read: Compressed file ended before the "
        "end-of-stream marker was reached",
    ),
    Case(
        "BLS, the last file loaded: a broken occupation code",
        "bls/cip5107_soc_bls.csv",
        replace(b",29-2072,", b",29-20X2,"),
        f"cip5107_soc_bls.csv, line {line_of('bls/cip5107_soc_bls.csv', b',29-2072,')}: "
        "SOC2018Code '29-20X2' is not a SOC code (NN-NNNN)",
    ),
    Case(
        "CIP: a title missing",
        "cip/CIPCode2020.csv",
        replace(b'"Medical Insurance Coding Specialist/Coder."', b'""'),
        f"CIPCode2020.csv, line {CODER_TITLE_LINE}: CIPTitle is empty",
    ),
    Case(
        "a file missing",
        "ipeds/distance_education_fall2020_2024.csv",
        lambda content: content,  # deleted, below
        "distance_education_fall2020_2024.csv: file not found",
    ),
]


def apply(data: Path, case: Case) -> None:
    path = rewrite_slice(data, case.file, case.change)
    if case.id == "DAPIP: a truncated file":
        path.write_bytes(path.read_bytes()[:-300])
    elif case.id == "a file missing":
        path.unlink()


def snapshot() -> dict[str, Any]:
    """Counts and the values the site shows, to compare before and after a failed import."""
    return {
        "counts": table_counts(),
        "imports": list(CatalogImport.objects.values_list("pk", "checksum")),
        "institutions": list(
            Institution.objects.order_by("unitid").values_list(
                "unitid", "name", "zip_code", "website", "online_share", "tuition_in_state", "active"
            )
        ),
        "programs": list(
            Program.objects.order_by("slug").values_list(
                "slug", "completions", "delivery", "length_band", "earnings_1yr", "debt_median", "active"
            )
        ),
        "accreditations": list(
            Accreditation.objects.order_by("pk").values_list(
                "institution__unitid", "accreditor__name", "status", "granted_on", "ended_on"
            )
        ),
        "occupations": list(
            Occupation.objects.order_by("soc_code").values_list("soc_code", "annual_median_wage")
        ),
    }


def run(data: Path) -> None:
    call_command("import_catalog", "--data-dir", str(data), stdout=io.StringIO())


def test_every_case_is_real_before_it_is_broken(data: Path) -> None:
    """The untouched slices import cleanly, so each failure below comes from its one change."""
    run(data)
    assert Program.objects.exists()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_bad_file_on_an_empty_database(data: Path, case: Case) -> None:
    before = snapshot()
    apply(data, case)

    with pytest.raises(CommandError) as error:
        run(data)

    assert str(error.value) == f"Import stopped, nothing was changed. {case.message}"
    assert snapshot() == before
    assert not Program.objects.exists()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_bad_file_after_a_previous_import(data: Path, case: Case) -> None:
    run(data)
    before = snapshot()
    assert before["counts"]["Program"] > 0
    # A valid change too, so a partial import would show.
    if case.file != "ipeds/c2024_a.csv":
        rewrite_slice(data, "ipeds/c2024_a.csv", edit_sinclair_coders)
    apply(data, case)

    with pytest.raises(CommandError) as error:
        run(data)

    assert str(error.value) == f"Import stopped, nothing was changed. {case.message}"
    assert snapshot() == before


def test_the_message_names_the_file_line_and_problem(data: Path) -> None:
    apply(data, CASES[0])

    with pytest.raises(CommandError) as error:
        run(data)

    message = str(error.value)
    assert "c2024_a.csv.gz" in message
    assert f"line {CODERS_LINE}" in message
    assert "CTOTALT '3x1': is not a number" in message
    assert path_in(data, "ipeds/c2024_a.csv").is_file()
