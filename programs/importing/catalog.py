"""The catalog import: every official file, loaded in one transaction, idempotently."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from ..choices import AWARD_LEVELS, Delivery, length_band_for
from ..models import Accreditation, CatalogImport, CipCode, Institution, Program, program_slug
from .accreditation import load_dapip
from .common import BATCH_SIZE, Report, Summary, batches, counted, insert_rows, no_report, upsert
from .files import (
    ImportFileError,
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
from .outcomes import NO_FIGURES, ScorecardKey, load_occupations, read_scorecard, scorecard_key

DEFAULT_DATA_DIR = Path(settings.BASE_DIR) / "programs" / "data"
DEFAULT_CIP_FAMILY = "51.07"


class ImportScopeError(Exception):
    """The options ask for something the files cannot give, such as a CIP family that does not exist."""


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
        """SHA-256 of the options, the files and the importer itself (a fixed importer re-imports)."""
        digest = hashlib.sha256(scope.encode())
        for path in self.paths():
            if not path.is_file():
                raise ImportFileError(path, None, "file not found")
            digest.update(path.read_bytes())
        for code in sorted(Path(__file__).parent.glob("*.py")):
            digest.update(code.read_bytes())
        return digest.hexdigest()


def in_scope(code: str, scope: str | None) -> bool:
    return scope is None or code.startswith(scope)


def import_catalog(
    *,
    sources: Sources,
    cip_family: str | None = DEFAULT_CIP_FAMILY,
    report: Report = no_report,
    dry_run: bool = False,
) -> Summary:
    """Load the catalog for one CIP family (or every program, with `cip_family=None`).

    Everything happens in one transaction, each load in its own savepoint: a bad file stops the
    import with an ImportFileError and the database stays as it was.
    """
    scope = cip_family or "all"
    summary = Summary(scope=scope)
    checksum = sources.checksum(scope)
    started = timezone.now()
    with transaction.atomic():
        titles = load_cip(sources.cip, summary, report)
        if cip_family and not any(code.startswith(cip_family) for code in titles):
            raise ImportScopeError(f"no CIP 2020 code starts with {cip_family}; see {sources.cip.name}.")
        program_rows = read_completions(sources.completions, cip_family, titles, summary, report)
        unitids = {unitid for unitid, _cip, _award in program_rows}
        institutions = load_institutions(sources, unitids, summary, report)
        figures = read_scorecard(sources.scorecard, report)
        load_programs(program_rows, institutions, titles, figures, cip_family, summary, report)
        del program_rows
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
    if not dry_run:
        _refresh_planner_statistics()
    return summary


def _refresh_planner_statistics() -> None:
    """Let the query planner see the new row counts: without statistics SQLite picks the wrong
    index for the catalog's filtered lists (0.5 s instead of 50 ms on the national catalog)."""
    tables = [model._meta.db_table for model in (Program, Institution, Accreditation, CipCode)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


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
        rows = read_rows(path, {"CIPCode", "CIPTitle", "CIPDefinition"}, stray_quotes=True)
        for row in counted(rows, "CIP codes", report):
            text = row["CIPCode"].strip("=").strip('"')
            if len(text.replace(".", "")) < 6:
                continue
            code = row.parse("CIPCode", cip6)
            title = row["CIPTitle"].rstrip(".").strip()
            if not title:
                raise row.error("CIPTitle is empty")
            wanted[code] = {"title": title[:200], "definition": row["CIPDefinition"]}
        if not wanted:
            raise ImportFileError(path, None, "no 6-digit CIP codes found; is this the CIP 2020 list?")
        upsert(CipCode, "code", wanted, counts)
    return {code: values["title"] for code, values in wanted.items()}


ProgramKey = tuple[int, str, int]


def read_completions(
    path: Path, cip_family: str | None, titles: dict[str, str], summary: Summary, report: Report
) -> dict[ProgramKey, int | None]:
    """IPEDS C_A: the completions of each program (unit id x CIP code x award level), first majors only."""
    counts = summary.counts["programs"]
    found: dict[ProgramKey, int | None] = {}
    unknown_cip: set[str] = set()
    canonical = {code: code for code in titles}  # one shared string per code, not one per row
    rows = read_rows(path, {"UNITID", "CIPCODE", "MAJORNUM", "AWLEVEL", "CTOTALT"})
    for row in counted(rows, "IPEDS completions", report):
        if row["CIPCODE"] == "99" or row["MAJORNUM"] != "1":
            continue  # the grand-total line of each school, and second majors
        code = row.parse("CIPCODE", cip6)
        if not in_scope(code, cip_family):
            continue
        unitid = row.parse("UNITID", required_int)
        award = row.parse("AWLEVEL", required_int)
        if award not in AWARD_LEVELS:
            raise row.error(f"AWLEVEL {award} is not an IPEDS award level")
        if code not in canonical:
            unknown_cip.add(code)
            counts.skipped += 1
            continue
        key = (unitid, canonical[code], award)
        if key in found:
            raise row.error(f"program {unitid} {code} award level {award} is listed twice")
        found[key] = row.parse("CTOTALT", ipeds_int)
    if unknown_cip:
        summary.notes.append(
            f"Skipped programs with CIP codes missing from CIP 2020: {', '.join(sorted(unknown_cip))}"
        )
    return found


def online_share(*, total: int | None, online_only: int | None) -> Decimal | None:
    """Share of students enrolled exclusively at a distance, rounded down.

    Rounded down so that 1 means every student: 19,999 of 20,000 must not round up to "all".
    """
    if not total or online_only is None:
        return None
    return (Decimal(online_only) / Decimal(total)).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)


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
        for row in counted(read_rows(sources.hd, required), "IPEDS directory", report):
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
                "online_share": online_share(total=total, online_only=online_only),
                "tuition_in_state": in_state,
                "tuition_out_of_state": out_of_state,
                # CYACTIVE 3 is closed; a CLOSEDAT date means closed (or closing) even when the
                # school still reported this year.
                "active": row["CYACTIVE"] == "1" and closed_on is None,
                "closed_on": closed_on,
            }
        missing = unitids - set(wanted)
        if missing:
            counts.skipped += len(missing)
            summary.notes.append(f"{len(missing)} unit id(s) in completions are not in the IPEDS directory")
        return upsert(Institution, "unitid", wanted, counts, create_only=frozenset({"slug"}))


