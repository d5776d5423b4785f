"""The catalog import: every official file, loaded in one transaction, idempotently."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from ..choices import AWARD_LEVELS, SCORECARD_CREDENTIAL_LEVEL, Delivery, length_band_for
from ..models import (
    Accreditation,
    Accreditor,
    CatalogImport,
    CipCode,
    Institution,
    Occupation,
    Program,
    program_slug,
)
from .files import (
    ImportFileError,
    Row,
    cip6,
    ipeds_int,
    latitude,
    longitude,
    read_rows,
    required_int,
    us_date,
    website,
    zip5,
)

DEFAULT_DATA_DIR = Path(settings.BASE_DIR) / "programs" / "data"
DEFAULT_CIP_FAMILY = "51.07"
DAPIP_AS_OF = datetime.date(2020, 11, 1)
# ACICS lost federal recognition on 2022-08-19 (U.S. Department of Education decision);
# DAPIP's 2020 snapshot still lists its accreditations as current.
RECOGNITION_WITHDRAWN = {
    "Accrediting Council for Independent Colleges and Schools": datetime.date(2022, 8, 19),
}
DAPIP_STATUS = {
    "Accredited": Accreditation.Status.ACCREDITED,
    "Preaccredited": Accreditation.Status.PREACCREDITED,
    "Denied Accreditation": Accreditation.Status.DENIED,
}

Report = Callable[[str, int], None]


@dataclass(frozen=True)
class Sources:
    """Where each official file is; the defaults are the copies shipped in programs/data."""

    hd: Path
    completions: Path
    cip: Path
    distance: Path
    tuition: Path
    dapip: Path
    scorecard: Path
    bls: Path

    @classmethod
    def in_folder(cls, folder: Path) -> Sources:
        return cls(
            hd=folder / "ipeds" / "hd2024.csv.gz",
            completions=folder / "ipeds" / "c2024_a.csv.gz",
            cip=folder / "cip" / "CIPCode2020.csv",
            distance=folder / "ipeds" / "distance_education_fall2020_2024.csv",
            tuition=folder / "ipeds" / "tuition_fees_2023_24.csv",
            dapip=folder / "accreditation" / "dapip_accreditation_2020.csv.gz",
            scorecard=folder / "scorecard" / "fos_cip5107.csv",
            bls=folder / "bls" / "cip5107_soc_bls.csv",
        )

    def paths(self) -> list[Path]:
        return [getattr(self, name) for name in self.__dataclass_fields__]

    def checksum(self, scope: str) -> str:
        digest = hashlib.sha256(scope.encode())
        for path in self.paths():
            if not path.is_file():
                raise ImportFileError(path, None, "file not found")
            digest.update(path.read_bytes())
        return digest.hexdigest()


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {name: value for name, value in vars(self).items()}


@dataclass
class Summary:
    scope: str
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "counts": {name: c.as_dict() for name, c in self.counts.items()},
            "notes": self.notes,
        }


def _no_report(label: str, done: int) -> None:
    """The default progress callback: report nothing."""


def _counted(rows: Iterable[Row], label: str, report: Report) -> Iterator[Row]:
    done = 0
    for done, row in enumerate(rows, start=1):
        if done % 5000 == 0:
            report(label, done)
        yield row
    report(label, done)


def _upsert(
    model: type[models.Model],
    key: str,
    wanted: dict[Any, dict[str, Any]],
    counts: Counts,
    *,
    create_only: frozenset[str] = frozenset(),
) -> dict[Any, models.Model]:
    """Create or update `model` rows so that each key in `wanted` has those field values.

    Fields in `create_only` are set when a row is created and left alone afterwards (they may
    have been corrected by an admin). Returns every wanted row, keyed like `wanted`.
    """
    existing = model._default_manager.in_bulk(list(wanted), field_name=key) if wanted else {}
    to_create, to_update, fields_changed = [], [], set()
    for k, values in wanted.items():
        obj = existing.get(k)
        if obj is None:
            to_create.append(model(**{key: k}, **values))
            continue
        changed = [
            name for name, value in values.items() if name not in create_only and getattr(obj, name) != value
        ]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            to_update.append(obj)
            fields_changed.update(changed)
        else:
            counts.unchanged += 1
    if to_create:
        model._default_manager.bulk_create(to_create, batch_size=2000)
        counts.created += len(to_create)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(fields_changed), batch_size=2000)
        counts.updated += len(to_update)
    if to_create:
        existing = model._default_manager.in_bulk(list(wanted), field_name=key)
    return existing


def in_scope(code: str, scope: str | None) -> bool:
    return scope is None or code.startswith(scope)


def import_catalog(
    *,
    sources: Sources,
    cip_family: str | None = DEFAULT_CIP_FAMILY,
    report: Report = _no_report,
    dry_run: bool = False,
) -> Summary:
    """Load the catalog for one CIP family (or every program, with `cip_family=None`).

    Everything happens in one transaction: a bad file stops the import with an ImportFileError
    and the database stays as it was.
    """
    scope = cip_family or "all"
    summary = Summary(scope=scope)
    checksum = sources.checksum(scope)
    started = timezone.now()
    with transaction.atomic():
        titles = load_cip(sources.cip, summary, report)
        program_rows = read_completions(sources.completions, cip_family, titles, summary, report)
        unitids = {unitid for unitid, _cip, _award in program_rows}
        institutions = load_institutions(sources, unitids, summary, report)
        load_programs(program_rows, institutions, cip_family, summary, report)
        load_scorecard(sources.scorecard, cip_family, summary, report)
        load_dapip(sources.dapip, institutions, summary, report)
        load_occupations(sources.bls, titles, summary, report)
        CatalogImport.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            scope=scope,
            checksum=checksum,
            summary=summary.as_dict(),
        )
        if dry_run:
            transaction.set_rollback(True)
    return summary


def catalog_is_current(*, sources: Sources, cip_family: str | None) -> bool:
    """True when the last import loaded exactly these files with these options."""
    scope = cip_family or "all"
    last = CatalogImport.objects.filter(scope=scope).order_by("-started_at").first()
    return last is not None and last.checksum == sources.checksum(scope) and Program.objects.exists()


def load_cip(path: Path, summary: Summary, report: Report) -> dict[str, str]:
    """CIP 2020: every 6-digit code with its title (2- and 4-digit series headings are skipped)."""
    counts = summary.counts["CIP codes"]
    wanted: dict[str, dict[str, Any]] = {}
    with transaction.atomic():
        for row in _counted(read_rows(path, {"CIPCode", "CIPTitle", "CIPDefinition"}), "CIP codes", report):
            text = row["CIPCode"].strip("=").strip('"')
            if len(text.replace(".", "")) < 6:
                continue
            code = row.parse("CIPCode", cip6)
            title = row["CIPTitle"].rstrip(".").strip()
            if not title:
                raise row.error("CIPTitle is empty")
            wanted[code] = {"title": title[:200], "definition": row["CIPDefinition"]}
        if not wanted:
            raise ImportFileError(path, None, "no 6-digit CIP codes found")
        _upsert(CipCode, "code", wanted, counts)
    return {code: values["title"] for code, values in wanted.items()}


ProgramKey = tuple[int, str, int]


def read_completions(
    path: Path, cip_family: str | None, titles: dict[str, str], summary: Summary, report: Report
) -> dict[ProgramKey, int | None]:
    """IPEDS C_A: one program per unit id x CIP code x award level, first majors only."""
    counts = summary.counts["programs"]
    found: dict[ProgramKey, int | None] = {}
    lines: dict[ProgramKey, int] = {}
    unknown_cip: set[str] = set()
    rows = read_rows(path, {"UNITID", "CIPCODE", "MAJORNUM", "AWLEVEL", "CTOTALT"})
    for row in _counted(rows, "IPEDS completions", report):
        if row["CIPCODE"] == "99" or row["MAJORNUM"] != "1":
            continue  # the grand-total line, and second majors
        code = row.parse("CIPCODE", cip6)
        if not in_scope(code, cip_family):
            continue
        unitid = row.parse("UNITID", required_int)
        award = row.parse("AWLEVEL", required_int)
        if award not in AWARD_LEVELS:
            counts.skipped += 1
            continue
        if code not in titles:
            unknown_cip.add(code)
            counts.skipped += 1
            continue
        key = (unitid, code, award)
        if key in found:
            raise row.error(f"program {unitid} {code} award level {award} also appears on line {lines[key]}")
        found[key] = row.parse("CTOTALT", ipeds_int)
        lines[key] = row.line
    if unknown_cip:
        summary.notes.append(
            f"Skipped programs with CIP codes missing from CIP 2020: {', '.join(sorted(unknown_cip))}"
        )
    return found


def load_institutions(
    sources: Sources, unitids: set[int], summary: Summary, report: Report
) -> dict[int, Institution]:
    """IPEDS HD, with fall enrollment (distance education) and published tuition, for these unit ids."""
    counts = summary.counts["institutions"]
    enrollment = read_distance(sources.distance, report)
    tuition = read_tuition(sources.tuition, report)
    wanted: dict[int, dict[str, Any]] = {}
    required = {"UNITID", "INSTNM", "CITY", "STABBR", "ZIP", "WEBADDR", "CONTROL", "CYACTIVE", "CLOSEDAT",
                "LATITUDE", "LONGITUD"}  # fmt: skip
    with transaction.atomic():
        for row in _counted(read_rows(sources.hd, required), "IPEDS directory", report):
            unitid = row.parse("UNITID", required_int)
            if unitid not in unitids:
                continue
            name = row["INSTNM"]
            if not name:
                raise row.error("INSTNM (institution name) is empty")
            closed_on = row.parse("CLOSEDAT", us_date)
            total, online_only = enrollment.get(unitid, (None, None))
            in_state, out_of_state = tuition.get(unitid, (None, None))
            wanted[unitid] = {
                "name": name[:200],
                "slug": f"{slugify(name)[:200]}-{unitid}",
                "city": row["CITY"][:100],
                "state": row["STABBR"][:2].upper(),
                "zip_code": row.parse("ZIP", zip5),
                "website": website(row["WEBADDR"]),
                "control": row.parse("CONTROL", ipeds_int),
                "latitude": row.parse("LATITUDE", latitude),
                "longitude": row.parse("LONGITUD", longitude),
                "fall_enrollment": total,
                "online_share": (
                    (Decimal(online_only) / Decimal(total)).quantize(Decimal("0.0001"))
                    if total and online_only is not None
                    else None
                ),
                "tuition_in_state": in_state,
                "tuition_out_of_state": out_of_state,
                "active": row["CYACTIVE"] == "1" and closed_on is None,
                "closed_on": closed_on,
            }
        missing = unitids - set(wanted)
        if missing:
            counts.skipped += len(missing)
            summary.notes.append(f"{len(missing)} unit id(s) in completions are not in the IPEDS directory")
        return _upsert(Institution, "unitid", wanted, counts, create_only=frozenset({"slug"}))


def read_distance(path: Path, report: Report) -> dict[int, tuple[int | None, int | None]]:
    """Fall 2024 enrollment: total and exclusively distance, per unit id."""
    found = {}
    for row in _counted(
        read_rows(path, {"UnitID", "TOTAL_ENROLL_2024", "DE_ENROLL_2024"}), "distance education", report
    ):
        total = row.parse("TOTAL_ENROLL_2024", ipeds_int)
        online_only = row.parse("DE_ENROLL_2024", ipeds_int)
        if total is not None and online_only is not None and online_only > total:
            raise row.error(f"DE_ENROLL_2024 {online_only} is more than TOTAL_ENROLL_2024 {total}")
        found[row.parse("UnitID", required_int)] = (total, online_only)
    return found


def read_tuition(path: Path, report: Report) -> dict[int, tuple[int | None, int | None]]:
    """Published tuition and fees 2023-24: in-state and out-of-state, per unit id."""
    found = {}
    required = {"UnitID", "TUITION_FEES_INSTATE2023", "TUITION_FEES_2023_OUTSTATE"}
    for row in _counted(read_rows(path, required), "tuition", report):
        found[row.parse("UnitID", required_int)] = (
            row.parse("TUITION_FEES_INSTATE2023", ipeds_int),
            row.parse("TUITION_FEES_2023_OUTSTATE", ipeds_int),
        )
    return found


def load_programs(
    rows: dict[ProgramKey, int | None],
    institutions: dict[int, Institution],
    cip_family: str | None,
    summary: Summary,
    report: Report,
) -> None:
    counts = summary.counts["programs"]
    titles = dict(CipCode.objects.filter(code__in={cip for _u, cip, _a in rows}).values_list("code", "title"))
    in_scope_programs = Program.objects.only(
        "id", "institution_id", "cip_id", "award_level", "delivery", "delivery_confirmed",
        "length_months", "length_band", "completions", "active",
    )  # fmt: skip
    if cip_family:
        in_scope_programs = in_scope_programs.filter(cip__code__startswith=cip_family)
    existing = {(p.institution_id, p.cip_id, p.award_level): p for p in in_scope_programs}
    to_create, to_update = [], []
    seen: set[int] = set()
    with transaction.atomic():
        for done, ((unitid, cip, award), completions) in enumerate(rows.items(), start=1):
            if done % 5000 == 0:
                report("programs", done)
            institution = institutions.get(unitid)
            if institution is None:
                counts.skipped += 1
                continue
            delivery = Delivery.ONLINE if institution.fully_online else Delivery.NOT_REPORTED
            program = existing.get((institution.pk, cip, award))
            if program is None:
                credential, band, minimum = AWARD_LEVELS[award]
                to_create.append(
                    Program(
                        institution=institution,
                        cip_id=cip,
                        slug=program_slug(institution=institution, cip_title=titles[cip], award_level=award),
                        award_level=award,
                        credential_level=credential,
                        length_band=band,
                        minimum_education=minimum,
                        delivery=delivery,
                        completions=completions,
                    )
                )
                continue
            seen.add(program.pk)
            new = {
                "completions": completions,
                "active": True,
                "length_band": length_band_for(award_level=award, months=program.length_months),
            }
            if not program.delivery_confirmed:
                new["delivery"] = delivery
            if any(getattr(program, name) != value for name, value in new.items()):
                for name, value in new.items():
                    setattr(program, name, value)
                to_update.append(program)
            else:
                counts.unchanged += 1
        # Programs of this scope that IPEDS no longer reports stay in the database, unlisted.
        gone = [p for p in existing.values() if p.active and p.pk not in seen]
        for program in gone:
            program.active = False
        Program.objects.bulk_create(to_create, batch_size=2000)
        fields = ["completions", "active", "length_band", "delivery"]
        Program.objects.bulk_update(to_update + gone, fields, batch_size=2000)
        counts.created += len(to_create)
        counts.updated += len(to_update)
        counts.removed += len(gone)
        report("programs", len(rows))


def load_scorecard(path: Path, cip_family: str | None, summary: Summary, report: Report) -> None:
    """College Scorecard field of study: completers, earnings and debt per 4-digit CIP and credential.

    An empty figure is privacy-suppressed, never zero; a program without a row has no figures.
    """
    counts = summary.counts["College Scorecard figures"]
    figures: dict[tuple[int, str, int], dict[str, Any]] = {}
    required = {"unitid", "cip_code", "credential_level", "completers_count", "earnings_median_1yr",
                "earnings_median_4yr", "debt_median"}  # fmt: skip
    for row in _counted(read_rows(path, required), "College Scorecard", report):
        cip4 = row["cip_code"].replace(".", "")
        if not (len(cip4) == 4 and cip4.isdigit()):
            raise row.error(f"cip_code {row['cip_code']!r} is not a 4-digit CIP code")
        figures[(row.parse("unitid", required_int), cip4, row.parse("credential_level", required_int))] = {
            "outcomes_reported": True,
            "scorecard_completers": row.parse("completers_count", ipeds_int),
            "earnings_1yr": row.parse("earnings_median_1yr", ipeds_int),
            "earnings_4yr": row.parse("earnings_median_4yr", ipeds_int),
            "debt_median": row.parse("debt_median", ipeds_int),
        }
    blank = dict.fromkeys(["scorecard_completers", "earnings_1yr", "earnings_4yr", "debt_median"], None) | {
        "outcomes_reported": False
    }
    programs = Program.objects.select_related("institution").only(
        "id", "award_level", "cip_id", "institution__unitid", *blank
    )
    if cip_family:
        programs = programs.filter(cip__code__startswith=cip_family)
    changed = []
    with transaction.atomic():
        for program in programs:
            key = (
                program.institution.unitid,
                program.cip_id[:5].replace(".", ""),
                SCORECARD_CREDENTIAL_LEVEL[program.award_level],
            )
            values = figures.get(key, blank)
            if any(getattr(program, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(program, name, value)
                changed.append(program)
            elif values is not blank:
                counts.unchanged += 1
        Program.objects.bulk_update(changed, list(blank), batch_size=2000)
    counts.updated += len(changed)


def load_dapip(path: Path, institutions: dict[int, Institution], summary: Summary, report: Report) -> None:
    """Institutional accreditation from DAPIP (a November 2020 snapshot), for catalog institutions."""
    counts = summary.counts["institutional accreditations"]
    required = {"DapipId", "IpedsUnitIds", "LocationType", "AgencyName", "ProgramName",
                "AccreditationStatus", "AccreditationDate", "AccreditationEndDate"}  # fmt: skip
    records: dict[tuple[int, str, str, datetime.date | None], tuple[datetime.date | None, bool]] = {}
    for row in _counted(read_rows(path, required), "DAPIP accreditation", report):
        if row["ProgramName"] != "Institutional Accreditation":
            continue
        status = DAPIP_STATUS.get(row["AccreditationStatus"])
        if status is None:
            raise row.error(f"unknown AccreditationStatus {row['AccreditationStatus']!r}")
        agency = row["AgencyName"]
        if not agency:
            raise row.error("AgencyName is empty")
        granted = row.parse("AccreditationDate", us_date)
        ended = row.parse("AccreditationEndDate", us_date)
        main_campus = row["LocationType"] == "Institution"
        for text in row["IpedsUnitIds"].split(","):
            if not text.strip():
                continue
            try:
                unitid = required_int(text.strip())
            except ValueError:
                raise row.error(f"IpedsUnitIds {row['IpedsUnitIds']!r} is not a list of unit ids") from None
            if unitid not in institutions:
                continue
            key = (unitid, agency, status, granted)
            # The same record repeats for additional locations; the main campus row wins.
            if key not in records or (main_campus and not records[key][1]):
                records[key] = (ended, main_campus)

    with transaction.atomic():
        agencies = {agency for _u, agency, _s, _g in records}
        accreditors = _upsert(
            Accreditor,
            "name",
            {
                name: {
                    "kind": Accreditor.Kind.INSTITUTIONAL,
                    "recognized_by": "U.S. Department of Education",
                    "recognition_ended_on": RECOGNITION_WITHDRAWN.get(name),
                }
                for name in agencies
            },
            summary.counts["accreditors"],
        )
        existing = {
            (a.institution_id, a.accreditor_id, a.status, a.granted_on): a
            for a in Accreditation.objects.filter(source=Accreditation.Source.DAPIP)
        }
        keep, to_create, to_update = set(), [], []
        for (unitid, agency, status, granted), (ended, _main) in records.items():
            institution, accreditor = institutions[unitid], accreditors[agency]
            key = (institution.pk, accreditor.pk, status, granted)
            current = existing.get(key)
            if current is None:
                to_create.append(
                    Accreditation(
                        accreditor=accreditor,
                        scope=Accreditation.Scope.INSTITUTIONAL,
                        institution=institution,
                        status=status,
                        granted_on=granted,
                        ended_on=ended,
                        source=Accreditation.Source.DAPIP,
                        as_of=DAPIP_AS_OF,
                    )
                )
                continue
            keep.add(current.pk)
            if current.ended_on != ended:
                current.ended_on = ended
                to_update.append(current)
            else:
                counts.unchanged += 1
        Accreditation.objects.bulk_create(to_create, batch_size=2000)
        Accreditation.objects.bulk_update(to_update, ["ended_on"], batch_size=2000)
        stale = Accreditation.objects.filter(
            source=Accreditation.Source.DAPIP, institution_id__in=[i.pk for i in institutions.values()]
        ).exclude(pk__in=keep | {a.pk for a in to_create})
        counts.removed += stale.delete()[0]
    counts.created += len(to_create)
    counts.updated += len(to_update)


def _thousands(text: str) -> int | None:
    if text in {"", "*", "#"}:
        return None
    try:
        return round(float(text) * 1000)
    except ValueError:
        raise ValueError("is not a number of thousands") from None


def _decimal(text: str) -> Decimal | None:
    if text in {"", "*", "#"}:
        return None
    try:
        return Decimal(text)
    except ArithmeticError:
        raise ValueError("is not a number") from None


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
    for row in _counted(read_rows(path, required), "BLS occupations", report):
        soc = row["SOC2018Code"]
        if not (len(soc) == 7 and soc[2] == "-"):
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
        occupations = _upsert(Occupation, "soc_code", wanted, summary.counts["occupations"])
        for soc, occupation in occupations.items():
            occupation.cip_codes.set(links[soc])
