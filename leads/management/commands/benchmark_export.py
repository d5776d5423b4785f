"""Measure the lead export against PostgreSQL's own COPY on a scratch database with a million rows.

    createdb -h 127.0.0.1 -U postgres export_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/export_bench
    python manage.py migrate && python manage.py import_catalog
    python manage.py benchmark_export            # --rows 1000000 by default
    dropdb -h 127.0.0.1 -U postgres export_bench

The people are synthetic and plainly so (names from a short fixed list, @example.com addresses,
192.0.2.x documentation addresses); the programs, schools and campaigns' targets are the real
catalog. Each measurement runs in its own process, so each peak memory figure is its own; each
export is rolled back afterwards, so every mode sends the same rows.
"""

from __future__ import annotations

import datetime
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
import zlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count, F

from leads import consent, exports
from leads.models import Lead, LeadExport, LeadRequest, Sponsor, Sponsorship
from programs.models import Institution

SPONSOR = "Benchmark sponsor (synthetic leads)"
SYNTHETIC = "bench-"  # the synthetic leads' submission tokens start with this
SINCE, UNTIL = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
MODES = {
    "copy_raw": "PostgreSQL COPY (SELECT ...) TO STDOUT, raw columns, read by psycopg (the limit)",
    "fast": "first export, COPY path: one statement marks every row and sends it, formatted in SQL",
    "orm": "first export, ORM path (values_list iterator + csv module): marks every row",
    "fast_resend": "re-send of the same rows, already exported: COPY path, one statement as above",
    "orm_resend": "re-send of the same rows, already exported: ORM path, marks every row as sent again",
}
FIRST_NAMES = ["Ana", "James", "María", "Wei", "Olivia", "Liam", "Sofía", "Noah", "Aisha", "Lucas"]
LAST_NAMES = ["Garcia", "Smith", "Nguyen", "Johnson", "Núñez", "Brown", "Kim", "Davis", "Okafor", "Miller"]
PLACES = [("45402", "Dayton", "OH"), ("33301", "Fort Lauderdale", "FL"), ("76708", "Waco", "TX")]
RAW_COLUMNS = (
    "lr.id, lr.created_at, p.name, c.title, i.name, i.unitid, s.name, lr.price, l.first_name, "
    "l.last_name, l.email, l.phone, l.zip_code, l.state, l.education_level, l.answers, "
    "l.consent_version, l.consented_at, l.ip_address, l.source_page, l.utm, lr.status"
)