def read_distance(path: Path, report: Report) -> dict[int, tuple[int | None, int | None]]:
    """Fall 2024 enrollment: total and exclusively distance, per unit id."""
    found = {}
    rows = read_rows(path, {"UnitID", "TOTAL_ENROLL_2024", "DE_ENROLL_2024"})
    for row in counted(rows, "distance education", report):
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
    for row in counted(read_rows(path, required), "tuition", report):
        found[row.parse("UnitID", required_int)] = (
            row.parse("TUITION_FEES_INSTATE2023", ipeds_int),
            row.parse("TUITION_FEES_2023_OUTSTATE", ipeds_int),
        )
    return found


def _slug_maker(titles: dict[str, str]) -> Callable[[Institution, str, int], str]:
    """program_slug, made unique where two CIP codes share a title (45.0199 and 45.9999 are both
    "Social Sciences, Other"): those codes carry the code itself in the slug."""
    by_slug: dict[str, list[str]] = {}
    for code, title in titles.items():
        by_slug.setdefault(slugify(title)[:120], []).append(code)
    shared = {code for codes in by_slug.values() if len(codes) > 1 for code in codes}

    def make(institution: Institution, cip: str, award: int) -> str:
        title = f"{titles[cip]} {cip}" if cip in shared else titles[cip]
        return program_slug(institution=institution, cip_title=title, award_level=award)

    return make


