"""Cut the small test slices in this folder from the official files in programs/data.

Every data line is copied byte for byte from the official file (header included, HD's byte-order
mark included); nothing is edited. Run from the project folder: `python tests/programs/data/make_slices.py`.
The slices are stored uncompressed so they can be read in review; the tests gzip the two that
are gzipped in programs/data.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[3] / "programs" / "data"
TARGET = Path(__file__).resolve().parent

# Schools offering CIP 51.07 programs, each chosen for a quirk (see README.md).
FAMILY_SCHOOLS = {
    205470,  # Sinclair Community College: ZIP+4, web address without a scheme, suppressed debt
    128780,  # Charter Oak State College: every student exclusively online
    449445,  # Valley College of Medical Careers: CYACTIVE 1 but a CLOSEDAT date
    215293,  # University of Pittsburgh: 45.0199 and 45.9999 share the title "Social Sciences, Other"
    207342,  # University of Oklahoma-Health Sciences Center: doctor's professional practice (level 18)
    459994,  # Strayer University-Global Region: 18,615 of 18,620 students online, so not all
    149310,  # Taylor Business Institute: ACICS and HLC pre-accreditation ended, HLC current
    182148,  # Las Vegas College: its only institutional accreditation (ACICS) ended in 2017
    459514,  # Peloton College: ACICS with no end date in 2020
    490735,  # Peloton College (additional location row in DAPIP)
}
# Schools outside 51.07, for --all and --cip.
OTHER_SCHOOLS = {
    217235,  # Johnson & Wales University-Providence: DAPIP IpedsUnitIds "217235, 460349"
    460349,  # Johnson & Wales University-Online
    381370,  # two DAPIP rows for one NACCAS accreditation, one open and one ended
    437769,  # a COE accreditation open on the institution's row, ended on an additional location's
}
UNKNOWN_CIP_SCHOOL = 145707  # reports 49.0109, which is not in the CIP 2020 list
CLOSED_ONLY_IN_HD = {100937, 131098}  # CYACTIVE 3 (one with a CLOSEDAT date, one with -2)
SMALL_SCHOOLS = {128780, 449445, 149310, 182148, 459514, 490735, 381370, 437769}
CIP_HEADINGS = {"43", "45", "51", "51.07"}  # 43's definition has the unescaped quotes


def lines(path: Path) -> list[bytes]:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return raw.splitlines(keepends=True)


def record(line: bytes) -> list[str]:
    (values,) = list(csv.reader(io.StringIO(line.decode("utf-8-sig"))))
    return values


def cut(name: str, keep) -> list[list[str]]:
    """Write the header and the kept lines of `name`; return the kept records."""
    source = SOURCE / name
    all_lines = lines(source)
    header = record(all_lines[0])
    kept_lines, kept = [all_lines[0]], []
    for line in all_lines[1:]:
        values = dict(zip(header, record(line), strict=True))
        if keep(values):
            kept_lines.append(line)
            kept.append(values)
    target = TARGET / name.removesuffix(".gz")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"".join(kept_lines))
    return kept


def completions_row(values: dict[str, str]) -> bool:
    unitid, cip = int(values["UNITID"]), values["CIPCODE"]
    if unitid in SMALL_SCHOOLS or unitid in {381370, 437769}:
        return True
    if unitid in FAMILY_SCHOOLS:
        return cip.startswith("51.07") or cip == "99" or cip in {"45.0199", "45.9999"}
    if unitid in {217235, 460349}:
        return cip.startswith("52.09") or cip == "99"  # hospitality, which both offer
    return unitid == UNKNOWN_CIP_SCHOOL and cip == "49.0109"


def main() -> None:
    schools = FAMILY_SCHOOLS | OTHER_SCHOOLS
    programs = cut("ipeds/c2024_a.csv.gz", completions_row)
    codes = {values["CIPCODE"] for values in programs} - {"99"}
    bls = cut("bls/cip5107_soc_bls.csv", lambda v: v["CIP2020Code"] in codes)
    codes |= {values["CIP2020Code"] for values in bls}
    cut("cip/CIPCode2020.csv", lambda v: v["CIPCode"] in codes | CIP_HEADINGS)
    in_hd = schools | CLOSED_ONLY_IN_HD | {UNKNOWN_CIP_SCHOOL}
    cut("ipeds/hd2024.csv.gz", lambda v: int(v["UNITID"]) in in_hd)
    cut("ipeds/distance_education_fall2020_2024.csv", lambda v: int(v["UnitID"]) in schools)
    cut("ipeds/tuition_fees_2023_24.csv", lambda v: int(v["UnitID"]) in schools)
    cut("scorecard/fos_cip5107.csv", lambda v: int(v["unitid"]) in schools)
    cut(
        "accreditation/dapip_accreditation_2020.csv.gz",
        lambda v: any(int(u) in schools for u in v["IpedsUnitIds"].split(",") if u.strip()),
    )


if __name__ == "__main__":
    main()