class Command(BaseCommand):
    help = (
        "On a scratch PostgreSQL database (its name must contain 'bench' or 'scratch'), create --rows "
        "synthetic lead requests for real programs, then time PostgreSQL's own COPY of those rows, "
        "the export's COPY path and its ORM path, each in its own process: rows per second and peak "
        "memory side by side."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=1_000_000, help="Lead requests to create.")
        parser.add_argument("--modes", default=",".join(MODES), help="Comma-separated: " + ", ".join(MODES))
        parser.add_argument(
            "--tracemalloc", action="store_true", help="Also measure Python peak allocations."
        )
        parser.add_argument("--cleanup", action="store_true", help="Delete the synthetic rows at the end.")
        parser.add_argument(
            "--measure", choices=list(MODES), help="(internal) one measurement in this process."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("benchmark_export needs PostgreSQL (DATABASE_URL=postgres://...).")
        name = settings.DATABASES["default"]["NAME"]
        if "bench" not in name and "scratch" not in name:
            raise CommandError(
                f"benchmark_export writes {options['rows']:,} synthetic rows; point DATABASE_URL at a "
                f"scratch database whose name contains 'bench' or 'scratch' (not {name!r}), "
                "e.g. createdb export_bench."
            )
        if options["measure"]:
            self.stdout.write(json.dumps(measure(options["measure"], trace=options["tracemalloc"])))
            return
        modes = [m.strip() for m in options["modes"].split(",") if m.strip()]
        if unknown := set(modes) - MODES.keys():
            raise CommandError(f"Unknown modes: {', '.join(sorted(unknown))}.")
        self._ensure_rows(options["rows"])
        first = [m for m in modes if not m.endswith("_resend")]
        again = [m for m in modes if m.endswith("_resend")]
        results = {mode: self._run(mode, trace=options["tracemalloc"]) for mode in first}
        if again:
            export = self._export_for_real()  # so that the re-sends find the rows exported
            try:
                results |= {mode: self._run(mode, trace=options["tracemalloc"]) for mode in again}
            finally:
                self._unexport(export)
        self._report(results)
        if options["cleanup"]:
            self._delete_rows()
            self.stdout.write("Deleted the synthetic rows.")
        self.stdout.write(f"Drop the scratch database when done: dropdb {name}")

    # Data ------------------------------------------------------------------------------------------

    def _ensure_rows(self, wanted: int) -> None:
        sponsor = Sponsor.objects.filter(name=SPONSOR).first()
        have = LeadRequest.objects.filter(sponsorship__sponsor=sponsor).count() if sponsor else 0
        if have == wanted:
            self.stdout.write(f"Reusing {have:,} synthetic lead requests.")
            return
        if have:
            self._delete_rows()
        schools = list(
            Institution.objects.filter(programs__active=True)
            .annotate(n=Count("programs"))
            .order_by("-n", "unitid")
            .values_list("pk", flat=True)[:20]
        )
        if len(schools) < 2:
            raise CommandError("The catalog is empty: run `manage.py import_catalog` on this database first.")
        started = time.perf_counter()
        with transaction.atomic():
            sponsor = Sponsor.objects.create(name=SPONSOR)
            for pk in schools:
                Sponsorship.objects.create(
                    name=f"Benchmark campaign {pk}",
                    sponsor=sponsor,
                    institution_id=pk,
                    starts_on=SINCE,
                    ends_on=UNTIL,
                    price_per_lead="35.00",
                    daily_cap=10**9,
                    total_cap=10**9,
                )
            with connection.cursor() as cursor:
                self._insert(cursor, sponsor=sponsor, rows=wanted)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE leads_lead; ANALYZE leads_leadrequest")
        seconds = time.perf_counter() - started
        self.stdout.write(f"Created {wanted:,} synthetic lead requests in {seconds:.1f} s.")

    def _insert(self, cursor: Any, *, sponsor: Sponsor, rows: int) -> None:
        leads = (rows + 1) // 2  # two picked programs per lead
        text = consent.disclosure(
            school_names=["Sinclair Community College", "Terra State Community College"]
        )
        answers = wizard_answers()
        cursor.execute(
            """
            CREATE TEMP TABLE bench_program ON COMMIT DROP AS
            SELECT (row_number() OVER (ORDER BY p.id)) - 1 AS k, p.id AS program_id, s.id AS sponsorship_id
            FROM programs_program p JOIN leads_sponsorship s ON s.institution_id = p.institution_id
            WHERE s.sponsor_id = %s AND p.active
            """,
            [sponsor.pk],
        )
        cursor.execute("SELECT count(*) FROM bench_program")
        programs = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO leads_lead (created_at, status, submission_token, first_name, last_name, email,
                email_normalized, phone, zip_code, city, state, education_level, answers, consent_text,
                consent_version, consented_at, ip_address, user_agent, source_page, utm,
                global_privacy_control, contact_revoked_at)
            SELECT ts, 'new', 'bench-' || n, (%(first)s::text[])[1 + n %% 10],
                (%(last)s::text[])[1 + (n / 10) %% 10], 'bench.person' || n || '@example.com',
                'bench.person' || n || '@example.com',
                '+1' || (201 + n %% 700) || (200 + (n / 700) %% 800) || lpad((n %% 10000)::text, 4, '0'),
                (%(zips)s::text[])[1 + n %% 3], (%(cities)s::text[])[1 + n %% 3],
                (%(states)s::text[])[1 + n %% 3], 1 + n %% 5,
                %(answers)s::jsonb || jsonb_build_object('education', 1 + n %% 5),
                %(text)s, %(version)s, ts, ('192.0.2.' || (1 + n %% 254))::inet,
                'Mozilla/5.0 (synthetic benchmark)',
                CASE WHEN n %% 2 = 0 THEN '/guides/certified-coding-specialist/' ELSE '/programs/' END,
                CASE WHEN n %% 3 = 0 THEN '{}'::jsonb ELSE jsonb_build_object('utm_source', 'newsletter',
                    'utm_medium', 'email', 'utm_campaign', 'fall-' || n %% 4) END,
                false, CASE WHEN n %% 500 = 0 THEN ts + interval '1 day' END
            FROM generate_series(0, %(leads)s - 1) AS n,
                LATERAL (SELECT timestamptz '2026-10-01 04:00:00+00' + n * interval '2 seconds' AS ts) AS t
            """,
            {
                "first": FIRST_NAMES,
                "last": LAST_NAMES,
                "zips": [p[0] for p in PLACES],
                "cities": [p[1] for p in PLACES],
                "states": [p[2] for p in PLACES],
                "answers": json.dumps(answers),
                "text": text,
                "version": consent.VERSION,
                "leads": leads,
            },
        )
        cursor.execute(
            """
            INSERT INTO leads_leadrequest (lead_id, program_id, created_at, status, sponsorship_id, price)
            SELECT l.id, b.program_id, l.created_at,
                CASE WHEN (l.id + g.k) %% 97 = 0 THEN 'duplicate' WHEN (l.id + g.k) %% 89 = 0 THEN 'over_cap'
                    ELSE 'new' END,
                b.sponsorship_id, CASE WHEN (l.id + g.k) %% 97 = 0 THEN NULL ELSE 35.00 END
            FROM leads_lead l CROSS JOIN generate_series(0, 1) AS g(k)
            JOIN bench_program b ON b.k = (l.id * 2 + g.k) %% %(programs)s
            WHERE l.submission_token LIKE 'bench-%%'
            ORDER BY l.id, g.k
            LIMIT %(rows)s
            """,
            {"programs": programs, "rows": rows},
        )

    def _delete_rows(self) -> None:
        with transaction.atomic():
            LeadRequest.objects.filter(lead__submission_token__startswith=SYNTHETIC).delete()
            Lead.objects.filter(submission_token__startswith=SYNTHETIC).delete()
            Sponsorship.objects.filter(sponsor__name=SPONSOR).delete()
            Sponsor.objects.filter(name=SPONSOR).delete()

    # Measuring ---------------------------------------------------------------------------------------

    def _export_for_real(self) -> LeadExport:
        sponsor = Sponsor.objects.get(name=SPONSOR)
        outcome = exports.Outcome()
        spec = exports.sponsor_export(sponsor=sponsor, since=SINCE, until=UNTIL, via=LeadExport.Via.COMMAND)
        for _chunk in exports.stream_export(spec, outcome):
            pass
        self.stdout.write(f"Exported {outcome.rows:,} rows (committed) for the re-send measurements.")
        return outcome.export

    def _unexport(self, export: LeadExport) -> None:
        with transaction.atomic():
            LeadRequest.objects.filter(export=export).update(
                status=LeadRequest.Status.NEW, export=None, last_export=None
            )
            export.delete()

    def _run(self, mode: str, *, trace: bool) -> dict[str, Any]:
        result = self._measure_in_subprocess(mode, trace=False)
        if trace:  # a second run: tracemalloc slows Python down, so it is not timed
            result["trace_peak_mb"] = self._measure_in_subprocess(mode, trace=True)["trace_peak_mb"]
        return result

    def _measure_in_subprocess(self, mode: str, *, trace: bool) -> dict[str, Any]:
        with connection.cursor() as cursor:  # the previous run's rolled-back updates left dead rows
            cursor.execute("VACUUM ANALYZE leads_leadrequest")
        command = [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "benchmark_export",
            "--measure",
            mode,
        ]
        if trace:
            command.append("--tracemalloc")
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(), check=False)  # noqa: S603
        if done.returncode != 0:
            raise CommandError(f"Measuring {mode} failed:\n{done.stderr[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _report(self, results: dict[str, dict[str, Any]]) -> None:
        limit = results.get("copy_raw", {}).get("rows_per_s")
        self.stdout.write(
            f"\nPostgreSQL {connection.pg_version // 10000}, psycopg, Python {sys.version.split()[0]}"
        )
        header = f"{'mode':<11} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'vs COPY':>7} {'MB out':>7} "
        header += f"{'RSS peak':>9} {'RSS +':>7} {'py peak':>8}  what"
        self.stdout.write(header)
        for mode, r in results.items():
            ratio = f"{r['rows_per_s'] / limit:.2f}" if limit else "-"
            trace = f"{r['trace_peak_mb']:.1f}MB" if "trace_peak_mb" in r else "-"
            self.stdout.write(
                f"{mode:<11} {r['rows']:>9,} {r['seconds']:>8.2f} {r['rows_per_s']:>9,.0f} {ratio:>7} "
                f"{r['mb_out']:>7.1f} {r['rss_peak_mb']:>7.1f}MB {r['rss_growth_mb']:>5.1f}MB {trace:>8}  "
                f"{MODES[mode]}"
            )
            if "phases" in r:
                p = r["phases"]
                streaming = p["streaming"]
                rate = r["rows"] / streaming if streaming > 0 else 0
                versus = f", {rate / limit:.2f} of COPY" if limit else ""
                self.stdout.write(
                    f"{'':<11} of which marking (log row, UPDATE) {p['marking']:.2f} s; "
                    f"streaming (query and rows) {streaming:.2f} s = {rate:,.0f} rows/s{versus}"
                )
        for fast, orm in (("fast", "orm"), ("fast_resend", "orm_resend")):
            if fast in results and orm in results:
                same = (results[fast]["crc32"], results[fast]["mb_out"]) == (
                    results[orm]["crc32"],
                    results[orm]["mb_out"],
                )
                if same:
                    self.stdout.write(f"{fast} and {orm} wrote the same bytes (same length and CRC-32).")
                else:
                    self.stdout.write(self.style.ERROR(f"{fast} and {orm} wrote different bytes!"))


def _proc_status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _rss_now_and_reset_peak() -> int:
    """Resident memory now (kB), and the peak reset to it where Linux allows (clear_refs 5).

    getrusage's ru_maxrss would not do: after fork and exec it still counts the parent's peak."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass
    return _proc_status_kb("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _rss_peak() -> int:
    return _proc_status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def wizard_answers() -> dict[str, Any]:
    """What the wizard stores as answers (leads.matching.Answers.as_json), 11 keys."""
    from leads.matching import Answers

    return Answers(education=1, field="coding_billing", delivery="online", start="asap").as_json()


def measure(mode: str, *, trace: bool) -> dict[str, Any]:
    """One measurement in this process: rows, time, bytes and peak memory."""
    sponsor = Sponsor.objects.get(name=SPONSOR)
    selection = exports.sponsor_requests(sponsor=sponsor, since=SINCE, until=UNTIL)
    base = _rss_now_and_reset_peak()
    if trace:
        tracemalloc.start()
    size = crc = rows = 0
    stamps: list[float] = []
    started = time.perf_counter()
    if mode == "copy_raw":
        # The rows the export sends, joined the same way, the columns as stored: COPY's own speed.
        sent = selection.filter(exports.NEVER_SENT, exports.CONSENT_STANDS).order_by()
        ids_sql, params = sent.values(row_id=F("pk")).query.sql_with_params()
        statement = (
            f"COPY (SELECT {RAW_COLUMNS} FROM ({ids_sql}) AS sel {exports.copy_from()} "  # noqa: S608
            "ORDER BY lr.created_at, lr.id) TO STDOUT (FORMAT csv)"
        )
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(statement, params) as copy,
        ):
            for row in copy:
                size += len(row)
                rows += 1
    else:
        spec = exports.sponsor_export(
            sponsor=sponsor,
            since=SINCE,
            until=UNTIL,
            via=LeadExport.Via.COMMAND,
            use_copy=mode.startswith("fast"),
            resend=mode.endswith("_resend"),
        )
        outcome = exports.Outcome()
        with transaction.atomic():
            # Foreign keys are checked at commit; this run rolls back, so check them as it goes.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for chunk in exports.stream_export(spec, outcome):
                stamps.append(time.perf_counter())
                size += len(chunk)
                crc = zlib.crc32(chunk, crc)
            stamps.append(time.perf_counter())
            transaction.set_rollback(True)  # every mode sends the same rows
        rows = outcome.rows
    seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "rows": rows,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "mb_out": size / 1e6,
        "crc32": crc,
        "rss_peak_mb": _rss_peak() / 1024,
        "rss_growth_mb": (_rss_peak() - base) / 1024,
    }
    if stamps and outcome.marking_seconds is not None:  # the COPY path marks as it reads
        marking = outcome.marking_seconds
        result["phases"] = {"marking": marking, "streaming": stamps[-1] - stamps[0] - marking}
    if trace:
        result["trace_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return result