def load_programs(
    rows: dict[ProgramKey, int | None],
    institutions: dict[int, Institution],
    titles: dict[str, str],
    figures: dict[ScorecardKey, dict[str, Any]],
    cip_family: str | None,
    summary: Summary,
    report: Report,
) -> None:
    """Create or update one program per completions row, with its College Scorecard figures.

    Programs IPEDS no longer reports stay, unlisted. Existing programs are read as plain tuples
    and new ones written batch by batch, so `--all` (about 270,000 programs) needs little memory.
    """
    counts, outcome_counts = summary.counts["programs"], summary.counts["College Scorecard figures"]
    listing_fields = ["active", "length_band", "completions", "delivery"]
    fields = [*listing_fields, *NO_FIGURES]
    existing_programs = Program.objects.values_list(
        "institution_id", "cip_id", "award_level", "pk", "delivery_confirmed", "length_months", *fields
    )
    if cip_family:
        existing_programs = existing_programs.filter(cip__code__startswith=cip_family)
    # One small tuple per program, with repeated strings shared: about 270,000 of them under --all.
    shared: dict[str, str] = {}
    existing = {}
    for row in existing_programs.iterator(chunk_size=BATCH_SIZE):
        institution_id, cip, award, *rest = (shared.setdefault(v, v) if type(v) is str else v for v in row)
        existing[institution_id, cip, award] = tuple(rest)
    make_slug = _slug_maker(titles)
    to_create: list[dict[str, Any]] = []
    to_update: list[Program] = []
    seen: set[int] = set()

    def flush(*, final: bool = False) -> None:
        if to_create and (final or len(to_create) >= BATCH_SIZE):
            insert_rows(Program, to_create)
            to_create.clear()
        if to_update and (final or len(to_update) >= BATCH_SIZE):
            Program.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
            to_update.clear()

    with transaction.atomic():
        for done, ((unitid, cip, award), completions) in enumerate(rows.items(), start=1):
            if done % 5000 == 0:
                report("programs", done)
            institution = institutions.get(unitid)
            if institution is None:
                counts.skipped += 1
                continue
            # Per-program delivery is not published: only a school whose students are all
            # exclusively distance learners has programs that are online for certain.
            delivery = Delivery.ONLINE if institution.fully_online else Delivery.NOT_REPORTED
            outcome = figures.get(scorecard_key(unitid=unitid, cip=cip, award_level=award), NO_FIGURES)
            current = existing.get((institution.pk, cip, award))
            if current is None:
                credential, band, minimum = AWARD_LEVELS[award]
                to_create.append(
                    {
                        "institution_id": institution.pk,
                        "cip_id": cip,
                        "slug": make_slug(institution, cip, award),
                        "award_level": award,
                        "credential_level": credential,
                        "length_band": band,
                        "minimum_education": minimum,
                        "delivery": delivery,
                        "completions": completions,
                        **outcome,
                    }
                )
                counts.created += 1
                outcome_counts.created += outcome["outcomes_reported"]
                flush()
                continue
            pk, confirmed, months, *old_values = current
            old = dict(zip(fields, old_values, strict=True))
            seen.add(pk)
            new = {
                "active": True,
                "length_band": length_band_for(award_level=award, months=months),
                "completions": completions,
                # An admin-entered delivery stays, as do the months an admin entered.
                "delivery": old["delivery"] if confirmed else delivery,
                **outcome,
            }
            listing_changed = any(old[name] != new[name] for name in listing_fields)
            outcome_changed = any(old[name] != new[name] for name in NO_FIGURES)
            counts.updated += listing_changed
            counts.unchanged += not listing_changed
            if outcome_changed:
                if not new["outcomes_reported"]:
                    outcome_counts.removed += 1
                elif old["outcomes_reported"]:
                    outcome_counts.updated += 1
                else:
                    outcome_counts.created += 1
            elif new["outcomes_reported"]:
                outcome_counts.unchanged += 1
            if listing_changed or outcome_changed:
                to_update.append(Program(pk=pk, **new))
            flush()
        flush(final=True)
        # Programs of this scope that IPEDS no longer reports stay in the database, unlisted.
        gone = [pk for pk, _confirmed, _months, active, *_ in existing.values() if active and pk not in seen]
        for batch in batches(gone):
            Program.objects.filter(pk__in=batch).update(active=False)
        counts.removed += len(gone)
    report("programs", len(rows))
